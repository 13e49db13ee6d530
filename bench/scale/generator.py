"""The rows of the scale data set, table by table, from one seed (`bench.scale.load` writes them).

Everything is deterministic (one seeded `random.Random`), so two runs with the same sizes
give the same rows and the benchmarks compare like with like. Rows are produced by
generators, so memory stays flat whatever the size: only compact per-row arrays
(`array.array`) of what later tables need (a post's author, time, group and counts) are kept.

Counters that the services keep denormalised (`Post.like_count`, `helpful_count`,
`comment_count`, `Comment.like_count`, `helpful_count`, `Circle.member_count`,
`MentorProfile.active_mentee_count`) are decided before the rows they count and the rows are
then written to match, so they are exact without a recount.

Fixed points the benchmarks rely on: member 1 (`bench-member`) is an adult medical student
with mentee preferences who follows exactly `bench_follows` members and belongs to three
groups; at least one public post has exactly 100 comments.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Role, VerificationStatus, minor_until_of
from accounts.specialties import SPECIALTIES
from bench.scale.pgcopy import text, timestamp
from bench.scale.sizes import (
    BENCH_HANDLE,
    BENCH_PASSWORD,
    BUSY_THREAD_COMMENTS,
    SPAN_DAYS,
    ScaleError,
    ScaleSize,
)
from bench.scale.vocabulary import (
    CLOSERS,
    COMMENTS,
    CONDITIONS,
    COUNTRIES,
    DRUGS,
    FIRST_NAMES,
    HASHTAGS,
    INSTITUTIONS,
    JOURNALS,
    LANGUAGE_SETS,
    LAST_NAMES,
    MIDDLES,
    OPENERS,
    TIME_ZONES,
    TOPIC_CIRCLES,
    TOPICS,
)


@dataclass(frozen=True)
class Rows:
    """One table's COPY lines, and the name its count has in the load report."""

    label: str
    table: str
    columns: Sequence[str]
    lines: Sequence[str]


