"""Writing notifications. Call `notify` inside the event's transaction."""

from __future__ import annotations

from django.db import models

from accounts.models import User

from .models import Kind, Notification


def notify(
    *,
    recipient: User,
    kind: Kind,
    title: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
) -> Notification | None:
    """Record a notification for `recipient`; nothing is written for one's own actions."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    return Notification.objects.create(
        recipient=recipient, actor=actor, kind=kind, title=title[:200], url=url, target=target
    )
