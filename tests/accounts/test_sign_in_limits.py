"""Sign-in limits behind the load balancer: each client is counted by its own address, a
forged X-Forwarded-For changes nothing, and an account's failed sign-ins are limited
across clients without one client being able to lock its owner out."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOAD_BALANCER = "10.0.0.2"
ATTACKER = "203.0.113.9"
MEMBER = "198.51.100.20"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _behind_the_load_balancer(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"


def _sign_in(
    email: str, password: str, *, forwarded_for: str, remote_addr: str = LOAD_BALANCER
) -> tuple[int, str, Client]:
    """One sign-in through the load balancer, from a fresh browser."""
    client = Client(REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for)
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response.status_code, response.content.decode(), client


def _is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_eleven_failed_sign_ins_from_one_client_do_not_stop_another_clients_sign_in() -> None:
    member = UserFactory.create()
    others = UserFactory.create_batch(6)
    # Against the member's own account, then against others until the client's own limit.
    attempts = [member.email] * 5 + [other.email for other in others]
    statuses = [_sign_in(email, "wrong", forwarded_for=ATTACKER)[:2] for email in attempts]
    assert all(status == 200 for status, _ in statuses)
    assert TOO_MANY in statuses[-1][1]

    status, _, client = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
    assert status == 302
    assert _is_signed_in(client)


def test_a_forged_forwarded_for_entry_does_not_dodge_the_clients_limit() -> None:
    members = UserFactory.create_batch(11)
    pages = [
        # What the client sends comes first; the load balancer appends what it saw.
        _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{index}, {ATTACKER}")[1]
        for index, member in enumerate(members)
    ]
    assert TOO_MANY not in pages[9]
    assert TOO_MANY in pages[10]
    # The eleventh client's correct password is refused too: the limit is the client's.
    _, page, client = _sign_in(members[10].email, PASSWORD, forwarded_for=f"192.0.2.99, {ATTACKER}")
    assert TOO_MANY in page
    assert not _is_signed_in(client)


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    members = UserFactory.create_batch(11)
    pages = [
        _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{i}", remote_addr=ATTACKER)[1]
        for i, member in enumerate(members)
    ]
    assert TOO_MANY not in pages[9]
    assert TOO_MANY in pages[10]


def test_a_header_other_than_forwarded_for_can_carry_the_client(settings: Any) -> None:
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    members = UserFactory.create_batch(11)
    for member in members[:10]:
        client = Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_REAL_IP=ATTACKER)
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    # X-Forwarded-For is now the client's to write, and changes nothing.
    refused = Client(
        REMOTE_ADDR=LOAD_BALANCER, HTTP_X_REAL_IP=ATTACKER, HTTP_X_FORWARDED_FOR=MEMBER
    ).post("/accounts/login/", {"login": members[10].email, "password": PASSWORD})
    assert TOO_MANY in refused.content.decode()
    welcomed = Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_REAL_IP=MEMBER).post(
        "/accounts/login/", {"login": members[10].email, "password": PASSWORD}
    )
    assert welcomed.status_code == 302


def test_an_accounts_failures_are_limited_across_clients() -> None:
    member = UserFactory.create()
    # Four clients, five wrong guesses each: twenty, the account's limit per 15 minutes.
    for client_number in range(4):
        for _ in range(5):
            _, page, _ = _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{client_number}")
            assert TOO_MANY not in page
    # A fifth client is refused even with the right password, and says why.
    _, page, client = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
    assert TOO_MANY in page
    assert not _is_signed_in(client)
    # Another account is not affected.
    status, _, _ = _sign_in(UserFactory.create().email, PASSWORD, forwarded_for=MEMBER)
    assert status == 302


def _clock_moved_on(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """allauth's rate limits read the time `seconds` later than it is."""
    clock = SimpleNamespace(
        time=lambda: time.time() + seconds, monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)


def test_an_accounts_limit_lifts_after_fifteen_minutes(monkeypatch: pytest.MonkeyPatch) -> None:
    member = UserFactory.create()
    for client_number in range(4):
        for _ in range(5):
            _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{client_number}")
    _clock_moved_on(monkeypatch, 14 * 60)
    assert TOO_MANY in _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)[1]
    _clock_moved_on(monkeypatch, 15 * 60 + 1)
    assert _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)[0] == 302


def test_one_clients_limit_on_an_account_lifts_after_five_minutes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = UserFactory.create()
    for _ in range(5):
        _sign_in(member.email, "wrong", forwarded_for=MEMBER)
    _clock_moved_on(monkeypatch, 4 * 60)
    assert TOO_MANY in _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)[1]
    _clock_moved_on(monkeypatch, 5 * 60 + 1)
    assert _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)[0] == 302


def test_one_client_stops_after_five_failures_on_one_account_and_the_owner_still_gets_in() -> None:
    member = UserFactory.create()
    pages = [_sign_in(member.email, "wrong", forwarded_for=ATTACKER)[1] for _ in range(5)]
    assert all(TOO_MANY not in page for page in pages)
    _, page, client = _sign_in(member.email, PASSWORD, forwarded_for=ATTACKER)
    assert TOO_MANY in page
    assert not _is_signed_in(client)

    status, _, client = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
    assert status == 302
    assert _is_signed_in(client)


