"""Sign-up, password reset and sign-in say nothing about which email addresses have an
account; the address's owner is told by email instead. Unconfirmed members may still sign
in, and cannot take part until they confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

import re
from typing import Any, cast

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.messages import get_messages
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client

from accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "known@example.org"
UNKNOWN = "unknown@example.org"
PASSWORD = "a-long-unusual-password-42"


def _signup(client: Client, email: str, **overrides: str) -> TestResponse:
    data = {
        "email": email,
        "display_name": "Dr. Amara Okafor",
        "role": Role.PHYSICIAN,
        "birth_year": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def _answer(response: TestResponse, email: str) -> dict[str, Any]:
    """What the person at the form can see of an answer, with the address they typed
    replaced by a placeholder."""
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "messages": [
            (message.level, str(message).replace(email, "EMAIL"))
            for message in get_messages(response.wsgi_request)
        ],
        "cookies": sorted(response.cookies),
        "signed_in": response.wsgi_request.user.is_authenticated,
    }


@pytest.fixture
def member() -> User:
    return UserFactory.create(email=KNOWN, display_name="Dr. Existing Member")


# --- Sign-up -------------------------------------------------------------------------------


def test_signup_answers_alike_for_an_address_with_an_account_and_one_without(
    member: User,
) -> None:
    known = _answer(_signup(Client(), KNOWN), KNOWN)
    unknown = _answer(_signup(Client(), UNKNOWN), UNKNOWN)

    assert known == unknown
    assert known["status"] == 302
    assert known["location"] == "/accounts/confirm-email/"
    assert known["messages"] == [(20, "Confirmation email sent to EMAIL.")]
    assert known["signed_in"] is False


def test_the_page_after_signup_is_the_same_for_both(member: User) -> None:
    pages = []
    for email in (KNOWN, UNKNOWN):
        client = Client()
        response = _signup(client, email)
        page = client.get(response["Location"])
        # Only the per-response nonce and CSRF token may differ.
        text = re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", page.content.decode())
        pages.append((page.status_code, text.replace(email, "EMAIL")))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200
    assert "Verify Your Email Address" in pages[0][1]


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("typed", [KNOWN, "Known@Example.ORG"])
def test_signing_up_with_an_address_that_has_an_account_emails_its_owner(
    client: Client, member: User, typed: str
) -> None:
    _signup(
        client,
        typed,
        display_name="Someone Else",
        password1="x-other-password-99",
        password2="x-other-password-99",
    )

    assert User.objects.count() == 1
    member.refresh_from_db()
    assert member.display_name == "Dr. Existing Member"
    assert member.check_password("correct horse battery staple")
    [message] = mail.outbox
    assert message.to == [KNOWN]
    assert message.subject == "[Rounds] You already have an account"
    html = cast(str, cast(EmailMultiAlternatives, message).alternatives[0][0])
    for body in (str(message.body), html):
        assert "Someone just tried to sign up for Rounds with this email address" in body
        assert "http://127.0.0.1:8000/accounts/login/" in body
        assert "http://127.0.0.1:8000/accounts/password/reset/" in body
    # Our layout, as every other email of the site.
    assert "This email concerns your account on Rounds" in html


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_signing_up_with_a_new_address_emails_the_confirmation_link(client: Client) -> None:
    _signup(client, UNKNOWN)

    newcomer = User.objects.get(email=UNKNOWN)
    assert not EmailAddress.objects.get(user=newcomer).verified
    [message] = mail.outbox
    assert message.to == [UNKNOWN]
    assert "/accounts/confirm-email/" in message.body


def test_both_paths_hash_the_password_once(member: User, settings: Any) -> None:
    """The new account's password hash is the slow part of signing up; the other path
    spends the same, so timing does not tell them apart."""
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    counts = []
    for email in (KNOWN, UNKNOWN):
        CountingHasher.calls = 0
        _signup(Client(), email)
        counts.append(CountingHasher.calls)
    assert counts == [1, 1]


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


def test_a_form_error_reads_the_same_for_both(member: User) -> None:
    answers = []
    for email in (KNOWN, UNKNOWN):
        response = _signup(Client(), email, password2="something-else-entirely")
        html = response.content.decode().replace(email, "EMAIL")
        errors = re.findall(r'<[^>]+class="[^"]*error[^"]*"[^>]*>([^<]*)<', html)
        answers.append((response.status_code, errors))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert "already registered" not in str(answers)


# --- Confirming, signing in unconfirmed, taking part -----------------------------------


def _confirmation_link() -> str:
    match = re.search(
        r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", str(mail.outbox[-1].body)
    )
    assert match is not None
    return match.group(1)


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_confirming_in_the_same_browser_signs_the_new_member_in(client: Client) -> None:
    _signup(client, UNKNOWN)
    response = client.post(_confirmation_link())

    assert response.status_code == 302
    newcomer = User.objects.get(email=UNKNOWN)
    assert client.session["_auth_user_id"] == str(newcomer.pk)
    assert EmailAddress.objects.get(user=newcomer).verified
    assert client.get("/posts/new/").status_code == 200


def test_an_unconfirmed_member_signs_in_and_reads_but_cannot_take_part(client: Client) -> None:
    _signup(client, UNKNOWN)
    mail.outbox.clear()

    response = Client().post("/accounts/login/", {"login": UNKNOWN, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert cast(User, response.wsgi_request.user).email == UNKNOWN
    # Signing in sends no further confirmation email.
    assert mail.outbox == []

    signed_in = Client()
    signed_in.post("/accounts/login/", {"login": UNKNOWN, "password": PASSWORD})
    assert signed_in.get("/").status_code == 200
    refused = signed_in.get("/posts/new/")
    assert refused.status_code == 403
    assert "Please confirm your email address first" in refused.content.decode()


# --- Password reset and sign-in -----------------------------------------------------------


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_password_reset_answers_alike_and_emails_each_address_what_fits(member: User) -> None:
    known = _answer(Client().post("/accounts/password/reset/", {"email": KNOWN}), KNOWN)
    unknown = _answer(Client().post("/accounts/password/reset/", {"email": UNKNOWN}), UNKNOWN)

    assert known == unknown
    assert known["status"] == 302
    assert known["location"] == "/accounts/password/reset/done/"
    to_known, to_unknown = mail.outbox
    assert to_known.to == [KNOWN]
    assert "/accounts/password/reset/key/" in to_known.body
    assert to_unknown.to == [UNKNOWN]
    assert "/accounts/password/reset/key/" not in to_unknown.body


def test_a_wrong_password_reads_the_same_as_an_unknown_address(member: User) -> None:
    pages = []
    for email in (KNOWN, UNKNOWN):
        response = Client().post("/accounts/login/", {"login": email, "password": "wrong"})
        alert = re.search(r'role="alert"[^>]*>(.*?)</', response.content.decode(), re.S)
        assert alert is not None
        pages.append((response.status_code, " ".join(alert.group(1).split())))
    assert pages[0] == pages[1]
    assert "not correct" in pages[0][1]


def test_adding_an_address_that_has_an_account_reads_the_same_as_a_new_one(
    member: User,
) -> None:
    answers = []
    for email in (KNOWN, UNKNOWN):
        client = Client()
        client.force_login(UserFactory.create())
        response = client.post("/accounts/email/", {"action_add": "", "email": email})
        answers.append(_answer(response, email))
    assert answers[0] == answers[1]
    assert answers[0]["location"] == "/accounts/email/"
    assert answers[0]["messages"] == [(20, "Confirmation email sent to EMAIL.")]
