"""Writing notifications: `notify` records one (and its email, as the outbox row)."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import is_walled_off
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.selectors import delivery_for
from notifications.services.delivery import enqueue_email
from notifications.services.outbox import initial_email_fields

# --- Writing notifications ----------------------------------------------------------------


def notify(
    *,
    recipient: User,
    kind: Kind | str,
    title: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
    email: bool = True,
) -> Notification | None:
    """Record a notification for `recipient` in the caller's transaction.

    Nothing is written for one's own actions or between members walled off by a block.
    The email follows the recipient's preference for `kind` (immediately, in the daily
    digest, or not at all; security kinds always immediately) and is queued only after the
    transaction commits. `email=False` records the notification in the app only.
    """
    if url and not _is_safe_link(url):
        raise ValueError(f"Notification links must be site paths or http(s) addresses: {url!r}")
    if actor is not None and actor.pk == recipient.pk:
        return None
    if actor is not None and is_walled_off(actor, recipient):
        return None
    now = timezone.now()
    status = _initial_email_status(recipient=recipient, kind=kind) if email else None
    notification = Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=kind,
        title=title[:200],
        url=url[:300],
        target=target,
        created_at=now,
        **initial_email_fields(status or EmailStatus.NOT_NEEDED, now=now),
    )
    if status == EmailStatus.PENDING:
        notification_id = notification.pk
        # robust: a failure to queue must not turn the committed event into an error page.
        transaction.on_commit(lambda: enqueue_email(notification_id), robust=True)
    return notification


def _is_safe_link(url: str) -> bool:
    # Rendered as an href: no javascript: scheme and no protocol-relative "//host" links.
    if url.startswith("/"):
        return not url.startswith("//")
    return url.startswith(("https://", "http://"))


def notify_reaction(*, recipient: User, actor: User, target: models.Model, url: str) -> None:
    """Record a reaction for the daily digest; reactions are never emailed one by one."""
    name = actor.display_name or actor.handle
    notify(
        recipient=recipient,
        kind=Kind.REACTION_DIGEST,
        title=f"{name} reacted to your post",
        url=url,
        actor=actor,
        target=target,
    )


def _initial_email_status(*, recipient: User, kind: str) -> str:
    if not recipient.email or not recipient.is_active:
        return EmailStatus.NOT_NEEDED
    delivery = delivery_for(user=recipient, kind=kind)
    if delivery == Delivery.IMMEDIATE:
        return EmailStatus.PENDING
    if delivery == Delivery.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.SKIPPED
