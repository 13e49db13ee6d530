"""Posts, comments, reactions, bookmarks, hashtags and campaigns, and groups.

Who may see what is decided in exactly one place per model: `Circle.objects.readable_by`,
`Post.objects.visible_to` and `Comment.objects.visible_to` (and `Hashtag.objects.visible_to`,
which asks the second).
Every page, feed, search and export goes through them.

Visibility rules for posts:
- "public": everyone, visitors included, except posts by minors, which are for signed-in
  members who confirmed their email address only (a minor's profile and posts are never
  shown to the open web, nor to an account that could be anyone's);
- "members": signed-in members;
- "group": for those who may read the group (`Circle.objects.readable_by`): a post in a
  private group is for the group's active members only; a post in a public group is for
  every signed-in member (anyone may join a public group at once, so hiding it from them
  would protect nothing), never for visitors; site moderators, acting as such, read every
  group's posts, to moderate them;
- never anything deleted by its author, removed by moderators, or written by a member who
  blocked the viewer or whom the viewer blocked. Authors always see their own live posts.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    User,
    age_today,
    byline_fields,
    minors_writing_or_own,
    minors_writing_shown_to,
    sees_every_minor,
)
from accounts.moderators import Actor, may_moderate
from accounts.selectors import walled_off_ids
from community.expressions import AnyOf
from community.perf.prefetch import PrefetchOnlyCounted
from community.perf.row_sql import OuterRowSQL, ViewerMarked, column_of

if TYPE_CHECKING:
    Viewer = User | AnonymousUser
else:
    Viewer = Any


# --- Groups ------------------------------------------------------------------------------


class CircleKind(models.TextChoices):
    SPECIALTY = "specialty", "Specialty"
    TOPIC = "topic", "Topic"


# Site moderators (accounts.moderators) moderate any group as its own moderators do, its
# members, requests to join and posts, with the panel's permission to change memberships;
# with it they also read any group (`Circle.objects.readable_by`), to moderate it.
GROUP_MODERATION_PERMISSION = "posts.change_membership"


def reader_of(viewer: Viewer | Actor) -> tuple[Viewer, bool]:
    """The member behind `viewer`, and whether they read every group as a site moderator:
    only an `Actor` whose session may moderate groups does; a bare User never does (a User
    row says nothing about the session it signed in with)."""
    if isinstance(viewer, Actor):
        return viewer.user, may_moderate(viewer, GROUP_MODERATION_PERMISSION)
    return viewer, False


@dataclass(frozen=True, slots=True)
class PostReader:
    """Everything the posts' visibility rule reads of a reader (`PostQuerySet.readable_by`):
    the member (None for a visitor), whether their session moderates every group, whether
    they may read every minor's writing (`accounts.models.sees_every_minor`), who is walled
    off from them, and the day the minors rule is read on."""

    member_id: int | None
    every_group: bool
    every_minor: bool
    walled: frozenset[int]
    today: datetime.date

    @classmethod
    def of(cls, viewer: Viewer | Actor) -> PostReader:
        member, every_group = reader_of(viewer)
        return cls(
            member_id=member.pk if member.is_authenticated else None,
            every_group=every_group,
            every_minor=sees_every_minor(member),
            walled=frozenset(walled_off_ids(member)),
            today=age_today(),
        )

    @property
    def shape(self) -> tuple[bool, bool, bool, bool]:
        """What decides the rule's SQL (`readable_by`): every reader of the same shape gets
        the same SQL, with their own member id, walls and day as its values."""
        return (self.member_id is not None, self.every_group, self.every_minor, bool(self.walled))


def readable_circles_sql(
    circle_column: str, connection: Any, member_id: int
) -> tuple[str, list[Any]]:
    """The group rule for a signed-in member, written once in SQL: the group whose id is in
    `circle_column` is public, or the member is one of its active members. `Circle.objects
    .readable_by` asks it of a group's own id and `ReadableByMember` of a post's group."""
    quote = connection.ops.quote_name
    circle, membership = Circle._meta, Membership._meta

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    # Names from the models' own metadata, quoted; every value is a parameter.
    sql = (
        f"({circle_column} IN (SELECT {column(circle, 'id')}"  # nosec B608
        f" FROM {quote(circle.db_table)} WHERE NOT {column(circle, 'is_private')})"
        f" OR {circle_column} IN (SELECT {column(membership, 'circle')}"
        f" FROM {quote(membership.db_table)} WHERE {column(membership, 'member')} = %s"
        f" AND {column(membership, 'status')} = %s))"
    )
    return sql, [member_id, str(MembershipStatus.ACTIVE)]


class ReadableCircle(OuterRowSQL):
    """Whether a signed-in member may read the group on this row (`readable_circles_sql`)."""

    def __init__(self, member_id: int) -> None:
        super().__init__()
        self.member_id = member_id

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        own_id = self.column(compiler, connection, self.outer_pk)
        return readable_circles_sql(own_id, connection, self.member_id)


class CircleQuerySet(models.QuerySet["Circle"]):
    def readable_by(self, viewer: Viewer | Actor) -> CircleQuerySet:
        """Groups whose inside (posts and members) `viewer` may read: the one place the
        group rule lives, asked by every group page, and by `Post.objects.visible_to`
        through `readable_circles_sql`.

        - visitors: none (a group's posts are never for the open web);
        - signed-in members: public groups (anyone may join one at once, so hiding it would
          protect nothing), and private groups they are an active member of; walls (blocks)
          hide members' posts, never a whole group;
        - site moderators, given as an `Actor` whose session may moderate groups: every
          group, to moderate it (a bare User is read as an ordinary member). The group's
          pages and its posts' pages pass an Actor; feeds, search and tag pages pass the
          User, so moderating never fills a moderator's own feed.

        Every group's front (name, description, size, and the button to join or ask to
        join) stays listed in the directory and on its page: that is how a private group is
        found and asked to join.
        """
        user, every_group = reader_of(viewer)
        if not user.is_authenticated:
            return self.none()
        if every_group:
            return self.all()
        return self.filter(ReadableCircle(user.pk))


class Circle(models.Model):
    """A specialty or topic group. Named Circle so it never clashes with auth's Group."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    kind = models.CharField(max_length=12, choices=CircleKind.choices, default=CircleKind.TOPIC)
    is_private = models.BooleanField(
        default=False, help_text="Joining needs a group moderator's approval; posts stay inside."
    )
    # Active members only; kept by the membership services so the directory needs no count.
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CircleQuerySet.as_manager()

    class Meta:
        verbose_name = "group"
        verbose_name_plural = "groups"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("posts:circle", kwargs={"slug": self.slug})


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    MODERATOR = "moderator", "Group moderator"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Member"
    PENDING = "pending", "Waiting for approval"


