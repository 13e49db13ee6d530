"""Staff reach the admin (moderation panel) only in a session that passed two-factor
authentication; walls between members are read once per read-only request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .moderators import two_factor_step
from .selectors import request_walls


class StaffMFAMiddleware:
    """Send staff and superusers from /admin/ to set up an authenticator app, or to enter a
    code from it, until their session has passed two-factor (accounts.moderators)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        if request.path.startswith(self._admin_prefix):
            step = two_factor_step(request)
            if step is not None:
                return step
        return self.get_response(request)


class ReadWallsOnceMiddleware:
    """Within one GET or HEAD request, who is walled off from whom is read from the database
    once (accounts.selectors.walled_off_ids). Requests that may change it read it afresh
    every time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = request_walls.set({})
        try:
            return self.get_response(request)
        finally:
            request_walls.reset(token)
