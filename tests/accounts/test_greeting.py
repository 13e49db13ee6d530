"""The home page greets a brand-new member as new, and a returning one as back."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Role, User
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def _heading(client: Client) -> str:
    html = client.get("/").content.decode()
    match = re.search(r"<h1>([^<]*)</h1>", html)
    assert match is not None
    return match.group(1)


def _sign_in(member: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_a_first_sign_in_is_welcomed_and_the_next_one_welcomed_back() -> None:
    member = UserFactory.create(display_name="Maya Chen")
    first = _sign_in(member)
    assert _heading(first) == "Welcome to Rounds, Maya Chen"
    # The whole first visit, not only its first page.
    assert _heading(first) == "Welcome to Rounds, Maya Chen"
    assert _heading(_sign_in(member)) == "Welcome back, Maya Chen"


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_confirming_the_address_after_signing_up_is_a_welcome_not_a_welcome_back() -> None:
    client = Client()
    client.post(
        "/accounts/signup/",
        {
            "email": "newcomer@example.org",
            "display_name": "Dr. Amara Okafor",
            "role": Role.PHYSICIAN,
            "birth_year": "",
            "password1": "a-long-unusual-password-42",
            "password2": "a-long-unusual-password-42",
        },
    )
    link = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(mail.outbox[-1].body)
    )
    assert link is not None
    assert client.post(link.group(1)).status_code == 302
    assert _heading(client) == "Welcome to Rounds, Dr. Amara Okafor"
