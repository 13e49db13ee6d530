"""A national-size data set for PostgreSQL, streamed in with COPY: `seed_demo --scale`.

Everything is deterministic (one seeded `random.Random`), so two runs with the same sizes
give the same rows and the benchmarks compare like with like. Rows are produced by
generators and written in chunks, so memory stays flat whatever the size: only compact
per-row arrays (`array.array`) of what later tables need (a post's author, time, group and
counts) are kept.

Counters that the services keep denormalised (`Post.like_count`, `helpful_count`,
`comment_count`, `Comment.like_count`, `helpful_count`, `Circle.member_count`,
`MentorProfile.active_mentee_count`) are decided before the rows they count and the rows are
then written to match, so they are exact without a recount. Posts go through a temporary
table so their `search_vector` is computed by PostgreSQL (the same weights as
`posts.services`) in the one INSERT that stores them, leaving no dead rows behind.

Fixed points the benchmarks rely on: member 1 (`bench-member`) is an adult medical student
with mentee preferences who follows exactly `bench_follows` members and belongs to three
groups; at least one public post has exactly 100 comments.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import STUDENT_ROLES, Follow, Role, User, VerificationStatus
from accounts.specialties import SPECIALTIES
from mentoring.models import MentorProfile
from mentoring.vocabulary import Area, MeetingMode, Stage
from posts.models import Hashtag, Post, Visibility
from posts.services import SEARCH_CONFIG

BENCH_HANDLE = "bench-member"
BENCH_PASSWORD = "rounds-scale"
BUSY_THREAD_COMMENTS = 100
SPAN_DAYS = 730

# Tables the load writes, children first, for --force.
_TABLES = [
    "notifications_notification",
    "mentoring_mentorship",
    "mentoring_mentorrequest",
    "mentoring_menteepreferences",
    "mentoring_mentorprofile",
    "posts_reaction",
    "posts_comment",
    "posts_posthashtag",
    "posts_post",
    "posts_campaign",
    "posts_hashtag",
    "posts_membership",
    "posts_circle",
    "accounts_block",
    "accounts_mute",
    "accounts_follow",
    "account_emailaddress",
    "accounts_user",
]
# Bulk tables whose secondary indexes are dropped during the load and rebuilt after it
# (one sorted build beats millions of random inserts); primary keys and constraint
# indexes stay, foreign keys stay checked.
_REBUILT_INDEX_TABLES = [
    "posts_post",
    "posts_comment",
    "posts_reaction",
    "posts_posthashtag",
    "accounts_follow",
    "notifications_notification",
]


class ScaleError(Exception):
    """The data set cannot be loaded here (wrong database, or data already present)."""


@dataclass(frozen=True)
class ScaleSize:
    members: int = 20_000
    posts: int = 1_000_000
    comments: int = 1_200_000
    # Likes and helpfuls together; about five in six on posts, the rest on comments.
    reactions: int = 1_800_000
    mentors: int = 2_000
    seed: int = 20_250_601

    @property
    def bench_follows(self) -> int:
        return min(200, self.members // 2)

    @property
    def post_reactions(self) -> int:
        return self.reactions * 5 // 6

    @property
    def comment_reactions(self) -> int:
        return self.reactions - self.post_reactions


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --- Vocabulary --------------------------------------------------------------------------

FIRST_NAMES = (
    "Amara Ana Ben Chen Chioma Daniel Deepa Elena Fatima Gabriel Hana Ibrahim Isabel James "
    "Jia Jonah Kofi Laila Leah Lucas Maya Mei Miguel Nadia Noah Olivia Omar Priya Rafael Ravi "
    "Rosa Samuel Sara Tariq Tomas Uma Victor Wei Yara Yusuf Zara Aisha Diego Emeka Grace "
    "Hiro Ines Kavya Lena Marco Nia Paolo Quinn Rohan Sofia Thanh Vera"
).split()
LAST_NAMES = (
    "Adeyemi Alvarez Anand Baker Banerjee Castillo Chen Cohen Diallo Dubois Evans Fernandes "
    "Garcia Gupta Haddad Hernandez Ito Jensen Kaur Khan Kim Kowalski Lee Lopez Mensah Morales "
    "Nguyen Novak Okafor Olsen Patel Perez Rahman Reyes Rossi Santos Sato Schmidt Shah Silva "
    "Singh Smith Tanaka Torres Usman Wang Williams Wong Yilmaz Zhou Abara Brennan Cruz Delgado"
).split()
INSTITUTIONS = [
    "State University College of Medicine",
    "Riverside Community Hospital",
    "Lakeside Medical Center",
    "Northgate University",
    "Saint Luke's Teaching Hospital",
    "Eastfield College",
    "Hillview High School",
    "Bayside Academic Health System",
    "Mountain View Clinic",
    "Central Polytechnic",
]
COUNTRIES = ["US"] * 14 + ["CA", "CA", "GB", "GB", "IN", "NG", "PH", "MX", "AU", "IE"]
TIME_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Europe/London",
    "Asia/Kolkata",
    "Africa/Lagos",
    "Asia/Manila",
    "America/Mexico_City",
    "Australia/Sydney",
    "UTC",
]
LANGUAGE_SETS = ['["en"]'] * 12 + ['["en", "es"]', '["en", "fr"]', '["en", "hi"]', '["es"]']

CONDITIONS = (
    "sepsis pneumonia asthma diabetes hypertension anemia migraine stroke appendicitis "
    "pancreatitis cellulitis bronchiolitis eczema psoriasis gout lupus hypothyroidism "
    "arrhythmia endocarditis meningitis concussion osteoporosis scoliosis glaucoma "
    "cataracts depression anxiety delirium dementia epilepsy obesity malnutrition "
    "tuberculosis influenza dehydration preeclampsia jaundice hepatitis cirrhosis "
    "nephrolithiasis hyperkalemia hyponatremia anaphylaxis melanoma leukemia lymphoma"
).split()
TOPICS = [
    "heart failure",
    "atrial fibrillation",
    "chest pain",
    "shortness of breath",
    "acute kidney injury",
    "diabetic ketoacidosis",
    "pulmonary embolism",
    "septic shock",
    "the MCAT",
    "residency interviews",
    "personal statements",
    "research electives",
    "shadowing",
    "board exams",
    "night shifts",
    "patient handoffs",
    "informed consent",
    "point-of-care ultrasound",
    "antibiotic stewardship",
    "medical Spanish",
    "burnout",
    "the match",
    "away rotations",
    "clinical reasoning",
    "ECG interpretation",
    "fluid management",
    "pain management",
    "vaccine hesitancy",
    "telehealth",
    "breaking bad news",
]
DRUGS = (
    "metformin insulin lisinopril amlodipine atorvastatin heparin warfarin apixaban "
    "ceftriaxone vancomycin amoxicillin albuterol prednisone furosemide ondansetron "
    "acetaminophen ibuprofen naloxone epinephrine levothyroxine"
).split()
HASHTAGS = (
    "medstudent meded residency mcat premed cardiology emergencymedicine pediatrics "
    "surgery internalmedicine research wellness match2025 usmle step1 step2 "
    "publichealth globalhealth womeninmedicine firstgen mentorship ecg pocus "
    "criticalcare neurology oncology psychiatry dermatology radiology anesthesiology "
    "familymedicine infectiousdisease nephrology endocrinology gastroenterology "
    "orthopedics obgyn urology ophthalmology ent pathology geriatrics "
    "palliativecare sportsmedicine toxicology sepsis diabetes hypertension asthma "
    "vaccines antibiotics stewardship telehealth burnout nightshift clinicalpearls "
    "casereport journalclub evidencebasedmedicine statistics qualityimprovement "
    "patientsafety handoffs simulation anatomy physiology pharmacology biochemistry "
    "microbiology immunology genetics ethics humanities narrativemedicine "
    "healthequity ruralhealth lgbtqhealth disabilityinmedicine nutrition exercise "
    "sleep mentalhealth addiction harmreduction ultrasound airway trauma stroke "
    "heartfailure afib kidneyinjury dka pe shock fluids pain consent spanish "
    "interviews personalstatement shadowing volunteering gapyear applications "
    "scholarships debt matchday whitecoat anki studytips boards shelf rotations "
    "subinternship electives awayrotation erasmus internship chiefresident fellowship "
    "leadership advocacy policy"
).split()
TOPIC_CIRCLES = [
    ("MCAT study group", "Plans, practice tests and moral support for the MCAT."),
    ("First-generation in medicine", "For the first in their families to go into medicine."),
    ("Research beginners", "Finding a lab, reading papers, first abstracts."),
    ("Residency applications", "ERAS, letters, interviews and the rank list."),
    ("Wellbeing on the wards", "Sleep, food, friendships and asking for help."),
    ("Global health", "Working across borders and health systems."),
    ("Women in medicine", "Careers, negotiation and support."),
    ("Medical Spanish", "Practise clinical Spanish with colleagues."),
    ("Point-of-care ultrasound", "Images, pearls and training paths."),
    ("Journal club", "One paper a week, read together."),
    ("Rural medicine", "Practising and training far from big centres."),
    ("Medical humanities", "Writing, art and the stories of medicine."),
    ("High-school health careers", "What doctors do, and how to start."),
    ("Step 1 and Step 2", "Board preparation for medical students."),
    ("Quality improvement", "Small projects that make care safer."),
]
OPENERS = [
    "Quick question for the group about {topic}.",
    "A tip that helped me with {topic}:",
    "Does anyone have a good approach to {topic}?",
    "I keep seeing {condition} on my rotation and want to get better at it.",
    "Sharing what I learned this week about {condition}.",
    "Teaching point from today's rounds on {topic}.",
    "Three things I wish I had known earlier about {topic}.",
    "How do you explain {condition} to a worried family?",
]
MIDDLES = [
    "We talked through the differential and the first tests to order, and {drug} came up "
    "as a reasonable first step for {condition} in otherwise well adults.",
    "The attending reminded us to look at the whole patient, not only the labs, and to "
    "check for {condition} early when the story fits.",
    "What worked for me was a short checklist, spaced repetition, and asking seniors to "
    "quiz me on {topic} every morning.",
    "The guideline changed last year, so older resources on {topic} may be out of date.",
    "Residents: how do you balance {topic} with everything else on a busy night shift?",
    "For students, shadowing a clinic that sees a lot of {condition} is the fastest way to "
    "understand it.",
    "Watch the dose of {drug} in kidney disease; it caught a colleague out with {condition}.",
    "A structured handoff with a clear plan for {condition} saved us time overnight.",
]
CLOSERS = [
    "Happy to share my notes.",
    "Would love to hear how others do it.",
    "Any reading suggestions welcome.",
    "Thanks in advance!",
    "Hope this helps someone.",
    "Let me know if I have missed something.",
    "",
]
COMMENTS = [
    "Great point about {topic}, thank you.",
    "We do something similar for {condition} on our service.",
    "I would add a repeat lactate if you suspect sepsis.",
    "This is really helpful for my {topic} prep.",
    "Could you share the guideline you mentioned?",
    "Agree. Start {drug} early and reassess.",
    "As a pre-med this is so useful to read.",
    "Our attending says the same about {condition}.",
    "Saving this for my next rotation.",
    "Careful with {drug} in older patients.",
]
JOURNALS = [
    "The New England Journal of Medicine",
    "The Lancet",
    "JAMA",
    "BMJ",
    "Annals of Internal Medicine",
    "Academic Medicine",
    "Medical Education",
    "Pediatrics",
    "Circulation",
    "Critical Care Medicine",
]


# --- Progress ----------------------------------------------------------------------------


class Progress:
    """One line on stderr: phase, rows done of the total, rate and time left."""

    def __init__(self, total: int, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.monotonic()
        self.last_shown = 0.0
        self.phase = ""

    def start(self, phase: str) -> None:
        self.phase = phase
        self.show(force=True)

    def add(self, rows: int) -> None:
        self.done += rows
        self.show()

    def show(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.quiet or (not force and now - self.last_shown < 0.5):
            return
        self.last_shown = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\r[{bar:<30}] {share:6.1%} {self.done:>10,}/{self.total:,} rows "
            f"{rate:>9,.0f}/s  {_clock(elapsed)} elapsed, ~{_clock(left)} left  {self.phase:<28}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self.show(force=True)
        if not self.quiet:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:d}:{secs:02d}"


# --- COPY --------------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _ts(seconds: float) -> str:
    return (_EPOCH + datetime.timedelta(seconds=seconds)).isoformat()


def _copy(table: str, columns: Sequence[str], lines: Iterable[str], progress: Progress) -> int:
    """COPY pre-formatted text lines (tab-separated, escaped, newline-terminated) into table.

    Lines are joined and sent in chunks of a few thousand, so memory holds one chunk."""
    written = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= 5000:
                copy.write("".join(chunk))
                written += len(chunk)
                progress.add(len(chunk))
                chunk.clear()
        if chunk:
            copy.write("".join(chunk))
            written += len(chunk)
            progress.add(len(chunk))
    return written


def _execute(sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _fetch_value(sql: str, params: Sequence[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


# --- The generator -----------------------------------------------------------------------

_VIS_PUBLIC, _VIS_MEMBERS, _VIS_GROUP = 0, 1, 2
_VISIBILITY = ("public", "members", "group")


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
    """Builds the rows of every table from one seed; `load()` writes them."""

    def __init__(
        self,
        size: ScaleSize,
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        keep_indexes: bool = False,
    ):
        if size.members < 20 or size.posts < 10:
            raise ScaleError("The scale data set needs at least 20 members and 10 posts.")
        self.size = size
        self.rng = random.Random(size.seed)
        self.stream = stream
        self.quiet = quiet
        self.keep_indexes = keep_indexes
        self.now = time.time()
        self.start = self.now - SPAN_DAYS * 86_400
        self.password = make_password(BENCH_PASSWORD)
        self.roles: list[str] = []
        self.verified = array("b")
        self.minor = array("b")
        self.joined = array("d")
        self.specialty: list[str] = []
        # Zipf weights over a shuffled order: a few members are very popular or very active.
        self.popularity_cw: list[float] = []
        self.activity_cw: list[float] = []
        self.followees: list[int] = []
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

    def _plan_members(self) -> None:
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
            self.minor.append(1 if role == Role.HIGH_SCHOOL else 0)
            self.joined.append(self.start - rng.random() * 365 * 86_400)
            wants_specialty = clinician or (role == Role.MEDICAL_STUDENT and rng.random() < 0.5)
            self.specialty.append(rng.choice(specialties) if wants_specialty else "")
        boost = {Role.PHYSICIAN: 4.0, Role.RESIDENT: 2.0, Role.MEDICAL_STUDENT: 1.0}
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
        self.ids = range(1, members + 1)

    def _pick(self, cumulative: list[float], count: int) -> list[int]:
        return self.rng.choices(self.ids, cum_weights=cumulative, k=count)

    def _user_lines(self) -> Iterator[str]:
        rng = self.rng
        year = datetime.datetime.now(datetime.UTC).year
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
                        _text(name),
                        str(role),
                        birth_year,
                        str(status),
                        "t",
                        "f",
                        _ts(self.joined[member_id - 1]),
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
                    )
                )
                + "\n"
            )

    USER_COLUMNS = (
        "id password is_superuser email handle display_name role birth_year "
        "verification_status is_active is_staff date_joined suspension_reason avatar_large "
        "avatar_small bio bio_html country graduation_year institution interests languages "
        "orcid profile_visibility region specialty time_zone training_stage website"
    ).split()

    # Follows ------------------------------------------------------------------------

    def _follow_lines(self) -> Iterator[str]:
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
                yield f"{_ts(moment)}\t{followee}\t{member_id}\n"

    # Groups -------------------------------------------------------------------------

    def _circle_rows(self) -> list[tuple[str, str, str, str, bool]]:
        rows = [
            (slug, name, f"For everyone in or curious about {name.lower()}.", "specialty", False)
            for slug, name in SPECIALTIES.items()
        ]
        for index, (name, description) in enumerate(TOPIC_CIRCLES):
            slug = name.lower().replace(" ", "-").replace(",", "")
            rows.append((slug[:60], name, description, "topic", index % 5 == 4))
        return rows

    def _membership_lines(self, circles: int) -> Iterator[str]:
        rng = self.rng
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
                    f"{'pending' if pending else 'active'}\t{_ts(moment)}\t{circle_id}\t"
                    f"{member_id}\tmember\n"
                )

    # Posts --------------------------------------------------------------------------

    def _plan_posts(self) -> None:
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

    def _post_lines(self) -> Iterator[str]:
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
                starts_at = _ts(self.post_time[index] + rng.randint(1, 14) * 86_400)
                duration = str(rng.choice((30, 45, 60, 90)))
            circle_id = self.post_circle[index]
            if circle_id:
                visibility = "group"
            elif index == self.busy_post:
                visibility = "public"
            else:
                visibility = "members" if rng.random() < 0.22 else "public"
            created = self.post_time[index]
            deleted = _ts(created + 3600) if rng.random() < 0.004 else "\\N"
            yield (
                "\t".join(
                    (
                        str(post_id),
                        kind,
                        _text(title),
                        _text(body),
                        _text(html),
                        visibility,
                        doi,
                        pmid,
                        _text(pub_title),
                        _text(journal),
                        year,
                        starts_at,
                        duration,
                        _ts(created),
                        deleted,
                        "",
                        str(self.post_likes[index]),
                        str(self.post_helpfuls[index]),
                        str(self.post_comments[index]),
                        str(self.post_author[index]),
                        str(circle_id) if circle_id else "\\N",
                        " ".join(tags),
                    )
                )
                + "\n"
            )

    POST_COLUMNS = (
        "id kind title body body_html visibility doi pmid pub_title journal year starts_at "
        "duration_minutes created_at deleted_at removal_reason like_count helpful_count "
        "comment_count author_id circle_id"
    ).split()

    def _post_hashtag_lines(self) -> Iterator[str]:
        for index in range(self.size.posts):
            created = None
            for tag in self.post_tags[3 * index : 3 * index + 3]:
                if tag < 0:
                    continue
                created = created or _ts(self.post_time[index])
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
                yield (
                    f"{comment_id}\t{body}\t<p>{body}</p>\t{_ts(moment)}\t{{likes}}\t"
                    f"{{helpfuls}}\t{rng.choice(pool)}\t{parent}\t{index + 1}\t\n"
                )

    COMMENT_COLUMNS = (
        "id body body_html created_at like_count helpful_count author_id parent_id post_id "
        "removal_reason"
    ).split()

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

    def _reaction_lines(self) -> Iterator[str]:
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
                    yield f"{kind}\t{_ts(moment)}\t\\N\t{member_id}\t{index + 1}\n"
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
                    yield f"{kind}\t{_ts(moment)}\t{index + 1}\t{member_id}\t\\N\n"

    def _sample(self, pool: Sequence[int], count: int, author: int) -> list[int]:
        """`count` distinct members of `pool`, the author left out when possible."""
        chosen = self.rng.sample(pool, min(count + 1, len(pool)))
        if author in chosen:
            chosen.remove(author)
        return chosen[:count]

    # Mentoring ----------------------------------------------------------------------

    def _mentoring(self, progress: Progress) -> dict[str, int]:
        rng, size = self.rng, self.size
        clinicians = [
            i for i in self.ids if self.verified[i - 1] and self.roles[i - 1] != Role.HIGH_SCHOOL
        ]
        rng.shuffle(clinicians)
        mentors = sorted(clinicians[: size.mentors])
        students = [i for i in self.ids if self.roles[i - 1] in STUDENT_ROLES]
        mentees = sorted({1, *rng.sample(students, min(len(students), len(students) * 2 // 5))})
        areas, stages = list(Area.values), list(Stage.values)
        modes = list(MeetingMode.values)
        capacity = {mentor: rng.randint(1, 6) for mentor in mentors}
        active = dict.fromkeys(mentors, 0)

        request_lines: list[str] = []
        mentorship_lines: list[str] = []
        pairs: set[tuple[int, int]] = set()
        statuses = ["accepted"] * 30 + ["declined"] * 20 + ["withdrawn"] * 10
        statuses += ["expired"] * 15 + ["requested"] * 25
        wanted = min(len(mentees) * 2, size.mentors * 3) if mentors else 0
        request_id = mentorship_id = 0
        while len(pairs) < wanted:
            pair = (rng.choice(mentees), rng.choice(mentors))
            if pair in pairs or pair[0] == pair[1]:
                continue
            pairs.add(pair)
            mentee, mentor = pair
            request_id += 1
            status = rng.choice(statuses)
            created = self.now - rng.random() * 300 * 86_400
            decided = "\\N" if status == "requested" else _ts(created + 86_400)
            request_lines.append(
                f"{request_id}\t{status}\tI would love your advice on {rng.choice(TOPICS)}.\t\t"
                f"{_ts(created)}\t{decided}\t\\N\t{mentee}\t{mentor}\n"
            )
            if status == "accepted":
                mentorship_id += 1
                live = active[mentor] < capacity[mentor] and rng.random() < 0.7
                if live:
                    active[mentor] += 1
                ended = "\\N" if live else _ts(created + 120 * 86_400)
                mentorship_lines.append(
                    f"{mentorship_id}\t{'active' if live else 'completed'}\t"
                    f"{_ts(created + 86_400)}\t{ended}\t\t\\N\t{mentee}\t{mentor}\t{request_id}\n"
                )

        profile_lines: list[str] = []
        for number, mentor in enumerate(mentors, start=1):
            profile = MentorProfile(
                areas=rng.sample(areas, rng.randint(1, 3)),
                specialties=[self.specialty[mentor - 1]] if self.specialty[mentor - 1] else [],
                stages=rng.sample(stages, rng.randint(1, 3)),
                languages=["en"] if rng.random() < 0.8 else ["en", rng.choice(["es", "fr"])],
                meeting_modes=rng.sample(modes, rng.randint(1, 3)),
            )
            profile.refresh_search_tags()
            created = _ts(self.joined[mentor - 1] + 86_400)
            profile_lines.append(
                "\t".join(
                    (
                        str(number),
                        _json(profile.areas),
                        _json(profile.specialties),
                        _json(profile.stages),
                        str(capacity[mentor]),
                        "t" if rng.random() < 0.85 else "f",
                        _json(profile.languages),
                        _json(profile.meeting_modes),
                        rng.choice(TIME_ZONES),
                        f"Happy to help with {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                        "[]",
                        "f",
                        str(active[mentor]),
                        profile.search_tags,
                        created,
                        created,
                        str(mentor),
                    )
                )
                + "\n"
            )
        preference_lines = []
        for number, mentee in enumerate(mentees, start=1):
            specialty = self.specialty[mentee - 1] or rng.choice(list(SPECIALTIES))
            preference_lines.append(
                "\t".join(
                    (
                        str(number),
                        _json(rng.sample(areas, rng.randint(1, 3))),
                        _json([specialty]),
                        _json(["en"]),
                        "f",
                        _json(rng.sample(modes, rng.randint(1, 2))),
                        rng.choice(TIME_ZONES),
                        f"I am working towards {rng.choice(TOPICS)}.",
                        "[]",
                        "f",
                        _ts(self.now - rng.random() * 200 * 86_400),
                        str(mentee),
                    )
                )
                + "\n"
            )
        counts = {
            "mentor profiles": _copy(
                "mentoring_mentorprofile",
                "id areas specialties stages capacity is_accepting languages meeting_modes "
                "time_zone statement background share_background_for_matching "
                "active_mentee_count search_tags created_at updated_at user_id".split(),
                profile_lines,
                progress,
            ),
            "mentee preferences": _copy(
                "mentoring_menteepreferences",
                "id goals specialties languages language_required meeting_modes time_zone "
                "introduction background share_background_for_matching updated_at "
                "user_id".split(),
                preference_lines,
                progress,
            ),
            "mentor requests": _copy(
                "mentoring_mentorrequest",
                "id status message decline_note created_at decided_at reminded_at mentee_id "
                "mentor_id".split(),
                request_lines,
                progress,
            ),
            "mentorships": _copy(
                "mentoring_mentorship",
                "id status started_at ended_at end_reason ended_by_id mentee_id mentor_id "
                "request_id".split(),
                mentorship_lines,
                progress,
            ),
        }
        return counts

    # Notifications, mutes and blocks ------------------------------------------------

    def _notification_lines(self, post_type: int) -> Iterator[str]:
        rng, posts = self.rng, self.size.posts
        kinds = ["comment", "follow", "reaction_digest", "reply", "mention"]
        for member_id in self.ids:
            count = 150 if member_id == 1 else min(int(rng.expovariate(1 / 5.0)), 200)
            for _ in range(count):
                kind = rng.choice(kinds)
                actor = rng.randrange(1, self.size.members + 1)
                created = self.now - rng.random() * 90 * 86_400
                read = _ts(created + 3600) if rng.random() < 0.7 else "\\N"
                if kind == "follow":
                    target_type = target = "\\N"
                    url, title = "", "You have a new follower"
                else:
                    post_id = rng.randrange(1, posts + 1)
                    target_type, target = str(post_type), str(post_id)
                    url, title = f"/posts/{post_id}/", f"New {kind.replace('_', ' ')} on a post"
                yield (
                    f"{kind}\t{target}\t{title}\t{url}\t{_ts(created)}\t{read}\t{actor}\t"
                    f"{member_id}\t{target_type}\t0\t\\N\t\t\\N\t\\N\tnot_needed\t\t\\N\n"
                )

    NOTIFICATION_COLUMNS = (
        "kind target_id title url created_at read_at actor_id recipient_id target_type_id "
        "email_attempts email_claimed_at email_claimed_by email_due_at email_sent_at "
        "email_status last_error digest_id"
    ).split()

    def _wall_lines(self, table: str) -> Iterator[str]:
        rng, members = self.rng, self.size.members
        seen: set[tuple[int, int]] = set()
        followed = set(self.followees)
        for _ in range(max(members // 20, 2)):
            first, second = rng.randrange(2, members + 1), rng.randrange(2, members + 1)
            if first == second or (first, second) in seen:
                continue
            seen.add((first, second))
            yield f"{_ts(self.now - rng.random() * 86_400 * 100)}\t{first}\t{second}\n"
        # The bench member walls off one member they do not follow, and mutes another.
        others = [i for i in range(2, members + 1) if i not in followed]
        target = others[0 if table == "accounts_block" else 1]
        yield f"{_ts(self.now - 86_400)}\t1\t{target}\n"

    # The load -----------------------------------------------------------------------

    def load(self) -> LoadReport:
        """Write the whole data set. The caller checks the database is empty first."""
        began = time.monotonic()
        progress = Progress(self.planned_rows(), self.stream, quiet=self.quiet)
        _execute("SET synchronous_commit = off")
        _execute("SET maintenance_work_mem = '512MB'")
        dropped = [] if self.keep_indexes else _drop_secondary_indexes(_REBUILT_INDEX_TABLES)
        try:
            counts = self._write(progress)
        finally:
            # Rebuilt even after a failure, so an interrupted load never leaves the schema
            # without its indexes.
            progress.start("indexes")
            for statement in dropped:
                _execute(statement)
        progress.start("sequences")
        _reset_sequences(_TABLES)
        progress.start("vacuum and analyze")
        # VACUUM sets the visibility map (index-only scans) and cannot run in a transaction;
        # inside one (the test suite), fresh statistics are what matters.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in _TABLES:
            _execute(f"{command} {table}")
        progress.finish()
        return LoadReport(counts=counts, seconds=time.monotonic() - began)

    def _write(self, progress: Progress) -> dict[str, int]:
        size = self.size
        counts: dict[str, int] = {}

        progress.start("members")
        self._plan_members()
        counts["members"] = _copy("accounts_user", self.USER_COLUMNS, self._user_lines(), progress)
        _execute(
            'INSERT INTO account_emailaddress (email, verified, "primary", user_id) '
            "SELECT email, true, true, id FROM accounts_user ORDER BY id"
        )
        progress.add(size.members)

        progress.start("follows")
        counts["follows"] = _copy(
            "accounts_follow",
            ["created_at", "followee_id", "follower_id"],
            self._follow_lines(),
            progress,
        )
        # Each member's follower and following counts, from the rows just written.
        sides = (("follower_count", "followee_id"), ("following_count", "follower_id"))
        for counted, side in sides:
            _execute(
                f"UPDATE accounts_user u SET {counted} = c.n FROM (SELECT {side} AS id,"  # nosec B608
                f" count(*) AS n FROM accounts_follow GROUP BY {side}) c WHERE c.id = u.id"
            )

        progress.start("groups")
        circle_rows = self._circle_rows()
        self.circle_private = [False] + [row[4] for row in circle_rows]
        creators = [i for i in self.ids if self.roles[i - 1] == Role.PHYSICIAN] or [1]
        _copy(
            "posts_circle",
            "id slug name description kind is_private member_count created_at "
            "created_by_id".split(),
            (
                f"{number}\t{slug}\t{name}\t{description}\t{kind}\t{'t' if private else 'f'}\t"
                f"0\t{_ts(self.start)}\t{self.rng.choice(creators)}\n"
                for number, (slug, name, description, kind, private) in enumerate(
                    circle_rows, start=1
                )
            ),
            progress,
        )
        counts["groups"] = len(circle_rows)
        counts["memberships"] = _copy(
            "posts_membership",
            ["status", "created_at", "circle_id", "member_id", "role"],
            self._membership_lines(len(circle_rows)),
            progress,
        )
        # The first active member of each group moderates it; counts are active members.
        _execute(
            "UPDATE posts_membership SET role = 'moderator' WHERE id IN ("
            " SELECT min(id) FROM posts_membership WHERE status = 'active' GROUP BY circle_id)"
        )
        _execute(
            "UPDATE posts_circle c SET member_count = m.n FROM ("
            " SELECT circle_id, count(*) AS n FROM posts_membership WHERE status = 'active'"
            " GROUP BY circle_id) m WHERE m.circle_id = c.id"
        )

        progress.start("hashtags and campaigns")
        _copy(
            "posts_hashtag",
            ["id", "name", "created_at"],
            (
                f"{number}\t{name}\t{_ts(self.start)}\n"
                for number, name in enumerate(HASHTAGS, start=1)
            ),
            progress,
        )
        today = timezone.localdate()
        campaigns = [
            (HASHTAGS.index("sepsis") + 1, "Sepsis awareness month", -10, 20),
            (HASHTAGS.index("vaccines") + 1, "Vaccine questions answered", -200, -170),
            (HASHTAGS.index("mentalhealth") + 1, "Talk about mental health", -400, -380),
        ]
        _copy(
            "posts_campaign",
            "hashtag_id title description starts_on ends_on banner banner_alt created_at "
            "created_by_id".split(),
            (
                f"{tag}\t{title}\tJoin the conversation and share what you know.\t"
                f"{today + datetime.timedelta(days=start)}\t"
                f"{today + datetime.timedelta(days=end)}\t\t\t{_ts(self.start)}\t\\N\n"
                for tag, title, start, end in campaigns
            ),
            progress,
        )

        progress.start("posts (planning)")
        self._plan_posts()
        progress.start("posts")
        _execute(
            "CREATE TEMP TABLE scale_post_stage (LIKE posts_post INCLUDING DEFAULTS, "
            "tags text) ON COMMIT PRESERVE ROWS"
        )
        _copy("scale_post_stage", [*self.POST_COLUMNS, "tags"], self._post_lines(), progress)
        progress.start("posts (search vectors)")
        columns = ", ".join(self.POST_COLUMNS)
        config = f"'{SEARCH_CONFIG}'::regconfig"
        # Column names and the text search configuration are this module's constants, not
        # input: the statement is built from code, so there is nothing to inject.
        _execute(
            f"INSERT INTO posts_post ({columns}, search_vector) "  # nosec B608
            f"SELECT {columns}, CASE WHEN deleted_at IS NULL THEN "
            f"setweight(to_tsvector({config}, coalesce(title, '')), 'A')"
            f" || setweight(to_tsvector({config}, coalesce(pub_title, '')), 'A')"
            f" || setweight(to_tsvector({config}, coalesce(tags, '')), 'A')"
            f" || setweight(to_tsvector({config}, coalesce(body, '')), 'B')"
            f" || setweight(to_tsvector({config}, coalesce(journal, '')), 'C') END"
            f" FROM scale_post_stage ORDER BY id"
        )
        _execute("DROP TABLE scale_post_stage")
        progress.add(size.posts)
        counts["posts"] = size.posts
        progress.start("post hashtags")
        counts["post hashtags"] = _copy(
            "posts_posthashtag",
            ["created_at", "hashtag_id", "post_id"],
            self._post_hashtag_lines(),
            progress,
        )

        progress.start("comments")
        comment_lines = list(self._comment_lines()) if size.comments <= 50_000 else None
        if comment_lines is None:
            # Two passes of the same seeded stream: the first only records each comment's
            # post and time (needed to cap its reactions), the second writes the rows.
            state = self.rng.getstate()
            for _ in self._comment_lines():
                pass
            self.rng.setstate(state)
            self._plan_comment_reactions()
            lines: Iterable[str] = self._fill_comment_counts(self._comment_lines())
        else:
            self._plan_comment_reactions()
            lines = self._fill_comment_counts(iter(comment_lines))
        counts["comments"] = _copy("posts_comment", self.COMMENT_COLUMNS, lines, progress)
        state_after_comments = self.rng.getstate()
        del comment_lines

        progress.start("reactions")
        self.rng.setstate(state_after_comments)
        counts["reactions"] = _copy(
            "posts_reaction",
            ["kind", "created_at", "comment_id", "member_id", "post_id"],
            self._reaction_lines(),
            progress,
        )

        progress.start("mentoring")
        counts.update(self._mentoring(progress))

        progress.start("notifications, mutes, blocks")
        post_type = ContentType.objects.get_for_model(Post).pk
        counts["notifications"] = _copy(
            "notifications_notification",
            self.NOTIFICATION_COLUMNS,
            self._notification_lines(post_type),
            progress,
        )
        for table, columns in (
            ("accounts_mute", ["created_at", "muter_id", "muted_id"]),
            ("accounts_block", ["created_at", "blocker_id", "blocked_id"]),
        ):
            _copy(table, columns, self._wall_lines(table), progress)

        return counts


def _json(values: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{value}"' for value in values) + "]"


def _drop_secondary_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the indexes of `tables` that back neither the primary key nor a constraint;
    return the statements that rebuild them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY 1",
            [list(tables)],
        )
        found = cursor.fetchall()
    for name, _definition in found:
        _execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _reset_sequences(tables: Sequence[str]) -> None:
    for table in tables:
        # Table names come from this module's list of bulk-loaded tables, never from input.
        _execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # nosec B608
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def has_data() -> bool:
    """Whether the database already has members or groups (the load assigns ids from 1)."""
    return bool(
        _fetch_value(
            "SELECT EXISTS (SELECT 1 FROM accounts_user)"
            " OR EXISTS (SELECT 1 FROM posts_hashtag) OR EXISTS (SELECT 1 FROM posts_circle)"
        )
    )


def empty_tables() -> None:
    """--force: remove every row the load writes (and what hangs off them)."""
    _execute(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE")


def load_scale(
    size: ScaleSize,
    *,
    force: bool = False,
    stream: TextIO | None = None,
    quiet: bool = False,
    keep_indexes: bool = False,
) -> LoadReport:
    """Load the scale data set into the default (PostgreSQL) database.

    Refuses on SQLite, and on a database that already has members unless `force`, which
    empties the tables first. `keep_indexes` writes through every index instead of
    rebuilding the bulk tables' secondary indexes after the load (to measure the difference).
    """
    if connection.vendor != "postgresql":
        raise ScaleError("The scale data set needs PostgreSQL: set DATABASE_URL=postgres://...")
    connection.ensure_connection()
    if has_data():
        if not force:
            raise ScaleError(
                "This database already has members. Use --force to empty it and load again."
            )
        empty_tables()
    return Generator(size, stream=stream, quiet=quiet, keep_indexes=keep_indexes).load()


# --- The pages the benchmarks and the scale tests read -----------------------------------

SEARCH_QUERIES = ("sepsis", "residency interviews", '"heart failure" -pediatrics')


@dataclass(frozen=True)
class HotPage:
    name: str
    path: str
    p95_target_ms: int = 100


def hot_pages() -> list[HotPage]:
    """The hot pages of a loaded scale data set, for the bench member: home feed, explore,
    the busiest hashtag, the 100-comment thread, the most followed member's profile, three
    searches, mentor suggestions and notifications."""
    member = User.objects.get(handle=BENCH_HANDLE)
    busy = (
        Post.objects.filter(
            comment_count=BUSY_THREAD_COMMENTS, visibility=Visibility.PUBLIC, deleted_at=None
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if busy is None:
        raise ScaleError("No post has 100 comments: load the data set with seed_demo --scale.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hashtag_id FROM posts_posthashtag GROUP BY hashtag_id"
            " ORDER BY count(*) DESC, hashtag_id LIMIT 1"
        )
        tag = Hashtag.objects.get(pk=cursor.fetchone()[0])
        cursor.execute(
            "SELECT followee_id FROM accounts_follow WHERE followee_id <> %s"
            " GROUP BY followee_id ORDER BY count(*) DESC, followee_id LIMIT 1",
            [member.pk],
        )
        star = User.objects.get(pk=cursor.fetchone()[0])
    following = Follow.objects.filter(follower=member).count()
    pages = [
        HotPage(f"Home feed (follows {following})", reverse("home"), p95_target_ms=50),
        HotPage("Explore", reverse("posts:explore")),
        HotPage(f"Hashtag #{tag.name}", tag.get_absolute_url()),
        HotPage(f"Post with {BUSY_THREAD_COMMENTS} comments", busy.get_absolute_url()),
        HotPage("Profile of the most followed member", star.get_absolute_url()),
    ]
    search = reverse("posts:search")
    pages += [
        HotPage(f"Search: {query}", f"{search}?{urlencode({'q': query})}", p95_target_ms=150)
        for query in SEARCH_QUERIES
    ]
    pages += [
        HotPage("Mentor suggestions", reverse("mentoring:suggestions")),
        HotPage("Notifications", reverse("notifications:list")),
    ]
    return pages
