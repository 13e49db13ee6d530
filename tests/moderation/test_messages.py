"""Reported mentorship messages: shown with their thread, removable, private otherwise."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring.models import Message
from moderation.models import AuditEntry, CaseStatus, ReportCase
from moderation.services import decide_appeal, file_appeal, file_report, remove_content
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory
from tests.mentoring.factories import make_mentorship
from tests.moderation.conftest import make_superuser

pytestmark = pytest.mark.django_db


def _thread(count: int = 12) -> tuple[Message, list[Message]]:
    mentorship = make_mentorship()
    messages = [
        Message.objects.create(
            mentorship=mentorship,
            sender=mentorship.mentor if index % 2 else mentorship.mentee,
            body=f"Message number {index}",
        )
        for index in range(count)
    ]
    return messages[-2], messages


def _report_by_the_other_side(message: Message) -> ReportCase:
    mentorship = message.mentorship
    reporter = mentorship.other_side(message.sender)
    file_report(reporter=reporter, target=message, reason="harassment", note="Rude")
    return ReportCase.objects.get()


def test_the_case_page_shows_the_message_in_its_recent_thread(moderator_client: Client) -> None:
    reported, messages = _thread()
    case = _report_by_the_other_side(reported)
    html = moderator_client.get(
        reverse("admin:moderation_reportcase_change", args=[case.pk])
    ).content.decode()
    assert "Message number 10" in html and "(reported)" in html
    assert "Message number 11" in html and "Message number 2" in html
    # The last ten messages only: older ones stay private.
    assert "Message number 1<" not in html and "Message number 0<" not in html


def test_removing_a_message_leaves_a_tombstone_for_the_other_side(
    moderator_client: Client, client: Client
) -> None:
    reported, _ = _thread(3)
    case = _report_by_the_other_side(reported)
    moderator_client.post(
        reverse("admin:moderation_reportcase_act", args=[case.pk, "remove"]),
        {"remove-reason": "Harassment"},
    )
    reported.refresh_from_db()
    assert reported.removed_by_moderators_at is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert AuditEntry.objects.get().target_id == reported.pk
    url = reverse("mentoring:mentorship", args=[reported.mentorship_id])
    client.force_login(reported.mentorship.other_side(reported.sender))
    html = client.get(url).content.decode()
    assert "Removed by moderators." in html and reported.body not in html
    client.force_login(reported.sender)
    html = client.get(url).content.decode()
    assert reported.body in html and "Harassment" in html


def test_moderators_see_only_reported_messages_in_the_list(moderator_client: Client) -> None:
    reported, messages = _thread(3)
    _report_by_the_other_side(reported)
    html = moderator_client.get(reverse("admin:mentoring_message_changelist")).content.decode()
    assert f"/{reported.pk}/change/" in html
    assert f"/{messages[0].pk}/change/" not in html
    unreported = reverse("admin:mentoring_message_change", args=[messages[0].pk])
    assert moderator_client.get(unreported).status_code == 302  # "doesn't exist" redirect
    superuser_client = Client()
    sign_in_with_two_factor(superuser_client, make_superuser())
    html = superuser_client.get(reverse("admin:mentoring_message_changelist")).content.decode()
    assert f"/{messages[0].pk}/change/" in html


def test_a_removed_message_can_be_restored_on_appeal() -> None:
    reported, _ = _thread(2)
    moderator: User = ModeratorFactory.create()
    action = remove_content(moderator=moderator, target=reported, reason="x")
    appeal = file_appeal(member=reported.sender, action=action, text="Context matters")
    decide_appeal(moderator=moderator, appeal=appeal, overturn=True, note="Fair")
    reported.refresh_from_db()
    assert reported.removed_by_moderators_at is None
