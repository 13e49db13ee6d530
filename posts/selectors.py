"""Reads for the feeds and pages. Every list is keyset-paginated (never OFFSET) and loads
what its template shows in a fixed number of queries, whatever the page size."""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.db import models, router
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    BYLINE_FIELDS,
    Follow,
    Mute,
    User,
    minors_writing_shown_to,
    not_by_a_minor,
)
from accounts.selectors import walled_off_ids

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations
from accounts.moderators import Actor
from community.expressions import AnyOf
from community.perf.compiled import CompiledQueries
from community.perf.row_sql import OuterRowSQL, ViewerMarked, column_of

from .models import (
    CIRCLE_ON_CARDS,
    HEADLINE_LENGTH,
    VIEWER_MARKS,
    Bookmark,
    Campaign,
    Circle,
    Comment,
    CommentQuerySet,
    EventCohost,
    EventRSVP,
    Hashtag,
    Membership,
    MembershipStatus,
    Post,
    PostHashtag,
    PostKind,
    PostQuerySet,
    PostReader,
    QuestionStatus,
    QuestionVote,
    Viewer,
    Visibility,
    card_columns,
    headline_of,
    reader_of,
)

PAGE_SIZE = 20
TOP_DAYS = 7
TOP_COUNT = 5
# Top-level comments per page of a conversation, each with its first REPLIES_SHOWN replies;
# the others come REPLIES_PER_BATCH at a time ("Show 20 more replies").
THREADS_PER_PAGE = PAGE_SIZE
REPLIES_SHOWN = 2
REPLIES_PER_BATCH = 20
TOP_CANDIDATES = 50
TOP_CACHE_SECONDS = 60
CAMPAIGNS_CACHE_SECONDS = 60
UPCOMING_EVENTS_COUNT = 3
# The longest a live Q&A may last (posts.forms.MAX_EVENT_MINUTES): one that started longer
# ago than this has ended.
LONGEST_EVENT = datetime.timedelta(minutes=480)
# Live Q&As read beyond the count, for those of the last LONGEST_EVENT that have ended.
UPCOMING_EVENTS_SPARE = 20
# The questions a live Q&A's page shows, at most (ordered by votes, so not paged by time).
EVENT_QUESTIONS_LIMIT = 300
TRENDING_COUNT = 5
TRENDING_CANDIDATES = 30
TRENDING_CACHE_SECONDS = 300

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# --- Cursors -----------------------------------------------------------------------------


