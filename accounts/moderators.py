"""Who may act as a site moderator: one rule for every moderator power, in the moderation
panel (`/admin/`) and outside it.

A site moderator, for a given power, is an active staff account that holds that power's
permission, in a session that passed two-factor authentication: the member signed in with a
code from their authenticator app (or a recovery code), or entered one since, and the app is
still set up. Having an authenticator app is not enough on its own: a session that began
with the password alone (before the app was added, say) has not shown the second factor.

Outside the panel, anyone else, staff included, is an ordinary member: the same pages, the
same 404s and 403s, no moderator controls. In the panel the same three conditions hold: the
admin site lets in active staff only, each page and action checks its permission, and
`accounts.middleware` sends staff whose session has not passed two-factor to set up an app
or to enter a code (`two_factor_step`), which is where the navigation's "Moderation" link
leads them.

Moderator powers are decided on an `Actor`, never on a bare User: a User row says nothing
about the session it signed in with.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import User

SET_UP_TWO_FACTOR_MESSAGE = (
    "Set up an authenticator app before using the moderation tools: staff accounts need "
    "two-factor authentication."
)
ENTER_CODE_MESSAGE = (
    "Enter a code from your authenticator app to use the moderation tools: this session "
    "was signed in without one."
)


@dataclass(frozen=True)
class Actor:
    """Who makes a request, and whether their session passed two-factor authentication.

    Views build it with `actor_of(request)`. Code that acts without a request (the demo
    seeder) states what it stands for by building one itself.
    """

    user: User | AnonymousUser
    passed_two_factor: bool = False

    @property
    def member(self) -> User:
        """The signed-in member acting, for code past a permission check (`may_moderate`,
        `ensure_can_participate`), which already refuses anonymous visitors."""
        if not self.user.is_authenticated:
            raise PermissionDenied("Sign in first.")
        return self.user


def has_authenticator_app(user: User | AnonymousUser) -> bool:
    """True when a signed-in member has an authenticator app (TOTP) set up."""
    if not user.is_authenticated:
        return False
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _session_gave_second_factor(request: HttpRequest) -> bool:
    # allauth records each step of a sign-in or reauthentication in the session, for the
    # member signed in with it.
    if not request.user.is_authenticated:
        return False
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def session_passed_two_factor(request: HttpRequest) -> bool:
    """True when this session's member gave a second factor and still has an
    authenticator app: removing the app (or having it reset after a lost phone) ends the
    powers it gave."""
    return _session_gave_second_factor(request) and has_authenticator_app(request.user)


def actor_of(request: HttpRequest) -> Actor:
    """The request's member and what their session proved."""
    return Actor(user=request.user, passed_two_factor=session_passed_two_factor(request))


def may_moderate(actor: Actor, permission: str) -> bool:
    """True when `actor` may use the site-moderator power guarded by `permission`
    ("app_label.codename"): an active staff account holding it, in a session that passed
    two-factor authentication."""
    user = actor.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and actor.passed_two_factor
        and user.has_perm(permission)
    )


def two_factor_step(request: HttpRequest) -> HttpResponse | None:
    """Where staff whose session has not passed two-factor go instead of the panel: to set
    up an authenticator app, or to enter a code from it (then back). None for everyone
    else, and for staff whose session has."""
    user = request.user
    if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
        return None
    if not has_authenticator_app(user):
        messages.warning(request, SET_UP_TWO_FACTOR_MESSAGE)
        return redirect("mfa_activate_totp")
    if not _session_gave_second_factor(request):
        messages.warning(request, ENTER_CODE_MESSAGE)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None
