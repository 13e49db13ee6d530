"""Reads about notifications: preferences, the unread count, and the list page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from accounts.models import User, byline_fields
from accounts.selectors import walled_off_ids
from community.perf.row_sql import OuterRowSQL
from community.time_zones import zone_or_utc

from .models import (
    ALLOWED_DELIVERY,
    DEFAULT_DELIVERY,
    DEFAULT_PUSH,
    SECURITY_KINDS,
    Delivery,
    EmailAddressProblem,
    EmailDigest,
    EmailStatus,
    Kind,
    Notification,
    NotificationPreference,
    PushSubscription,
)

PAGE_SIZE = 30
# What the list reads of each notification (notifications/_notification.html and the page's
# grouping and cursor): the rest stays in the database.
LIST_FIELDS = ("actor", "target_type", "target_id", "title", "url", "created_at", "read_at")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def member_time_zone(user: User) -> dt.tzinfo:
    """The member's own time zone, read from the user or their profile; UTC if unset."""
    value = getattr(user, "time_zone", None)
    if not value:
        # A missing profile raises RelatedObjectDoesNotExist, an AttributeError: getattr copes.
        profile = getattr(user, "profile", None)
        value = getattr(profile, "time_zone", None)
    if isinstance(value, dt.tzinfo):
        return value
    return zone_or_utc(value)


def delivery_for(*, user: User, kind: str) -> str:
    """How `user` wants email of `kind`: their choice, else the kind's default."""
    if kind in SECURITY_KINDS:
        return Delivery.IMMEDIATE
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("delivery", flat=True)
        .first()
    )
    if chosen in ALLOWED_DELIVERY[kind]:
        return chosen
    return DEFAULT_DELIVERY[kind]


def preferences_for(user: User) -> dict[str, str]:
    """Every kind mapped to the member's effective delivery choice (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    effective = {}
    for kind in Kind.values:
        value = chosen.get(kind)
        if kind in SECURITY_KINDS or value not in ALLOWED_DELIVERY[kind]:
            value = DEFAULT_DELIVERY[kind]
        effective[kind] = value
    return effective


def push_wanted(*, user: User, kind: str) -> bool:
    """Whether `user` wants `kind` pushed to their devices: their choice, else the default.
    Kinds outside DEFAULT_PUSH (reactions) are never pushed."""
    if kind not in DEFAULT_PUSH:
        return False
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind)
        .values_list("push", flat=True)
        .first()
    )
    return DEFAULT_PUSH[kind] if chosen is None else chosen


def push_preferences_for(user: User) -> dict[str, bool]:
    """Every kind that may be pushed mapped to the member's effective choice (one query)."""
    chosen: dict[str, bool] = {
        kind: bool(push)
        for kind, push in NotificationPreference.objects.filter(
            user=user, push__isnull=False
        ).values_list("kind", "push")
    }
    return {kind: chosen.get(kind, default) for kind, default in DEFAULT_PUSH.items()}


def devices_for(member: User) -> list[PushSubscription]:
    """The member's devices with push on, oldest first (the endpoints are not read)."""
    return list(
        PushSubscription.objects.filter(member=member).only(
            "pk", "user_agent_label", "created_at", "last_success_at"
        )
    )


def email_problem_for(member: User) -> EmailAddressProblem | None:
    """Why email to the member's address failed for good, until an email gets through."""
    return EmailAddressProblem.objects.filter(member=member).first()


def failed_email_count(*, since: dt.datetime) -> int:
    """Emails that failed for good since `since`: single notifications and digests (a
    digest's notifications count once, as their digest)."""
    failed = Q(email_status=EmailStatus.FAILED, email_failed_at__gte=since)
    notifications = Notification.objects.filter(failed, digest__isnull=True).order_by().values("pk")
    digests = EmailDigest.objects.filter(failed).values("pk")
    # One query: COUNT(*) over both lists (UNION ALL: ids of two tables may be equal).
    return notifications.union(digests, all=True).count()


def unread_count(user: User) -> int:
    """Unread notifications of `user`; served by a partial index. On a read-only request
    the count was read with the member (accounts.backends), and is not read again."""
    known = getattr(user, "unread_notification_count", None)
    if known is not None:
        return known
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


class UnreadCount(OuterRowSQL):
    """`unread_count` of the member on this row, as a value of the row."""

    output_field = models.IntegerField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        quote, meta = connection.ops.quote_name, Notification._meta
        member = self.column(compiler, connection, self.outer_pk)
        # Names from the model's own metadata, quoted; no values.
        sql = (
            f"(SELECT COUNT(*) FROM {quote(meta.db_table)}"  # nosec B608
            f" WHERE {quote(meta.get_field('recipient').column)} = {member}"
            f" AND {quote(meta.get_field('read_at').column)} IS NULL)"
        )
        return sql, []