def encode_cursor(moment: datetime.datetime, pk: int) -> str:
    raw = f"{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime.datetime, int] | None:
    """The (time, id) a cursor points after; BadRequest (400) for a forged or broken one."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment_text, pk_text = raw.split("|")
        moment = datetime.datetime.fromisoformat(moment_text)
        pk = int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise BadRequest("This page link is broken.") from error
    if timezone.is_naive(moment):
        raise BadRequest("This page link is broken.")
    return moment, pk


def _keyset(
    rows: models.QuerySet[Any],
    cursor: str | None,
    *,
    time_field: str = "created_at",
    id_field: str = "id",
    limit: int | None = None,
    oldest_first: bool = False,
    # Given the model's own queryset (a PostQuerySet for posts): its type is the model's.
    # It gives the page's rows, as model instances or as `PostCardRow`s.
    read_in_full: Callable[[Any], Iterable[Any]] | None = None,
) -> tuple[list[Any], str | None]:
    """Rows newest (or oldest) first after `cursor`, and the cursor of the page after them.

    With `read_in_full`, the page is chosen on narrow rows (the ids alone) and only its rows
    are then read, through `read_in_full`, for display: see `_posts_page`.
    """
    limit = limit or PAGE_SIZE
    fields = {"time_field": time_field, "id_field": id_field}
    position = decode_cursor(cursor)
    if read_in_full is None:
        after, order = ("gt", "") if oldest_first else ("lt", "-")
        rows = _beyond(rows, position, after, **fields)
        found = list(rows.order_by(f"{order}{time_field}", f"{order}{id_field}")[: limit + 1])
    else:
        # The page's few rows are put in order here: an ORDER BY on the outer query would
        # cost the ORM more to build and compile than sorting them costs.
        found = sorted(
            read_in_full(_chosen(rows, position, limit, oldest_first=oldest_first, **fields)),
            key=attrgetter(time_field, id_field),
            reverse=not oldest_first,
        )
    return _cut(found, limit, **fields)


def _chosen(
    rows: models.QuerySet[Any],
    position: tuple[Any, int] | None,
    limit: int,
    *,
    oldest_first: bool = False,
    time_field: str = "created_at",
    id_field: str = "id",
) -> Any:
    """The model's rows (its own queryset) whose ids make the page of `rows` after
    `position`, with one more than `limit`: chosen on the ids alone, to be read in full
    (`_keyset`'s `read_in_full`); in no order."""
    after, order = ("gt", "") if oldest_first else ("lt", "-")
    fields = {"time_field": time_field, "id_field": id_field}
    ids = _beyond(rows, position, after, **fields).order_by(
        f"{order}{time_field}", f"{order}{id_field}"
    )
    return rows.model.objects.filter(pk__in=ids.values("pk")[: limit + 1])


def _cut(
    found: list[Any], limit: int, *, time_field: str = "created_at", id_field: str = "id"
) -> tuple[list[Any], str | None]:
    """The first `limit` of `found` (a page read with one row more), and the cursor of the
    page after them when there is one."""
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode_cursor(getattr(last, time_field), getattr(last, id_field))


def _beyond(
    rows: models.QuerySet[Any],
    position: tuple[Any, int] | None,
    lookup: str,
    *,
    time_field: str = "created_at",
    id_field: str = "id",
) -> models.QuerySet[Any]:
    """`rows` past `position` (a time, or an expression giving one, and an id) in the
    (time, id) order: after it with `lookup` "gt", before it with "lt", from it on with
    "gte"."""
    if position is None:
        return rows
    moment, pk = position
    return rows.filter(
        Q(**{f"{time_field}__{lookup[:2]}": moment})
        | Q(**{time_field: moment, f"{id_field}__{lookup}": pk})
    )


def _posts_page(
    posts: PostQuerySet, cursor: str | None, limit: int | None, *, chosen_for: Viewer | None = None
) -> Page[Post]:
    """A page of `posts`. With `chosen_for`, `posts` are the filters alone: the page's ids
    are chosen first, from the covering index of live posts without reading the table
    (the home feed passes over about 1,400 posts of people the member does not follow for
    every 20 it shows), and only those posts are then read in full for `chosen_for`."""
    items, next_cursor = _keyset(
        posts,
        cursor,
        limit=limit,
        read_in_full=None if chosen_for is None else lambda page: page.for_card_list(chosen_for),
    )
    return Page(items=items, next_cursor=next_cursor)


class PostCardRow:
    """A post of a page of cards read as the values its card shows (`card_rows`), not as
    a model instance: a page whose cards are all kept rendered (posts.cards.post_cards)
    needs no more than these values, which make the cards' keys, and making the page's
    posts and their authors into model instances was a large part of the home feed's query
    (BENCHMARKS.md, issue 24). The `Post` is built from the same values only when a card
    is rendered (`card_posts`), so it shows what a post read by `for_card_list` shows."""

    def __init__(self, values: dict[str, Any], db: str) -> None:
        self.values = values
        self.db = db
        self.id = self.pk = values["id"]
        self.created_at: datetime.datetime = values["created_at"]

    @functools.cached_property
    def post(self) -> Post:
        """The post as `Post.objects.for_card_list` reads it, its author's byline and its
        group's name and link with it (each made an instance by `Model.from_db`, as the
        ORM makes its rows into instances); its images are loaded by `card_posts`."""
        own, author, circle = _card_row_fields()
        post = _from_values(Post, own, self.values, self.db)
        post.author = _from_values(User, author, self.values, self.db)
        post.circle = (
            _from_values(Circle, circle, self.values, self.db)
            if self.values["circle"] is not None
            else None
        )
        for mark in VIEWER_MARKS:
            if mark in self.values:
                setattr(post, mark, self.values[mark])
        return post


_M = TypeVar("_M", bound=models.Model)
# Of a model's fields read in a card row: (attribute name, name of its value in the row).
_RowFields = tuple[tuple[str, str], ...]


def _from_values(model: type[_M], fields: _RowFields, values: dict[str, Any], db: str) -> _M:
    return model.from_db(db, [attname for attname, _ in fields], [values[v] for _, v in fields])


@functools.cache
def _card_row_fields() -> tuple[_RowFields, _RowFields, _RowFields]:
    """The fields a card row holds of its post, its author and its group, each in the
    order of its model's fields (as `Model.from_db` takes them). Worked out once."""
    columns = card_columns("post")
    own = tuple(
        (field.attname, field.name) for field in Post._meta.concrete_fields if field.name in columns
    )
    author = tuple(
        (field.attname, "author" if field.primary_key else f"author__{field.name}")
        for field in User._meta.concrete_fields
        if field.primary_key or field.name in BYLINE_FIELDS
    )
    circle = tuple(
        (field.attname, f"circle__{field.name}")
        for field in Circle._meta.concrete_fields
        if field.name in CIRCLE_ON_CARDS
    )
    return own, author, circle


def card_rows(posts: PostQuerySet, viewer: Viewer) -> list[PostCardRow]:
    """`posts` as `PostCardRow`s for `viewer`: what `for_card_list(viewer)` reads, as
    values, in one query."""
    rows = posts.viewer_marked(viewer).values(*card_columns("post"), *_marks_of(viewer))
    return [PostCardRow(values, rows.db) for values in rows]


def _marks_of(viewer: Viewer) -> tuple[str, ...]:
    return VIEWER_MARKS if viewer.is_authenticated else ()


def card_posts(rows: Sequence[PostCardRow]) -> list[Post]:
    """The posts of `rows`, for their cards to be rendered: the images of those that have
    some read in one query, as `for_card_list` reads them."""
    posts = [row.post for row in rows]
    illustrated = [post for post in posts if post.image_count]
    if illustrated:
        models.prefetch_related_objects(illustrated, "images")
    return posts


def _in_order(posts: PostQuerySet, ids: Sequence[int]) -> list[Post]:
    by_id = {post.pk: post for post in posts.filter(AnyOf("pk", ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


class _MutedIdRow(TypedDict):
    muted_id: int


def _muted_ids(viewer: User) -> models.QuerySet[Mute, _MutedIdRow]:
    return Mute.objects.filter(muter=viewer).values("muted_id")


class InHomeFeedOf(OuterRowSQL):
    """Whether the post belongs in the member's home feed: their own, by someone they follow
    or in a group they are an active member of, and not by someone they muted. Whether they
    may read it is `Post.objects.visible_to`'s to say, as for every list.

    It says what `Q(author=member) | Q(author_id__in=<their follows' followees>) |
    Q(circle_id__in=active_circle_ids(member))`, minus `author_id__in=<their mutes>`, says,
    written out as one condition (community.perf.row_sql): the same IN-subqueries on the
    author and on the group, so PostgreSQL still reads the (author, -created_at) and
    (circle, -created_at) indexes and merges them, without the ORM building, resolving and
    compiling three inner queries for every page of the feed (BENCHMARKS.md, issue 24).
    """

    def __init__(self, member_id: int) -> None:
        super().__init__()
        self.member_id = member_id

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        quote = connection.ops.quote_name
        follow, mute, membership = Follow._meta, Mute._meta, Membership._meta
        author = self.column(compiler, connection, column_of(Post, "author"))
        circle = self.column(compiler, connection, column_of(Post, "circle"))
        # Names from the models' own metadata, quoted; the member and status are parameters.
        sql = (
            f"(({author} = %s"  # nosec B608
            f" OR {author} IN (SELECT {quote(column_of(Follow, 'followee'))}"
            f" FROM {quote(follow.db_table)} WHERE {quote(column_of(Follow, 'follower'))} = %s)"
            f" OR {circle} IN (SELECT {quote(column_of(Membership, 'circle'))}"
            f" FROM {quote(membership.db_table)}"
            f" WHERE {quote(column_of(Membership, 'member'))} = %s"
            f" AND {quote(column_of(Membership, 'status'))} = %s))"
            f" AND NOT ({author} IN (SELECT {quote(column_of(Mute, 'muted'))}"
            f" FROM {quote(mute.db_table)} WHERE {quote(column_of(Mute, 'muter'))} = %s)))"
        )
        member = self.member_id
        return sql, [member, member, member, str(MembershipStatus.ACTIVE), member]


# --- Feeds -------------------------------------------------------------------------------


def home_feed(
    member: User, cursor: str | None = None, *, limit: int | None = None
) -> Page[PostCardRow]:
    """The member's own posts, posts of people they follow and of groups they joined,
    newest first, minus muted members (`InHomeFeedOf`), as card rows: the page is chosen
    as `_keyset` chooses it (`read_in_full`), then its posts are read as the values their
    cards show, in one query built and compiled once per shape of reader and page."""
    reader = PostReader.of(member)
    limit = limit or PAGE_SIZE
    position = decode_cursor(cursor)

    def build(
        member_id: int,
        today: datetime.date,
        walled: Sequence[int] = (),
        moment: datetime.datetime | None = None,
        before: int | None = None,
    ) -> models.QuerySet[Post, dict[str, Any]]:
        rule = replace(reader, member_id=member_id, today=today, walled=frozenset(walled))
        posts = Post.objects.readable_by(rule).filter(InHomeFeedOf(member_id))
        after = None if moment is None or before is None else (moment, before)
        page = _chosen(posts, after, limit).marked_for(member_id)
        return page.values(*card_columns("post"), *VIEWER_MARKS)

    values: dict[str, Any] = {"member_id": member.pk, "today": reader.today}
    if reader.walled:
        values["walled"] = sorted(reader.walled)
    if position is not None:
        values["moment"], values["before"] = position
    shape = (reader.shape, position is None, limit)
    db = router.db_for_read(Post)
    found = sorted(
        (PostCardRow(row, db) for row in _HOME_FEED_QUERIES.rows(shape, build, **values)),
        key=attrgetter("created_at", "id"),
        reverse=True,
    )
    items, next_cursor = _cut(found, limit)
    return Page(items=items, next_cursor=next_cursor)


# Read on every view of the home feed: built and compiled once (community/perf/compiled.py).
_HOME_FEED_QUERIES: CompiledQueries[dict[str, Any]] = CompiledQueries(
    Post,
    stand_ins={
        "member_id": (-9_000_000_001, -9_000_000_002),
        "walled": ([-9_000_000_003], [-9_000_000_004]),
        "today": (datetime.date(1901, 1, 1), datetime.date(1902, 2, 2)),
        "moment": (
            datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC),
            datetime.datetime(1902, 2, 2, tzinfo=datetime.UTC),
        ),
        "before": (-9_000_000_005, -9_000_000_006),
    },
)


def explore(viewer: Viewer, cursor: str | None = None, *, limit: int | None = None) -> Page[Post]:
    """Recent posts outside groups: public ones for visitors, public and members-only ones
    for members (group posts stay on group pages and in members' home feeds)."""
    posts = Post.objects.visible_to(viewer).exclude(visibility=Visibility.GROUP)
    if viewer.is_authenticated:
        posts = posts.exclude(author_id__in=_muted_ids(viewer))
    return _posts_page(posts, cursor, limit, chosen_for=viewer)


@dataclass(frozen=True)
class TopPost:
    """One line of Explore's "Top this week"."""

    pk: int
    headline: str
    author_name: str
    reaction_count: int

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", kwargs={"pk": self.pk})


# A headline shows HEADLINE_LENGTH characters; this much of the text is enough to make one
# even when the text starts with blank lines or runs of spaces.
_HEADLINE_SOURCE = 10 * HEADLINE_LENGTH
_TOP_COLUMNS = (
    "pk",
    "title",
    "pub_title",
    "text_start",
    "author__display_name",
    "reaction_total",
)


def top_posts(viewer: Viewer, *, limit: int = TOP_COUNT) -> list[TopPost]:
    """Most reacted-to posts of the last 7 days outside groups, by stored like + helpful
    counts, that `viewer` may read.

    The counts are lifetime counts of posts created in the window rather than reactions
    given in the window: for week-old posts the two are nearly the same, and this reads one
    indexed range instead of aggregating the reactions table. The week's leaders change
    slowly, so the ranking over all posts is shared for a minute (`_week_leaders`); who may
    read which of them, their current counts and their current headlines are read on every
    view, as the few columns the list shows.
    """
    leaders = _week_leaders(signed_in=viewer.is_authenticated)
    posts = (
        Post.objects.visible_to(viewer)
        .exclude(visibility=Visibility.GROUP)
        .filter(AnyOf("pk", leaders))
    )
    if viewer.is_authenticated:
        posts = posts.exclude(author_id__in=_muted_ids(viewer))
    rows = (
        posts.annotate(
            reaction_total=F("like_count") + F("helpful_count"),
            text_start=Substr("body", 1, _HEADLINE_SOURCE),
        )
        .filter(reaction_total__gt=0)
        .order_by("-reaction_total", "-created_at", "-id")
        .values_list(*_TOP_COLUMNS)[:limit]
    )
    return [
        TopPost(
            pk=pk,
            headline=headline_of(title, pub_title, text_start),
            author_name=author_name,
            reaction_count=reaction_total,
        )
        for pk, title, pub_title, text_start, author_name, reaction_total in rows
    ]


def _week_leaders(*, signed_in: bool) -> list[int]:
    """Ids of the week's TOP_CANDIDATES most reacted-to posts that every member (or every
    visitor) may read, kept in the cache for TOP_CACHE_SECONDS.

    Enough more than TOP_COUNT are kept that walls, mutes and deletions since the ranking
    still leave a full list. Narrow rows are ranked: a busy week holds thousands of posts.
    """
    key = f"posts:week-leaders:{'members' if signed_in else 'visitors'}"
    leaders = cache.get(key)
    if leaders is None:
        since = timezone.now() - datetime.timedelta(days=TOP_DAYS)
        readable = (
            Post.objects.alive().filter(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
            if signed_in
            else Post.objects.visible_to(AnonymousUser())
        )
        leaders = list(
            readable.filter(created_at__gte=since)
            .annotate(reaction_total=F("like_count") + F("helpful_count"))
            .filter(reaction_total__gt=0)
            .order_by("-reaction_total", "-created_at", "-id")
            .values_list("pk", flat=True)[:TOP_CANDIDATES]
        )
        cache.set(key, leaders, TOP_CACHE_SECONDS)
    return leaders


def running_campaigns(on: datetime.date | None = None) -> list[Campaign]:
    """Campaigns running on `on` (today in the reader's zone by default), the soonest to
    end first.

    Today's are kept in the cache for CAMPAIGNS_CACHE_SECONDS, since every view of Explore
    shows them and they change a few times a year; starting one clears them at once
    (`forget_running_campaigns`), an edit in the admin shows within that time.
    """
    if on is not None:
        return _running_on(on)
    today = timezone.localdate()
    key = _running_campaigns_key(today)
    campaigns = cache.get(key)
    if campaigns is None:
        campaigns = _running_on(today)
        cache.set(key, campaigns, CAMPAIGNS_CACHE_SECONDS)
    return campaigns


def forget_running_campaigns() -> None:
    # Each reader's today is their own zone's: a day either side of UTC's covers them all.
    today = timezone.now().astimezone(datetime.UTC).date()
    cache.delete_many(
        [_running_campaigns_key(today + datetime.timedelta(days=days)) for days in (-1, 0, 1)]
    )


def _running_campaigns_key(day: datetime.date) -> str:
    return f"posts:running-campaigns:{day.isoformat()}"


def _running_on(day: datetime.date) -> list[Campaign]:
    return list(
        Campaign.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .select_related("hashtag")
        .order_by("ends_on", "pk")
    )


@dataclass(frozen=True)
class UpcomingEvent:
    """One live Q&A of the right rail and of the visitor's home."""

    pk: int
    headline: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    # Whether the reader said "I'll be there" (posts.services.events.set_rsvp).
    is_going: bool = False

    @property
    def is_live(self) -> bool:
        return self.starts_at <= timezone.now() < self.ends_at

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", kwargs={"pk": self.pk})


def upcoming_events(
    viewer: Viewer,
    *,
    limit: int = UPCOMING_EVENTS_COUNT,
    now: datetime.datetime | None = None,
    hosted_by: User | None = None,
) -> list[UpcomingEvent]:
    """Live Q&As `viewer` may read (`Post.objects.visible_to`) that have not ended, live
    ones and the soonest first, minus those of muted members, each marked with whether the
    viewer said they'll be there; with `hosted_by`, only those that member hosts or
    co-hosts (their profile). One query.

    An event's end is its start plus its duration, which SQLite cannot add in SQL, so
    those that started within LONGEST_EVENT are read with UPCOMING_EVENTS_SPARE more rows
    than needed and the ended ones dropped here.
    """
    now = now or timezone.now()
    posts = Post.objects.visible_to(viewer).filter(
        kind=PostKind.EVENT,
        starts_at__gt=now - LONGEST_EVENT,
        duration_minutes__isnull=False,
    )
    if hosted_by is not None:
        posts = posts.filter(
            Q(author=hosted_by)
            | Exists(EventCohost.objects.filter(post=OuterRef("pk"), member=hosted_by))
        )
    going: Any = models.Value(False)
    if viewer.is_authenticated:
        posts = posts.exclude(author_id__in=_muted_ids(viewer))
        going = ViewerMarked(EventRSVP, "post", viewer.pk)
    rows = (
        posts.annotate(text_start=Substr("body", 1, _HEADLINE_SOURCE), is_going=going)
        .order_by("starts_at", "id")
        .values_list(
            "pk", "title", "pub_title", "text_start", "starts_at", "duration_minutes", "is_going"
        )[: limit + UPCOMING_EVENTS_SPARE]
    )
    events = []
    for pk, title, pub_title, text_start, starts_at, duration, is_going in rows:
        if starts_at is None or duration is None:
            continue
        ends_at = starts_at + datetime.timedelta(minutes=duration)
        if ends_at > now:
            events.append(
                UpcomingEvent(
                    pk=pk,
                    headline=headline_of(title, pub_title, text_start),
                    starts_at=starts_at,
                    ends_at=ends_at,
                    is_going=bool(is_going),
                )
            )
    return events[:limit]


@dataclass(frozen=True)
class TrendingHashtag:
    name: str
    post_count: int

    def get_absolute_url(self) -> str:
        return reverse("posts:hashtag", kwargs={"name": self.name})


def trending_hashtags(viewer: Viewer, *, limit: int = TRENDING_COUNT) -> list[TrendingHashtag]:
    """The hashtags on the most posts of the last 7 days outside groups that `viewer` may
    read, most used first.

    The week's counts are shared through the cache (`_week_hashtag_counts`: one list for
    members, one for visitors, over the posts every member, or every visitor, may read; no
    minor's post, as some readers may not see those). A reader who blocked or muted members,
    or whom members blocked, has those members' posts taken off the counts in one small
    query (their posts of the week only), so a tag used only by them is neither shown nor
    counted; other readers spend no query.
    """
    counts = dict(_week_hashtag_counts(signed_in=viewer.is_authenticated))
    if not counts:
        return []
    if viewer.is_authenticated:
        hidden = walled_off_ids(viewer) | set(
            Mute.objects.filter(muter=viewer).values_list("muted_id", flat=True)
        )
        if hidden:
            since = timezone.now() - datetime.timedelta(days=TOP_DAYS)
            taken_off = (
                PostHashtag.objects.filter(
                    hashtag__name__in=list(counts),
                    created_at__gte=since,
                    post__author_id__in=hidden,
                    post__visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS],
                    post__deleted_at__isnull=True,
                    post__removed_by_moderators_at__isnull=True,
                )
                .values("hashtag__name")
                .annotate(post_count=models.Count("post_id"))
                .values_list("hashtag__name", "post_count")
            )
            for name, count in taken_off:
                counts[name] -= count
    ranked = sorted(
        ((name, count) for name, count in counts.items() if count > 0),
        key=lambda item: (-item[1], item[0]),
    )
    return [TrendingHashtag(name=name, post_count=count) for name, count in ranked[:limit]]


def _week_hashtag_counts(*, signed_in: bool) -> list[tuple[str, int]]:
    """The TRENDING_CANDIDATES hashtags on the most posts of the last 7 days outside groups
    that every member (or every visitor) may read, with their counts, kept in the cache
    for TRENDING_CACHE_SECONDS."""
    key = f"posts:week-hashtag-counts:{'members' if signed_in else 'visitors'}"
    counted: list[tuple[str, int]] | None = cache.get(key)
    if counted is None:
        since = timezone.now() - datetime.timedelta(days=TOP_DAYS)
        readable = (
            Post.objects.alive()
            .filter(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
            .filter(not_by_a_minor())
            if signed_in
            else Post.objects.visible_to(AnonymousUser()).exclude(visibility=Visibility.GROUP)
        )
        counted = list(
            PostHashtag.objects.filter(created_at__gte=since, post__in=readable)
            .values("hashtag__name")
            .annotate(post_count=models.Count("post_id"))
            .order_by("-post_count", "hashtag__name")
            .values_list("hashtag__name", "post_count")[:TRENDING_CANDIDATES]
        )
        cache.set(key, counted, TRENDING_CACHE_SECONDS)
    return counted


def hashtag_posts(
    viewer: Viewer, hashtag: Hashtag, cursor: str | None = None, *, limit: int | None = None
) -> Page[Post]:
    """Posts carrying `hashtag` that the viewer may read, newest first (hashtag index)."""
    links = PostHashtag.objects.filter(
        hashtag=hashtag, post__in=Post.objects.visible_to(viewer)
    ).only("post_id", "created_at")
    rows, next_cursor = _keyset(links, cursor, id_field="post_id", limit=limit)
    ids = [row.post_id for row in rows]
    items = _in_order(Post.objects.for_card_list(viewer), ids) if ids else []
    return Page(items=items, next_cursor=next_cursor)


def circle_posts(
    reader: Viewer | Actor, circle: Circle, cursor: str | None = None, *, limit: int | None = None
) -> Page[Post]:
    """A page of the posts of `circle`, a group `reader` may read (`circle_for_reader`); a
    site moderator given as an Actor reads them as `Post.objects.visible_to` says."""
    viewer, _ = reader_of(reader)
    posts = Post.objects.visible_to(reader).filter(circle=circle).for_card_list(viewer)
    return _posts_page(posts, cursor, limit)


def posts_by_author(
    viewer: Viewer, author: User, cursor: str | None = None, *, limit: int | None = None
) -> Page[Post]:
    posts = Post.objects.visible_to(viewer).filter(author=author).for_card_list(viewer)
    return _posts_page(posts, cursor, limit)


def bookmarked_posts(
    member: User, cursor: str | None = None, *, limit: int | None = None
) -> Page[Post]:
    """What the member saved and can still read, most recently saved first."""
    saved = Bookmark.objects.filter(member=member, post__in=Post.objects.visible_to(member)).only(
        "id", "post_id", "created_at"
    )
    rows, next_cursor = _keyset(saved, cursor, limit=limit)
    ids = [row.post_id for row in rows]
    items = _in_order(Post.objects.for_card_list(member), ids) if ids else []
    return Page(items=items, next_cursor=next_cursor)


# --- A post and its thread ---------------------------------------------------------------


@dataclass(frozen=True)
class MoreReplies:
    """Where a thread's replies stop being shown: `count` more of the top-level comment
    `thread_id`, after the cursor `after` (and before the cursor `before`, where the
    replies shown further down start)."""

    thread_id: int
    count: int
    after: str
    before: str | None = None

    @property
    def next_batch(self) -> int:
        """How many the link fetches: "Show 20 more replies" however many remain."""
        return min(self.count, REPLIES_PER_BATCH)


@dataclass
class Thread:
    """A top-level comment (possibly a tombstone), its first visible replies and, when it
    has more, where they continue. A link to a reply further on (`target_id`) adds the
    replies from that one (`later_replies`), with the link to those between (`more`) and
    to those after them (`more_later`)."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)
    # How many replies of the thread the viewer may see, shown or not.
    total: int = 0
    more: MoreReplies | None = None
    later_replies: list[Comment] = field(default_factory=list)
    more_later: MoreReplies | None = None
    target_id: int | None = None

    @property
    def more_replies(self) -> int:
        """How many of its visible replies the thread does not show."""
        return sum(more.count for more in (self.more, self.more_later) if more is not None)


@dataclass(frozen=True)
class ReplyBatch:
    """A batch of a thread's replies and, when more follow, the link to them."""

    replies: list[Comment]
    more: MoreReplies | None = None


# The post page's post, its query built and compiled once per shape of reader
# (community/perf/compiled.py; BENCHMARKS.md, "The post page's query compiled once").
_POST_PAGE_QUERIES: CompiledQueries[Post] = CompiledQueries(
    Post,
    stand_ins={
        "pk": (-9_000_000_001, -9_000_000_002),
        "member_id": (-9_000_000_003, -9_000_000_004),
        "walled": ([-9_000_000_005], [-9_000_000_006]),
        "today": (datetime.date(1901, 1, 1), datetime.date(1902, 2, 2)),
    },
)


def post_for_viewer(reader: Viewer | Actor, pk: int) -> Post | None:
    """The post if `reader` may read it, including a deleted one (shown as a tombstone); a
    site moderator given as an Actor reads the posts of every group, as on its page."""
    post_reader = PostReader.of(reader)

    def build(
        pk: int, today: datetime.date, member_id: int | None = None, walled: Sequence[int] = ()
    ) -> PostQuerySet:
        rule = replace(post_reader, member_id=member_id, today=today, walled=frozenset(walled))
        posts = Post.objects.readable_by(rule, include_gone=True)
        return posts.for_display_to(member_id).filter(pk=pk)[:1]

    # The values the rule's SQL takes; the rest of the reader is the query's shape.
    values: dict[str, Any] = {"pk": pk, "today": post_reader.today}
    if post_reader.member_id is not None:
        values["member_id"] = post_reader.member_id
    if post_reader.walled:
        values["walled"] = sorted(post_reader.walled)
    rows = _POST_PAGE_QUERIES.rows(post_reader.shape, build, **values)
    return rows[0] if rows else None


def _cursor_of(comment: Comment) -> str:
    return encode_cursor(comment.created_at, comment.pk)


def _more_after(
    thread_id: int, shown: list[Comment], count: int, *, before: str | None = None
) -> MoreReplies | None:
    if count <= 0 or not shown:
        return None
    return MoreReplies(thread_id=thread_id, count=count, after=_cursor_of(shown[-1]), before=before)


def post_threads(
    viewer: Viewer,
    post: Post,
    cursor: str | None = None,
    *,
    from_thread: int | None = None,
    to_reply: int | None = None,
    limit: int = THREADS_PER_PAGE,
) -> Page[Thread]:
    """A page of the comments of `post`, a post `viewer` may read (from `post_for_viewer`),
    oldest first: `limit` top-level comments, each with its first REPLIES_SHOWN replies
    and the number of the others, after `cursor` (or from the thread `from_thread`, where
    a link to a comment points); two queries whatever the size of the conversation.

    A link to a reply (`to_reply`, of the thread `from_thread`) beyond the first ones
    shows it too, with the replies after it (one more query).

    A comment removed by moderators stays in its place (others see a tombstone, its author
    sees it with the reason). A comment deleted by its author stays as a tombstone only if
    a visible reply hangs under it; replies whose comment the viewer cannot see (a blocked
    author) go with it.
    """
    readable = Comment.objects.under(post, viewer)
    comments = readable.for_card_list(viewer)
    tops = comments.filter(parent=None)
    if not cursor and from_thread is not None:
        start = Comment.objects.filter(post=post, parent=None, pk=from_thread)
        tops = tops.filter(
            Q(created_at__gt=Subquery(start.values("created_at")))
            | Q(created_at=Subquery(start.values("created_at")), pk__gte=from_thread)
        )
    found, next_cursor = _keyset(tops, cursor, limit=limit, oldest_first=True)
    threads = {comment.pk: Thread(comment=comment) for comment in found}
    if threads:
        _read_first_replies(
            threads, readable, comments, reads_every_reply=_reads_every_reply(viewer)
        )
    for thread_id, thread in threads.items():
        thread.more = _more_after(thread_id, thread.replies, thread.total - len(thread.replies))
    target = threads.get(from_thread) if from_thread is not None and not cursor else None
    if target is not None and to_reply is not None and target.more is not None:
        if all(reply.pk != to_reply for reply in target.replies):
            _show_from(target, readable, viewer, to_reply)
    shown = [
        thread for thread in threads.values() if thread.comment.deleted_at is None or thread.total
    ]
    return Page(items=shown, next_cursor=next_cursor)


def _reads_every_reply(viewer: Viewer) -> bool:
    """Whether no reply is kept from `viewer` (no walls, and minors' writing shown): then a
    thread's stored `reply_count` is the number they may see."""
    if minors_writing_shown_to(viewer) is not None:
        return False
    return not (viewer.is_authenticated and walled_off_ids(viewer))


def _read_first_replies(
    threads: dict[int, Thread],
    readable: CommentQuerySet,
    comments: CommentQuerySet,
    *,
    reads_every_reply: bool,
) -> None:
    """Put under each of `threads` its first REPLIES_SHOWN replies the viewer may see, and
    set how many they may see (`Thread.total`), in one query.

    When the threads hold no more replies in all (`Comment.reply_count`, kept by the
    services) than the page could show at most, REPLIES_SHOWN each (most conversations),
    their replies are simply read and counted: no more rows than the numbered query might
    read, and a much simpler query to build. Otherwise the first ones of each thread are
    chosen on narrow rows, numbered by a window over those the viewer may see (Django
    filters on it in an outer query, after the WHERE clause), and only they are read in
    full; each thread's number is its stored count when the viewer `reads_every_reply`,
    else counted with the viewer's rules.
    """
    stored = sum(thread.comment.reply_count for thread in threads.values())
    if stored <= len(threads) * REPLIES_SHOWN:
        visible = _visible_replies(comments).filter(parent_id__in=list(threads))
        for reply in visible.order_by("created_at", "id"):
            thread = _thread_of(threads, reply)
            if len(thread.replies) < REPLIES_SHOWN:
                thread.replies.append(reply)
            thread.total += 1
        return
    first = (
        _visible_replies(readable)
        .filter(parent_id__in=list(threads))
        .annotate(
            position=Window(
                RowNumber(), partition_by=F("parent_id"), order_by=(F("created_at"), F("id"))
            )
        )
        .filter(position__lte=REPLIES_SHOWN)
    )
    replies = comments.filter(pk__in=first.values("pk")).order_by("created_at", "id")
    if reads_every_reply:
        for thread in threads.values():
            thread.total = thread.comment.reply_count
    else:
        in_thread = _count_of(_visible_replies(readable).filter(parent_id=OuterRef("parent_id")))
        replies = replies.annotate(in_thread=in_thread)
    for reply in replies:
        thread = _thread_of(threads, reply)
        thread.replies.append(reply)
        if not reads_every_reply:
            thread.total = _annotated(reply, "in_thread")


def _thread_of(threads: dict[int, Thread], reply: Comment) -> Thread:
    """The thread of `reply`, read with a filter on its parent among `threads`."""
    return threads[cast(int, reply.parent_id)]


def _visible_replies(comments: CommentQuerySet) -> CommentQuerySet:
    """Replies the viewer is shown: a reply deleted by its author leaves no tombstone."""
    return comments.filter(parent__isnull=False, deleted_at=None)


def _annotated(row: Comment, name: str) -> int:
    """A count annotated on `row` by its query (the Django plugin does not see annotations
    made on a custom queryset)."""
    return int(getattr(row, name))


def _count_of(replies: models.QuerySet[Comment]) -> Coalesce:
    """The number of `replies` (all of one thread), as a subquery: PostgreSQL counts them
    on narrow rows, once (or once per row, when they depend on it through OuterRef)."""
    counted = replies.order_by().values("parent_id").annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted), 0)


def _show_from(thread: Thread, readable: CommentQuerySet, viewer: Viewer, reply_pk: int) -> None:
    """Show `thread` from its reply `reply_pk` on (REPLIES_PER_BATCH of them), after its
    first replies and a link to those between. Nothing changes if there is no such reply
    the viewer may see."""
    start = Comment.objects.filter(parent_id=thread.comment.pk, pk=reply_pk)
    onwards: models.QuerySet[Comment] = _beyond(
        _visible_replies(readable).filter(parent_id=thread.comment.pk),
        (Subquery(start.values("created_at")), reply_pk),
        "gte",
    )
    later, _next = _keyset(
        onwards,
        None,
        limit=REPLIES_PER_BATCH,
        oldest_first=True,
        read_in_full=lambda page: page.for_card_list(viewer).annotate(remaining=_count_of(onwards)),
    )
    if not later or later[0].pk != reply_pk:
        return
    from_target = _annotated(later[0], "remaining")
    total = thread.total
    thread.target_id = reply_pk
    thread.later_replies = later
    thread.more = _more_after(
        thread.comment.pk,
        thread.replies,
        total - len(thread.replies) - from_target,
        before=_cursor_of(later[0]),
    )
    thread.more_later = _more_after(thread.comment.pk, later, from_target - len(later))


def thread_replies(
    viewer: Viewer,
    post: Post,
    comment_pk: int,
    *,
    after: str | None,
    before: str | None = None,
) -> tuple[Comment, ReplyBatch] | None:
    """The top-level comment `comment_pk` of `post` (a post `viewer` may read) and its next
    REPLIES_PER_BATCH visible replies after the cursor `after`, stopping before the cursor
    `before`; None if there is no such comment the viewer may see (or it was deleted and
    no reply is left to show under it). Two queries, whatever the number of replies.
    """
    readable = Comment.objects.under(post, viewer)
    top = readable.for_card_list(viewer).filter(pk=comment_pk, parent=None).first()
    if top is None:
        return None
    replies = _visible_replies(readable).filter(parent_id=top.pk)
    bounded: models.QuerySet[Comment] = _beyond(replies, decode_cursor(before), "lt")
    left: models.QuerySet[Comment] = _beyond(bounded, decode_cursor(after), "gt")
    found, _next = _keyset(
        left,
        None,
        limit=REPLIES_PER_BATCH,
        oldest_first=True,
        read_in_full=lambda page: page.for_card_list(viewer).annotate(remaining=_count_of(left)),
    )
    if top.deleted_at is not None and not found:
        return None
    remaining = _annotated(found[0], "remaining") - len(found) if found else 0
    more = _more_after(top.pk, found, remaining, before=before)
    return top, ReplyBatch(replies=found, more=more)


# --- A live Q&A ---------------------------------------------------------------------------


def event_host_ids(post: Post) -> frozenset[int]:
    """The hosts of a live Q&A: its author and the co-hosts they named. One query, kept on
    the post for the rest of the request (co-host changes read a fresh post)."""
    cached: frozenset[int] | None = getattr(post, "_event_host_ids", None)
    if cached is None:
        cohosts = EventCohost.objects.filter(post=post).values_list("member_id", flat=True)
        cached = frozenset({post.author_id, *cohosts})
        post._event_host_ids = cached  # type: ignore[attr-defined]
    return cached


@dataclass(frozen=True)
class EventPanel:
    """What the page of a live Q&A shows beside the post: hosts, attendance, the reader's."""

    cohosts: list[User]
    host_ids: frozenset[int]
    attendee_count: int
    is_going: bool
    is_host: bool


def event_panel(viewer: Viewer, post: Post) -> EventPanel:
    """The co-hosts (one query) and the attendance with the viewer's own RSVP (one query)."""
    cohosts = [
        link.member
        for link in EventCohost.objects.filter(post=post)
        .select_related("member")
        .order_by("created_at", "pk")
    ]
    host_ids = frozenset({post.author_id, *(member.pk for member in cohosts)})
    post._event_host_ids = host_ids  # type: ignore[attr-defined]
    member_id = viewer.pk if viewer.is_authenticated else None
    counts = EventRSVP.objects.filter(post=post).aggregate(
        total=models.Count("pk"), mine=models.Count("pk", filter=Q(member_id=member_id))
    )
    return EventPanel(
        cohosts=cohosts,
        host_ids=host_ids,
        attendee_count=counts["total"],
        is_going=bool(member_id and counts["mine"]),
        is_host=member_id in host_ids,
    )


def event_questions(
    viewer: Viewer, post: Post, host_ids: frozenset[int], *, limit: int = EVENT_QUESTIONS_LIMIT
) -> Page[Thread]:
    """The questions of a live Q&A for `viewer`, with their replies (hosts' answers first);
    two queries whatever the number of questions and votes.

    Before and during the event: pinned questions on top, then by votes, then oldest first.
    After it: answered questions first, then the others by votes. A question the hosts hid
    is shown to its author and to the hosts only (with its replies); deleted questions stay
    as tombstones only above visible replies, as in `post_threads`.
    """
    comments = Comment.objects.under(post, viewer).for_card_list(viewer)
    if viewer.is_authenticated:
        comments = comments.annotate(viewer_voted=ViewerMarked(QuestionVote, "comment", viewer.pk))
    tops = comments.filter(parent=None)
    if viewer.pk not in host_ids:
        shown = ~Q(question_status=QuestionStatus.HIDDEN)
        if viewer.is_authenticated:
            shown |= Q(author=viewer)
        tops = tops.filter(shown)
    first = QuestionStatus.ANSWERED if post.event_state == "ended" else QuestionStatus.PINNED
    on_top = models.Case(models.When(question_status=first, then=0), default=1)
    found = list(tops.order_by(on_top, "-vote_count", "created_at", "id")[:limit])
    threads = {comment.pk: Thread(comment=comment) for comment in found}
    if threads:
        replies = comments.filter(parent_id__in=list(threads), deleted_at=None)
        for reply in replies.order_by("-is_host_answer", "created_at", "id"):
            if reply.parent_id is not None:
                threads[reply.parent_id].replies.append(reply)
    items = [
        thread for thread in threads.values() if thread.comment.deleted_at is None or thread.replies
    ]
    return Page(items=items)


# --- Groups ------------------------------------------------------------------------------


def circle_directory(viewer: Viewer, query: str = "", *, limit: int = 100) -> list[Circle]:
    """Groups by size then name, filtered by name or description; with the viewer's own
    membership status as `viewer_status` (None when not a member)."""
    circles = Circle.objects.all()
    query = query.strip()
    if query:
        circles = circles.filter(Q(name__icontains=query) | Q(description__icontains=query))
    if viewer.is_authenticated:
        circles = circles.annotate(
            viewer_status=Subquery(
                Membership.objects.filter(circle=OuterRef("pk"), member=viewer).values("status")[:1]
            )
        )
    return list(circles.order_by("-member_count", "name")[:limit])


class _Readable(TypedDict):
    is_readable: bool


def circle_for_reader(
    reader: Viewer | Actor, slug: str
) -> WithAnnotations[Circle, _Readable] | None:
    """The group with `slug`, its front (name, description, size) for anyone, with
    `is_readable`: whether `reader` may read its inside (`Circle.objects.readable_by`).
    None when there is no such group. One query."""
    readable = Circle.objects.readable_by(reader).filter(pk=OuterRef("pk"))
    circle = Circle.objects.annotate(is_readable=Exists(readable)).filter(slug=slug).first()
    # The Django plugin drops annotations made through a custom queryset's manager.
    return cast("WithAnnotations[Circle, _Readable] | None", circle)


def readable_circle(reader: Viewer | Actor, slug: str) -> Circle | None:
    """The group with `slug` if `reader` may read its inside, else None (pages answer 404)."""
    return Circle.objects.readable_by(reader).filter(slug=slug).first()


def circle_membership(viewer: Viewer, circle: Circle) -> Membership | None:
    if not viewer.is_authenticated:
        return None
    return Membership.objects.filter(circle=circle, member=viewer).first()


def circle_members(
    circle: Circle, *, status: str = MembershipStatus.ACTIVE, reader: Viewer | None = None
) -> list[Membership]:
    """The memberships of `circle` with `status`. Given a `reader`, only those of members
    the reader may see (`User.objects.visible_to`: no one walled off from them); the
    group's moderators, who manage every membership, pass none."""
    memberships = Membership.objects.filter(circle=circle, status=status)
    if reader is not None:
        memberships = memberships.filter(member__in=User.objects.visible_to(reader))
    return list(memberships.select_related("member").order_by("-role", "created_at", "id"))


def member_circles(member: User) -> list[Circle]:
    """Groups the member is an active member of (where they may post)."""
    return list(
        Circle.objects.filter(
            memberships__member=member, memberships__status=MembershipStatus.ACTIVE
        ).order_by("name")
    )
