"""How each way a send can end is recorded, against a real SMTP server the test scripts.

Tasks run eagerly in the test's process, through the project's SMTP backend to an aiosmtpd
server, so each retry happens at once: the server's counts say how many times the message
was offered and delivered.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services, tasks
from notifications.models import (
    EmailAddressProblem,
    EmailDigest,
    EmailStatus,
    Kind,
    Notification,
)
from tests.factories import UserFactory
from tests.notifications.helpers import FailOnce, make_notification, make_pending
from tests.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.django_db


def _send(notification: Notification) -> Notification:
    tasks.send_notification_email.apply(args=[notification.pk])
    notification.refresh_from_db()
    return notification


# --- Refusals: 5xx is final at once, 4xx is retried ---------------------------------------


@pytest.mark.parametrize(
    ("stage", "answer", "reason"),
    [
        (
            "rcpt",
            "550 5.1.1 <ana@example.org>: Recipient address rejected: User unknown",
            "The mail server refused the address: 550 5.1.1 <ana@example.org>: "
            "Recipient address rejected: User unknown",
        ),
        (
            "mail",
            "553 5.7.1 Sender address rejected: not owned by user",
            "The mail server refused our sender address: "
            "553 5.7.1 Sender address rejected: not owned by user",
        ),
        (
            "data",
            "554 5.7.1 Message rejected as spam",
            "The mail server refused the message: 554 5.7.1 Message rejected as spam",
        ),
    ],
)
def test_a_5xx_refusal_fails_the_email_at_once_with_the_servers_answer(
    smtp_settings: SmtpServer, eager_retries: None, stage: str, answer: str, reason: str
) -> None:
    setattr(smtp_settings.handler, f"{stage}_reply", answer)
    ana = UserFactory.create(email="ana@example.org")
    notification = _send(make_pending(ana))
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == 1
    assert smtp_settings.handler.conversations == 1  # offered once, never retried
    assert smtp_settings.handler.delivered == []
    assert notification.last_error == reason
    assert notification.email_failed_at is not None
    problem = EmailAddressProblem.objects.get(member=ana)
    assert (problem.address, problem.reason) == ("ana@example.org", reason)


@pytest.mark.parametrize(
    ("stage", "answer"),
    [
        ("rcpt", "450 4.2.1 Mailbox busy, try again later"),
        ("mail", "451 4.3.0 Temporary lookup failure"),
        ("data", "451 4.7.1 Greylisted, please try again"),
    ],
)
def test_a_4xx_answer_is_retried_and_the_email_then_goes_once(
    smtp_settings: SmtpServer, eager_retries: None, stage: str, answer: str
) -> None:
    getattr(smtp_settings.handler, f"{stage}_replies").extend([answer, answer])
    notification = _send(make_pending(UserFactory.create()))
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 3
    assert smtp_settings.handler.conversations == 3
    assert len(smtp_settings.handler.delivered) == 1
    assert not EmailAddressProblem.objects.exists()


def test_a_4xx_that_never_ends_fails_after_the_retries(
    smtp_settings: SmtpServer, eager_retries: None
) -> None:
    smtp_settings.handler.rcpt_reply = "452 4.2.2 Mailbox full"
    ana = UserFactory.create()
    notification = _send(make_pending(ana))
    assert notification.email_status == EmailStatus.FAILED
    assert smtp_settings.handler.conversations == tasks.MAX_RETRIES + 1
    assert notification.last_error == "The mail server refused the address: 452 4.2.2 Mailbox full"
    assert EmailAddressProblem.objects.get(member=ana).reason == notification.last_error


def test_an_unreachable_server_is_retried_then_failed(settings: Any, eager_retries: None) -> None:
    settings.EMAIL_BACKEND = "community.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    notification = _send(make_pending(UserFactory.create()))
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_attempts == tasks.MAX_RETRIES + 1
    assert notification.last_error.startswith("Could not reach the mail server:")


def test_a_refused_digest_fails_with_its_notifications(
    smtp_settings: SmtpServer, eager_retries: None
) -> None:
    smtp_settings.handler.rcpt_reply = "550 5.1.1 User unknown"
    ana = UserFactory.create()
    digest = EmailDigest.objects.create(
        recipient=ana,
        local_date=timezone.localdate(),
        email_status=EmailStatus.PENDING,
        email_due_at=timezone.now(),
    )
    make_notification(ana, kind=Kind.FOLLOW, email_status=EmailStatus.DIGEST, digest=digest)
    tasks.send_digest_email.apply(args=[digest.pk])
    digest.refresh_from_db()
    assert digest.email_status == EmailStatus.FAILED
    assert digest.email_attempts == 1
    assert Notification.objects.get(digest=digest).email_status == EmailStatus.FAILED
    assert EmailAddressProblem.objects.filter(member=ana).exists()


# --- The handover: no answer after the final dot is never retried ---------------------------


def test_no_answer_after_the_final_dot_is_unconfirmed_and_never_sent_again(
    smtp_settings: SmtpServer, settings: Any, eager_retries: None
) -> None:
    settings.EMAIL_FINAL_REPLY_TIMEOUT = 0.5
    smtp_settings.handler.data_holds = 1
    notification = _send(make_pending(UserFactory.create()))
    assert notification.email_status == EmailStatus.UNCONFIRMED
    assert notification.email_attempts == 1
    assert notification.email_sent_at is not None
    assert "after the message was handed over" in notification.last_error
    # The server answers at last: it had the message, and delivers it.
    smtp_settings.handler.release.set()
    _wait_until(lambda: len(smtp_settings.handler.delivered) == 1)

    # Nothing sends it again: not the task run again, not the sweep after any lease.
    _send(notification)
    much_later = timezone.now() + services.EMAIL_LEASE * 3
    assert services.sweep_email_outbox(now=much_later) == 0
    assert smtp_settings.handler.messages_received == 1
    assert len(smtp_settings.handler.delivered) == 1
    assert Notification.objects.get(pk=notification.pk).email_status == EmailStatus.UNCONFIRMED
    assert not EmailAddressProblem.objects.exists()  # not a failure of the address


def test_a_slow_answer_before_the_handover_is_retried_and_delivered_once(
    smtp_settings: SmtpServer, settings: Any, eager_retries: None
) -> None:
    settings.EMAIL_COMMAND_TIMEOUT = 0.5
    smtp_settings.handler.rcpt_holds = 1  # the first RCPT gets no answer in time
    notification = _send(make_pending(UserFactory.create()))
    smtp_settings.handler.release.set()
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 2
    assert smtp_settings.handler.messages_received == 1
    assert len(smtp_settings.handler.delivered) == 1


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


# --- Database errors: retried within seconds, never sent twice ------------------------------


def _marks(table: str, status: str) -> Callable[[str, Any], bool]:
    def matches(sql: str, params: Any) -> bool:
        return (
            sql.startswith(f'UPDATE "{table}" SET "email_status"')
            and bool(params)
            and params[0] == status
        )

    return matches


@pytest.fixture
def retry_countdowns(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The countdown of every retry the email tasks ask for."""
    countdowns: list[float] = []
    for task in (tasks.send_notification_email, tasks.send_digest_email):
        original = task.retry

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            countdowns.append(kwargs["countdown"])
            return _original(*args, **kwargs)

        monkeypatch.setattr(task, "retry", spy)
    return countdowns


