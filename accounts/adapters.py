"""How allauth creates our members (display name, role, birth year and a generated handle),
and how sign-up keeps to itself which email addresses have an account."""

from __future__ import annotations

from typing import Any

from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from community.emails import absolute_url, send_email

from .models import User, Visibility
from .services import unique_handle


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

    def get_login_stages(self) -> list[str]:
        """allauth's steps of signing in, with its email confirmation step replaced by ours."""
        ours = f"{EmailConfirmationAtSignUpStage.__module__}.EmailConfirmationAtSignUpStage"
        return [
            ours if path == "allauth.account.stages.EmailVerificationStage" else path
            for path in super().get_login_stages()
        ]

    def send_account_already_exists_mail(self, email: str) -> None:
        """Someone signed up with an address that has an account: tell its owner, who may
        have forgotten, instead of telling the person at the form."""
        send_email(
            "account_already_exists",
            to=email,
            context={
                "sign_in_url": absolute_url(reverse("account_login")),
                "password_reset_url": absolute_url(reverse("account_reset_password")),
                "preferences_url": absolute_url(reverse("notifications:preferences")),
            },
        )


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
