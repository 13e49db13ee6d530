"""Dates and times as Rounds shows them: in the reader's own time zone (the zone active for
the page or the email: community.middleware.MemberTimeZoneMiddleware, and the recipient's
zone around an email's rendering), in the site's one format (community/formats).

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
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

register = template.Library()

# The styles a time may be shown in, each a format of community/formats.
STYLES = {
    "datetime": "DATETIME_FORMAT",
    "date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
}

JUST_NOW_SECONDS = 60


def _local(value: datetime.date) -> datetime.date:
    """An aware datetime in the active zone; a date (a day, no zone) as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def when_text(value: datetime.date | None, style: str = "datetime") -> str:
    """`value` in the active zone as text, in `style` ("datetime", "date", "time" or
    "month"); "" for no value."""
    if value is None or value == "":
        return ""
    try:
        format_name = STYLES[style]
    except KeyError:
        raise template.TemplateSyntaxError(
            f"A time is shown as one of {', '.join(STYLES)}, not {style!r}."
        ) from None
    return formats.date_format(_local(value), format_name)


@register.filter(name="when_text")
def when_text_filter(value: datetime.date | None, style: str = "datetime") -> str:
    return when_text(value, style)


@register.filter
def when(value: datetime.date | None, style: str = "datetime") -> SafeString | str:
    """`value` in the active zone, in the site's format, as a `<time>` element whose
    `datetime` attribute is the same moment in ISO 8601."""
    if value is None or value == "":
        return ""
    text = when_text(value, style)
    return format_html('<time datetime="{}">{}</time>', _local(value).isoformat(), text)


def ago_text(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "just now" under a minute, else "3 hours, 5 minutes ago"."""
    now = now or timezone.now()
    if (now - value).total_seconds() < JUST_NOW_SECONDS:
        return "just now"
    return f"{timesince(value, now)} ago"


@register.filter
def ago(value: datetime.datetime | None) -> SafeString | str:
    """How long ago `value` was, as a `<time>` element with the moment in ISO 8601 (UTC:
    the same for every reader, so cached cards stay shared)."""
    if value is None:
        return ""
    moment = value.astimezone(datetime.UTC) if timezone.is_aware(value) else value
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), ago_text(value))
