"""What the member changes: read state, email preferences, unsubscribe links."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community import events
from community.emails import absolute_url
from notifications.models import (
    ALLOWED_DELIVERY,
    DEFAULT_DELIVERY,
    DEFAULT_PUSH,
    SECURITY_KINDS,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.selectors import preferences_for
from notifications.services.outbox import DIGEST_SCOPE, UNSUBSCRIBE_SALT

# --- Reading state the member changes -----------------------------------------------------


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read; raises Notification.DoesNotExist otherwise."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        if changed:
            # The member's other open pages bring their bell down.
            events.publish(f"member-{user.pk}", "read", {})
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        events.publish(f"member-{user.pk}", "read", {})
    return changed


@transaction.atomic
def set_preferences(
    *, user: User, choices: dict[str, str], push: dict[str, bool] | None = None
) -> None:
    """Store `user`'s email choice per kind (security kinds and invalid values are ignored)
    and, in `push`, whether each kind is pushed to their devices (kinds never pushed are
    ignored)."""
    now = timezone.now()
    changes: dict[str, dict[str, object]] = {}
    for kind, delivery in choices.items():
        if kind in SECURITY_KINDS or delivery not in ALLOWED_DELIVERY.get(kind, ()):
            continue
        changes.setdefault(kind, {})["delivery"] = delivery
    for kind, wanted in (push or {}).items():
        if kind in DEFAULT_PUSH:
            changes.setdefault(kind, {})["push"] = bool(wanted)
    for kind, fields in changes.items():
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={**fields, "updated_at": now},
            # A row written for its push choice alone keeps the kind's email default.
            create_defaults={"delivery": DEFAULT_DELIVERY[kind], **fields, "updated_at": now},
        )


# --- Unsubscribe links --------------------------------------------------------------------


def unsubscribe_token(*, user: User, scope: str) -> str:
    """A signed token naming a member and a kind (or "digest" for every digest kind)."""
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user: User, scope: str) -> str | None:
    """Absolute one-click unsubscribe address; None for kinds that cannot be turned off."""
    if scope in SECURITY_KINDS:
        return None
    token = unsubscribe_token(user=user, scope=scope)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and scope a token names; raises signing.BadSignature or User.DoesNotExist."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    scope = data.get("s") if isinstance(data, dict) else None
    if scope != DIGEST_SCOPE and (scope not in Kind.values or scope in SECURITY_KINDS):
        raise signing.BadSignature("Unknown unsubscribe scope.")
    return User.objects.get(pk=data.get("u"), is_active=True), scope


def unsubscribe(*, user: User, scope: str) -> list[str]:
    """Turn email off for `scope`; returns the kinds turned off."""
    if scope == DIGEST_SCOPE:
        kinds = [k for k, delivery in preferences_for(user).items() if delivery == Delivery.DIGEST]
    else:
        kinds = [scope]
    set_preferences(user=user, choices=dict.fromkeys(kinds, Delivery.OFF))
    return [kind for kind in kinds if kind not in SECURITY_KINDS]


def _list_unsubscribe_headers(url: str | None) -> dict[str, str]:
    headers = {"Auto-Submitted": "auto-generated"}
    if url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers
