"""How allauth creates our members (display name, role, birth year and a generated handle),
which address it counts a client by, how it limits failed sign-ins, and how sign-up keeps to
itself which email addresses have an account, and how its emails leave the request: rendered
here, sent by the email task (notifications.services.queue_email)."""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from community.client_ip import client_ip
from community.emails import absolute_url, make_message
from community.http import FIRST_SIGN_IN_SESSION_KEY
from notifications.services import queue_email

from .models import User, Visibility
from .services import unique_handle

# Failed sign-ins on one account from one client, beside allauth's "login_failed" (of one
# client on any account, and of one account from every client); the rates of all three
# are in settings.ACCOUNT_RATE_LIMITS.
FAILED_FROM_CLIENT = "login_failed_from_client"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> User:
        """Fill in the fields of our sign-up form before allauth saves the new member."""
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.email = user.email.lower()
        user.display_name = data["display_name"]
        user.role = data["role"]
        # Only the year is stored, never a full date of birth.
        user.birth_year = data.get("birth_year")
        user.handle = unique_handle(user.display_name)
        if user.is_minor:
            user.profile_visibility = Visibility.MEMBERS
        if commit:
            user.save()
        return user

    def login(self, request: HttpRequest, user: Any) -> None:
        """Sign in; a member never signed in before (right after confirming the address they
        signed up with, or a first sign-in later) is marked as new for this session."""
        first = user.last_login is None
        super().login(request, user)
        if first:
            request.session[FIRST_SIGN_IN_SESSION_KEY] = True

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client behind our own proxies: every per-client limit of allauth counts by it."""
        return client_ip(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a sign-in past its limits, before the password is checked.

        The account's own limit across clients is set above what one client may try on it,
        so a single client cannot lock the owner out: that takes several at once.
        """
        key = _account_from_client(request, credentials)
        # Checked first and counted last: an attempt refused by another limit is no failure.
        if not ratelimit.consume(request, action=FAILED_FROM_CLIENT, key=key, dry_run=True):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)
        ratelimit.consume(request, action=FAILED_FROM_CLIENT, key=key)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """allauth's, forgetting this client's failures on the account once it gets in."""
        user = super().authenticate(request, **credentials)
        if user is not None:
            key = _account_from_client(request, credentials)
            ratelimit.clear(request, action=FAILED_FROM_CLIENT, key=key)
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """After a password reset allauth forgets the account's failed sign-ins; so do we,
        for the client that reset it."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        key = _account_from_client(request, credentials)
        ratelimit.clear(request, action=FAILED_FROM_CLIENT, key=key)

    def get_login_stages(self) -> list[str]:
        """allauth's steps of signing in, with its email confirmation step replaced by ours."""
        ours = f"{EmailConfirmationAtSignUpStage.__module__}.EmailConfirmationAtSignUpStage"
        return [
            ours if path == "allauth.account.stages.EmailVerificationStage" else path
            for path in super().get_login_stages()
        ]

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Every allauth email (confirmations, password resets, codes, security notices):
        rendered now, with the request's context, and handed to the outbox, so the request
        never waits on the SMTP server."""
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        queue_email(message=self.render_mail(template_prefix, email, full_context))

    def send_account_already_exists_mail(self, email: str) -> None:
        """Someone signed up with an address that has an account: tell its owner, who may
        have forgotten, instead of telling the person at the form (through the outbox)."""
        context = {
            "sign_in_url": absolute_url(reverse("account_login")),
            "password_reset_url": absolute_url(reverse("account_reset_password")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
        queue_email(message=make_message("account_already_exists", to=email, context=context))


class EmailConfirmationAtSignUpStage(stages.EmailVerificationStage):
    """Email confirmation is required to finish signing up, not to sign in.

    Every sign-up ends on the "we sent you an email" page without signing anyone in:
    a new address gets its confirmation link, an address that already has an account
    gets `account_already_exists`, and the person at the form cannot tell which
    (ACCOUNT_EMAIL_VERIFICATION = "mandatory" is what makes allauth answer both alike).
    Signing in does not wait for the confirmation: an unconfirmed member may sign in and
    read, and `accounts.permissions` stops them taking part until they confirm.
    """

    def handle(self) -> tuple[Any, bool]:
        if not self.login.signup:
            self.login.email_verification = EmailVerificationMethod.OPTIONAL
        return super().handle()


def _account_from_client(request: HttpRequest, credentials: dict[str, Any]) -> str:
    address = client_ip(request)
    if ":" in address:
        # An IPv6 client is its whole network, as allauth's per-client limits count it: one
        # household's /64 must not be many clients.
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        address = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
    return f"{str(credentials.get('email', '')).lower()}|{address}"