def test_marking_sent_fails_once_the_retry_only_marks_it_and_it_goes_once(
    smtp_settings: SmtpServer, eager_retries: None, retry_countdowns: list[float]
) -> None:
    fault = FailOnce(_marks("notifications_notification", EmailStatus.SENT))
    with connection.execute_wrapper(fault):
        notification = _send(make_pending(UserFactory.create()))
    assert fault.fired
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 1  # the retry recorded the outcome, no new claim
    assert len(smtp_settings.handler.delivered) == 1
    assert smtp_settings.handler.messages_received == 1
    assert len(retry_countdowns) == 1 and retry_countdowns[0] <= 2  # seconds, not the lease


# Outside a test transaction, as in a worker: Django marks the transaction around a failed
# UPDATE for rollback, which would stop every later query of a test in one transaction.
@pytest.mark.django_db(transaction=True)
def test_a_database_error_before_sending_is_retried_at_once_and_sends_once(
    smtp_settings: SmtpServer, eager_retries: None, retry_countdowns: list[float]
) -> None:
    # The claim itself fails: nothing was sent, so the retry claims and sends.
    fault = FailOnce(_marks("notifications_notification", EmailStatus.SENDING))
    with connection.execute_wrapper(fault):
        notification = _send(make_pending(UserFactory.create()))
    assert fault.fired
    assert notification.email_status == EmailStatus.SENT
    assert len(smtp_settings.handler.delivered) == 1
    assert len(retry_countdowns) == 1 and retry_countdowns[0] <= 2


