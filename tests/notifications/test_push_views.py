"""Turning push on and off for a device: who may, and what input is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from notifications.models import (
    DEFAULT_DELIVERY,
    SECURITY_KINDS,
    NotificationPreference,
    PushSubscription,
)
from tests.factories import UserFactory
from tests.notifications.push_service import PushService, make_device, push_service
from tests.notifications.test_push import vapid

__all__ = ["push_service", "vapid"]

pytestmark = pytest.mark.django_db

URL = "/notifications/push/subscribe/"


def _post(client: Client, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def test_a_member_turns_push_on_for_a_device(
    vapid: str, push_service: PushService, client: Client, member: User
) -> None:
    device = make_device(push_service, "phone")
    client.force_login(member)
    response = _post(
        client, device.as_json(), HTTP_USER_AGENT="Mozilla/5.0 (Android 14) Firefox/128.0"
    )
    assert response.status_code == 201
    row = PushSubscription.objects.get()
    assert (row.member, row.endpoint, row.p256dh, row.auth) == (
        member,
        device.endpoint,
        device.p256dh,
        device.auth,
    )
    assert row.user_agent_label == "Firefox on Android"
    assert response.json() == {"id": row.pk, "label": "Firefox on Android"}


def test_the_same_endpoint_twice_updates_its_one_row(
    vapid: str, push_service: PushService, client: Client, member: User
) -> None:
    device = make_device(push_service, "phone")
    other = UserFactory.create()
    device.subscribe(other)
    client.force_login(member)
    assert _post(client, device.as_json()).status_code == 201
    assert _post(client, device.as_json()).status_code == 201
    # One row, now the member's: the same browser, signed in as someone else.
    assert PushSubscription.objects.get().member == member


def test_visitors_are_sent_to_sign_in(
    vapid: str, push_service: PushService, client: Client
) -> None:
    response = _post(client, make_device(push_service, "phone").as_json())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not PushSubscription.objects.exists()


def test_suspended_members_are_refused(
    vapid: str, push_service: PushService, client: Client, suspended: User
) -> None:
    client.force_login(suspended)
    assert _post(client, make_device(push_service, "phone").as_json()).status_code == 403
    assert not PushSubscription.objects.exists()


def test_the_csrf_token_is_required(vapid: str, push_service: PushService, member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert _post(client, make_device(push_service, "phone").as_json()).status_code == 403
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "The body must be JSON"),
        (b"\xff\xfe", "The body must be JSON"),
        ([1, 2], "Send the subscription as a JSON object."),
        ({"keys": {}}, "The subscription has no endpoint."),
        ({"endpoint": "https://push.example.org/x"}, "The subscription has no keys."),
        (
            {
                "endpoint": "https://push.example.org/x",
                "keys": {"p256dh": "AAAA", "auth": "A" * 22},
            },
            "keys.p256dh must hold 65 bytes.",
        ),
        (
            {
                "endpoint": "http://push.example.org/x",
                "keys": {"p256dh": "B" * 87, "auth": "A" * 22},
            },
            "The endpoint must be an https:// address.",
        ),
        (
            {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}},
            "The endpoint must be an https:// address.",
        ),
    ],
)
def test_bad_input_is_a_400_that_says_what_is_wrong(
    vapid: str, client: Client, member: User, body: Any, message: str
) -> None:
    client.force_login(member)
    response = _post(client, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_huge_body_is_refused(vapid: str, client: Client, member: User) -> None:
    client.force_login(member)
    body = {"endpoint": "https://push.example.org/" + "x" * 10_000, "keys": {}}
    response = _post(client, body)
    assert response.status_code == 413
    assert "at most 4096 bytes" in response.json()["error"]


def test_without_vapid_keys_there_is_no_push(
    push_service: PushService, client: Client, member: User
) -> None:
    client.force_login(member)
    assert _post(client, make_device(push_service, "phone").as_json()).status_code == 404
    page = client.get("/notifications/preferences/").content.decode()
    assert "Push" not in page
    assert "push.js" not in page


def test_the_preferences_page_lists_devices_and_saves_push_choices(
    vapid: str,
    push_service: PushService,
    client: Client,
    member: User,
    django_assert_max_num_queries: Any,
) -> None:
    make_device(push_service, "phone").subscribe(member)
    client.force_login(member)
    with django_assert_max_num_queries(12):
        page = client.get("/notifications/preferences/").content.decode()
    assert "Push to my devices" in page
    assert f'data-push-key="{vapid}"' in page
    assert "Remove" in page
    assert 'name="push_reply"' in page
    assert 'name="push_reaction_digest"' not in page

    form: dict[str, str] = {
        kind: delivery for kind, delivery in DEFAULT_DELIVERY.items() if kind not in SECURITY_KINDS
    }
    form["push_mention"] = "on"
    response = client.post("/notifications/preferences/", form)
    assert response.status_code == 302
    pushed = dict(NotificationPreference.objects.filter(user=member).values_list("kind", "push"))
    assert pushed["mention"] is True
    assert pushed["reply"] is False


def test_a_member_removes_their_device_and_nobody_else_can(
    vapid: str, push_service: PushService, client: Client, member: User
) -> None:
    device = make_device(push_service, "phone").subscribe(member)
    outsider = UserFactory.create()
    client.force_login(outsider)
    assert client.post(f"/notifications/push/{device.pk}/remove/").status_code == 404
    assert PushSubscription.objects.filter(pk=device.pk).exists()

    client.force_login(member)
    response = client.post(f"/notifications/push/{device.pk}/remove/")
    assert response.status_code == 302
    assert not PushSubscription.objects.filter(pk=device.pk).exists()
    assert client.post(f"/notifications/push/{device.pk}/remove/").status_code == 404
