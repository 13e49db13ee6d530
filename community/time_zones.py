"""Time zones read from the system's zone database once per process.

`zoneinfo.available_timezones()` walks the zone directory on every call (about 600 files);
forms that offer a time zone call for the choices when they render and again when they
validate, so the list is built once and shared.

`ZoneInfo(name)` keeps only the last eight zones it read; mentor suggestions meet dozens of
zones in one request, so zones are kept by name here for the life of the process.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """(IANA name, label) for every "Area/City" zone and UTC, in name order."""
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return tuple((name, name.replace("_", " ")) for name in names)


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called `name` (ZoneInfoNotFoundError or ValueError for a name that is not
    one; failures are not kept)."""
    return ZoneInfo(name)


def zone_or_utc(name: object) -> ZoneInfo:
    """The zone called `name`; UTC when it is empty or not a zone."""
    try:
        return zone(str(name)) if name else zone("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return zone("UTC")
