"""Site-wide middleware: refusing requests that queued too long, request ids, pinning reads
to the primary after a write, HEAD answered as GET, refusing text no browser sends
(invalid UTF-8, NUL bytes), and the member's own time zone for everything a page shows."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from . import db_router
from .logging import request_id
from .time_zones import zone_or_utc

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PIN_COOKIE = "rounds_primary"
PIN_SECONDS = 10


# X-Request-Start as proxies write it: "t=" (optional) and the time the proxy passed the
# request on, in seconds since the epoch with up to six decimals (nginx's $msec), or in
# whole milliseconds or microseconds. Ten digits of seconds hold every date from 2001 to 2286.
_REQUEST_START = re.compile(r"(?:t=)?(?:([0-9]{10}(?:\.[0-9]{1,6})?)|([0-9]{13})|([0-9]{16}))")
# A stamp older than this is a wrong clock, not a queue: refusing every request on a clock
# fault would take the whole site down, so such a stamp is ignored.
_CLOCK_FAULT_SECONDS = 3600.0
RETRY_AFTER_SECONDS = 5


def request_started_at(header: str) -> float | None:
    """The time in an X-Request-Start header, in seconds since the epoch; None unless the
    header is one of the formats proxies write."""
    match = _REQUEST_START.fullmatch(header)
    if match is None:
        return None
    seconds, milliseconds, microseconds = match.groups()
    if seconds is not None:
        return float(seconds)
    if milliseconds is not None:
        return int(milliseconds) / 1_000
    return int(microseconds) / 1_000_000


class QueueMarkedRequest(HttpRequest):
    """A request as the queue-timeout middleware leaves it: when it was refused for having
    waited too long, marked so that the access log leaves it out (community.logging)."""

    refused_after_queueing: bool


class RequestQueueTimeoutMiddleware:
    """Answer 503 with Retry-After, at once, to a request that waited in the queue (the
    listen backlog and the time until a worker took it) longer than
    REQUEST_QUEUE_TIMEOUT_MS, measured from the X-Request-Start stamp the proxy writes.

    Under overload such a request would be served late, after its visitor gave up, and the
    work would make every request behind it later still; refused, it costs a worker a
    small fraction of a page's CPU (BENCHMARKS.md, "Overload"). First in the middleware stack:
    nothing before it has touched the session, the database or the cache, so a refused
    request did nothing and trying it again is always safe. Requests without a stamp (no
    proxy in front, tests) and the health check are always served: an overloaded replica
    is slow, not broken, and a load balancer that took every busy replica out at once
    would leave none.
    """

    def __init__(
        self,
        get_response: Callable[[HttpRequest], HttpResponse],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if settings.REQUEST_QUEUE_TIMEOUT_MS == 0:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.clock = clock
        self.timeout_seconds = settings.REQUEST_QUEUE_TIMEOUT_MS / 1000
        self.exempt_path = reverse("healthz")
        self.body = _BUSY_PAGE.format(site=escape(settings.SITE_NAME)).encode()

    def __call__(self, request: QueueMarkedRequest) -> HttpResponse:
        stamp = request.META.get("HTTP_X_REQUEST_START")
        if stamp and request.path_info != self.exempt_path:
            started_at = request_started_at(stamp)
            if started_at is not None:
                waited = self.clock() - started_at
                if self.timeout_seconds < waited < _CLOCK_FAULT_SECONDS:
                    request.refused_after_queueing = True
                    return self._busy()
        return self.get_response(request)

    def _busy(self) -> HttpResponse:
        response = HttpResponse(self.body, status=503, content_type="text/html; charset=utf-8")
        response["Content-Length"] = str(len(self.body))
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        # The middleware that would add these never runs for this answer.
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response


_BUSY_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{site} is busy</title></head>
<body>
<h1>{site} is busy</h1>
<p>Too many people are asking at once. Nothing was changed: please try again in a few seconds.</p>
</body>
</html>
"""


class RequestIdMiddleware:
    """Take a proxy's X-Request-ID when it looks sane, else make one; log it, return it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class StampedRequest(HttpRequest):
    """A request as RenderedAtMiddleware leaves it."""

    started_at_ms: int


class RenderedAtMiddleware:
    """Stamp each request with the moment it began, in milliseconds of the wall clock, before
    any view reads: a page's live stream replays what was published from then on (the
    `events_url` tag, community/live.py), so nothing committed after the page's reads is
    missed between rendering and connecting."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: StampedRequest) -> HttpResponse:
        request.started_at_ms = int(time.time() * 1000)
        return self.get_response(request)