def test_a_sign_in_refused_by_the_clients_limit_is_not_counted_against_the_account(
    settings: Any,
) -> None:
    member, others = UserFactory.create(), UserFactory.create_batch(10)
    # Colleagues behind the same address use up its ten failures a minute...
    for other in others:
        _sign_in(other.email, "wrong", forwarded_for=MEMBER)
    # ...so the member's five attempts are refused before their password is looked at.
    for _ in range(5):
        assert TOO_MANY in _sign_in(member.email, "wrong", forwarded_for=MEMBER)[1]
    # A new per-client rate starts a fresh count for the address (the account's is kept).
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "100/m/ip,20/15m/key",
    }
    # Nineteen failures on the account, four of them the member's own on this address: had
    # the refused five counted, the account (20) or this address on it (5) would be full.
    for client_number in range(3):
        for _ in range(5):
            _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{client_number}")
    for _ in range(4):
        assert TOO_MANY not in _sign_in(member.email, "wrong", forwarded_for=MEMBER)[1]
    status, _, client = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
    assert status == 302
    assert _is_signed_in(client)


def test_an_ipv6_client_is_counted_by_its_network_not_by_each_address() -> None:
    member = UserFactory.create()
    # One household's /64 rotating through its addresses is still one client.
    pages = [
        _sign_in(member.email, "wrong", forwarded_for=f"2001:db8:0:1::{index:x}")[1]
        for index in range(1, 21)
    ]
    assert all(TOO_MANY not in page for page in pages[:5])
    assert all(TOO_MANY in page for page in pages[5:])
    status, _, _ = _sign_in(member.email, PASSWORD, forwarded_for="2001:db8:0:2::1")
    assert status == 302


def _reset_password(member: User, *, forwarded_for: str) -> None:
    client = Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for)
    uid, token = user_pk_to_url_str(member), default_token_generator.make_token(member)
    page = client.get(f"/accounts/password/reset/key/{uid}-{token}/", follow=True)
    response = client.post(
        page.redirect_chain[-1][0],
        {"password1": "a new unusual passphrase 7", "password2": "a new unusual passphrase 7"},
    )
    assert response.status_code == 302, response.content.decode()


def test_a_password_reset_lifts_the_limits_on_the_account() -> None:
    member = UserFactory.create()
    # The member's own five typos, then fifteen guesses from three other clients.
    for _ in range(5):
        _sign_in(member.email, "wrong", forwarded_for=MEMBER)
    for client_number in range(3):
        for _ in range(5):
            _sign_in(member.email, "wrong", forwarded_for=f"192.0.2.{client_number}")
    assert TOO_MANY in _sign_in(member.email, PASSWORD, forwarded_for=ATTACKER)[1]

    _reset_password(member, forwarded_for=MEMBER)
    status, page, client = _sign_in(
        member.email, "a new unusual passphrase 7", forwarded_for=MEMBER
    )
    assert status == 302, page
    assert _is_signed_in(client)


def test_a_correct_sign_in_does_not_count_as_a_failure() -> None:
    member = UserFactory.create()
    for _ in range(4):
        _sign_in(member.email, "wrong", forwarded_for=MEMBER)
    for _ in range(3):
        status, _, _ = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
        assert status == 302
    # Four failures and three successes: the fifth failure is still allowed.
    assert TOO_MANY not in _sign_in(member.email, "wrong", forwarded_for=MEMBER)[1]


@pytest.mark.parametrize(
    "forwarded_for",
    [
        "",
        ",",
        " , , ",
        "unknown",
        "not an address",
        "203.0.113.9, garbage",
        "999.1.1.1",
        "::::",
        "[2001:db8::1",
        "2001:db8::1]:443",
        "203.0.113.9:notaport:1",
        "١٢٣.٤.٥.٦",
        "203.0.113." + "9" * 5000,
    ],
)
def test_a_malformed_forwarded_for_is_not_a_server_error(forwarded_for: str) -> None:
    member = UserFactory.create()
    status, _, client = _sign_in(member.email, PASSWORD, forwarded_for=forwarded_for)
    assert status == 302
    assert _is_signed_in(client)


def test_a_header_shorter_than_the_proxy_count_is_not_a_server_error(settings: Any) -> None:
    # allauth's own ALLAUTH_TRUSTED_PROXY_COUNT answers this with ImproperlyConfigured.
    settings.TRUSTED_PROXY_COUNT = 2
    member = UserFactory.create()
    status, _, client = _sign_in(member.email, PASSWORD, forwarded_for=MEMBER)
    assert status == 302
    assert _is_signed_in(client)


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_sign_up_and_password_reset_count_each_client_by_its_own_address(settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "signup": "1/m/ip",
        "reset_password": "1/m/ip",
    }
    member = UserFactory.create()

    def reset(forwarded_for: str) -> int:
        client = Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for)
        return client.post("/accounts/password/reset/", {"email": member.email}).status_code

    def sign_up(forwarded_for: str, email: str) -> int:
        client = Client(REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for)
        data = {"email": email, "password1": "x", "password2": "x"}
        return client.post("/accounts/signup/", data).status_code

    assert [reset(ATTACKER), reset(ATTACKER), reset(MEMBER)] == [302, 429, 302]
    assert [sign_up(ATTACKER, "a@example.org"), sign_up(ATTACKER, "b@example.org")] == [200, 429]
    assert sign_up(MEMBER, "c@example.org") == 200
    assert len(mail.outbox) == 2
    assert all(re.search(r"/accounts/password/reset/key/", str(m.body)) for m in mail.outbox)