def _zipf_cumulative(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


def _heavy_tail_counts(
    rng: random.Random, size: int, total: int, cap: Callable[[int], int]
) -> array:
    """`size` non-negative counts summing to exactly `total`, most small and a few large
    (Pareto), each within cap(index)."""
    counts = array("I", bytes(4 * size))
    if size == 0 or total == 0:
        return counts
    mean = total / size
    draws = [rng.paretovariate(1.5) - 1.0 for _ in range(size)]
    scale = mean / (sum(draws) / size)
    running = 0
    for index, draw in enumerate(draws):
        value = min(int(draw * scale + rng.random()), cap(index))
        counts[index] = value
        running += value
    del draws
    # Exact total: nudge random entries up or down, one at a time, within their caps.
    guard = 0
    while running != total and guard < 50 * size + 10 * abs(total):
        guard += 1
        index = rng.randrange(size)
        if running < total and counts[index] < cap(index):
            counts[index] += 1
            running += 1
        elif running > total and counts[index] > 0:
            counts[index] -= 1
            running -= 1
    return counts


class Generator:
    """Plans and formats the rows of every table from one seed, as COPY text lines.

    The order of the calls is the order of the load (`bench.scale.load.write_data_set`):
    each `plan_*` draws what later tables need, each `*_lines` yields one table's rows, and
    both draw from the one random stream, so calling them in another order gives other data."""

    def __init__(self, size: ScaleSize) -> None:
        if size.members < 20 or size.posts < 10:
            raise ScaleError("The scale data set needs at least 20 members and 10 posts.")
        self.size = size
        self.rng = random.Random(size.seed)
        self.now = time.time()
        self.start = self.now - SPAN_DAYS * 86_400
        self.password = make_password(BENCH_PASSWORD)
        self.roles: list[Role] = []
        self.verified = array("b")
        # Per member, their `User.minor_until` as a COPY value, copied onto each of their
        # posts and comments as the services do (set by `user_lines`, which draws birth years).
        self.minor_until: list[str] = []
        self.joined = array("d")
        self.specialty: list[str] = []
        self.ids = range(1, size.members + 1)
        # Zipf weights over a shuffled order: a few members are very popular or very active.
        self.popularity_cw: list[float] = []
        self.activity_cw: list[float] = []
        self.followees: list[int] = []
        self.circles: list[tuple[str, str, str, str, bool]] = []
        self.circle_members: list[list[int]] = []
        self.member_circles: dict[int, list[int]] = {}
        self.circle_private: list[bool] = []
        self.hashtag_count = 0
        # Per post (index = id - 1).
        self.post_author = array("i")
        self.post_time = array("d")
        self.post_circle = array("i")
        self.post_tags = array("h")
        self.post_likes = array("I")
        self.post_helpfuls = array("I")
        self.post_comments = array("I")
        # Per comment.
        self.comment_time = array("d")
        self.comment_post = array("i")
        self.comment_likes = array("I")
        self.comment_helpfuls = array("I")
        self.busy_post = 0

    # Sizes --------------------------------------------------------------------------

    def planned_rows(self) -> int:
        size = self.size
        # Follows, memberships and mentoring rows are estimates; the bar finishes exactly.
        return (
            size.members * 2
            + size.members * 42
            + size.members * 2
            + size.posts * 2
            + int(size.posts * 1.1)
            + size.comments
            + size.reactions
            + size.mentors * 6
            + size.members * 5
        )

    # Members ------------------------------------------------------------------------

    def plan_members(self) -> None:
        rng, members = self.rng, self.size.members
        role_mix = [
            (Role.PHYSICIAN, 25),
            (Role.RESIDENT, 10),
            (Role.MEDICAL_STUDENT, 25),
            (Role.PREMED, 25),
            (Role.HIGH_SCHOOL, 10),
            (Role.HEALTH_PROFESSIONAL, 5),
        ]
        population = [role for role, share in role_mix for _ in range(share)]
        specialties = list(SPECIALTIES)
        for member_id in range(1, members + 1):
            role = Role.MEDICAL_STUDENT if member_id == 1 else rng.choice(population)
            self.roles.append(role)
            clinician = role in (Role.PHYSICIAN, Role.RESIDENT)
            self.verified.append(1 if clinician and rng.random() < 0.75 else 0)
            self.joined.append(self.start - rng.random() * 365 * 86_400)
            wants_specialty = clinician or (role == Role.MEDICAL_STUDENT and rng.random() < 0.5)
            self.specialty.append(rng.choice(specialties) if wants_specialty else "")
        boost: dict[Role, float] = {
            Role.PHYSICIAN: 4.0,
            Role.RESIDENT: 2.0,
            Role.MEDICAL_STUDENT: 1.0,
        }
        order = list(range(1, members + 1))
        rng.shuffle(order)
        popularity = [0.0] * members
        activity = [0.0] * members
        for rank, member_id in enumerate(order):
            weight = boost.get(self.roles[member_id - 1], 0.6)
            popularity[member_id - 1] = weight / (rank + 1) ** 0.9
        rng.shuffle(order)
        for rank, member_id in enumerate(order):
            weight = boost.get(self.roles[member_id - 1], 0.8)
            activity[member_id - 1] = weight / (rank + 1) ** 0.7
        self.popularity_cw = list(itertools.accumulate(popularity))
        self.activity_cw = list(itertools.accumulate(activity))

    def _pick(self, cumulative: list[float], count: int) -> list[int]:
        return self.rng.choices(self.ids, cum_weights=cumulative, k=count)

    def user_lines(self) -> Iterator[str]:
        rng = self.rng
        today = datetime.datetime.now(datetime.UTC).date()
        year = today.year
        self.minor_until = []
        for member_id in self.ids:
            role = self.roles[member_id - 1]
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if member_id == 1:
                handle, name = BENCH_HANDLE, "Bench Member"
            else:
                handle = f"{first}-{last}-{member_id}".lower()[:30]
                name = f"Dr. {first} {last}" if role == Role.PHYSICIAN else f"{first} {last}"
            if role == Role.HIGH_SCHOOL:
                birth_year = str(year - rng.randint(14, 17))
            elif role == Role.PREMED:
                birth_year = str(year - rng.randint(19, 23))
            elif member_id == 1 or role == Role.MEDICAL_STUDENT:
                birth_year = str(year - rng.randint(23, 28))
            else:
                birth_year = str(year - rng.randint(27, 65)) if rng.random() < 0.6 else "\\N"
            until = minor_until_of(
                birth_year=None if birth_year == "\\N" else int(birth_year), role=role, today=today
            )
            self.minor_until.append("\\N" if until is None else until.isoformat())
            clinician = role in (Role.PHYSICIAN, Role.RESIDENT)
            if self.verified[member_id - 1]:
                status = VerificationStatus.VERIFIED
            elif clinician and rng.random() < 0.4:
                status = VerificationStatus.PENDING
            else:
                status = VerificationStatus.UNVERIFIED
            specialty = self.specialty[member_id - 1]
            topic = rng.choice(TOPICS)
            bio = f"{role.label} interested in {topic}. Ask me about {rng.choice(CONDITIONS)}."
            yield (
                "\t".join(
                    (
                        str(member_id),
                        self.password,
                        "f",
                        f"{handle}@scale.rounds.test",
                        handle,
                        text(name),
                        str(role),
                        birth_year,
                        str(status),
                        "t",
                        "f",
                        timestamp(self.joined[member_id - 1]),
                        "",
                        "",
                        "",
                        bio,
                        f"<p>{bio}</p>",
                        rng.choice(COUNTRIES),
                        str(year - rng.randint(-6, 30)) if role != Role.HIGH_SCHOOL else "\\N",
                        rng.choice(INSTITUTIONS),
                        '["' + topic.replace('"', "") + '"]',
                        rng.choice(LANGUAGE_SETS),
                        "",
                        "public" if rng.random() < 0.85 else "members",
                        "",
                        specialty,
                        rng.choice(TIME_ZONES),
                        "",
                        "",
                        "system",
                    )
                )
                + "\n"
            )

    USER_COLUMNS = (
        "id password is_superuser email handle display_name role birth_year "
        "verification_status is_active is_staff date_joined suspension_reason avatar_large "
        "avatar_small bio bio_html country graduation_year institution interests languages "
        "orcid profile_visibility region specialty time_zone training_stage website theme"
    ).split()

    # Follows ------------------------------------------------------------------------

    def follow_lines(self) -> Iterator[str]:
        rng, members = self.rng, self.size.members
        for member_id in self.ids:
            if member_id == 1:
                wanted = self.size.bench_follows
            else:
                wanted = min(int(rng.lognormvariate(math.log(25), 1.0)), 2000, members - 1)
            chosen: set[int] = set()
            while len(chosen) < wanted:
                for followee in self._pick(self.popularity_cw, (wanted - len(chosen)) * 2 + 4):
                    if followee != member_id:
                        chosen.add(followee)
                        if len(chosen) == wanted:
                            break
            if member_id == 1:
                self.followees = sorted(chosen)
            joined = self.joined[member_id - 1]
            for followee in chosen:
                moment = joined + rng.random() * (self.now - joined)
                yield f"{timestamp(moment)}\t{followee}\t{member_id}\n"

    # Groups -------------------------------------------------------------------------

    def plan_circles(self) -> int:
        """One group per specialty, then the topic groups (every fifth private); how many."""
        rows = [
            (slug, name, f"For everyone in or curious about {name.lower()}.", "specialty", False)
            for slug, name in SPECIALTIES.items()
        ]
        for index, (name, description) in enumerate(TOPIC_CIRCLES):
            slug = name.lower().replace(" ", "-").replace(",", "")
            rows.append((slug[:60], name, description, "topic", index % 5 == 4))
        self.circles = rows
        self.circle_private = [False] + [row[4] for row in rows]
        return len(rows)

    CIRCLE_COLUMNS = (
        "id slug name description kind is_private member_count created_at created_by_id"
    ).split()

    def circle_lines(self) -> Iterator[str]:
        """Each group made by a random physician; member counts are set after memberships."""
        creators = [i for i in self.ids if self.roles[i - 1] == Role.PHYSICIAN] or [1]
        for number, (slug, name, description, kind, private) in enumerate(self.circles, start=1):
            yield (
                f"{number}\t{slug}\t{name}\t{description}\t{kind}\t{'t' if private else 'f'}\t"
                f"0\t{timestamp(self.start)}\t{self.rng.choice(creators)}\n"
            )

    MEMBERSHIP_COLUMNS = ["status", "created_at", "circle_id", "member_id", "role"]

    def membership_lines(self) -> Iterator[str]:
        rng, circles = self.rng, len(self.circles)
        circle_cw = _zipf_cumulative(circles, 0.8)
        circle_ids = range(1, circles + 1)
        self.circle_members = [[] for _ in range(circles + 1)]
        for member_id in self.ids:
            joins = 3 if member_id == 1 else rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))
            chosen = set(rng.choices(circle_ids, cum_weights=circle_cw, k=joins))
            for circle_id in chosen:
                private = self.circle_private[circle_id]
                pending = private and member_id != 1 and rng.random() < 0.1
                if not pending:
                    self.circle_members[circle_id].append(member_id)
                    self.member_circles.setdefault(member_id, []).append(circle_id)
                moment = self.joined[member_id - 1] + rng.random() * 86_400 * 30
                yield (
                    f"{'pending' if pending else 'active'}\t{timestamp(moment)}\t{circle_id}\t"
                    f"{member_id}\tmember\n"
                )

    # Hashtags and campaigns ---------------------------------------------------------

    HASHTAG_COLUMNS = ["id", "name", "created_at"]

    def hashtag_lines(self) -> Iterator[str]:
        for number, name in enumerate(HASHTAGS, start=1):
            yield f"{number}\t{name}\t{timestamp(self.start)}\n"

    CAMPAIGN_COLUMNS = (
        "hashtag_id title description starts_on ends_on banner banner_alt created_at created_by_id"
    ).split()

    def campaign_lines(self) -> Iterator[str]:
        """One running campaign and two past ones, dated from today."""
        today = timezone.localdate()
        campaigns = [
            (HASHTAGS.index("sepsis") + 1, "Sepsis awareness month", -10, 20),
            (HASHTAGS.index("vaccines") + 1, "Vaccine questions answered", -200, -170),
            (HASHTAGS.index("mentalhealth") + 1, "Talk about mental health", -400, -380),
        ]
        for tag, title, start, end in campaigns:
            yield (
                f"{tag}\t{title}\tJoin the conversation and share what you know.\t"
                f"{today + datetime.timedelta(days=start)}\t"
                f"{today + datetime.timedelta(days=end)}\t\t\t{timestamp(self.start)}\t\\N\n"
            )

    # Posts --------------------------------------------------------------------------

    def plan_posts(self) -> None:
        rng, size = self.rng, self.size
        span = self.now - self.start
        # More recent posts are denser (the network grows): u ** 0.7 leans towards 1.
        times = sorted(self.start + span * rng.random() ** 0.7 for _ in range(size.posts))
        self.post_time = array("d", times)
        del times
        self.post_author = array("i", self._pick(self.activity_cw, size.posts))
        circles = array("i", bytes(4 * size.posts))
        for index in range(size.posts):
            if rng.random() < 0.06:
                joined = self.member_circles.get(self.post_author[index])
                if joined:
                    circles[index] = rng.choice(joined)
        self.post_circle = circles
        # The busy thread: a recent public post by the most followed physician.
        self.busy_post = size.posts - 1 - min(50, size.posts // 10)
        star = max(
            (i for i in self.ids if self.roles[i - 1] == Role.PHYSICIAN),
            key=lambda i: self.popularity_cw[i - 1] - (self.popularity_cw[i - 2] if i > 1 else 0),
        )
        self.post_author[self.busy_post] = star
        self.post_circle[self.busy_post] = 0
        members = size.members

        def pool(index: int) -> int:
            circle_id = self.post_circle[index]
            return len(self.circle_members[circle_id]) - 1 if circle_id else members - 1

        self.post_comments = _heavy_tail_counts(
            rng, size.posts, size.comments - BUSY_THREAD_COMMENTS, lambda index: 2000
        )
        self.post_comments[self.busy_post] = 0
        spare = [i for i in range(size.posts) if self.post_comments[i] > 0]
        # Keep the total exact after forcing the busy thread to zero, then set it to 100.
        deficit = size.comments - BUSY_THREAD_COMMENTS - sum(self.post_comments)
        for _ in range(deficit):
            self.post_comments[rng.choice(spare) if spare else 0] += 1
        self.post_comments[self.busy_post] = BUSY_THREAD_COMMENTS
        likes_total = size.post_reactions * 3 // 4
        self.post_likes = _heavy_tail_counts(rng, size.posts, likes_total, pool)
        self.post_helpfuls = _heavy_tail_counts(
            rng, size.posts, size.post_reactions - likes_total, pool
        )
        tags = array("h", [-1]) * (3 * size.posts)
        self.hashtag_count = len(HASHTAGS)
        tag_cw = _zipf_cumulative(self.hashtag_count, 1.0)
        tag_ids = range(self.hashtag_count)
        for index in range(size.posts):
            wanted = rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 3))
            chosen = list(dict.fromkeys(rng.choices(tag_ids, cum_weights=tag_cw, k=wanted)))
            for slot, tag_index in enumerate(chosen):
                tags[3 * index + slot] = tag_index
        self.post_tags = tags

    def _post_tags(self, index: int) -> list[str]:
        found = self.post_tags[3 * index : 3 * index + 3]
        return [HASHTAGS[tag] for tag in found if tag >= 0]

    def post_lines(self) -> Iterator[str]:
        rng = self.rng
        kinds = ["discussion"] * 10 + ["question"] * 5 + ["case"] * 2 + ["publication"] * 2
        kinds.append("event")
        for index in range(self.size.posts):
            post_id = index + 1
            topic, condition, drug = rng.choice(TOPICS), rng.choice(CONDITIONS), rng.choice(DRUGS)
            words = {"topic": topic, "condition": condition, "drug": drug}
            kind = "discussion" if index == self.busy_post else rng.choice(kinds)
            tags = self._post_tags(index)
            sentences = [rng.choice(OPENERS).format(**words)]
            sentences += [m.format(**words) for m in rng.sample(MIDDLES, rng.randint(1, 2))]
            closer = rng.choice(CLOSERS)
            first = " ".join(sentences)
            second = (closer + " " if closer else "") + " ".join(f"#{tag}" for tag in tags)
            body = first + ("\n\n" + second.strip() if second.strip() else "")
            html = f"<p>{first}</p>"
            if second.strip():
                links = " ".join(
                    f'<a href="/tags/{tag}/" class="hashtag">#{tag}</a>' for tag in tags
                )
                html += f"\n<p>{closer} {links}</p".rstrip() + ">"
            title = ""
            if kind in ("question", "case", "event") or rng.random() < 0.3:
                title = f"{topic[:1].upper()}{topic[1:]} and {condition}"
            doi = pmid = pub_title = journal = ""
            year = starts_at = duration = "\\N"
            if kind == "publication":
                doi = f"10.{1000 + index % 9000}/scale.{post_id}"
                pmid = str(30_000_000 + post_id)
                pub_title = f"Outcomes of {condition} managed with {drug}: a cohort study"
                journal = rng.choice(JOURNALS)
                year = str(2015 + index % 10)
            elif kind == "event":
                starts_at = timestamp(self.post_time[index] + rng.randint(1, 14) * 86_400)
                duration = str(rng.choice((30, 45, 60, 90)))
            circle_id = self.post_circle[index]
            if circle_id:
                visibility = "group"
            elif index == self.busy_post:
                visibility = "public"
            else:
                visibility = "members" if rng.random() < 0.22 else "public"
            created = self.post_time[index]
            deleted = timestamp(created + 3600) if rng.random() < 0.004 else "\\N"
            yield (
                "\t".join(
                    (
                        str(post_id),
                        kind,
                        text(title),
                        text(body),
                        text(html),
                        visibility,
                        doi,
                        pmid,
                        text(pub_title),
                        text(journal),
                        year,
                        starts_at,
                        duration,
                        timestamp(created),
                        deleted,
                        "",
                        str(self.post_likes[index]),
                        str(self.post_helpfuls[index]),
                        str(self.post_comments[index]),
                        str(self.post_author[index]),
                        self.minor_until[self.post_author[index] - 1],
                        str(circle_id) if circle_id else "\\N",
                        " ".join(tags),
                    )
                )
                + "\n"
            )

    POST_COLUMNS = (
        "id kind title body body_html visibility doi pmid pub_title journal year starts_at "
        "duration_minutes created_at deleted_at removal_reason like_count helpful_count "
        "comment_count author_id author_minor_until circle_id"
    ).split()

    def post_hashtag_lines(self) -> Iterator[str]:
        for index in range(self.size.posts):
            created = None
            for tag in self.post_tags[3 * index : 3 * index + 3]:
                if tag < 0:
                    continue
                created = created or timestamp(self.post_time[index])
                yield f"{created}\t{tag + 1}\t{index + 1}\n"

    # Comments and reactions ---------------------------------------------------------

    def _pool(self, index: int) -> Sequence[int]:
        circle_id = self.post_circle[index]
        return self.circle_members[circle_id] if circle_id else self.ids

    def _comment_lines(self) -> Iterator[str]:
        rng, size = self.rng, self.size
        total = size.comments
        self.comment_post = array("i", bytes(4 * total))
        self.comment_time = array("d", bytes(8 * total))
        comment_id = 0
        for index in range(size.posts):
            count = self.post_comments[index]
            if not count:
                continue
            pool = self._pool(index)
            moment = self.post_time[index]
            top_level: list[int] = []
            for _ in range(count):
                comment_id += 1
                moment = min(moment + rng.expovariate(1 / 3600.0), self.now - 1)
                parent = "\\N"
                if top_level and rng.random() < 0.3:
                    parent = str(rng.choice(top_level))
                else:
                    top_level.append(comment_id)
                words = {
                    "topic": rng.choice(TOPICS),
                    "condition": rng.choice(CONDITIONS),
                    "drug": rng.choice(DRUGS),
                }
                body = rng.choice(COMMENTS).format(**words)
                self.comment_post[comment_id - 1] = index
                self.comment_time[comment_id - 1] = moment
                author = rng.choice(pool)
                yield (
                    f"{comment_id}\t{body}\t<p>{body}</p>\t{timestamp(moment)}\t{{likes}}\t"
                    f"{{helpfuls}}\t{author}\t{self.minor_until[author - 1]}\t{parent}\t"
                    f"{index + 1}\t\n"
                )

    COMMENT_COLUMNS = (
        "id body body_html created_at like_count helpful_count author_id author_minor_until "
        "parent_id post_id removal_reason"
    ).split()

    def comment_lines(self) -> Iterable[str]:
        """The comment rows, each with its reaction counts, which are capped by the size of
        the comment's audience and so drawn after each comment's post is known."""
        if self.size.comments <= 50_000:
            lines = list(self._comment_lines())
            self._plan_comment_reactions()
            return self._fill_comment_counts(iter(lines))
        # Too many to hold: a first pass only records each comment's post, the reaction
        # counts are drawn, and the rows written come from a second pass.
        state = self.rng.getstate()
        for _ in self._comment_lines():
            pass
        self.rng.setstate(state)
        self._plan_comment_reactions()
        return self._fill_comment_counts(self._comment_lines())

    def _plan_comment_reactions(self) -> None:
        rng, size = self.rng, self.size

        def cap(index: int) -> int:
            return min(len(self._pool(self.comment_post[index])) - 1, 500)

        likes_total = size.comment_reactions * 4 // 5
        self.comment_likes = _heavy_tail_counts(rng, size.comments, likes_total, cap)
        self.comment_helpfuls = _heavy_tail_counts(
            rng, size.comments, size.comment_reactions - likes_total, cap
        )

    def _fill_comment_counts(self, lines: Iterator[str]) -> Iterator[str]:
        """The comment rows are made before their reaction counts are drawn (the caps need
        each comment's post); the counts are written in as each line goes out."""
        for index, line in enumerate(lines):
            yield line.replace("{likes}", str(self.comment_likes[index]), 1).replace(
                "{helpfuls}", str(self.comment_helpfuls[index]), 1
            )

    def reaction_lines(self) -> Iterator[str]:
        rng = self.rng
        for index in range(self.size.posts):
            pool = self._pool(index)
            author = self.post_author[index]
            created = self.post_time[index]
            for kind, count in (
                ("like", self.post_likes[index]),
                ("helpful", self.post_helpfuls[index]),
            ):
                if not count:
                    continue
                for member_id in self._sample(pool, count, author):
                    moment = min(created + rng.expovariate(1 / 7200.0), self.now - 1)
                    yield f"{kind}\t{timestamp(moment)}\t\\N\t{member_id}\t{index + 1}\n"
        for index in range(self.size.comments):
            pool = self._pool(self.comment_post[index])
            created = self.comment_time[index]
            for kind, count in (
                ("like", self.comment_likes[index]),
                ("helpful", self.comment_helpfuls[index]),
            ):
                if not count:
                    continue
                for member_id in self._sample(pool, count, -1):
                    moment = min(created + rng.expovariate(1 / 7200.0), self.now - 1)
                    yield f"{kind}\t{timestamp(moment)}\t{index + 1}\t{member_id}\t\\N\n"

    def _sample(self, pool: Sequence[int], count: int, author: int) -> list[int]:
        """`count` distinct members of `pool`, the author left out when possible."""
        chosen = self.rng.sample(pool, min(count + 1, len(pool)))
        if author in chosen:
            chosen.remove(author)
        return chosen[:count]

    # Notifications, mutes and blocks ------------------------------------------------

    def notification_lines(self, post_type: int) -> Iterator[str]:
        rng, posts = self.rng, self.size.posts
        kinds = ["comment", "follow", "reaction_digest", "reply", "mention"]
        for member_id in self.ids:
            count = 150 if member_id == 1 else min(int(rng.expovariate(1 / 5.0)), 200)
            for _ in range(count):
                kind = rng.choice(kinds)
                actor = rng.randrange(1, self.size.members + 1)
                created = self.now - rng.random() * 90 * 86_400
                read = timestamp(created + 3600) if rng.random() < 0.7 else "\\N"
                if kind == "follow":
                    target_type = target = "\\N"
                    url, title = "", "You have a new follower"
                else:
                    post_id = rng.randrange(1, posts + 1)
                    target_type, target = str(post_type), str(post_id)
                    url, title = f"/posts/{post_id}/", f"New {kind.replace('_', ' ')} on a post"
                yield (
                    f"{kind}\t{target}\t{title}\t{url}\t{timestamp(created)}\t{read}\t{actor}\t"
                    f"{member_id}\t{target_type}\t0\t\\N\t\t\\N\t\\N\tnot_needed\t\t\\N\t\t[]\n"
                )

    NOTIFICATION_COLUMNS = (
        "kind target_id title url created_at read_at actor_id recipient_id target_type_id "
        "email_attempts email_claimed_at email_claimed_by email_due_at email_sent_at "
        "email_status last_error digest_id group_key actor_ids"
    ).split()

    WALL_COLUMNS = {
        "accounts_mute": ["created_at", "muter_id", "muted_id"],
        "accounts_block": ["created_at", "blocker_id", "blocked_id"],
    }

    def wall_lines(self, table: str) -> Iterator[str]:
        """Mutes or blocks (`table`) between random members, and one by the bench member."""
        rng, members = self.rng, self.size.members
        seen: set[tuple[int, int]] = set()
        followed = set(self.followees)
        for _ in range(max(members // 20, 2)):
            first, second = rng.randrange(2, members + 1), rng.randrange(2, members + 1)
            if first == second or (first, second) in seen:
                continue
            seen.add((first, second))
            yield f"{timestamp(self.now - rng.random() * 86_400 * 100)}\t{first}\t{second}\n"
        # The bench member walls off one member they do not follow, and mutes another.
        others = [i for i in range(2, members + 1) if i not in followed]
        target = others[0 if table == "accounts_block" else 1]
        yield f"{timestamp(self.now - 86_400)}\t1\t{target}\n"
