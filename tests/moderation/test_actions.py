"""Moderator actions: their effect on the member, the reports, notifications and the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import User
from moderation.models import (
    ActionKind,
    AppealStatus,
    AuditEntry,
    CaseStatus,
    ReportCase,
    ReportStatus,
)
from moderation.services import (
    ModerationRefused,
    decide_appeal,
    dismiss_case,
    file_appeal,
    file_report,
    reinstate_member,
    suspend_member,
    warn_member,
)
from notifications.models import Notification
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator() -> User:
    return ModeratorFactory.create()


def test_reports_on_one_item_form_one_case_with_a_count() -> None:
    subject = UserFactory.create()
    for reporter in UserFactory.create_batch(3):
        file_report(reporter=reporter, target=subject, reason="spam")
    case = ReportCase.objects.get()
    assert case.open_report_count == 3
    assert case.subject == subject
    assert case.reports.count() == 3


def test_dismissing_closes_the_case_and_tells_reporters(moderator: User) -> None:
    subject, reporter = UserFactory.create(), UserFactory.create()
    file_report(reporter=reporter, target=subject, reason="harassment")
    case = ReportCase.objects.get()
    dismiss_case(moderator=moderator, case=case, reason="Not harassment")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.reports.get().status == ReportStatus.DISMISSED
    assert Notification.objects.filter(recipient=reporter).count() == 1
    assert not Notification.objects.filter(recipient=subject).exists()
    assert AuditEntry.objects.get().action == ActionKind.DISMISS


def test_dismissing_twice_is_refused(moderator: User) -> None:
    file_report(reporter=UserFactory.create(), target=UserFactory.create(), reason="spam")
    case = ReportCase.objects.get()
    dismiss_case(moderator=moderator, case=case, reason="fine")
    with pytest.raises(ModerationRefused):
        dismiss_case(moderator=moderator, case=case, reason="fine")
    assert AuditEntry.objects.count() == 1


def test_a_new_report_after_a_closed_case_opens_a_new_case(moderator: User) -> None:
    subject, reporter = UserFactory.create(), UserFactory.create()
    file_report(reporter=reporter, target=subject, reason="spam")
    dismiss_case(moderator=moderator, case=ReportCase.objects.get(), reason="fine")
    file_report(reporter=reporter, target=subject, reason="spam")
    assert ReportCase.objects.filter(status=CaseStatus.OPEN).count() == 1


def test_suspending_records_state_before_and_after(moderator: User) -> None:
    member = UserFactory.create()
    until = timezone.now() + timedelta(days=7)
    action = suspend_member(moderator=moderator, member=member, reason="Spam", until=until)
    member.refresh_from_db()
    assert member.is_suspended
    assert member.suspension_reason == "Spam"
    entry = AuditEntry.objects.get()
    assert entry.before["suspended_at"] is None
    assert entry.after["suspended_until"] == until.isoformat()
    assert entry.actor_id == moderator.pk
    assert Notification.objects.get(recipient=member).target == action


def test_an_indefinite_suspension_has_no_end(moderator: User) -> None:
    member = UserFactory.create()
    suspend_member(moderator=moderator, member=member, reason="Threats", until=None)
    member.refresh_from_db()
    assert member.is_suspended and member.suspended_until is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_action_needs_a_reason(moderator: User, reason: str) -> None:
    member = UserFactory.create()
    with pytest.raises(ModerationRefused):
        suspend_member(moderator=moderator, member=member, reason=reason, until=None)
    member.refresh_from_db()
    assert not member.is_suspended
    assert not AuditEntry.objects.exists()


def test_a_suspension_in_the_past_is_refused(moderator: User) -> None:
    with pytest.raises(ModerationRefused):
        suspend_member(
            moderator=moderator,
            member=UserFactory.create(),
            reason="x",
            until=timezone.now() - timedelta(hours=1),
        )


def test_staff_cannot_be_suspended_from_the_panel(moderator: User) -> None:
    with pytest.raises(ModerationRefused):
        suspend_member(
            moderator=moderator, member=ModeratorFactory.create(), reason="x", until=None
        )


def test_reinstating_lifts_the_suspension(moderator: User) -> None:
    member = UserFactory.create()
    suspend_member(moderator=moderator, member=member, reason="x", until=None)
    reinstate_member(moderator=moderator, member=member, reason="Appeal accepted")
    member.refresh_from_db()
    assert not member.is_suspended
    with pytest.raises(ModerationRefused):
        reinstate_member(moderator=moderator, member=member, reason="again")


def test_a_warning_closes_the_case_and_notifies_both_sides(moderator: User) -> None:
    subject, reporter = UserFactory.create(), UserFactory.create()
    file_report(reporter=reporter, target=subject, reason="harassment")
    case = ReportCase.objects.get()
    warn_member(moderator=moderator, member=subject, reason="Be civil", case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.reports.get().status == ReportStatus.ACTIONED
    assert Notification.objects.filter(recipient=subject).count() == 1
    assert Notification.objects.filter(recipient=reporter).count() == 1


def test_a_member_appeals_once_and_a_moderator_overturns(moderator: User) -> None:
    member = UserFactory.create()
    action = suspend_member(moderator=moderator, member=member, reason="x", until=None)
    member.refresh_from_db()
    appeal = file_appeal(member=member, action=action, text="It was a misunderstanding")
    with pytest.raises(ModerationRefused, match="already appealed"):
        file_appeal(member=member, action=action, text="again")
    decide_appeal(moderator=moderator, appeal=appeal, overturn=True, note="Agreed")
    appeal.refresh_from_db()
    member.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED
    assert not member.is_suspended
    with pytest.raises(ModerationRefused):
        decide_appeal(moderator=moderator, appeal=appeal, overturn=False, note="x")


def test_only_the_member_concerned_may_appeal(moderator: User) -> None:
    member = UserFactory.create()
    action = warn_member(moderator=moderator, member=member, reason="x")
    with pytest.raises(ModerationRefused):
        file_appeal(member=UserFactory.create(), action=action, text="Not me")


def test_the_audit_log_refuses_changes(moderator: User) -> None:
    warn_member(moderator=moderator, member=UserFactory.create(), reason="x")
    entry = AuditEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    entry.refresh_from_db()
    assert entry.reason == "x"


def test_a_warning_is_emailed_even_to_a_member_who_turned_moderation_mail_off(
    moderator: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    from notifications.models import NotificationPreference

    member = UserFactory.create()
    NotificationPreference.objects.create(user=member, kind="moderation", delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        warn_member(moderator=moderator, member=member, reason="Please keep it civil")
    assert [message.to for message in mailoutbox] == [[member.email]]


def test_reporters_hear_back_under_their_own_report_preference(
    moderator: User, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    subject, reporter = UserFactory.create(), UserFactory.create()
    file_report(reporter=reporter, target=subject, reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        dismiss_case(moderator=moderator, case=ReportCase.objects.get(), reason="fine")
    told = Notification.objects.get(recipient=reporter)
    assert told.kind == "report"
    # Report updates wait for the daily digest unless the member chose otherwise.
    assert mailoutbox == []
