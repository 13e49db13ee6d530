"""Account emails (allauth's and "account already exists") leave the request through the
outbox: rendered in the request, recorded as an OutgoingEmail row, sent by the email task.

Tasks run eagerly in the test's process. The SMTP tests send through the project's
backend to an aiosmtpd server the test scripts; the others use Django's test outbox.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import delete_account, export_member_data
from community.celery import app as celery_app
from notifications import services, tasks
from notifications.models import EmailAddressProblem, EmailStatus, OutgoingEmail
from tests.factories import UserFactory
from tests.notifications.helpers import FailOnce
from tests.smtp_server import SmtpServer

# The request commits as in production, so the email task runs after it (eagerly here).
pytestmark = pytest.mark.django_db(transaction=True)

RESET_LINK = "/accounts/password/reset/key/"
CONFIRM_LINK = "/accounts/confirm-email/"
PASSWORD = "a-long-unusual-password-42"


@pytest.fixture
def member() -> User:
    return UserFactory.create(email="ana@example.org", display_name="Dr. Ana Lima")


@contextmanager
def _broker_is_down() -> Iterator[None]:
    """Publishing goes, for real, to a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def _reset(email: str) -> Any:
    return Client().post("/accounts/password/reset/", {"email": email})


def _signup(email: str) -> Any:
    return Client().post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": "Dr. Amara Okafor",
            "role": Role.PHYSICIAN,
            "birth_year": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def _stored(row: OutgoingEmail) -> str:
    """Everything the row holds, as text."""
    fields = [field.attname for field in OutgoingEmail._meta.concrete_fields]
    return json.dumps(OutgoingEmail.objects.values(*fields).get(pk=row.pk), default=str)


# --- Every account email goes through the outbox ------------------------------------------


def test_the_sign_up_confirmation_is_sent_from_the_outbox_with_its_link() -> None:
    response = _signup("new@example.org")
    assert response.status_code == 302
    assert response["Location"] == CONFIRM_LINK
    row = OutgoingEmail.objects.get()
    assert row.to == "new@example.org"
    assert row.email_status == EmailStatus.SENT
    assert row.email_attempts == 1
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "[Rounds] Please Confirm Your Email Address"
    assert f"http://testserver{CONFIRM_LINK}" in message.body


def test_the_account_already_exists_email_is_sent_from_the_outbox(member: User) -> None:
    response = _signup(member.email)
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert (row.to, row.email_status) == (member.email, EmailStatus.SENT)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == row.subject
    assert "http://127.0.0.1:8000/accounts/password/reset/" in message.body
    assert any(
        mimetype == "text/html"
        for _, mimetype in cast(mail.EmailMultiAlternatives, message).alternatives
    )


def test_a_security_notice_is_sent_from_the_outbox(member: User) -> None:
    client = Client()
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct horse battery staple",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert (row.to, row.email_status) == (member.email, EmailStatus.SENT)
    (message,) = mail.outbox
    assert message.subject == "[Rounds] Password Changed"


def test_the_reset_link_works_and_is_not_kept_once_sent(member: User) -> None:
    response = _reset(member.email)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert RESET_LINK in message.body
    link = message.body[message.body.index("http://testserver" + RESET_LINK) :].split()[0]
    assert Client().get(link, follow=True).status_code == 200

    row = OutgoingEmail.objects.get()
    assert row.email_status == EmailStatus.SENT
    assert (row.body, row.html_body, row.headers) == ("", "", {})
    assert row.subject == message.subject  # what was sent, to whom and when stay a while
    assert RESET_LINK not in _stored(row)
    assert link.rsplit("/", 2)[-2] not in _stored(row)


