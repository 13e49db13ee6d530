"""Two-factor authentication: offered to everyone, required of staff before the admin (and
of site moderators everywhere: tests/accounts/test_moderators.py)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_MODERATOR_TOTP_SECRET, current_demo_code, seed
from accounts.models import User
from accounts.moderators import has_authenticator_app
from tests.accounts.conftest import (
    PASSWORD,
    give_totp,
    reauthenticate,
    sign_in,
    sign_in_with_two_factor,
    totp_code,
)
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_having_an_authenticator_app_follows_the_totp_authenticator() -> None:
    moderator = ModeratorFactory.create()
    assert not has_authenticator_app(moderator)
    give_totp(moderator)
    assert has_authenticator_app(moderator)


def test_members_are_offered_two_factor(client: Client) -> None:
    sign_in(client, UserFactory.create())
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert '<label for="id_code">' in html


def test_members_without_two_factor_are_not_forced_into_it(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get(reverse("posts:explore")).status_code == 200
    # The admin sends them to sign in (as staff), not to set up an authenticator app.
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_without_totp_are_sent_from_the_admin_to_set_it_up(
    client: Client, superuser: bool
) -> None:
    staff = ModeratorFactory.create(is_superuser=superuser)
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
    assert "need two-factor authentication" in response.content.decode()


def test_staff_signed_in_with_a_code_reach_the_admin(client: Client) -> None:
    staff = ModeratorFactory.create(is_superuser=True)
    give_totp(staff)
    sign_in_with_two_factor(client, staff)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("superuser", [False, True])
def test_staff_whose_session_had_no_code_enter_one_before_the_admin(
    client: Client, superuser: bool
) -> None:
    """The app was added after this session signed in with the password alone: having it
    is not enough, the session must show it."""
    staff = ModeratorFactory.create(is_superuser=superuser)
    sign_in(client, staff)
    secret = give_totp(staff)
    response = client.get("/admin/moderation/reportcase/?status=open", follow=True)
    code_page = reverse("mfa_reauthenticate")
    assert response.redirect_chain[0] == (
        f"{code_page}?next=%2Fadmin%2Fmoderation%2Freportcase%2F%3Fstatus%3Dopen",
        302,
    )
    assert "Enter a code from your authenticator app" in response.content.decode()

    response = client.post(f"{code_page}?next=/admin/", {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[-1] == ("/admin/", 302)
    assert response.status_code == 200


def test_a_wrong_code_does_not_open_the_admin(client: Client) -> None:
    staff = ModeratorFactory.create(is_superuser=True)
    sign_in(client, staff)
    give_totp(staff)
    response = client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))


def test_removing_the_app_ends_the_sessions_two_factor(client: Client) -> None:
    staff = ModeratorFactory.create(is_superuser=True)
    give_totp(staff)
    sign_in_with_two_factor(client, staff)
    assert client.get("/admin/").status_code == 200
    Authenticator.objects.filter(user=staff).delete()
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_the_admin_login_goes_through_allauth_and_its_second_step(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_moderator_with_totp_is_asked_for_a_code_at_sign_in(client: Client) -> None:
    moderator = ModeratorFactory.create()
    give_totp(moderator)
    response = client.post(
        "/accounts/login/",
        {"login": moderator.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("periods_ago", "signed_in"), [(1, True), (-1, True), (2, False), (-2, False)]
)
def test_the_code_of_the_period_before_or_after_is_taken_and_no_other(
    client: Client, monkeypatch: pytest.MonkeyPatch, periods_ago: int, signed_in: bool
) -> None:
    """A code read off the app as its period ends still signs in when it arrives in the next
    period (MFA_TOTP_TOLERANCE = 1); codes two periods away do not."""
    moderator = ModeratorFactory.create()
    secret = give_totp(moderator)
    client.post(
        "/accounts/login/",
        {"login": moderator.email, "password": "correct horse battery staple"},
    )
    # allauth's clock held in the middle of a period: a period ending between making the code
    # and checking it (on a loaded machine) would move the code one period further away.
    now = (int(time.time()) // mfa_settings.TOTP_PERIOD) * mfa_settings.TOTP_PERIOD + 15
    monkeypatch.setattr(totp_auth, "time", SimpleNamespace(time=lambda: now))
    period = now // mfa_settings.TOTP_PERIOD - periods_ago
    code = format_hotp_value(hotp_value(secret, period))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert ("_auth_user_id" in client.session) is signed_in
    if not signed_in:
        assert "Incorrect code." in response.content.decode()


def test_a_code_is_taken_once(client: Client) -> None:
    moderator = ModeratorFactory.create()
    secret = give_totp(moderator)
    code = totp_code(secret)
    for expected in (True, False):
        client.logout()
        client.post(
            "/accounts/login/",
            {"login": moderator.email, "password": "correct horse battery staple"},
        )
        client.post(reverse("mfa_authenticate"), {"code": code})
        assert ("_auth_user_id" in client.session) is expected


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


@pytest.mark.django_db(transaction=True)  # allauth emails once the change is committed
def test_the_member_is_emailed_when_their_two_factor_or_password_changes(
    client: Client, mailoutbox: list[Any]
) -> None:
    """Someone else holding the password cannot quietly add an authenticator app or change
    the password: the owner is told by email (ACCOUNT_EMAIL_NOTIFICATIONS)."""
    member = UserFactory.create()
    sign_in(client, member)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert has_authenticator_app(member)
    new_password = "a quite different passphrase"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    subjects = [message.subject for message in mailoutbox if message.to == [member.email]]
    assert any("Authenticator App Activated" in subject for subject in subjects), subjects
    assert any("Password Changed" in subject for subject in subjects), subjects
