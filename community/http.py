"""Request types for views, so that what middleware and decorators guarantee is typed.

`HtmxHttpRequest` is every request once django-htmx's middleware has run (`request.htmx`).
`AuthenticatedHttpRequest` is a request behind `login_required` or `participant_required`:
there `request.user` is a member, never `AnonymousUser`. Annotate only views that sit behind
one of those decorators (or admin pages, which are staff-only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


def staff_request(request: HttpRequest) -> AuthenticatedHttpRequest:
    """The request of an admin page whose signature Django fixes (a `ModelAdmin` override).

    The admin site serves only signed-in active staff (`AdminSite.admin_view`), so the user is
    a member; the type system cannot see that wrapper, hence the cast.
    """
    return cast(AuthenticatedHttpRequest, request)