class Membership(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    role = models.CharField(
        max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "member"], name="membership_unique"),
        ]
        indexes = [
            models.Index(fields=["member", "status"]),
            models.Index(fields=["circle", "status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.circle_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.role == MembershipRole.MODERATOR


class ViewerMarks(TypedDict):
    """What `PostQuerySet.for_display` annotates a post with for a signed-in viewer."""

    viewer_liked: bool
    viewer_found_helpful: bool
    viewer_bookmarked: bool


class CircleIdRow(TypedDict):
    circle_id: int


def active_circle_ids(viewer: User) -> models.QuerySet[Membership, CircleIdRow]:
    """A subquery of the ids of the groups `viewer` is an active member of."""
    return Membership.objects.filter(member=viewer, status=MembershipStatus.ACTIVE).values(
        "circle_id"
    )


# --- Hashtags and campaigns --------------------------------------------------------------


class HashtagQuerySet(models.QuerySet["Hashtag"]):
    def visible_to(self, viewer: Viewer) -> HashtagQuerySet:
        """Hashtags `viewer` may know exist: those on a post they may read
        (`Post.objects.visible_to`), and campaigns' (moderators make those public). A tag
        used only inside a private group, in members-only posts, or on removed posts is not
        disclosed by its name."""
        readable = PostHashtag.objects.filter(
            hashtag=models.OuterRef("pk"), post__in=Post.objects.visible_to(viewer)
        )
        return self.filter(Q(models.Exists(readable)) | Q(campaign__isnull=False))


class Hashtag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HashtagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(name=Lower("name")), name="hashtag_lowercase"),
        ]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("posts:hashtag", kwargs={"name": self.name})


class Campaign(models.Model):
    """An awareness campaign run under a hashtag; featured on Explore while it runs."""

    hashtag = models.OneToOneField(Hashtag, on_delete=models.CASCADE, related_name="campaign")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=2000)
    starts_on = models.DateField()
    ends_on = models.DateField()
    banner = models.ImageField(upload_to="campaigns/%Y/%m/", blank=True)
    banner_alt = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_running(self, on: datetime.date | None = None) -> bool:
        today = on or timezone.localdate()
        return self.starts_on <= today <= self.ends_on


