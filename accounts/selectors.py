"""Reads about members that other apps rely on: who is walled off from whom, profiles,
relations and follow lists."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Exists, OuterRef

from community.perf.row_sql import OuterRowSQL, column_of

from .models import WALL_SIDES, Block, Follow, Mute, RetiredHandle, User, wall_between

# Walls read during the current GET or HEAD request, by member id (accounts.middleware
# .ReadWallsOnceMiddleware); None outside one, where every call reads them afresh.
request_walls: ContextVar[dict[int, frozenset[int]] | None] = ContextVar(
    "request_walls", default=None
)


class HasConfirmedEmail(OuterRowSQL):
    """Whether the member on this row has confirmed an email address (allauth's
    `EmailAddress` with `verified`), as a value of the row: what
    `Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))` says, written
    out, because accounts.backends reads it with the member on every page."""

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # Imported here: allauth's models refer back to this app's User.
        from allauth.account.models import EmailAddress

        quote, meta = connection.ops.quote_name, EmailAddress._meta
        member = self.column(compiler, connection, self.outer_pk)
        # Names from the model's own metadata, quoted; the one value is a parameter.
        sql = (
            f"EXISTS(SELECT 1 FROM {quote(meta.db_table)}"  # nosec B608
            f" WHERE {quote(column_of(EmailAddress, 'user'))} = {member}"
            f" AND {quote(column_of(EmailAddress, 'verified'))} = %s)"
        )
        return sql, [True]


class WalledOffIds(OuterRowSQL):
    """Who is walled off from the member on this row (members they blocked or who blocked
    them), as one value: their ids separated by commas, None when there are none
    (`parse_walled_off_ids`). The rule's raw SQL form, built from `WALL_SIDES` like its
    ORM forms: `walled_off_ids` reads it, and accounts.backends reads it with the member."""

    output_field = models.TextField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        quote, meta = connection.ops.quote_name, Block._meta
        member = self.column(compiler, connection, self.outer_pk)
        # The block rule's sides (accounts.models.WALL_SIDES), written out: the rows where
        # the member stands on a side, and the member on the other side of each.
        sides = [
            (quote(column_of(Block, mine)), quote(column_of(Block, theirs)))
            for mine, theirs in WALL_SIDES
        ]
        whens = " ".join(f"WHEN {mine} = {member} THEN {theirs}" for mine, theirs in sides)
        other = f"CASE {whens} END"
        stands = " OR ".join(f"{mine} = {member}" for mine, _ in sides)
        if connection.vendor == "postgresql":
            joined = f"string_agg(CAST({other} AS text), ',')"
        else:
            joined = f"group_concat({other}, ',')"
        # Names from the models' own metadata, quoted; no values.
        sql = (
            f"(SELECT {joined} FROM {quote(meta.db_table)}"  # nosec B608
            f" WHERE {stands})"
        )
        return sql, []


def parse_walled_off_ids(value: str | None) -> set[int]:
    return {int(part) for part in value.split(",")} if value else set()


def walled_off_ids(user: User | AnonymousUser) -> set[int]:
    """Ids of members who blocked `user` or whom `user` blocked (empty for visitors).

    A page that reads posts, comments and notifications asks several times; within one
    read-only request the answer is read once.
    """
    if not user.is_authenticated:
        return set()
    known = request_walls.get()
    if known is not None and user.pk in known:
        return set(known[user.pk])
    read = User.objects.filter(pk=user.pk).annotate(walled_ids=WalledOffIds())
    walled = parse_walled_off_ids(read.values_list("walled_ids", flat=True).first())
    remember_walls_for_request(user, walled)
    return walled


def remember_walls_for_request(member: User, walled: set[int]) -> None:
    """Keep `walled` as `member`'s walls for the rest of the read-only request (read with the
    member by accounts.backends); outside one, nothing is kept."""
    known = request_walls.get()
    if known is not None:
        known[member.pk] = frozenset(walled)


def is_walled_off(first: User | AnonymousUser, second: User) -> bool:
    """True when either member blocked the other."""
    if not first.is_authenticated or first.pk == second.pk:
        return False
    return Block.objects.filter(wall_between(first, second)).exists()


def profile_for(viewer: User | AnonymousUser, handle: str) -> User | None:
    """The member with `handle` if `viewer` may see their profile (their follow counts are
    stored on the row), read with how a signed-in `viewer` stands towards them
    (`relation_between` takes it from the row); None otherwise."""
    members = User.objects.visible_to(viewer).filter(handle=handle)
    if viewer.is_authenticated:
        members = members.annotate(**_relation_to(viewer, OuterRef("pk")))
    return members.first()


@dataclass(frozen=True)
class Relation:
    """How the viewer stands towards another member, for their profile's buttons."""

    is_following: bool = False
    is_followed_by: bool = False
    is_muting: bool = False


def _relation_to(viewer: User, other: Any) -> dict[str, Exists]:
    """`Relation`'s fields about the member `other` (a pk, or a reference to the row)."""
    return {
        "is_following": Exists(Follow.objects.filter(follower=viewer, followee=other)),
        "is_followed_by": Exists(Follow.objects.filter(follower=other, followee=viewer)),
        "is_muting": Exists(Mute.objects.filter(muter=viewer, muted=other)),
    }


def relation_between(viewer: User | AnonymousUser, other: User) -> Relation:
    """How `viewer` stands towards `other`: from `other`'s row when `profile_for` read it,
    else in one query."""
    if not viewer.is_authenticated or viewer.pk == other.pk:
        return Relation()
    fields = ("is_following", "is_followed_by", "is_muting")
    if all(hasattr(other, name) for name in fields):
        return Relation(**{name: bool(getattr(other, name)) for name in fields})
    row = (
        User.objects.filter(pk=other.pk)
        .annotate(**_relation_to(viewer, other.pk))
        .values(*fields)
        .get()
    )
    return Relation(**row)


FOLLOW_PAGE_SIZE = 30


def follow_page(
    viewer: User | AnonymousUser,
    member: User,
    *,
    direction: str,
    before: int | None = None,
    size: int = FOLLOW_PAGE_SIZE,
) -> tuple[list[Follow], int | None]:
    """A page of `member`'s followers (direction="followers") or followed members
    ("following"), newest first, keyset-paginated on the follow id, listing only members
    `viewer` may see. Returns the rows and the cursor for the next page (or None)."""
    if direction == "followers":
        rows = Follow.objects.filter(followee=member).select_related("follower")
        rows = rows.filter(follower__in=User.objects.visible_to(viewer))
    else:
        rows = Follow.objects.filter(follower=member).select_related("followee")
        rows = rows.filter(followee__in=User.objects.visible_to(viewer))
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: size + 1])
    next_cursor = page[size - 1].pk if len(page) > size else None
    return page[:size], next_cursor


def blocked_and_muted(member: User) -> tuple[list[Block], list[Mute]]:
    """The members `member` blocked and muted, for the settings page that lifts them."""
    blocks = list(Block.objects.filter(blocker=member).select_related("blocked").order_by("-pk"))
    mutes = list(Mute.objects.filter(muter=member).select_related("muted").order_by("-pk"))
    return blocks, mutes


def handle_is_retired(handle: str, *, member_pk: int | None = None) -> bool:
    """Whether `handle` is retired for everyone but the member (`member_pk`) who gave it up
    by changing theirs: a deleted member's handle is retired for all (accounts.services)."""
    retired = RetiredHandle.objects.filter(handle__iexact=handle)
    if member_pk is not None:
        retired = retired.exclude(former_member_id=member_pk)
    return retired.exists()
