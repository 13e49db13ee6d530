"""Helpers for the notification tests: building notifications, reading sent mail, and a
database fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import OperationalError
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


def html_part(message: EmailMessage) -> str:
    """The HTML alternative of a message the site sent (each has one, as text)."""
    assert isinstance(message, EmailMultiAlternatives)
    html = next(content for content, mime in message.alternatives if mime == "text/html")
    assert isinstance(html, str)
    return html


class FailOnce:
    """Fails, once, the first statement `matches` picks, before it reaches the database."""

    def __init__(self, matches: Callable[[str, Any], bool]) -> None:
        self.matches = matches
        self.fired = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.fired and self.matches(sql, params):
            self.fired = True
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)
