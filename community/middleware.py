"""Site-wide middleware: request ids, and pinning reads to the primary after a write."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import db_router
from .logging import request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
PIN_COOKIE = "rounds_primary"
PIN_SECONDS = 10


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


class PrimaryAfterWriteMiddleware:
    """With a read replica, a member who just wrote reads from the primary for a few
    seconds, so the page after a POST shows what they wrote despite replication lag."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        token = db_router.pinned.set(wrote or PIN_COOKIE in request.COOKIES)
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


def _bad_request(request: HttpRequest) -> HttpResponse:
    from .views import bad_request

    return bad_request(request)
