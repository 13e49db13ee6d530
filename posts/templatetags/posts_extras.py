"""Template helpers for posts: event times in the reader's time zone, load-more links."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import dateformat

from posts.forms import reader_zone

register = template.Library()


@register.simple_tag
def event_time(moment: datetime.datetime | None, user: Any) -> str:
    """'Tue 3 Jun 2025, 18:00 (Europe/Paris)': a UTC instant in the reader's own zone."""
    if moment is None:
        return ""
    zone = reader_zone(user)
    local = moment.astimezone(zone)
    return f"{dateformat.format(local, 'D j M Y, H:i')} ({zone.key})"


@register.simple_tag(takes_context=True)
def page_url(context: Any, cursor: str) -> str:
    """The current URL's query string with `cursor` replaced (keeps ?q= and the like)."""
    request = context["request"]
    params = {key: value for key, value in request.GET.items() if key != "cursor"}
    params["cursor"] = cursor
    return "?" + urlencode(params)
