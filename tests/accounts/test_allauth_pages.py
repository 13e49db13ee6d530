"""allauth's pages render in our layout with our field markup."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "labels"),
    [
        ("/accounts/login/", ["id_login", "id_password"]),
        ("/accounts/password/reset/", ["id_email"]),
    ],
)
def test_entrance_pages_use_our_layout_and_real_labels(
    client: Client, url: str, labels: list[str]
) -> None:
    html = client.get(url).content.decode()
    assert 'class="site-header"' in html and 'id="main"' in html
    for field_id in labels:
        assert f'<label for="{field_id}">' in html


def test_a_failed_sign_in_explains_itself_in_an_alert(client: Client) -> None:
    member = UserFactory.create()
    html = client.post(
        "/accounts/login/", {"login": member.email, "password": "wrong"}
    ).content.decode()
    assert 'role="alert"' in html
    assert "not correct" in html


def test_field_errors_are_tied_to_their_inputs(client: Client) -> None:
    html = client.post("/accounts/password/reset/", {"email": "not-an-email"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html


def test_signed_in_account_pages_use_our_layout(client: Client) -> None:
    client.force_login(UserFactory.create())
    html = client.get("/accounts/email/").content.decode()
    assert 'class="site-header"' in html
