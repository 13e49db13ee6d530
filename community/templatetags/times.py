"""Template filters for dates and times, in the reader's zone and the site's one format
(community/times.py):

    {% load times %}
    {{ message.created_at|when }}
        <time datetime="2026-12-06T09:05:00-05:00">6 December 2026, 09:05</time>
    {{ meeting.occurred_on|when:"date" }}
        <time datetime="2026-12-06">6 December 2026</time>
    {{ post.created_at|ago }}
        <time datetime="2026-12-06T14:05:00+00:00">3 hours ago</time> ("just now" under a minute)
    {{ member.suspended_until|when_text }}
        6 December 2026, 09:05 (plain text, for emails)
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from community import times

register = template.Library()


def _text(value: datetime.date, style: str) -> str:
    try:
        return times.when_text(value, style)
    except ValueError as error:
        raise template.TemplateSyntaxError(str(error)) from error


@register.filter
def when_text(value: datetime.date | None, style: str = "datetime") -> str:
    """`value` as text; "" for no value."""
    if value is None or value == "":
        return ""
    return _text(value, style)


@register.filter
def when(value: datetime.date | None, style: str = "datetime") -> SafeString | str:
    """`value` as a `<time>` element whose `datetime` attribute is the same moment in
    ISO 8601; "" for no value."""
    if value is None or value == "":
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', times.local(value).isoformat(), _text(value, style)
    )


@register.filter
def ago(value: datetime.datetime | None) -> SafeString | str:
    """How long ago `value` was, as a `<time>` element with the moment in ISO 8601 (in UTC:
    the same for every reader, so cached cards stay shared)."""
    if value is None:
        return ""
    moment = value.astimezone(datetime.UTC) if timezone.is_aware(value) else value
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), times.ago_text(value))
