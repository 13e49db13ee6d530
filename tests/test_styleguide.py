"""The styleguide: every component in its states, for staff whose session passed two-factor,
as the moderation panel requires; nobody else."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

URL = "/styleguide/"


def test_its_address() -> None:
    assert reverse("styleguide") == URL


def test_a_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


def test_a_member_gets_a_404(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get(URL).status_code == 404


def test_an_inactive_staff_account_gets_a_404(client: Client) -> None:
    moderator = make_moderator()
    sign_in_with_two_factor(client, moderator)
    moderator.is_active = False
    moderator.save(update_fields=["is_active"])
    response = client.get(URL)
    assert response.status_code != 200
    assert b"Styleguide" not in response.content


def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client: Client) -> None:
    client.force_login(ModeratorFactory.create())
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # As the panel does: the same step, for the same reason.
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_staff_signed_in_without_a_code_are_asked_for_one(client: Client) -> None:
    client.force_login(make_moderator(with_mfa=True))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=%2Fstyleguide%2F" in response["Location"]


def test_staff_whose_session_passed_two_factor_see_every_component(client: Client) -> None:
    sign_in_with_two_factor(client, make_moderator())
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for component in (
        'class="button-secondary"',
        'class="button-danger"',
        "disabled>Disabled</button>",
        'class="card',
        'class="badge badge-verified"',
        'class="badge-count"',
        "avatar avatar-sm avatar-initials",
        "avatar avatar-lg avatar-initials",
        '<nav class="tabs"',
        '<details class="menu">',
        "toast toast-success",
        "toast toast-info",
        "toast toast-warning",
        "toast toast-error",
        'class="empty-state"',
        "field field-invalid",
        "Enter a valid email address.",
        "This field is required.",
    ):
        assert component in html, component


def test_the_styleguide_writes_nothing(client: Client) -> None:
    sign_in_with_two_factor(client, make_moderator())
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
