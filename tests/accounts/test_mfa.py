"""Two-factor authentication: offered to everyone, required of staff before the admin."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_MODERATOR_TOTP_SECRET, current_demo_code, seed
from accounts.models import User
from accounts.permissions import needs_staff_mfa, staff_has_mfa
from tests.accounts.conftest import give_totp, reauthenticate, sign_in
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_has_mfa_follows_the_totp_authenticator() -> None:
    moderator = ModeratorFactory()
    assert not staff_has_mfa(moderator)
    assert needs_staff_mfa(moderator)
    give_totp(moderator)
    assert staff_has_mfa(moderator)
    assert not needs_staff_mfa(moderator)


def test_members_are_offered_two_factor(client: Client) -> None:
    sign_in(client, UserFactory())
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert '<label for="id_code">' in html


def test_members_without_two_factor_are_not_forced_into_it() -> None:
    assert not needs_staff_mfa(UserFactory())


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_without_totp_are_sent_from_the_admin_to_set_it_up(
    client: Client, superuser: bool
) -> None:
    staff = ModeratorFactory(is_superuser=superuser)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "need two-factor authentication" in response.content.decode()


def test_staff_with_totp_reach_the_admin(client: Client) -> None:
    staff = ModeratorFactory(is_superuser=True)
    give_totp(staff)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_goes_through_allauth_and_its_second_step(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_moderator_with_totp_is_asked_for_a_code_at_sign_in(client: Client) -> None:
    moderator = ModeratorFactory()
    give_totp(moderator)
    response = client.post(
        "/accounts/login/",
        {"login": moderator.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_the_demo_moderator_has_a_working_fixed_totp(client: Client) -> None:
    import io

    seed(io.StringIO())
    moderator = User.objects.get(email="moderator@rounds.test")
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    client.post("/accounts/login/", {"login": moderator.email, "password": "rounds-demo-2026"})
    response = client.post(reverse("mfa_authenticate"), {"code": current_demo_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert len(DEMO_MODERATOR_TOTP_SECRET) == 32


def test_the_demo_seeder_is_idempotent_and_prints_the_secret() -> None:
    import io

    out = io.StringIO()
    seed(out)
    seed(out)
    assert DEMO_MODERATOR_TOTP_SECRET in out.getvalue()
    assert Authenticator.objects.filter(type="totp").count() == 1
    student = User.objects.get(handle="sam-lee")
    assert student.is_minor and student.profile_visibility == "members"
    assert User.objects.get(handle="dr-priya-shah").verification_status == "pending"
