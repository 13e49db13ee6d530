"""The data export and erasure hooks the accounts app calls."""

from __future__ import annotations

import pytest
from django.utils import timezone

from notifications.exports import erase_member_data, export_member_data
from notifications.models import Kind, Notification, NotificationPreference
from notifications.services import set_preferences
from tests.factories import UserFactory
from tests.notifications.helpers import make_notification

pytestmark = pytest.mark.django_db


def test_it_exports_what_a_member_received_and_chose() -> None:
    alice = UserFactory.create()
    make_notification(alice, title="Hello", read_at=timezone.now())
    make_notification(UserFactory.create(), title="Not hers")
    set_preferences(user=alice, choices={Kind.MENTION: "off"})
    data = export_member_data(alice)
    assert [row["title"] for row in data["notifications"]] == ["Hello"]
    assert data["notifications"][0]["read_at"] is not None
    assert data["notification_preferences"] == {Kind.MENTION: "off"}


@pytest.mark.parametrize("keep_content", [True, False])
def test_erasing_removes_a_members_notifications_and_choices(keep_content: bool) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    make_notification(alice)
    caused = make_notification(bob, actor=alice, title="Alice commented")
    set_preferences(user=alice, choices={Kind.MENTION: "off"})
    erase_member_data(alice, keep_content=keep_content)
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not NotificationPreference.objects.filter(user=alice).exists()
    if keep_content:
        caused.refresh_from_db()
        assert caused.actor is None
    else:
        assert not Notification.objects.filter(pk=caused.pk).exists()
