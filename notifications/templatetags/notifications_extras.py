"""Template helpers for notifications: each row rendered once and then reused."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils.safestring import SafeString

from community.perf.fragments import render_cached
from notifications.selectors import NotificationItem

register = template.Library()

ROW_TEMPLATE = "notifications/_notification.html"


@register.simple_tag(takes_context=True)
def notification_row(
    context: Any, item: NotificationItem, time_zone: datetime.tzinfo
) -> SafeString:
    """The row of `notifications/_notification.html`, reused while nothing it shows changes:
    its text and link, whether it is read, whether its item is still there for the reader,
    its time in the reader's zone, and the face beside it."""
    notification = item.notification
    parts = (
        notification.pk,
        notification.title,
        notification.url,
        notification.created_at,
        notification.read_at is None,
        item.is_available,
        str(time_zone),
        notification.actor.byline_values if notification.actor else None,
    )
    return render_cached(context, ROW_TEMPLATE, parts, {"item": item, "time_zone": time_zone})
