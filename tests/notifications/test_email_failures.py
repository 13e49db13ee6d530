"""Failed email is shown: to the member (which address, why, and a way to send it again)
and, as a count of the last day, on the moderation dashboard."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import services
from notifications.exports import erase_member_data, export_member_data
from notifications.models import (
    EmailAddressProblem,
    EmailDigest,
    EmailStatus,
    Kind,
    Notification,
)
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator, make_superuser
from tests.notifications.helpers import make_notification, make_pending

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:preferences")
RETRY = reverse("notifications:retry_email")
REFUSED = "The mail server refused the address: 550 5.1.1 <ana@example.org>: User unknown"


def _fail(row: Notification | EmailDigest, reason: str = REFUSED) -> None:
    """Send `row` and have the server refuse it for good, as the email task records it."""
    model = type(row)
    assert services._claim(model, pk=row.pk, claimant="task", now=timezone.now())
    assert services.record_email_outcome(
        model=model, pk=row.pk, claimant="task", status=EmailStatus.FAILED, reason=reason
    )


def _failed_notification(member: User, **fields: Any) -> Notification:
    notification = make_pending(member, **fields)
    _fail(notification)
    notification.refresh_from_db()
    return notification


def _digest(member: User, **fields: Any) -> EmailDigest:
    digest = EmailDigest.objects.create(
        recipient=member,
        local_date=fields.pop("local_date", timezone.localdate()),
        email_status=EmailStatus.PENDING,
        email_due_at=timezone.now(),
    )
    make_notification(member, kind=Kind.FOLLOW, email_status=EmailStatus.DIGEST, digest=digest)
    return digest


class RefusingRecipient:
    """An email backend whose server refuses every recipient for good."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"5.1.1 User unknown")})


@pytest.fixture
def ana() -> User:
    return UserFactory.create(email="ana@example.org")


# --- What the member sees -------------------------------------------------------------------


def test_the_preferences_say_which_address_fails_and_why(client: Client, ana: User) -> None:
    _failed_notification(ana)
    client.force_login(ana)
    html = client.get(PREFERENCES).content.decode()
    assert "Email to ana@example.org is failing:</strong>" in html
    assert "550 5.1.1 &lt;ana@example.org&gt;: User unknown" in html  # the reason, escaped
    assert f'action="{RETRY}"' in html
    assert "csrfmiddlewaretoken" in html.split(f'action="{RETRY}"')[1].split("</form>")[0]
    assert reverse("account_email") in html


def test_without_a_failure_there_is_no_notice(client: Client, ana: User) -> None:
    other = UserFactory.create()
    _failed_notification(other)  # someone else's failure
    client.force_login(ana)
    html = client.get(PREFERENCES).content.decode()
    assert "is failing" not in html
    assert RETRY not in html


def test_an_email_that_goes_through_clears_the_notice(client: Client, ana: User) -> None:
    _failed_notification(ana)
    later = make_pending(ana)
    assert services.deliver_notification_email(notification_id=later.pk)
    assert not EmailAddressProblem.objects.filter(member=ana).exists()
    client.force_login(ana)
    assert "is failing" not in client.get(PREFERENCES).content.decode()


def test_an_unconfirmed_email_does_not_clear_or_raise_a_notice(ana: User) -> None:
    _failed_notification(ana)
    row = make_pending(ana)
    services._claim(Notification, pk=row.pk, claimant="t", now=timezone.now())
    services.record_email_outcome(
        model=Notification, pk=row.pk, claimant="t", status=EmailStatus.UNCONFIRMED, reason="x"
    )
    assert EmailAddressProblem.objects.get(member=ana).reason == REFUSED


def test_the_notice_names_the_failed_address_after_the_member_changed_it(
    client: Client, ana: User
) -> None:
    _failed_notification(ana)
    User.objects.filter(pk=ana.pk).update(email="ana.new@example.org")
    client.force_login(User.objects.get(pk=ana.pk))
    html = client.get(PREFERENCES).content.decode()
    assert "Email to ana@example.org is failing" in html
    assert "again, to ana.new@example.org." in html


def test_the_preferences_page_runs_as_many_queries_with_a_failure_as_without(
    client: Client, ana: User, django_assert_num_queries: Any
) -> None:
    client.force_login(ana)
    client.get(PREFERENCES)
    with CaptureQueriesContext(connection) as without:
        client.get(PREFERENCES)
    _failed_notification(ana)
    with django_assert_num_queries(len(without.captured_queries)):
        assert "is failing" in client.get(PREFERENCES).content.decode()


# --- Sending it again -----------------------------------------------------------------------


def test_a_member_sends_their_failed_emails_again(
    client: Client, ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = _failed_notification(ana, title="Bob commented")
    second = _failed_notification(ana, title="Cy replied")
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RETRY, follow=True)
    assert response.redirect_chain == [(PREFERENCES, 302)]
    html = response.content.decode()
    assert "Sending 2 emails again to ana@example.org." in html
    assert "is failing" not in html
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {"ana@example.org"}
    assert {"Bob commented" in m.subject or "Cy replied" in m.subject for m in mail.outbox} == {
        True
    }
    for row in (first, second):
        row.refresh_from_db()
        assert row.email_status == EmailStatus.SENT


def test_a_second_submit_sends_nothing_twice(
    client: Client, ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    _failed_notification(ana)
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RETRY)
        response = client.post(RETRY, follow=True)
    assert len(mail.outbox) == 1
    assert "There is no failed email to send again." in response.content.decode()