# --- Posts -------------------------------------------------------------------------------


class PostKind(models.TextChoices):
    DISCUSSION = "discussion", "Discussion or tip"
    QUESTION = "question", "Question"
    CASE = "case", "De-identified case"
    PUBLICATION = "publication", "Publication"
    EVENT = "event", "Live Q&A"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, including visitors"
    MEMBERS = "members", "Members: signed-in members only"
    GROUP = "group", "Group: only the group chosen below"


HEADLINE_LENGTH = 80


def headline_of(title: str, pub_title: str, body: str) -> str:
    """A post's short label: its title, else its publication's, else the start of its text
    (HEADLINE_LENGTH characters at most)."""
    text = title or pub_title or " ".join(body.split())
    return text if len(text) <= HEADLINE_LENGTH else text[: HEADLINE_LENGTH - 1] + "…"


class ReadableByMember(OuterRowSQL):
    """Whether a signed-in member may read the post, before walls: public and members-only
    posts, posts in public groups and in groups the member is active in, and their own.

    It says what `Q(visibility__in=[public, members]) | Q(visibility=group,
    circle__is_private=False) | Q(visibility=group, circle_id__in=<the member's active
    groups>) | Q(author=member)` says, written out as one condition: no join to the groups
    table and no inner query for every list. The group part is the groups' own rule
    (`readable_circles_sql`, as `Circle.objects.readable_by` reads it); a site moderator's
    (`every_group`) admits every group's posts.
    """

    def __init__(self, member_id: int, every_group: bool = False) -> None:
        super().__init__()
        self.member_id = member_id
        self.every_group = every_group

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:

        def column(name: str) -> str:
            return self.column(compiler, connection, column_of(Post, name))

        group_params: list[Any]
        if self.every_group:
            # A site moderator reads every group (Circle.objects.readable_by).
            in_group, group_params = "TRUE", []
        else:
            in_group, group_params = readable_circles_sql(
                column("circle"), connection, self.member_id
            )
        sql = (
            f"({column('visibility')} IN (%s, %s)"  # nosec B608
            f" OR ({column('visibility')} = %s AND {in_group})"
            f" OR {column('author')} = %s)"
        )
        params: list[Any] = [
            str(Visibility.PUBLIC),
            str(Visibility.MEMBERS),
            str(Visibility.GROUP),
            *group_params,
            self.member_id,
        ]
        return sql, params


# What a post card shows of its reader: their own reactions and bookmark on the post.
VIEWER_MARKS = ("viewer_liked", "viewer_found_helpful", "viewer_bookmarked")
# A post's columns that its card never shows, left in the database when cards are listed.
NOT_ON_CARDS = ("body", "search_vector", "removal_reason")
# What a card shows of a post's group: its name, linked to its page.
CIRCLE_ON_CARDS = ("id", "slug", "name")


@functools.cache
def card_columns(model_name: str) -> tuple[str, ...]:
    """What a list of cards reads, for `only()`: of a post ("post") every column but
    NOT_ON_CARDS and of its group CIRCLE_ON_CARDS, of a comment ("comment") every column; of
    each author only the byline. Naming the columns read costs the ORM about 1,000 fewer calls per
    list than deferring the others (BENCHMARKS.md, "Before and after the design work").
    Worked out once: the models' fields do not change."""
    if model_name == "post":
        own = [f.name for f in Post._meta.concrete_fields if f.name not in NOT_ON_CARDS]
        own += [f"circle__{name}" for name in CIRCLE_ON_CARDS]
    else:
        own = [f.name for f in Comment._meta.concrete_fields]
    return (*own, *byline_fields("author"))


