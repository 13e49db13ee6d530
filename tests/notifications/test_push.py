"""Web push: what is sent, encrypted, to whom and when; a gone device; retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.management import call_command
from py_vapid import Vapid

from accounts.models import User
from community import events
from community.celery import app as celery_app
from notifications.models import Kind, PushDelivery, PushStatus, PushSubscription
from notifications.services import notify, set_preferences
from notifications.services.push import sweep_push_outbox
from notifications.tasks import PUSH_MAX_RETRIES, send_push
from notifications.vapid import generate_key_pair
from tests.factories import UserFactory
from tests.notifications.push_service import PushService, make_device, push_service

__all__ = ["push_service"]

pytestmark = pytest.mark.django_db

TITLE = "Ana replied to your comment on 'Fluids in sepsis'"


@pytest.fixture
def vapid(settings: Any) -> str:
    public, private = generate_key_pair()
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = "mailto:ops@example.org"
    return public


@pytest.fixture
def actor(db: None) -> User:
    return UserFactory.create(display_name="Ana Ruiz")


def _reply(member: User, actor: User, capture: Callable[..., Any], **options: Any) -> None:
    with capture(execute=True):
        notify(
            recipient=member,
            kind=options.pop("kind", Kind.REPLY),
            title=TITLE,
            url="/posts/7/#comment-3",
            actor=actor,
            **options,
        )


def test_it_pushes_the_notification_encrypted_to_each_device(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    phone, laptop = make_device(push_service, "phone"), make_device(push_service, "laptop")
    phone.subscribe(member)
    laptop.subscribe(member)

    _reply(member, actor, django_capture_on_commit_callbacks)

    for device, path in ((phone, "/push/phone"), (laptop, "/push/laptop")):
        [push] = push_service.to(path)
        assert device.decrypt(push) == {
            "title": "Rounds",
            "body": TITLE,
            "url": f"{django_settings.SITE_URL}/posts/7/#comment-3",
            "tag": f"notification-{member.notifications.get().pk}",
        }
        # Signed with the site's VAPID key, kept an hour by the push service.
        headers = {name.lower(): value for name, value in push.headers.items()}
        assert headers["authorization"].startswith("vapid t=")
        assert f"k={vapid}" in headers["authorization"]
        assert headers["ttl"] == "3600"
    assert set(PushDelivery.objects.values_list("status", flat=True)) == {PushStatus.SENT}
    assert PushSubscription.objects.filter(last_success_at__isnull=True).count() == 0


def test_it_sends_a_push_once_however_often_its_task_runs(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_device(push_service, "phone").subscribe(member)
    _reply(member, actor, django_capture_on_commit_callbacks)
    delivery = PushDelivery.objects.get()

    assert send_push.delay(delivery.pk).get() == ""
    assert sweep_push_outbox() == 0
    assert len(push_service.to("/push/phone")) == 1


def test_a_gone_device_is_removed(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_device(push_service, "old").subscribe(member)
    push_service.statuses["/push/old"] = [410]

    _reply(member, actor, django_capture_on_commit_callbacks)

    assert len(push_service.to("/push/old")) == 1
    assert not PushSubscription.objects.filter(member=member).exists()
    assert not PushDelivery.objects.exists()


def test_a_failing_push_service_is_retried_then_given_up_without_losing_other_devices(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Not propagating, eager mode runs each retry in turn instead of raising Retry.
    celery_app.conf.task_eager_propagates = False
    make_device(push_service, "broken").subscribe(member)
    working = make_device(push_service, "working")
    working.subscribe(member)
    push_service.statuses["/push/broken"] = [500] * 20

    _reply(member, actor, django_capture_on_commit_callbacks)

    assert len(push_service.to("/push/broken")) == PUSH_MAX_RETRIES + 1
    broken = PushDelivery.objects.get(subscription__endpoint__endswith="/broken")
    assert broken.status == PushStatus.FAILED
    assert "500" in broken.last_error
    # The device stays: a failing push service is not an unsubscribed browser.
    assert PushSubscription.objects.filter(member=member).count() == 2
    [push] = push_service.to("/push/working")
    assert working.decrypt(push)["body"] == TITLE
    assert PushDelivery.objects.get(subscription__endpoint__endswith="/working").status == "sent"


def test_a_push_that_fails_once_goes_out_on_the_retry(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Not propagating, eager mode runs each retry in turn instead of raising Retry.
    celery_app.conf.task_eager_propagates = False
    device = make_device(push_service, "flaky")
    device.subscribe(member)
    push_service.statuses["/push/flaky"] = [503]

    _reply(member, actor, django_capture_on_commit_callbacks)

    first, second = push_service.to("/push/flaky")
    assert device.decrypt(second)["body"] == TITLE
    assert PushDelivery.objects.get().status == PushStatus.SENT


def test_nothing_is_pushed_while_the_member_watches_a_live_stream(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_device(push_service, "phone").subscribe(member)
    monkeypatch.setattr(events, "is_watching", lambda member_id: member_id == member.pk)

    _reply(member, actor, django_capture_on_commit_callbacks)

    assert push_service.received == []
    assert PushDelivery.objects.get().status == PushStatus.SKIPPED


def test_nothing_is_pushed_for_a_kind_the_member_turned_off(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_device(push_service, "phone").subscribe(member)
    set_preferences(user=member, choices={}, push={Kind.REPLY: False})

    _reply(member, actor, django_capture_on_commit_callbacks)
    _reply(member, actor, django_capture_on_commit_callbacks, kind=Kind.FOLLOW)

    assert push_service.received == []
    assert not PushDelivery.objects.exists()
    # Turning push off did not change the email choice.
    assert member.notification_preferences.get(kind=Kind.REPLY).delivery == "immediate"


def test_a_kind_turned_off_after_queueing_is_skipped(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_device(push_service, "phone").subscribe(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=member, kind=Kind.MENTION, title=TITLE, actor=actor)
    set_preferences(user=member, choices={}, push={Kind.MENTION: False})
    for callback in callbacks:
        callback()

    assert push_service.received == []
    assert PushDelivery.objects.get().status == PushStatus.SKIPPED


def test_without_vapid_keys_nothing_is_queued_or_sent(
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert not django_settings.VAPID_PRIVATE_KEY
    make_device(push_service, "phone").subscribe(member)

    _reply(member, actor, django_capture_on_commit_callbacks)

    assert push_service.received == []
    assert not PushDelivery.objects.exists()


def test_a_push_queued_while_the_broker_was_down_goes_out_with_the_sweep(
    vapid: str,
    push_service: PushService,
    member: User,
    actor: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_device(push_service, "phone").subscribe(member)

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OSError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(send_push, "delay", broker_down)
        _reply(member, actor, django_capture_on_commit_callbacks)
    assert push_service.received == []
    assert PushDelivery.objects.get().status == PushStatus.PENDING

    assert sweep_push_outbox(grace=dt.timedelta(0)) == 1
    assert len(push_service.to("/push/phone")) == 1
    assert PushDelivery.objects.get().status == PushStatus.SENT


@pytest.mark.redis
def test_is_watching_reads_the_key_the_event_streams_set(member: User) -> None:
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    key = f"events:watching:{member.pk}"
    client.delete(key)
    assert events.is_watching(member.pk) is False
    client.set(key, "1", ex=30)
    try:
        assert events.is_watching(member.pk) is True
    finally:
        client.delete(key)


def test_is_watching_is_false_without_redis(settings: Any, member: User) -> None:
    settings.REDIS_URL = ""
    assert events.is_watching(member.pk) is False


def test_the_command_prints_a_key_pair_pywebpush_can_sign_with(capsys: Any) -> None:
    call_command("generate_vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    vapid = Vapid.from_string(lines["VAPID_PRIVATE_KEY"])
    headers = vapid.sign({"sub": "mailto:ops@example.org", "aud": "https://push.example.org"})
    assert headers["Authorization"].startswith("vapid t=")
    assert f"k={lines['VAPID_PUBLIC_KEY']}" in headers["Authorization"]
    assert lines["VAPID_SUBJECT"].startswith("mailto:")


def test_a_live_qa_reminder_is_pushed_to_those_going(
    vapid: str,
    push_service: PushService,
    member: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The reminder 15 minutes before a live Q&A goes to the devices of those who said they
    will attend, as well as by email (the issue's "a reminder by email and push")."""
    from posts import services as post_services
    from tests.posts.test_posts_live_qa import upcoming

    phone = make_device(push_service, "phone")
    phone.subscribe(member)
    post = upcoming()
    post_services.set_rsvp(member=member, post=post, going=True)
    assert post.starts_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_services.send_event_reminders(now=post.starts_at - dt.timedelta(minutes=14)) == 1
        )

    [push] = push_service.to("/push/phone")
    assert phone.decrypt(push)["body"] == "“Ask a cardiologist” starts in 14 minutes"
