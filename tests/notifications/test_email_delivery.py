"""The email task: templates per kind, idempotent claims, retries, the sweep."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from community.celery import app as celery_app
from notifications import services, tasks
from notifications.models import SECURITY_KINDS, EmailStatus, Kind, Notification
from notifications.services import notify
from tests.factories import UserFactory
from tests.notifications import backends
from tests.notifications.helpers import html_part, make_notification, make_pending

pytestmark = pytest.mark.django_db

IMMEDIATE_KINDS = [kind for kind in Kind if kind != Kind.REACTION_DIGEST]


@pytest.mark.parametrize("kind", IMMEDIATE_KINDS)
def test_each_kinds_email_has_subject_link_site_name_and_unsubscribe(
    settings: Any, django_capture_on_commit_callbacks: Any, kind: Kind
) -> None:
    settings.SITE_NAME = "Rounds Test"
    settings.SITE_URL = "https://rounds.example.org"
    alice, bob = (
        UserFactory.create(display_name="Alice A"),
        UserFactory.create(display_name="Bob B"),
    )
    services.set_preferences(user=alice, choices={kind: "immediate"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=alice, actor=bob, kind=kind, title="Title & <more>", url="/item/42/")
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "Title & <more>" in message.subject
    assert "Rounds Test" in message.subject
    assert "\n" not in message.subject
    html = html_part(message)
    for body in (message.body, html):
        assert "https://rounds.example.org/item/42/" in body
        assert "Rounds Test" in body
    assert "Title &amp; &lt;more&gt;" in html  # escaped in HTML...
    assert "Title & <more>" in message.body  # ...and not in plain text
    if kind in SECURITY_KINDS:
        assert "List-Unsubscribe" not in message.extra_headers
        assert "always sent" in message.body
    else:
        header = message.extra_headers["List-Unsubscribe"]
        assert header.startswith("<https://rounds.example.org/notifications/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = header.strip("<>")
        assert link in message.body
        assert link in html


def test_an_item_without_a_link_points_to_the_notifications_page(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://rounds.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=UserFactory.create(), kind=Kind.MODERATION, title="Report closed")
    assert "https://rounds.example.org/notifications/" in mail.outbox[0].body


def test_running_the_task_twice_sends_one_email() -> None:
    notification = make_pending(UserFactory.create())
    tasks.send_notification_email.apply(args=[notification.pk])
    tasks.send_notification_email.apply(args=[notification.pk])
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_sent_at is not None
    assert notification.email_attempts == 1
    assert notification.email_claimed_by == ""


def test_a_live_claim_held_by_another_task_is_left_alone() -> None:
    notification = make_pending(UserFactory.create())
    assert services._claim(Notification, pk=notification.pk, claimant="task-a", now=timezone.now())
    assert not services.deliver_notification_email(
        notification_id=notification.pk, claimant="task-b"
    )
    assert mail.outbox == []


def test_a_redelivered_task_with_the_same_id_resumes_its_own_claim() -> None:
    # A worker killed mid-send leaves the row "sending" under its task id; the broker
    # redelivers the same message (same id) to the next worker, which must finish it.
    notification = make_pending(UserFactory.create())
    assert services._claim(Notification, pk=notification.pk, claimant="task-a", now=timezone.now())
    assert services.deliver_notification_email(notification_id=notification.pk, claimant="task-a")
    assert len(mail.outbox) == 1


def test_an_expired_claim_can_be_taken_over() -> None:
    notification = make_pending(UserFactory.create())
    long_ago = timezone.now() - services.EMAIL_LEASE - dt.timedelta(seconds=1)
    assert services._claim(Notification, pk=notification.pk, claimant="dead", now=long_ago)
    assert services.deliver_notification_email(notification_id=notification.pk, claimant="new")
    assert len(mail.outbox) == 1


def test_it_retries_smtp_failures_with_backoff_then_marks_failed(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    backends.attempts.clear()
    notification = make_pending(UserFactory.create())
    # Not propagating, eager mode runs each retry in turn instead of raising Retry.
    celery_app.conf.task_eager_propagates = False
    tasks.send_notification_email.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert len(backends.attempts) == tasks.MAX_RETRIES + 1
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == tasks.MAX_RETRIES + 1
    assert notification.last_error == (
        "The connection to the mail server was lost: Connection unexpectedly closed"
    )


def test_an_email_task_outlives_its_longest_smtp_conversation_and_the_lease_outlives_it(
    settings: Any,
) -> None:
    from community.smtp import SmtpTimeouts

    longest = SmtpTimeouts.from_settings().longest_send
    for task in (tasks.send_notification_email, tasks.send_digest_email):
        assert task.soft_time_limit >= longest + 60
        assert task.time_limit == task.soft_time_limit + 30
        assert services.EMAIL_LEASE.total_seconds() == task.time_limit + 60
    # With the default timeouts: 30 + 300 + 120 + 180 + 600 + 30 s, about 24 minutes in all.
    if SmtpTimeouts.from_settings() == SmtpTimeouts(30, 300, 120, 180, 600):
        assert services.EMAIL_LEASE == dt.timedelta(seconds=1410)


def test_a_failed_attempt_releases_the_claim_for_a_later_retry() -> None:
    notification = make_pending(UserFactory.create())
    services._claim(Notification, pk=notification.pk, claimant="t", now=timezone.now())
    retry_at = timezone.now() + dt.timedelta(seconds=30)
    services.release_email_claim(
        model=Notification, pk=notification.pk, claimant="t", reason="refused", retry_at=retry_at
    )
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.PENDING
    assert notification.email_due_at == retry_at
    assert notification.email_claimed_by == ""
    assert notification.last_error == "refused"


def test_releasing_leaves_another_claimants_row_alone() -> None:
    notification = make_pending(UserFactory.create())
    services._claim(Notification, pk=notification.pk, claimant="a", now=timezone.now())
    services.release_email_claim(
        model=Notification, pk=notification.pk, claimant="b", reason="x", retry_at=timezone.now()
    )
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENDING
    assert notification.email_claimed_by == "a"


def test_the_backoff_grows_and_is_jittered() -> None:
    from celery.utils.time import get_exponential_backoff_interval

    ceilings = [
        min(tasks.BACKOFF_MAX_SECONDS, tasks.BACKOFF_FACTOR_SECONDS * 2**retry)
        for retry in range(tasks.MAX_RETRIES)
    ]
    assert ceilings == sorted(ceilings) and ceilings[0] < ceilings[-1]
    samples = {
        get_exponential_backoff_interval(
            factor=tasks.BACKOFF_FACTOR_SECONDS, retries=3, maximum=3600, full_jitter=True
        )
        for _ in range(50)
    }
    assert len(samples) > 1 and max(samples) <= 240


def test_an_email_turned_off_after_it_was_queued_is_skipped() -> None:
    alice = UserFactory.create()
    notification = make_pending(alice, kind=Kind.COMMENT)
    services.set_preferences(user=alice, choices={Kind.COMMENT: "off"})
    tasks.send_notification_email.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SKIPPED
    assert mail.outbox == []


def test_a_deactivated_member_gets_no_email() -> None:
    alice = UserFactory.create(is_active=False)
    notification = make_pending(alice)
    tasks.send_notification_email.apply(args=[notification.pk])
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SKIPPED
    assert mail.outbox == []


# --- Broker outage and the sweep ----------------------------------------------------------


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6999. Connection refused.")


def test_a_broker_outage_does_not_fail_the_event_and_the_sweep_sends_later(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    alice = UserFactory.create()
    with monkeypatch.context() as patched:
        patched.setattr(tasks.send_notification_email, "delay", _broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                notify(recipient=alice, kind=Kind.COMMENT, title="Bob commented", url="/p/1/")
    notification = Notification.objects.get()
    assert notification.email_status == EmailStatus.PENDING
    assert mail.outbox == []

    # Within the grace period the sweep assumes the task may still be on its way.
    assert services.sweep_email_outbox() == 0
    later = timezone.now() + dt.timedelta(minutes=2)
    assert services.sweep_email_outbox(now=later) == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.SENT


def test_the_sweep_stops_at_the_first_broker_error_and_keeps_rows_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = make_pending(UserFactory.create()), make_pending(UserFactory.create())
    calls: list[int] = []

    def down(pk: int) -> None:
        calls.append(pk)
        _broker_down()

    monkeypatch.setattr(tasks.send_notification_email, "delay", down)
    later = timezone.now() + dt.timedelta(minutes=2)
    assert services.sweep_email_outbox(now=later) == 0
    assert len(calls) == 1
    for row in (first, second):
        row.refresh_from_db()
        assert row.email_status == EmailStatus.PENDING
        assert row.email_due_at is not None and row.email_due_at < later


def test_the_sweep_does_not_queue_a_row_twice_while_it_waits_in_the_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_pending(UserFactory.create())
    queued: list[int] = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", queued.append)
    later = timezone.now() + dt.timedelta(minutes=2)
    assert services.sweep_email_outbox(now=later) == 1
    assert services.sweep_email_outbox(now=later + dt.timedelta(minutes=1)) == 0
    assert services.sweep_email_outbox(now=later + dt.timedelta(minutes=6)) == 1
    assert len(queued) == 2


def test_the_sweep_takes_back_a_dead_workers_claim() -> None:
    notification = make_pending(UserFactory.create())
    started = timezone.now()
    services._claim(Notification, pk=notification.pk, claimant="dead-task", now=started)
    # Within the lease the claimant may still be working.
    assert services.sweep_email_outbox(now=started + dt.timedelta(minutes=1)) == 0
    assert mail.outbox == []
    assert services.sweep_email_outbox(now=started + services.EMAIL_LEASE * 2) == 1
    assert len(mail.outbox) == 1


def test_the_sweep_gives_up_on_a_row_claimed_too_many_times() -> None:
    notification = make_pending(UserFactory.create())
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=timezone.now() - services.EMAIL_LEASE * 2,
        email_claimed_by="dead-task",
        email_attempts=services.MAX_EMAIL_ATTEMPTS,
    )
    assert services.sweep_email_outbox() == 0
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert mail.outbox == []


def test_the_sweep_leaves_sent_digest_and_skipped_rows_alone() -> None:
    alice = UserFactory.create()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    make_notification(alice, email_status=EmailStatus.SENT, email_sent_at=long_ago)
    for status in (EmailStatus.DIGEST, EmailStatus.SKIPPED):
        make_notification(alice, email_status=status, email_due_at=long_ago)
    assert services.sweep_email_outbox(now=timezone.now() + dt.timedelta(hours=1)) == 0


def test_sweep_task_runs_the_sweep() -> None:
    make_pending(UserFactory.create(), created_at=timezone.now() - dt.timedelta(minutes=5))
    Notification.objects.update(email_due_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.sweep_email_outbox.apply().get() == 1
    assert len(mail.outbox) == 1


def test_publishing_to_a_dead_broker_fails_fast_and_is_caught(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A real publish to a closed port: under 3 seconds, logged, not raised."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        started = time.monotonic()
        assert services.enqueue_email(12345) is False
        elapsed = time.monotonic() - started
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    assert elapsed < 3
    assert "the sweep will" in caplog.text
