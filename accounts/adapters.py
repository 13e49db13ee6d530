"""How allauth creates our members: display name, role, birth year and a generated handle."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.forms import BaseForm
from django.http import HttpRequest

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