@dataclass(frozen=True)
class Cursor:
    created_at: dt.datetime
    pk: int

    # Whole microseconds since the epoch: a float timestamp would lose the last digits.
    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // dt.timedelta(microseconds=1)
        return f"{micros}_{self.pk}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        """Raise ValueError for anything but a cursor this page produced."""
        micros, _, pk = raw.partition("_")
        try:
            created_at = _EPOCH + dt.timedelta(microseconds=int(micros))
        except OverflowError as error:
            raise ValueError("cursor out of range") from error
        return cls(created_at, int(pk))


@dataclass
class NotificationItem:
    notification: Notification
    is_available: bool


@dataclass
class NotificationDay:
    day: dt.date
    items: list[NotificationItem] = field(default_factory=list)


@dataclass
class NotificationPage:
    days: list[NotificationDay]
    next_cursor: str | None
    has_unread: bool


def _visible_targets(viewer: User, notifications: list[Notification]) -> set[tuple[int, int]]:
    """(type id, object id) pairs that still exist and that `viewer` may see.

    One query per content type on the page, never one per notification. A model offering
    `visible_to(viewer)` on its QuerySet decides visibility; otherwise existing is enough.
    """
    wanted: dict[int, set[int]] = defaultdict(set)
    for notification in notifications:
        if notification.target_type_id and notification.target_id:
            wanted[notification.target_type_id].add(notification.target_id)
    visible: set[tuple[int, int]] = set()
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        queryset = model._default_manager.all()
        visible_to = getattr(queryset, "visible_to", None)
        if callable(visible_to):
            queryset = visible_to(viewer)
        for pk in queryset.filter(pk__in=ids).values_list("pk", flat=True):
            visible.add((type_id, pk))
    return visible


def notifications_page(
    *, viewer: User, cursor: str | None = None, size: int = PAGE_SIZE
) -> NotificationPage:
    """One page of `viewer`'s notifications, newest first, grouped by the viewer's local day.

    Keyset pagination on (created_at, id). Notifications from members walled off from the
    viewer are left out. Raises ValueError for a malformed cursor.
    """
    # The columns the list shows, with each actor's byline for the avatar beside the row (no
    # query per row). Naming the few columns it reads, rather than deferring the others,
    # makes the query a third as costly to build.
    queryset = (
        Notification.objects.filter(recipient=viewer)
        .select_related("actor")
        .only(*LIST_FIELDS, *byline_fields("actor"))
        .order_by("-created_at", "-id")
    )
    hidden_actors = walled_off_ids(viewer)
    if hidden_actors:
        queryset = queryset.exclude(actor_id__in=hidden_actors)
    if cursor:
        position = Cursor.decode(cursor)
        queryset = queryset.filter(
            Q(created_at__lt=position.created_at)
            | Q(created_at=position.created_at, id__lt=position.pk)
        )
    rows = list(queryset[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    visible = _visible_targets(viewer, rows)
    zone = member_time_zone(viewer)
    days: list[NotificationDay] = []
    for notification in rows:
        is_available = not notification.target_type_id or (
            (notification.target_type_id, notification.target_id) in visible
        )
        day = notification.created_at.astimezone(zone).date()
        if not days or days[-1].day != day:
            days.append(NotificationDay(day=day))
        days[-1].items.append(NotificationItem(notification, is_available))
    next_cursor = Cursor(rows[-1].created_at, rows[-1].pk).encode() if has_more else None
    return NotificationPage(
        days=days,
        next_cursor=next_cursor,
        has_unread=any(row.read_at is None for row in rows),
    )


def notification_item(*, viewer: User, pk: int) -> NotificationItem | None:
    """One of `viewer`'s notifications as the list shows it (a live row), or None when it
    is not theirs or comes from a member walled off from them."""
    notification = (
        Notification.objects.filter(recipient=viewer, pk=pk)
        .exclude(actor_id__in=walled_off_ids(viewer) or [0])
        .select_related("actor")
        .only(*LIST_FIELDS, *byline_fields("actor"))
        .first()
    )
    if notification is None:
        return None
    is_available = not notification.target_type_id or (
        (notification.target_type_id, notification.target_id)
        in _visible_targets(viewer, [notification])
    )
    return NotificationItem(notification, is_available)
