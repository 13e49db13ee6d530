"""The request type of views behind sign-in.

Behind `login_required` or `participant_required` (and in the admin site, which serves only
active staff) `request.user` is a member, never `AnonymousUser`: views there take
`AuthenticatedHttpRequest`, so the type checker knows it too.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from community.http import HtmxHttpRequest

from .models import User


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User


def staff_request(request: HttpRequest) -> AuthenticatedHttpRequest:
    """The request of an admin page whose signature Django fixes (a `ModelAdmin` override).

    The admin site serves only signed-in active staff (`AdminSite.admin_view`), so the user is
    a member; the type system cannot see that wrapper, hence the cast.
    """
    return cast(AuthenticatedHttpRequest, request)