def test_sending_again_is_queued_once_however_often_it_is_asked(
    ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    _failed_notification(ana)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.retry_failed_email(member=ana) == 1
        assert services.retry_failed_email(member=ana) == 0
    assert len(callbacks) == 1


def test_an_address_that_still_refuses_shows_the_notice_again(
    client: Client, ana: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    _failed_notification(ana)
    settings.EMAIL_BACKEND = "tests.notifications.test_email_failures.RefusingRecipient"
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RETRY)
    assert "Email to ana@example.org is failing" in client.get(PREFERENCES).content.decode()
    assert Notification.objects.get(recipient=ana).email_status == EmailStatus.FAILED


def test_sending_again_touches_only_the_members_own_emails(
    client: Client, ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    bob = UserFactory.create()
    _failed_notification(ana)
    bobs = _failed_notification(bob)
    client.force_login(ana)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RETRY)
    assert [message.to for message in mail.outbox] == [[ana.email]]
    bobs.refresh_from_db()
    assert bobs.email_status == EmailStatus.FAILED
    assert EmailAddressProblem.objects.filter(member=bob).exists()


def test_only_failures_of_the_last_week_are_sent_again(
    ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    old = _failed_notification(ana, title="Long ago")
    Notification.objects.filter(pk=old.pk).update(
        email_failed_at=timezone.now() - services.RETRY_WINDOW - dt.timedelta(hours=1)
    )
    recent = _failed_notification(ana, title="Yesterday")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_failed_email(member=ana) == 1
    assert len(mail.outbox) == 1 and "Yesterday" in mail.outbox[0].subject
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.email_status, recent.email_status) == (EmailStatus.FAILED, EmailStatus.SENT)


def test_a_failed_digest_is_sent_again_as_a_digest(
    ana: User, django_capture_on_commit_callbacks: Any
) -> None:
    digest = _digest(ana)
    _fail(digest)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_failed_email(member=ana) == 1
    assert len(mail.outbox) == 1
    digest.refresh_from_db()
    assert digest.email_status == EmailStatus.SENT
    assert digest.email_attempts == 1
    assert Notification.objects.get(digest=digest).email_status == EmailStatus.SENT


def test_sending_again_needs_a_signed_in_post(client: Client, ana: User) -> None:
    _failed_notification(ana)
    response = client.post(RETRY)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    client.force_login(ana)
    assert client.get(RETRY).status_code == 405
    assert EmailAddressProblem.objects.filter(member=ana).exists()


def test_sending_again_needs_the_csrf_token(ana: User) -> None:
    _failed_notification(ana)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    assert client.post(RETRY).status_code == 403
    assert EmailAddressProblem.objects.filter(member=ana).exists()


def test_sending_again_is_rate_limited(client: Client, ana: User, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email_retry": "2/h"}
    client.force_login(ana)
    assert client.post(RETRY).status_code == 302
    assert client.post(RETRY).status_code == 302
    refused = client.post(RETRY)
    assert refused.status_code == 429
    assert "Slow down" in refused.content.decode()


# --- Where failures come from ---------------------------------------------------------------


def test_giving_up_on_a_dead_workers_row_is_a_failure_the_member_sees(ana: User) -> None:
    notification = make_pending(ana)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENDING,
        email_claimed_at=timezone.now() - services.EMAIL_LEASE * 2,
        email_claimed_by="dead-task",
        email_attempts=services.MAX_EMAIL_ATTEMPTS,
    )
    services.sweep_email_outbox()
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.FAILED
    assert notification.email_failed_at is not None
    problem = EmailAddressProblem.objects.get(member=ana)
    assert problem.reason == "Gave up after repeated attempts."


def test_the_failure_is_in_the_members_data_export_and_erased_with_it(ana: User) -> None:
    _failed_notification(ana)
    exported = export_member_data(ana)["email_delivery_problem"]
    assert exported["address"] == "ana@example.org"
    assert exported["reason"] == REFUSED
    erase_member_data(ana, keep_content=True)
    assert not EmailAddressProblem.objects.filter(member=ana).exists()
    assert export_member_data(ana)["email_delivery_problem"] is None


# --- The moderation dashboard ---------------------------------------------------------------


def _dashboard(user: User) -> str:
    client = Client()
    sign_in_with_two_factor(client, user)
    return client.get(reverse("admin:index")).content.decode()


def test_the_dashboard_counts_the_failed_emails_of_the_last_day() -> None:
    ana, bob = UserFactory.create(), UserFactory.create()
    _failed_notification(ana)
    _failed_notification(bob)
    digest = _digest(ana, local_date=timezone.localdate() - dt.timedelta(days=1))
    _fail(digest)  # one digest: counted once, not once per notification in it
    old = _failed_notification(bob)
    Notification.objects.filter(pk=old.pk).update(
        email_failed_at=timezone.now() - dt.timedelta(hours=25)
    )
    make_notification(ana, email_status=EmailStatus.SENT, email_sent_at=timezone.now())
    for user in (make_moderator(), make_superuser()):
        assert "Failed emails in the last 24 hours: 3" in _dashboard(user)


def test_the_dashboard_says_zero_when_nothing_failed() -> None:
    assert "Failed emails in the last 24 hours: 0" in _dashboard(make_moderator())


def test_staff_outside_the_moderators_group_see_no_count() -> None:
    _failed_notification(UserFactory.create())
    staff = UserFactory.create(is_staff=True)
    TOTP.activate(staff, generate_totp_secret())  # the panel asks staff for two-factor
    html = _dashboard(staff)
    assert "Site administration" in html  # the dashboard itself, without the count
    assert "Failed emails" not in html