class PostQuerySet(PrefetchOnlyCounted["Post"]):
    # Cards show images only when `image_count` says there are some (community/perf).
    counted_prefetches = {"images": "image_count"}

    def alive(self) -> PostQuerySet:
        """Neither deleted by its author nor removed by moderators."""
        return self.filter(deleted_at__isnull=True, removed_by_moderators_at__isnull=True)

    def visible_to(self, viewer: Viewer | Actor, *, include_gone: bool = False) -> PostQuerySet:
        """Posts `viewer` may read (see the module docstring for the rules).

        `include_gone` keeps deleted and removed posts, for the post page's tombstone and
        the comments under it; nothing else shows them. Given an `Actor` (the group page
        and the post page), a site moderator reads the posts of every group, as
        `Circle.objects.readable_by` lets them read every group.
        """
        return self.readable_by(PostReader.of(viewer), include_gone=include_gone)

    def readable_by(self, reader: PostReader, *, include_gone: bool = False) -> PostQuerySet:
        """`visible_to`, from what the rule reads of the reader (`PostReader`) and nothing else."""
        posts = self if include_gone else self.alive()
        # The minors rule reads the post's own copy of its author's age (accounts decides
        # it): no look at the members table, so visitors' lists walk the same indexes.
        if not reader.every_minor:
            posts = posts.filter(minors_writing_or_own(reader.member_id, reader.today))
        if reader.member_id is None:
            return posts.filter(visibility=Visibility.PUBLIC)
        posts = posts.filter(ReadableByMember(reader.member_id, reader.every_group))
        if reader.walled:
            # One array parameter, however many: the SQL is the same for every walled reader.
            posts = posts.exclude(AnyOf("author", sorted(reader.walled)))
        return posts

    def for_display(self, viewer: Viewer) -> PostQuerySet:
        """Everything a post card shows, loaded up front: author, group, images, and the
        viewer's own reactions and bookmark as annotations (no query per post)."""
        return self.for_display_to(viewer.pk if viewer.is_authenticated else None)

    def for_display_to(self, member_id: int | None) -> PostQuerySet:
        """`for_display`, for the member `member_id` (None: a visitor)."""
        return (
            self.select_related("author", "circle").prefetch_related("images").marked_for(member_id)
        )

    def viewer_marked(self, viewer: Viewer) -> PostQuerySet:
        """Each post marked with the viewer's own reactions and bookmark (`VIEWER_MARKS`);
        visitors have none."""
        return self.marked_for(viewer.pk if viewer.is_authenticated else None)

    def marked_for(self, member_id: int | None) -> PostQuerySet:
        """`viewer_marked`, for the member `member_id` (None: a visitor, no marks)."""
        if member_id is None:
            return self
        return self.annotate(
            viewer_liked=ViewerMarked(Reaction, "post", member_id, ReactionKind.LIKE),
            viewer_found_helpful=ViewerMarked(Reaction, "post", member_id, ReactionKind.HELPFUL),
            viewer_bookmarked=ViewerMarked(Bookmark, "post", member_id),
        )

    def for_card_list(self, viewer: Viewer) -> PostQuerySet:
        """`for_display`, for lists of cards: of each post what its card shows (not the
        Markdown source nor the search words: the card shows the rendered text), and of
        each author only what the byline shows."""
        return self.for_display(viewer).only(*card_columns("post"))

    def newest_first(self) -> PostQuerySet:
        return self.order_by("-created_at", "-id")


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.CharField(max_length=12, choices=PostKind.choices, default=PostKind.DISCUSSION)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20_000)
    # Rendered and sanitised once, when saved; templates mark it safe.
    body_html = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, null=True, blank=True, related_name="posts"
    )

    # Publication shares: the identifier is validated by format, the rest is the author's.
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PubMed ID", max_length=10, blank=True)
    pub_title = models.CharField("publication title", max_length=300, blank=True)
    journal = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    # Live Q&A events: stored in UTC, shown in each reader's time zone.
    starts_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    removed_by_moderators_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    # A copy of the author's `User.minor_until`: NULL for an adult, else the first day the
    # author counts as one. The minors rule for visitors and unconfirmed members reads it
    # here (`minors_writing_shown_to`) rather than in the members table. posts.authors
    # keeps it: read when the row is written, copied again onto all the author's rows
    # whenever their birth year or role changes.
    author_minor_until = models.DateField(null=True, blank=True, editable=False)

    # Kept exact by the services (F() updates guarded by the reaction's unique constraint).
    like_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    # How many PostImage rows the post has, kept by the services that store and delete
    # them: a page of cards loads images only for the posts that have some.
    image_count = models.PositiveSmallIntegerField(db_default=0, default=0, editable=False)

    # Not a column: the excerpt `posts.search` sets on the posts it finds, read only there.
    snippet: str

    hashtags: models.ManyToManyField[Hashtag, PostHashtag] = models.ManyToManyField(
        Hashtag, through="PostHashtag", related_name="posts", blank=True
    )
    # Filled on PostgreSQL only (title A, hashtags A, body B); NULL on SQLite, where search
    # falls back to a contains match. The GIN index is created by a PostgreSQL-only migration.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="post_recent_idx"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_recent_idx"),
            models.Index(fields=["circle", "-created_at", "-id"], name="post_circle_recent_idx"),
            # Live posts, newest first, carrying what the visibility rule and the ranking of
            # top posts read: the week's top posts (Explore) come from an index-only scan
            # instead of a heap read of every post of the week, and the home feed and
            # Explore walk it to find their first page among live posts only.
            models.Index(
                fields=["-created_at"],
                include=[
                    "id",
                    "like_count",
                    "helpful_count",
                    "visibility",
                    "circle",
                    "author",
                    "author_minor_until",
                ],
                condition=Q(deleted_at__isnull=True, removed_by_moderators_at__isnull=True),
                name="post_alive_recent_counts_idx",
            ),
            # Live Q&As by their start: the right rail's upcoming ones read the few that
            # have not ended instead of every live Q&A ever held.
            models.Index(
                fields=["starts_at", "id"],
                condition=Q(
                    kind=PostKind.EVENT,
                    deleted_at__isnull=True,
                    removed_by_moderators_at__isnull=True,
                ),
                name="post_event_start_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visibility=Visibility.GROUP) & Q(circle__isnull=False))
                | (~Q(visibility=Visibility.GROUP) & Q(circle__isnull=True)),
                name="post_group_visibility_has_group",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    def get_absolute_url(self) -> str:
        return reverse("posts:detail", kwargs={"pk": self.pk})

    @property
    def is_gone(self) -> bool:
        return self.deleted_at is not None or self.removed_by_moderators_at is not None

    @property
    def headline(self) -> str:
        """A short label for notifications and page titles."""
        return headline_of(self.title, self.pub_title, self.body)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None or self.duration_minutes is None:
            return None
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def event_state(self) -> str:
        """ "upcoming", "live" or "ended" for a live Q&A; "" for other posts."""
        ends_at = self.ends_at
        if self.starts_at is None or ends_at is None:
            return ""
        now = timezone.now()
        if now < self.starts_at:
            return "upcoming"
        return "live" if now < ends_at else "ended"

    @property
    def reaction_count(self) -> int:
        return self.like_count + self.helpful_count


class PostHashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtag_links")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_links")
    # The post's own creation time, copied so the hashtag page reads one index in order.
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "hashtag"], name="post_hashtag_unique"),
        ]
        indexes = [models.Index(fields=["hashtag", "-created_at", "-post"])]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.hashtag_id}"


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    display = models.ImageField(
        upload_to="posts/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(upload_to="posts/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


# --- Comments ----------------------------------------------------------------------------


class QuestionStatus(models.TextChoices):
    """Where the hosts of a live Q&A put a question (posts.services.events)."""

    OPEN = "open", "Open"
    PINNED = "pinned", "Pinned"
    ANSWERED = "answered", "Answered"
    HIDDEN = "hidden", "Hidden by the hosts"


class CommentQuerySet(models.QuerySet["Comment"]):
    def alive(self) -> CommentQuerySet:
        return self.filter(deleted_at__isnull=True, removed_by_moderators_at__isnull=True)

    def visible_to(self, viewer: Viewer) -> CommentQuerySet:
        """Comments under posts `viewer` may read (a deleted post keeps its thread under a
        tombstone), minus those by members walled off from the viewer. Deleted comments
        stay in so a thread can show a tombstone where they were; use `alive()` to drop them.
        """
        readable = self.filter(post__in=Post.objects.visible_to(viewer, include_gone=True))
        return readable._by_authors_readable_to(viewer)

    def under(self, post: Post, viewer: Viewer) -> CommentQuerySet:
        """The comments of `post` that `viewer` may read, as `visible_to` gives them, for a
        post the caller has already read through `Post.objects.visible_to(viewer)`: its
        readability is not asked again in the query."""
        return self.filter(post=post)._by_authors_readable_to(viewer)

    def _by_authors_readable_to(self, viewer: Viewer) -> CommentQuerySet:
        """Minus the comments of members walled off from `viewer`, and of minors for those
        who may not see them (visitors, unconfirmed members)."""
        comments = self
        shown = minors_writing_shown_to(viewer)
        if shown is not None:
            comments = comments.filter(shown)
        if not viewer.is_authenticated:
            return comments
        walled = walled_off_ids(viewer)
        return comments.exclude(author_id__in=walled) if walled else comments

    def for_display(self, viewer: Viewer) -> CommentQuerySet:
        comments = self.select_related("author")
        if not viewer.is_authenticated:
            return comments
        return comments.annotate(
            viewer_liked=ViewerMarked(Reaction, "comment", viewer.pk, ReactionKind.LIKE),
            viewer_found_helpful=ViewerMarked(Reaction, "comment", viewer.pk, ReactionKind.HELPFUL),
        )

    def for_card_list(self, viewer: Viewer) -> CommentQuerySet:
        """`for_display`, for a thread's cards: of each author only what the byline shows."""
        return self.for_display(viewer).only(*card_columns("comment"))


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_comments"
    )
    # One level of replies: a reply's parent is always a top-level comment (add_comment).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(max_length=5_000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    removed_by_moderators_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)
    like_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    # Of a top-level comment: its replies not deleted by their authors, kept by
    # posts.services. A hint for `posts.selectors.post_threads`: a thread with at most
    # REPLIES_SHOWN of them shows them all, and none has to be counted for the reader.
    reply_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # The author's `User.minor_until`, as on Post.
    author_minor_until = models.DateField(null=True, blank=True, editable=False)
    # Questions on a live Q&A (top-level comments of an event): where the hosts put them
    # (posts.services.events.QUESTION_TRANSITIONS is the only way to move them), and their
    # votes, kept exact by the services as the reaction counters are.
    question_status = models.CharField(
        max_length=10,
        choices=QuestionStatus.choices,
        default=QuestionStatus.OPEN,
        db_default=QuestionStatus.OPEN,
    )
    vote_count = models.PositiveIntegerField(default=0, db_default=0)
    # A reply written by a host through "Answer": shown under its question as the answer.
    is_host_answer = models.BooleanField(default=False, db_default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["post", "created_at", "id"]),
            models.Index(fields=["author", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        """The post, its conversation shown from this comment's thread (a busy post's
        first page may not hold it), and for a reply from that reply on (a busy thread
        shows only its first replies), scrolled to the comment."""
        post_url = reverse("posts:detail", kwargs={"pk": self.post_id})
        if self.parent_id is None:
            return f"{post_url}?thread={self.pk}#comment-{self.pk}"
        return f"{post_url}?thread={self.parent_id}&reply={self.pk}#comment-{self.pk}"

    @property
    def is_gone(self) -> bool:
        return self.deleted_at is not None or self.removed_by_moderators_at is not None


# --- Reactions and bookmarks -------------------------------------------------------------


class ReactionKind(models.TextChoices):
    LIKE = "like", "Like"
    HELPFUL = "helpful", "Helpful"


class Reaction(models.Model):
    """One member's like or helpful on a post or on a comment (exactly one of the two)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="reaction_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "member", "kind"],
                condition=Q(post__isnull=False),
                name="reaction_one_per_member_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "member", "kind"],
                condition=Q(comment__isnull=False),
                name="reaction_one_per_member_comment",
            ),
        ]
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.post_id or self.comment_id}"


class Bookmark(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "post"], name="bookmark_unique"),
        ]
        indexes = [models.Index(fields=["member", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.member_id} saved {self.post_id}"


# --- Live Q&As ---------------------------------------------------------------------------


class EventRSVP(models.Model):
    """A member's "I'll be there" to a live Q&A ("Not going" deletes it)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_rsvps"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The reminder 15 minutes before the start: claimed by a conditional UPDATE setting
    # this, so each member is reminded once per start time (moving the start clears it).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "RSVP"
        verbose_name_plural = "RSVPs"
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="event_rsvp_unique"),
        ]
        indexes = [models.Index(fields=["member", "post"])]

    def __str__(self) -> str:
        return f"{self.member_id} going to {self.post_id}"


class EventCohost(models.Model):
    """A member the host of a live Q&A named to answer and sort questions with them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="cohosts")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohosted_events"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "co-host"
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="event_cohost_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} co-hosts {self.post_id}"


class QuestionVote(models.Model):
    """One member's vote for a question of a live Q&A (a top-level comment)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "member"], name="question_vote_unique"),
        ]
        indexes = [models.Index(fields=["member", "comment"])]

    def __str__(self) -> str:
        return f"{self.member_id} voted for {self.comment_id}"
