"""Who may act as a site moderator: staff, the power's permission, and a session that
passed two-factor authentication (accounts.moderators). The powers themselves, reader by
reader, are in tests/moderation/test_moderator_powers.py."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from accounts.moderators import Actor, may_moderate
from tests.accounts.conftest import (
    PASSWORD,
    give_totp,
    sign_in,
    sign_in_with_two_factor,
    totp_code,
)
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.conftest import make_moderator
from tests.posts.factories import public_hashtag

pytestmark = pytest.mark.django_db

CAMPAIGNS = "posts.add_campaign"


@pytest.mark.parametrize(
    "actor",
    [
        lambda: Actor(user=AnonymousUser(), passed_two_factor=True),
        lambda: Actor(user=UserFactory.create(), passed_two_factor=True),
        lambda: Actor(user=make_moderator(), passed_two_factor=False),
        lambda: Actor(user=ModeratorFactory.create(), passed_two_factor=True),
        lambda: Actor(user=make_moderator(is_active=False), passed_two_factor=True),
        lambda: Actor(user=UserFactory.create(is_superuser=True), passed_two_factor=True),
    ],
    ids=[
        "anonymous",
        "member",
        "moderator_without_two_factor",
        "staff_without_the_permission",
        "inactive_moderator",
        "superuser_who_is_not_staff",
    ],
)
def test_only_active_staff_with_the_permission_and_two_factor_may_moderate(
    actor: Callable[[], Actor],
) -> None:
    assert not may_moderate(actor(), CAMPAIGNS)


def test_a_moderator_whose_session_passed_two_factor_may_moderate() -> None:
    assert may_moderate(Actor(user=make_moderator(), passed_two_factor=True), CAMPAIGNS)


def _may_start_a_campaign(client: Client) -> bool:
    status = client.get(reverse("posts:campaign_create")).status_code
    assert status in (200, 404)
    return status == 200


def _sign_in_with_a_second_step(client: Client, email: str, code: str) -> None:
    """allauth's real sign-in: the password, then the code it asks for."""
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content[:2000]


def test_signing_in_with_a_code_from_the_app_gives_the_moderator_powers(client: Client) -> None:
    moderator = make_moderator(with_mfa=False)
    secret = give_totp(moderator)
    _sign_in_with_a_second_step(client, moderator.email, totp_code(secret))
    assert _may_start_a_campaign(client)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_counts_as_the_second_factor(client: Client) -> None:
    moderator = make_moderator()
    code = RecoveryCodes.activate(moderator).get_unused_codes()[0]
    _sign_in_with_a_second_step(client, moderator.email, code)
    assert _may_start_a_campaign(client)


def test_the_test_sign_in_gives_what_the_real_one_gives(client: Client) -> None:
    sign_in_with_two_factor(client, make_moderator())
    assert _may_start_a_campaign(client)
    assert client.get("/admin/").status_code == 200


def test_a_session_that_began_before_the_app_has_no_powers_until_a_code_is_given(
    client: Client,
) -> None:
    moderator = make_moderator(with_mfa=False)
    sign_in(client, moderator)
    secret = give_totp(moderator)
    assert not _may_start_a_campaign(client)
    public_hashtag("sepsis")
    hashtag = client.get(reverse("posts:hashtag", args=["sepsis"])).content.decode()
    assert "Make this a campaign" not in hashtag

    # The navigation's Moderation link leads staff to the second step, and back.
    home = client.get(reverse("home")).content.decode()
    link = rf'<a [^>]*href="{reverse("admin:index")}"[^>]*>(?:(?!</a>).)*Moderation</a>'
    assert re.search(link, home, flags=re.S)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain == [(f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F", 302)]
    assert "this session was signed in without one" in response.content.decode()
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2F", {"code": totp_code(secret)}
    )
    assert response["Location"] == "/admin/"
    assert _may_start_a_campaign(client)
    hashtag = client.get(reverse("posts:hashtag", args=["sepsis"])).content.decode()
    assert "Make this a campaign" in hashtag


def test_staff_without_an_app_are_told_to_set_one_up(client: Client) -> None:
    sign_in(client, make_moderator(with_mfa=False))
    assert not _may_start_a_campaign(client)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "staff accounts need two-factor authentication" in response.content.decode()


def test_removing_the_app_ends_the_powers_it_gave(client: Client) -> None:
    moderator = make_moderator()
    sign_in_with_two_factor(client, moderator)
    assert _may_start_a_campaign(client)
    Authenticator.objects.filter(user=moderator).delete()
    assert not _may_start_a_campaign(client)


def test_a_session_s_second_step_belongs_to_the_member_who_gave_it(client: Client) -> None:
    """Signing in as someone else in the same browser does not carry the code over."""
    sign_in_with_two_factor(client, make_moderator())
    other = make_moderator()
    client.force_login(other)
    assert not _may_start_a_campaign(client)
