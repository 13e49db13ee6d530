"""The people the program tests talk about, and how they sign in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import User
from accounts.moderators import Actor
from tests.accounts.conftest import sign_in_with_two_factor
from tests.moderation.conftest import make_moderator

# What the moderation panel's programs pages need (the integrator adds them to the group).
PROGRAM_MODERATION_PERMISSIONS = [
    "view_program",
    "change_program",
    "add_coordinator",
    "view_coordinator",
    "delete_coordinator",
    "view_application",
]


def program_moderator(*, with_mfa: bool = True) -> User:
    """A site moderator who holds the programs permissions."""
    moderator = make_moderator(with_mfa=with_mfa)
    moderator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programs", codename__in=PROGRAM_MODERATION_PERMISSIONS
        )
    )
    return User.objects.get(pk=moderator.pk)


def moderator_actor() -> Actor:
    return Actor(user=program_moderator(), passed_two_factor=True)


def signed_in(user: User | None, *, two_factor: bool = False) -> Client:
    client = Client()
    if user is not None and two_factor:
        sign_in_with_two_factor(client, user)
    elif user is not None:
        client.force_login(user)
    return client


def program_kind_has_a_delivery(monkeypatch: Any) -> None:
    """Give the program notification kind its email default where this branch lacks it (the
    notifications change that adds it is on another branch); a no-op once it is merged."""
    from notifications.models import DEFAULT_DELIVERY, Delivery, Kind

    if Kind.PROGRAM not in DEFAULT_DELIVERY:
        monkeypatch.setitem(DEFAULT_DELIVERY, Kind.PROGRAM, Delivery.IMMEDIATE)
