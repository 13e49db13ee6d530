"""While Redis is down, members stay signed in, and signing in, signing up and resetting a
password all work: an unreachable cache lets rate limits through instead of counting as
"limit hit". Against a redis-server this test starts and stops itself."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest
import redis
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from community.cache import ResilientRedisCache
from tests.factories import ModeratorFactory, UserFactory
from tests.notifications.test_delivery_integration import (  # noqa: F401
    RedisServer,
    redis_server,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a new unusual passphrase 7"
LOCAL_MEMORY = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.fixture
def redis_cache(redis_server: RedisServer, settings: Any) -> Iterator[RedisServer]:  # noqa: F811
    """The site's cache and session cache as in production, on the test's own Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "community.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "fragments": {**LOCAL_MEMORY, "LOCATION": "test-fragments"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    ResilientRedisCache._down_until = 0.0
    try:
        yield redis_server
    finally:
        # Back to the suite's own caches before it clears them.
        settings.CACHES = {
            "default": LOCAL_MEMORY,
            "fragments": {**LOCAL_MEMORY, "LOCATION": "test-fragments"},
        }
        ResilientRedisCache._down_until = 0.0


def _redis_keys(server: RedisServer) -> list[bytes]:
    client = redis.Redis.from_url(server.url)
    try:
        return cast(list[bytes], client.keys("*"))
    finally:
        client.close()


def _sign_in(client: Client, email: str, password: str) -> int:
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return response.status_code


def _is_signed_in(client: Client) -> bool:
    # A page only members see answers instead of sending them to the sign-in page.
    return client.get("/notifications/").status_code == 200


def _sign_up(email: str) -> int:
    data = {
        "email": email,
        "display_name": "Dr. Amara Okafor",
        "role": "physician",
        "birth_year": "",
        "password1": "a-long-unusual-password-42",
        "password2": "a-long-unusual-password-42",
    }
    return Client().post("/accounts/signup/", data).status_code


def _reset_password(email: str, new_password: str) -> None:
    """Ask for the email, follow its link, set the new password."""
    client = Client()
    mail.outbox.clear()
    assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    assert [message.to for message in mail.outbox] == [[email]]
    link = re.search(
        r"http://testserver(/accounts/password/reset/key/\S+/)", str(mail.outbox[0].body)
    )
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302, response.content.decode()


# Account emails leave after the request's commit (notifications.services.queue_email).
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_members_stay_signed_in_and_sign_in_sign_up_and_reset_work(
    redis_cache: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A new password signs its owner out everywhere, so the one who forgot theirs is not
    # the member who stays signed in.
    member, forgetful = UserFactory.create(), UserFactory.create()
    browser = Client()
    assert _sign_in(browser, member.email, PASSWORD) == 302
    assert _is_signed_in(browser)
    assert _sign_up("before@example.org") == 302
    _reset_password(forgetful.email, NEW_PASSWORD)
    # The limits and the sessions were counted and cached in this Redis.
    keys = _redis_keys(redis_cache)
    assert any(b"allauth:rl:" in key for key in keys), keys
    assert any(b"django.contrib.sessions" in key for key in keys), keys

    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger="community.cache")

    assert _is_signed_in(browser)
    another_browser = Client()
    assert _sign_in(another_browser, member.email, PASSWORD) == 302
    assert _is_signed_in(another_browser)
    assert _sign_in(Client(), forgetful.email, NEW_PASSWORD) == 302
    assert _sign_up("during@example.org") == 302
    assert User.objects.filter(email="during@example.org").exists()
    _reset_password(forgetful.email, PASSWORD)
    assert _sign_in(Client(), forgetful.email, PASSWORD) == 302
    # A wrong password is still answered as one, not as a limit.
    refused = Client().post("/accounts/login/", {"login": member.email, "password": "wrong"})
    assert refused.status_code == 200
    assert "not correct" in refused.content.decode()
    assert _is_signed_in(browser)
    # The outage, and what it means for the limits, is in the log.
    assert "cache unavailable" in caplog.text
    assert "rate limits are off" in caplog.text


def _sign_in_with_code(email: str, secret: str) -> Client:
    client = Client()
    assert _sign_in(client, email, PASSWORD) == 302
    # The server takes only the current period's code: never one about to expire.
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content.decode()
    return client


def test_with_redis_down_a_moderator_signs_in_with_their_second_factor(
    redis_cache: RedisServer,
) -> None:
    moderator = ModeratorFactory.create()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(moderator, secret)
    assert _sign_in_with_code(moderator.email, secret).get("/admin/").status_code == 200

    redis_cache.stop()
    assert _sign_in_with_code(moderator.email, secret).get("/admin/").status_code == 200
