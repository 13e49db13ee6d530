"""Staff must have two-factor authentication before they reach the admin (moderation panel);
walls between members are read once per read-only request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .permissions import needs_staff_mfa, redirect_to_mfa_setup
from .selectors import request_walls


class StaffMFAMiddleware:
    """Send staff and superusers without an authenticator app from /admin/ to TOTP setup."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._admin_prefix is None:
            self._admin_prefix = reverse("admin:index")
        if request.path.startswith(self._admin_prefix) and needs_staff_mfa(request.user):
            return redirect_to_mfa_setup(request)
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
