"""Helpers for the notification tests: building notifications and reading sent mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailStatus, Kind, Notification


def make_notification(
    recipient: User,
    *,
    kind: str = Kind.COMMENT,
    title: str = "Ana commented on your post",
    url: str = "/somewhere/",
    created_at: dt.datetime | None = None,
    **fields: Any,
) -> Notification:
    """A notification row written directly, bypassing notify(): for list and outbox tests."""
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        title=title,
        url=url,
        created_at=created_at or timezone.now(),
        **fields,
    )


def make_pending(recipient: User, **fields: Any) -> Notification:
    now = timezone.now()
    return make_notification(
        recipient, email_status=EmailStatus.PENDING, email_due_at=now, **fields
    )


def html_part(message: EmailMultiAlternatives) -> str:
    return next(content for content, mime in message.alternatives if mime == "text/html")
