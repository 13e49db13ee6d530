"""Helpers for the moderation panel: moderators (staff, in the Moderators group, with an
authenticator app; `make_moderator` is the shared `moderator` persona), one signed in with
a code from it (`moderator_client`), and a superuser. `member` and `moderator` come from
tests/conftest.py."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from accounts.models import User
from accounts.moderators import Actor
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory

GROUP_MIGRATION = importlib.import_module(
    "moderation.migrations.0012_moderators_appoint_program_coordinators"
)


def moderators_group() -> Group:
    """The group as its migration makes it. Transactional tests elsewhere in the suite
    flush every table (the migration's row with them), so tests set it up again."""
    return GROUP_MIGRATION.set_up_group(apps)


def make_moderator(*, with_mfa: bool = True, **fields: Any) -> User:
    moderator = ModeratorFactory.create(**fields)
    moderator.groups.add(moderators_group())
    if with_mfa:
        TOTP.activate(moderator, generate_totp_secret())
    # Permissions are cached on the instance: fetch afresh.
    return User.objects.get(pk=moderator.pk)


def moderator_actor(**fields: Any) -> Actor:
    """A moderator as a request from a session signed in with their code presents them."""
    return Actor(user=make_moderator(**fields), passed_two_factor=True)


def make_superuser() -> User:
    superuser = ModeratorFactory.create(is_superuser=True)
    TOTP.activate(superuser, generate_totp_secret())
    return User.objects.get(pk=superuser.pk)


@pytest.fixture
def moderator_client(client: Client, moderator: User) -> Client:
    sign_in_with_two_factor(client, moderator)
    return client


@pytest.fixture
def superuser() -> User:
    return make_superuser()
