"""notify(): the row commits with its event, and the email follows the member's choice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Block
from notifications.models import (
    ALLOWED_DELIVERY,
    Delivery,
    EmailStatus,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.services import notify, notify_reaction, set_preferences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_writes_the_notification_in_the_events_transaction(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(
                recipient=alice, actor=bob, kind=Kind.COMMENT, title="Bob commented", url="/p/1/"
            )
            assert Notification.objects.count() == 1
            assert mail.outbox == []  # nothing leaves before the event commits
    assert Notification.objects.get().email_status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipient=alice, actor=bob, kind=Kind.COMMENT, title="Bob commented")
                raise RuntimeError("the event failed")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_it_does_not_notify_members_of_their_own_actions() -> None:
    alice = UserFactory.create()
    assert notify(recipient=alice, actor=alice, kind=Kind.COMMENT, title="x") is None
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("direction", ["recipient blocked actor", "actor blocked recipient"])
def test_it_does_not_notify_across_a_block(direction: str) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    if direction == "recipient blocked actor":
        Block.objects.create(blocker=alice, blocked=bob)
    else:
        Block.objects.create(blocker=bob, blocked=alice)
    assert notify(recipient=alice, actor=bob, kind=Kind.FOLLOW, title="Bob follows you") is None
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "data:text/html,hi"])
def test_it_refuses_links_that_are_not_site_paths_or_http(url: str) -> None:
    with pytest.raises(ValueError, match="Notification links"):
        notify(recipient=UserFactory.create(), kind=Kind.COMMENT, title="x", url=url)


def test_it_cuts_an_overlong_title_to_fit() -> None:
    notification = notify(recipient=UserFactory.create(), kind=Kind.COMMENT, title="a" * 500)
    assert notification is not None
    assert len(notification.title) == 200


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (Kind.COMMENT, EmailStatus.PENDING),
        (Kind.REPLY, EmailStatus.PENDING),
        (Kind.MENTION, EmailStatus.PENDING),
        (Kind.FOLLOW, EmailStatus.DIGEST),
        (Kind.REACTION_DIGEST, EmailStatus.DIGEST),
        (Kind.MENTOR_REQUEST, EmailStatus.PENDING),
        (Kind.MENTORSHIP, EmailStatus.PENDING),
        (Kind.MENTORSHIP_MESSAGE, EmailStatus.PENDING),
        (Kind.VERIFICATION, EmailStatus.PENDING),
        (Kind.MODERATION, EmailStatus.PENDING),
        (Kind.GROUP, EmailStatus.PENDING),
    ],
)
def test_each_kind_has_a_sensible_default(kind: Kind, status: str) -> None:
    notification = notify(recipient=UserFactory.create(), kind=kind, title="Something happened")
    assert notification is not None
    assert notification.email_status == status


@pytest.mark.parametrize(
    ("delivery", "status", "emails"),
    [
        (Delivery.IMMEDIATE, EmailStatus.SENT, 1),
        (Delivery.DIGEST, EmailStatus.DIGEST, 0),
        (Delivery.OFF, EmailStatus.SKIPPED, 0),
    ],
)
def test_it_follows_the_members_choice(
    django_capture_on_commit_callbacks: Any, delivery: str, status: str, emails: int
) -> None:
    alice = UserFactory.create()
    set_preferences(user=alice, choices={Kind.MENTION: delivery})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=alice, kind=Kind.MENTION, title="Bob mentioned you", url="/p/2/")
    assert Notification.objects.get().email_status == status
    assert len(mail.outbox) == emails


def test_security_emails_are_sent_even_when_a_member_tried_to_turn_them_off(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice = UserFactory.create()
    set_preferences(user=alice, choices={Kind.VERIFICATION: Delivery.OFF})
    NotificationPreference.objects.create(user=alice, kind=Kind.VERIFICATION, delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=alice, kind=Kind.VERIFICATION, title="You are verified", url="/")
    assert len(mail.outbox) == 1
    assert ALLOWED_DELIVERY[Kind.VERIFICATION] == (Delivery.IMMEDIATE,)


def test_it_ignores_preference_values_a_kind_does_not_allow() -> None:
    alice = UserFactory.create()
    set_preferences(
        user=alice, choices={Kind.REACTION_DIGEST: Delivery.IMMEDIATE, Kind.FOLLOW: "loud"}
    )
    assert not NotificationPreference.objects.exists()


def test_a_member_without_an_email_address_gets_the_notification_but_no_email() -> None:
    alice = UserFactory.create(email="")
    notification = notify(recipient=alice, kind=Kind.COMMENT, title="x")
    assert notification is not None
    assert notification.email_status == EmailStatus.NOT_NEEDED


def test_it_can_record_in_the_app_only() -> None:
    notification = notify(recipient=UserFactory.create(), kind=Kind.COMMENT, title="x", email=False)
    assert notification is not None
    assert notification.email_status == EmailStatus.NOT_NEEDED


def test_reactions_wait_for_the_digest_and_never_email_one_by_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    author, fan = UserFactory.create(), UserFactory.create(display_name="Fan Member")
    with django_capture_on_commit_callbacks(execute=True):
        notify_reaction(
            recipient=author,
            actor=fan,
            target=author,
            url="/posts/7/",
            reaction="helpful",
            item="How should I read this ECG strip?",
        )
    notification = Notification.objects.get()
    assert notification.kind == Kind.REACTION_DIGEST
    assert notification.email_status == EmailStatus.DIGEST
    assert notification.title == "Fan Member reacted to 'How should I read this ECG strip?'"
    assert mail.outbox == []
