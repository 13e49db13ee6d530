"""Sign-up by role, age rules, handles, email verification and allauth's rate limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User, Visibility
from accounts.permissions import ParticipationDenied, ensure_can_participate
from accounts.services import unique_handle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.now().year


def _signup(client: Client, **overrides: Any) -> TestResponse:
    data = {
        "email": "new@example.org",
        "display_name": "Dr. Amara Okafor",
        "role": Role.PHYSICIAN,
        "birth_year": "",
        "password1": "a-long-unusual-password-42",
        "password2": "a-long-unusual-password-42",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_the_signup_page_labels_every_field(client: Client) -> None:
    html = client.get("/accounts/signup/").content.decode()
    for field_id, label in [
        ("id_email", "Email"),
        ("id_display_name", "Display name"),
        ("id_role", "I am a…"),
        ("id_birth_year", "Birth year"),
        ("id_confirms_age", "I am 13 or older"),
    ]:
        assert f'<label for="{field_id}">{label}' in html
    # Our layout, not allauth's bare one.
    assert 'class="site-header"' in html


def test_a_physician_signs_up_with_name_role_and_a_generated_handle(client: Client) -> None:
    response = _signup(client)
    assert response.status_code == 302
    member = User.objects.get(email="new@example.org")
    assert member.display_name == "Dr. Amara Okafor"
    assert member.role == Role.PHYSICIAN
    assert member.handle == "dr-amara-okafor"
    assert member.birth_year is None
    assert member.profile_visibility == Visibility.PUBLIC


def test_handles_stay_unique_when_names_repeat() -> None:
    UserFactory.create(handle="sam-lee")
    UserFactory.create(handle="sam-lee-2")
    assert unique_handle("Sam Lee") == "sam-lee-3"


def test_handles_avoid_reserved_and_too_short_names() -> None:
    assert unique_handle("Admin") != "admin"
    assert len(unique_handle("Al")) >= 3
    assert unique_handle("李").startswith("member")


def test_email_is_stored_lowercase(client: Client) -> None:
    _signup(client, email="New.Person@Example.ORG")
    assert User.objects.filter(email="new.person@example.org").exists()


def test_a_new_member_cannot_take_part_before_confirming_their_email(client: Client) -> None:
    _signup(client)
    member = User.objects.get(email="new@example.org")
    assert not EmailAddress.objects.get(user=member).verified
    with pytest.raises(ParticipationDenied) as error:
        ensure_can_participate(member)
    assert error.value.code == "unverified_email"


def test_a_high_school_student_signs_up_with_birth_year_and_confirmation(client: Client) -> None:
    response = _signup(
        client,
        display_name="Sam Lee",
        role=Role.HIGH_SCHOOL,
        birth_year=THIS_YEAR - 15,
        confirms_age="on",
    )
    assert response.status_code == 302
    member = User.objects.get(email="new@example.org")
    assert member.birth_year == THIS_YEAR - 15
    assert member.is_minor
    # Minors are members-only from the first moment.
    assert member.profile_visibility == Visibility.MEMBERS


def test_under_13_is_refused_with_a_clear_message(client: Client) -> None:
    response = _signup(client, role=Role.HIGH_SCHOOL, birth_year=THIS_YEAR - 11, confirms_age="on")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You must be 13 or older to join Rounds." in html
    assert 'aria-describedby="id_birth_year_helptext id_birth_year_error"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_under_13_is_refused_for_any_role(client: Client) -> None:
    response = _signup(client, role=Role.PREMED, birth_year=THIS_YEAR - 12)
    assert "13 or older" in response.content.decode()
    assert not User.objects.exists()


def test_a_high_school_student_must_give_a_birth_year(client: Client) -> None:
    response = _signup(client, role=Role.HIGH_SCHOOL, confirms_age="on")
    assert "High-school students give their birth year to join." in response.content.decode()
    assert not User.objects.exists()


def test_a_high_school_student_must_confirm_being_13_or_older(client: Client) -> None:
    response = _signup(client, role=Role.HIGH_SCHOOL, birth_year=THIS_YEAR - 14)
    assert "Confirm that you are 13 or older to join." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("year", [THIS_YEAR + 1, 1800])
def test_impossible_birth_years_are_refused(client: Client, year: int) -> None:
    response = _signup(client, role=Role.PREMED, birth_year=year)
    assert "Enter the year you were born" in response.content.decode()


def test_a_role_is_required(client: Client) -> None:
    response = _signup(client, role="")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_an_unknown_role_is_refused(client: Client) -> None:
    _signup(client, role="surgeon-general")
    assert not User.objects.exists()


# --- Rate limits (allauth's, configured in settings.ACCOUNT_RATE_LIMITS) -----------------


def test_signup_is_rate_limited(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    statuses = [
        _signup(client, email=f"n{i}@example.org", password1="x").status_code for i in range(4)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_login_is_rate_limited(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    member = UserFactory.create()
    statuses = [
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses[3] == 429


def test_behind_the_proxy_sign_in_limits_count_each_visitor_not_the_proxy(
    client: Client, settings: Any
) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    member = UserFactory.create()
    form = {"login": member.email, "password": "wrong"}

    def sign_in_from(address: str) -> int:
        # Every request comes from the proxy's own address; X-Real-IP is the visitor's.
        return client.post(
            "/accounts/login/", form, REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP=address
        ).status_code

    # Without the setting the header is nobody's word: one bucket for the proxy's address.
    assert sign_in_from("203.0.113.1") != 429
    assert sign_in_from("203.0.113.2") == 429

    cache.clear()
    # The compose stack's setting: one proxy of our own, writing X-Real-IP.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert sign_in_from("203.0.113.1") != 429
    assert sign_in_from("203.0.113.1") == 429
    assert sign_in_from("203.0.113.2") != 429


def test_repeated_failed_logins_for_one_account_are_stopped(client: Client) -> None:
    member = UserFactory.create()
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    # Even the right password is refused once the per-account limit is reached.
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_is_rate_limited(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    member = UserFactory.create()
    statuses = [
        client.post("/accounts/password/reset/", {"email": member.email}).status_code
        for _ in range(3)
    ]
    assert statuses[:2] == [302, 302]
    assert statuses[2] == 429


def test_password_reset_for_one_address_is_rate_limited_by_default(client: Client) -> None:
    member = UserFactory.create()
    statuses = [
        client.post("/accounts/password/reset/", {"email": member.email}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_the_429_page_is_ours(client: Client, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    _signup(client, password1="x")
    response = _signup(client, password1="x")
    assert response.status_code == 429
    assert 'class="site-header"' in response.content.decode()