def test_a_database_error_after_claiming_resumes_the_same_claim_at_once(
    smtp_settings: SmtpServer, eager_retries: None, retry_countdowns: list[float]
) -> None:
    # Reading the row after the claim fails: the claim is held, and the retry (same task
    # id) takes it up again at once instead of waiting out the lease.
    fault = FailOnce(lambda sql, params: sql.startswith('SELECT "notifications_notification"'))
    with connection.execute_wrapper(fault):
        notification = _send(make_pending(UserFactory.create()))
    assert fault.fired
    assert notification.email_status == EmailStatus.SENT
    assert notification.email_attempts == 2
    assert len(smtp_settings.handler.delivered) == 1
    assert retry_countdowns[0] <= 2


# The fault is injected into the claim's SELECT ... FOR UPDATE, which SQLite does not have.
@pytest.mark.postgres
def test_recording_a_permanent_failure_fails_once_and_the_message_is_not_offered_again(
    smtp_settings: SmtpServer, eager_retries: None
) -> None:
    smtp_settings.handler.rcpt_reply = "550 5.1.1 User unknown"
    fault = FailOnce(lambda sql, params: "FOR UPDATE" in sql)
    with connection.execute_wrapper(fault):
        notification = _send(make_pending(UserFactory.create()))
    assert fault.fired
    assert notification.email_status == EmailStatus.FAILED
    assert smtp_settings.handler.conversations == 1


def test_recording_unconfirmed_fails_once_and_the_message_is_not_offered_again(
    smtp_settings: SmtpServer, settings: Any, eager_retries: None
) -> None:
    settings.EMAIL_FINAL_REPLY_TIMEOUT = 0.5
    smtp_settings.handler.data_holds = 1
    fault = FailOnce(_marks("notifications_notification", EmailStatus.UNCONFIRMED))
    with connection.execute_wrapper(fault):
        notification = _send(make_pending(UserFactory.create()))
    smtp_settings.handler.release.set()
    assert fault.fired
    assert notification.email_status == EmailStatus.UNCONFIRMED
    assert smtp_settings.handler.messages_received == 1


def test_marking_a_digest_sent_fails_once_and_it_goes_once(
    smtp_settings: SmtpServer, eager_retries: None
) -> None:
    ana = UserFactory.create()
    digest = EmailDigest.objects.create(
        recipient=ana,
        local_date=timezone.localdate(),
        email_status=EmailStatus.PENDING,
        email_due_at=timezone.now(),
    )
    make_notification(ana, kind=Kind.FOLLOW, email_status=EmailStatus.DIGEST, digest=digest)
    fault = FailOnce(_marks("notifications_emaildigest", EmailStatus.SENT))
    with connection.execute_wrapper(fault):
        tasks.send_digest_email.apply(args=[digest.pk])
    assert fault.fired
    digest.refresh_from_db()
    assert digest.email_status == EmailStatus.SENT
    assert Notification.objects.get(digest=digest).email_status == EmailStatus.SENT
    assert len(smtp_settings.handler.delivered) == 1


def test_database_errors_that_go_on_leave_the_row_to_its_lease_without_resending(
    smtp_settings: SmtpServer, eager_retries: None, retry_countdowns: list[float]
) -> None:
    class AlwaysFails(FailOnce):
        def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            self.fired = False
            return super().__call__(execute, sql, params, many, context)

    with connection.execute_wrapper(
        AlwaysFails(_marks("notifications_notification", EmailStatus.SENT))
    ):
        notification = _send(make_pending(UserFactory.create()))
    # Sent once; the outcome could not be written in DATABASE_MAX_RETRIES tries.
    assert len(smtp_settings.handler.delivered) == 1
    assert len(retry_countdowns) == tasks.DATABASE_MAX_RETRIES == 10
    assert retry_countdowns[0] <= 2
    assert max(retry_countdowns) <= 1 + tasks.DATABASE_BACKOFF_MAX_SECONDS == 31
    assert notification.email_status == EmailStatus.SENDING
    assert notification.email_claimed_at is not None
    assert notification.email_claimed_at > timezone.now() - dt.timedelta(minutes=1)
