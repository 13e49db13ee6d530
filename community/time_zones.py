"""The time zones members choose from, read from the system's zone database once per process.

`zoneinfo.available_timezones()` walks the zone directory on every call (about 600 files);
forms that offer a time zone call for the choices when they render and again when they
validate, so the list is built once and shared.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones


@cache
def time_zone_choices() -> tuple[tuple[str, str], ...]:
    """(IANA name, label) for every "Area/City" zone and UTC, in name order."""
    names = sorted(name for name in available_timezones() if "/" in name or name == "UTC")
    return tuple((name, name.replace("_", " ")) for name in names)
