"""Per-member rate limits on writes (posting, commenting, reacting, messaging, mentor requests),
and per-address ones on the few forms visitors may send (the contact page).

Limits are "count/period" strings (period: s, m, h, d) in settings.RATE_LIMITS, each
overridable by an environment variable. Counting uses the cache in fixed windows, which is
cheap and good enough against floods; a cache outage lets writes through rather than
refusing everybody.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from community.client_ip import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/h' -> (20, 3600)."""
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise ValueError(f"A rate looks like '20/h' (per s, m, h or d), not {rate!r}")
    return int(count), _PERIODS[period]


def hit(scope: str, who: int | str) -> tuple[bool, int]:
    """Count one action by `who` (a member's id, or a visitor's "address:..." key); return
    (allowed, seconds until the window resets)."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{who}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the first hit of a new window.
        cache.set(key, 1, timeout=period + 1)
        count = 1
    retry_after = period - int(time.time()) % period
    return count <= limit, retry_after


def _who(request: HttpRequest, *, visitors: bool) -> int | str | None:
    """Whose POST this is for a limit: the member, or with `visitors` the visitor's address;
    None when it is not counted."""
    if request.user.is_authenticated:
        return request.user.pk
    return f"address:{client_ip(request)}" if visitors else None


def rate_limited(
    scope: str, *, visitors: bool = False, template: str = "errors/429.html"
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Refuse a member's POSTs beyond the scope's rate with the friendly 429 page (or
    `template`, e.g. a fragment for a part of a page that htmx refreshes); with `visitors`,
    count signed-out visitors' POSTs too, by their address."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            who = _who(request, visitors=visitors) if request.method == "POST" else None
            if who is not None:
                allowed, retry_after = hit(scope, who)
                if not allowed:
                    response = render(request, template, {"retry_after": retry_after}, status=429)
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
