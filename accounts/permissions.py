"""Who may take part (post, comment, react, message, ask for a mentor, edit a profile).

Reading is open; writing needs a signed-in member with a verified email address who is not
suspended. Views use `participant_required`; services call `ensure_can_participate` too, so
a write path that forgets the decorator still refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from community.errors import Refused

from .models import User, has_confirmed_email


class ParticipationDenied(Refused):
    """Raised when a member may not write; `message` is shown to them."""


def participation_problem(user: User | AnonymousUser) -> ParticipationDenied | None:
    """Why `user` may not write, or None: the one rule behind the services' refusals and
    the pages that show, in place of a control, what the member may not do yet."""
    if not user.is_authenticated:
        return ParticipationDenied("Sign in to take part.", "anonymous")
    if user.is_suspended:
        return ParticipationDenied(
            "Your account is suspended, so you can read but not post, comment, react, send "
            "messages, ask for a mentor or edit your profile.",
            "suspended",
        )
    if not user.is_active:
        return ParticipationDenied("This account is not active.", "inactive")
    if not has_confirmed_email(user):
        return ParticipationDenied(
            "Please confirm your email address first: open the link we sent you.",
            "unverified_email",
        )
    return None


def ensure_can_participate(user: User | AnonymousUser) -> None:
    """Raise ParticipationDenied unless `user` may write."""
    problem = participation_problem(user)
    if problem is not None:
        raise problem


def participant_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; suspended or unverified members get a 403 page that says why."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        problem = participation_problem(request.user)
        if problem is not None:
            return render(
                request,
                "accounts/cannot_participate.html",
                {"reason": problem.message, "code": problem.code},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