def test_the_body_is_kept_while_the_email_waits_and_the_message_is_rebuilt_as_rendered(
    member: User,
) -> None:
    message = mail.EmailMultiAlternatives(
        "Subject", "Text with /accounts/password/reset/key/x/", "from@example.org", [member.email]
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.extra_headers = {"Auto-Submitted": "auto-generated"}
    with _broker_is_down():
        row = services.queue_email(message=message)
    assert row.email_status == EmailStatus.PENDING
    rebuilt = services.build_outgoing_message(OutgoingEmail.objects.get(pk=row.pk))
    assert (rebuilt.subject, rebuilt.body, rebuilt.to) == (
        message.subject,
        message.body,
        message.to,
    )
    assert rebuilt.from_email == message.from_email
    assert cast(mail.EmailMultiAlternatives, rebuilt).alternatives[0][0] == "<p>HTML</p>"
    assert rebuilt.extra_headers == {"Auto-Submitted": "auto-generated"}


def test_an_email_to_several_recipients_is_refused() -> None:
    message = mail.EmailMessage("S", "B", "from@example.org", ["a@example.org", "b@example.org"])
    with pytest.raises(ValueError, match="exactly one recipient"):
        services.queue_email(message=message)
    assert not OutgoingEmail.objects.exists()


# --- A slow or refusing SMTP server does not reach the request ----------------------------


def test_a_5xx_refusal_fails_the_email_at_once_and_the_reset_page_still_answers(
    smtp_settings: SmtpServer, eager_retries: None, member: User
) -> None:
    smtp_settings.handler.rcpt_reply = "550 5.1.1 <ana@example.org>: User unknown"
    response = _reset(member.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    row = OutgoingEmail.objects.get()
    assert row.email_status == EmailStatus.FAILED
    assert row.email_attempts == 1
    assert smtp_settings.handler.conversations == 1  # offered once, never retried
    assert row.last_error == (
        "The mail server refused the address: 550 5.1.1 <ana@example.org>: User unknown"
    )
    assert (row.body, row.html_body) == ("", "")  # the reset link is not kept either
    # Sent to an address, not a member's notice: the preferences page shows nothing.
    assert not EmailAddressProblem.objects.exists()


def test_a_4xx_answer_is_retried_and_the_email_then_goes_once(
    smtp_settings: SmtpServer, eager_retries: None, member: User
) -> None:
    smtp_settings.handler.rcpt_replies.extend(["450 4.2.1 Mailbox busy"] * 2)
    assert _reset(member.email).status_code == 302
    row = OutgoingEmail.objects.get()
    assert row.email_status == EmailStatus.SENT
    assert row.email_attempts == 3
    assert smtp_settings.handler.conversations == 3
    (delivered,) = smtp_settings.handler.delivered
    assert RESET_LINK.encode() in delivered
    assert row.body == ""


def test_a_message_the_server_never_answered_for_is_unconfirmed_and_never_sent_again(
    smtp_settings: SmtpServer, settings: Any, member: User
) -> None:
    settings.EMAIL_FINAL_REPLY_TIMEOUT = 1
    smtp_settings.handler.data_holds = 1
    assert _reset(member.email).status_code == 302
    row = OutgoingEmail.objects.get()
    assert row.email_status == EmailStatus.UNCONFIRMED
    assert "after the message was handed over" in row.last_error
    assert row.body == ""
    smtp_settings.handler.release.set()
    much_later = timezone.now() + services.EMAIL_LEASE * 3
    assert services.sweep_email_outbox(now=much_later) == 0
    assert smtp_settings.handler.messages_received == 1


def test_a_database_error_marking_sent_is_retried_in_seconds_and_only_records_it(
    smtp_settings: SmtpServer, eager_retries: None, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _broker_is_down():
        _reset(member.email)
    row = OutgoingEmail.objects.get()
    countdowns: list[float] = []
    original = tasks.send_outgoing_email.retry

    def spy(*args: Any, **kwargs: Any) -> Any:
        countdowns.append(kwargs["countdown"])
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.send_outgoing_email, "retry", spy)
    fault = FailOnce(
        lambda sql, params: (
            sql.startswith('UPDATE "notifications_outgoingemail" SET')
            and bool(params)
            and params[0] == EmailStatus.SENT
        )
    )
    with connection.execute_wrapper(fault):
        tasks.send_outgoing_email.apply(args=[row.pk])
    assert fault.fired
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts, row.body) == (EmailStatus.SENT, 1, "")
    assert smtp_settings.handler.messages_received == 1  # the retry did not send again
    assert len(countdowns) == 1 and countdowns[0] <= 2  # seconds, not the lease


# --- The broker down, and the sweep -------------------------------------------------------


def test_with_the_broker_down_the_reset_answers_and_the_sweep_sends_the_email_once(
    member: User, caplog: pytest.LogCaptureFixture
) -> None:
    with _broker_is_down():
        response = _reset(member.email)
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert row.email_status == EmailStatus.PENDING
    assert RESET_LINK in row.body  # kept until it is sent
    assert mail.outbox == []
    assert "the sweep will" in caplog.text

    assert services.sweep_email_outbox() == 0  # within the grace, the task may be on its way
    later = timezone.now() + services.SWEEP_GRACE
    assert services.sweep_email_outbox(now=later) == 1
    (message,) = mail.outbox
    assert RESET_LINK in message.body
    row.refresh_from_db()
    assert (row.email_status, row.body) == (EmailStatus.SENT, "")
    assert services.sweep_email_outbox(now=later + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_the_sweep_takes_back_a_dead_workers_claim_and_sends_once(member: User) -> None:
    with _broker_is_down():
        _reset(member.email)
    row = OutgoingEmail.objects.get()
    started = timezone.now()
    assert services._claim(OutgoingEmail, pk=row.pk, claimant="dead-task", now=started)
    assert services.sweep_email_outbox(now=started + dt.timedelta(minutes=1)) == 0
    assert services.sweep_email_outbox(now=started + services.EMAIL_LEASE * 2) == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (EmailStatus.SENT, 2)


def test_the_sweep_deletes_account_emails_a_week_after_they_ended(member: User) -> None:
    with _broker_is_down():
        _reset(member.email)
        _reset("unknown@example.org")
    waiting, done = OutgoingEmail.objects.order_by("pk")
    services.deliver_outgoing_email(email_id=done.pk)
    week_later = timezone.now() + services.OUTGOING_EMAIL_KEEP + dt.timedelta(minutes=1)
    # Still waiting a week on (a retry far off): kept, body and all, until it is sent.
    OutgoingEmail.objects.filter(pk=waiting.pk).update(
        email_due_at=week_later + dt.timedelta(hours=1)
    )
    assert services.sweep_email_outbox(now=week_later) == 0
    assert RESET_LINK in OutgoingEmail.objects.get().body
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {waiting.pk}
    assert len(mail.outbox) == 1


# --- Nobody reads them: not in the admin, not in exports ----------------------------------


def test_account_emails_are_not_in_the_admin() -> None:
    assert OutgoingEmail not in admin.site._registry


def test_a_data_export_holds_nothing_of_account_emails(member: User) -> None:
    with _broker_is_down():
        _reset(member.email)
    row = OutgoingEmail.objects.get()
    assert RESET_LINK in row.body
    exported = json.dumps(export_member_data(member=member), default=str)
    assert RESET_LINK not in exported
    assert row.subject not in exported


def test_deleting_an_account_deletes_the_emails_to_its_addresses(member: User) -> None:
    other = UserFactory.create(email="other@example.org")
    with _broker_is_down():
        _reset(member.email.upper())
        _reset(other.email)
    delete_account(member=member, keep_content=False)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [other.email]