class PrimaryAfterWriteMiddleware:
    """With a read replica, a member who just wrote reads from the primary for a few
    seconds, so the page after a POST shows what they wrote despite replication lag."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        # Also kept when pinned already (a page rendered for the cache, community/page_cache.py).
        pin = wrote or PIN_COOKIE in request.COOKIES or db_router.pinned.get()
        token = db_router.pinned.set(pin)
        try:
            response = self.get_response(request)
        finally:
            db_router.pinned.reset(token)
        if wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class MemberTimeZoneMiddleware:
    """Times on a page are in the signed-in member's own zone (their profile's time zone;
    UTC when unset, and for visitors). Templates show times with the `times` tags
    (community/templatetags/times.py), which read the zone activated here.

    Only a request with a session cookie can be a member's: without one the member is not
    read from the database for this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and user is not None
            and user.is_authenticated
        )
        if not signed_in:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone_or_utc(getattr(user, "time_zone", "")))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class HeadAsGetMiddleware:
    """Answer HEAD as GET, without the body, on every URL.

    Uptime monitors and link checkers ask with HEAD, and views are written for GET
    (`require_GET`, `if request.method == "GET"`): they are handed HEAD as GET, so no
    view needs to know about it and none can answer 405 or take another branch for it.
    The body is dropped on the way out while the GET answer's headers stay, Content-Length
    included, as RFC 9110 asks. gunicorn drops a HEAD answer's body as well; doing it here
    keeps the promise whatever server is in front.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            # A file's handle stays registered with the response, which closes it.
            response.streaming_content = []
        else:
            response.content = b""
        return response


INVALID_UTF8_REASON = (
    "Part of what was sent is not valid UTF-8 text, so nothing was saved. If you pasted "
    "text, look for broken characters (shown as \N{REPLACEMENT CHARACTER}), remove them and "
    "try again."
)


class RefuseInvalidUtf8Middleware:
    """Answer 400, with a page saying why, to a query string or form field that is not
    valid UTF-8.

    Django decodes them with errors="replace", so a broken byte would otherwise reach the
    database as U+FFFD without anyone noticing. Every page is UTF-8, and browsers send
    forms back in the page's encoding, so only broken clients and scanners are refused.
    A query string and a urlencoded body are checked byte for byte. Multipart bodies are
    decoded part by part by Django, which keeps no raw bytes of the text fields, so a text
    field holding U+FFFD is refused: that is what the invalid bytes became (a member who
    pastes text that already holds one is told to remove it). A part whose headers, and so
    whose field name, are not UTF-8 never arrives: Django's parser skips it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_utf8_form_data(_raw_query_string(request)):
            return _bad_request(request, reason=INVALID_UTF8_REASON)
        if request.method == "POST":
            if request.content_type == "application/x-www-form-urlencoded":
                valid = _is_utf8_form_data(request.body)
            elif request.content_type == "multipart/form-data":
                valid = not any(
                    "\N{REPLACEMENT CHARACTER}" in value
                    for _, values in request.POST.lists()
                    for value in values
                )
            else:
                valid = True
            if not valid:
                return _bad_request(request, reason=INVALID_UTF8_REASON)
        return self.get_response(request)


def _raw_query_string(request: HttpRequest) -> bytes:
    query = request.META.get("QUERY_STRING", "")
    try:
        # WSGI servers pass the raw bytes as a Latin-1 string (PEP 3333).
        return query.encode("iso-8859-1")
    except UnicodeEncodeError:
        # Already decoded (ASGI decodes it, strictly, as UTF-8).
        return query.encode("utf-8")


def _is_utf8_form_data(data: bytes) -> bool:
    """Whether `data` (`name=value&...`, percent-encoded) decodes to UTF-8 text. Decoding
    it whole is the same as decoding each name and value: `&` and `=` are ASCII, never
    part of a multi-byte character."""
    try:
        unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RefuseNulBytesMiddleware:
    """Answer 400 to a NUL byte anywhere in the path, query string or form fields.

    No legitimate request carries one, and PostgreSQL refuses NUL in text, so letting it
    through turns a scanner's probe into a 500 in whichever view reads the value first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return _bad_request(request)
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            values = (value for _, values in request.POST.lists() for value in values)
            if any("\x00" in value for value in values):
                return _bad_request(request)
        return self.get_response(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _bad_request(request: HttpRequest, *, reason: str = "") -> HttpResponse:
    from .views import bad_request

    return bad_request(request, reason=reason)
