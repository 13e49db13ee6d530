"""Dates and times as Rounds writes them: in the zone active for the page or the email
(community.middleware.MemberTimeZoneMiddleware for pages, the recipient's zone around an
email's rendering), in the site's one format (community/formats: "6 December 2026, 14:05").
Templates use the `times` tags (community/templatetags/times.py); code that writes a time
into text (a title, a record's name) uses `when_text`."""

from __future__ import annotations

import datetime
import functools

from django.utils import dateformat, formats, timezone, translation
from django.utils.timesince import timesince

# The styles a time may be shown in, each a format of community/formats.
STYLES = {
    "datetime": "DATETIME_FORMAT",
    "date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
}

JUST_NOW_SECONDS = 60


def local(value: datetime.date) -> datetime.date:
    """An aware datetime in the active zone; a date (a day, with no zone) as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def when_text(value: datetime.date, style: str = "datetime") -> str:
    """`value` in the active zone as text, in `style`: "datetime", "date", "time" or
    "month" (ValueError for another)."""
    try:
        format_name = STYLES[style]
    except KeyError:
        raise ValueError(f"A time is shown as one of {', '.join(STYLES)}, not {style!r}.") from None
    if not isinstance(value, datetime.datetime):
        # A day reads the same in every zone: its words are kept (a list's day headings).
        return _day_text(value, formats.get_format(format_name), translation.get_language())
    return formats.date_format(local(value), format_name)


@functools.lru_cache(maxsize=4096)
def _day_text(day: datetime.date, format_string: str, language: str | None) -> str:
    """`day` written in `format_string`, in `language` (the active one, which names the
    months and weekdays)."""
    return dateformat.format(day, format_string)


def ago_text(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "just now" under a minute, else "3 hours, 5 minutes ago"."""
    now = now or timezone.now()
    if (now - value).total_seconds() < JUST_NOW_SECONDS:
        return "just now"
    return f"{timesince(value, now)} ago"
