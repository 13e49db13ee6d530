"""The daily digest: one email a morning with the member's news."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community.emails import absolute_url, make_message
from notifications.models import (
    SECURITY_KINDS,
    Delivery,
    EmailDigest,
    EmailStatus,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.selectors import member_time_zone
from notifications.services.delivery import _claim, _send, _skip, enqueue_digest
from notifications.services.outbox import DIGEST_HOUR, DIGEST_SCOPE, initial_email_fields
from notifications.services.preferences import _list_unsubscribe_headers, unsubscribe_url

# --- The daily digest ---------------------------------------------------------------------


def start_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Open today's digest for every member in their morning hour with digest rows waiting.

    A member gets at most one digest per local day (a unique constraint, so two beats can't
    both open one); the rows join it with a conditional UPDATE, so no row is in two digests.
    """
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    opened = 0
    for user in User.objects.filter(pk__in=waiting, is_active=True).order_by("pk"):
        local = now.astimezone(member_time_zone(user))
        if local.hour != DIGEST_HOUR:
            continue
        if _open_digest(recipient=user, local_date=local.date(), now=now) is not None:
            opened += 1
    return opened


def _open_digest(*, recipient: User, local_date: dt.date, now: dt.datetime) -> EmailDigest | None:
    try:
        with transaction.atomic():
            digest = EmailDigest.objects.create(
                recipient=recipient,
                local_date=local_date,
                **initial_email_fields(EmailStatus.PENDING, now=now),
            )
            taken = Notification.objects.filter(
                recipient=recipient,
                email_status=EmailStatus.DIGEST,
                digest__isnull=True,
                created_at__lte=now,
            ).update(digest=digest)
            if not taken:
                transaction.set_rollback(True)
                return None
    except IntegrityError:
        return None  # Another beat opened today's digest for this member.
    digest_id = digest.pk
    transaction.on_commit(lambda: enqueue_digest(digest_id), robust=True)
    return digest


def build_digest_message(digest: EmailDigest) -> EmailMultiAlternatives | None:
    """The digest email: reactions summarised per item, everything else listed."""
    recipient = digest.recipient
    rows = list(
        digest.notifications.exclude(kind__in=_kinds_turned_off(recipient))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    if not rows:
        return None
    reactions: Counter[str] = Counter()
    reaction_titles: dict[str, str] = {}
    items = []
    for row in rows:
        if row.kind == Kind.REACTION_DIGEST:
            reactions[row.url] += row.group_size
            reaction_titles[row.url] = row.title  # rows run oldest first: keep the latest
        else:
            items.append({"notification": row, "item_url": absolute_url(row.url)})
    reaction_summary = [
        {"item_url": absolute_url(url), "count": count, "title": reaction_titles[url]}
        for url, count in reactions.most_common()
    ]
    link = unsubscribe_url(user=recipient, scope=DIGEST_SCOPE)
    context = {
        "recipient": recipient,
        "items": items,
        "reactions": reaction_summary,
        "reaction_count": sum(reactions.values()),
        "notifications_url": absolute_url(reverse("notifications:list")),
        "unsubscribe_url": link,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    # Times in the email are in the recipient's own zone, as on their pages.
    with timezone.override(member_time_zone(recipient)):
        return make_message(
            "digest", to=recipient.email, context=context, headers=_list_unsubscribe_headers(link)
        )


def _kinds_turned_off(user: User) -> list[str]:
    return list(
        NotificationPreference.objects.filter(user=user, delivery=Delivery.OFF)
        .exclude(kind__in=SECURITY_KINDS)
        .values_list("kind", flat=True)
    )


def deliver_digest_email(*, digest_id: int, claimant: str = "") -> bool:
    """Claim, send and mark sent one digest; its notifications share its outcome.

    Errors as for `deliver_notification_email`.
    """
    claimant = claimant or uuid.uuid4().hex
    if not _claim(EmailDigest, pk=digest_id, claimant=claimant, now=timezone.now()):
        return False
    digest = EmailDigest.objects.select_related("recipient").get(pk=digest_id)
    message = None
    if digest.recipient.is_active and digest.recipient.email:
        message = build_digest_message(digest)
    if message is None:
        _skip(EmailDigest, pk=digest_id, claimant=claimant)
        return False
    # As for single emails: dying between the SMTP acceptance and its record resends it.
    return _send(EmailDigest, digest_id, claimant, message)
