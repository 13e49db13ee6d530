"""Profiles, messages and the guards on them, goals, meetings and feedback."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, User
from mentoring import services, workflow
from mentoring.models import Feedback, Goal, MentorProfile, Mentorship, Message
from mentoring.services import MessageNeedsConfirmation
from mentoring.workflow import Refused
from notifications.models import Kind, Notification
from privacy.models import PrivacyOverride
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

PHI = "My patient John Smith, MRN 48213377, was admitted yesterday."
CONTACT = "Text me on 555-201-7788 or add me on insta @future_doc"


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship()


@pytest.fixture
def minor_mentorship() -> Mentorship:
    mentor = make_mentor(stages=["high_school"]).user
    return make_mentorship(mentor, HighSchoolStudentFactory.create())


# --- Profiles -------------------------------------------------------------------------------


def _privacy_digest(content: str) -> str:
    """The confirmation the warning page carries (a page without one fails here)."""
    match = re.search(r'name="privacy_digest" value="([^"]+)"', content)
    assert match is not None
    return match.group(1)


PROFILE: dict[str, Any] = {
    "areas": ["mcat", "mcat", "research"],
    "specialties": ["cardiology"],
    "stages": ["premed"],
    "capacity": 2,
    "is_accepting": True,
    "languages": ["es", "en"],
    "meeting_modes": ["video"],
    "time_zone": "America/Chicago",
    "statement": "  Ask me anything.  ",
    "background": [],
    "share_background_for_matching": True,
}


def test_saving_a_mentor_profile_normalises_and_tags_it() -> None:
    physician = PhysicianFactory.create()
    profile = services.save_mentor_profile(user=physician, **PROFILE)
    assert profile.areas == ["mcat", "research"]
    assert profile.languages == ["en", "es"]
    assert profile.statement == "Ask me anything."
    # Opting in without a background shares nothing.
    assert profile.share_background_for_matching is False
    assert profile.search_tags == (
        " area:mcat area:research lang:en lang:es mode:video spec:cardiology stage:premed "
    )
    services.save_mentor_profile(user=physician, **{**PROFILE, "capacity": 4})
    assert MentorProfile.objects.get(user=physician).capacity == 4


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: UserFactory.create(), "Only physicians and residents"),
        (lambda: PhysicianFactory.create(verification_status="rejected"), "Only verified"),
        (lambda: PhysicianFactory.create(email_verified=False), "confirm your email"),
    ],
)
def test_only_verified_clinicians_may_mentor(factory, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused, match=message):
        services.save_mentor_profile(user=factory(), **PROFILE)
    assert not MentorProfile.objects.exists()


def test_the_database_refuses_a_capacity_of_zero() -> None:
    from django.db import IntegrityError, transaction

    profile = make_mentor()
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(pk=profile.pk).update(capacity=0)


def test_mentee_preferences_are_for_students_and_residents() -> None:
    with pytest.raises(Refused, match="students and residents"):
        services.save_mentee_preferences(
            user=PhysicianFactory.create(),
            goals=["mcat"],
            specialties=[],
            languages=["en"],
            language_required=True,
            meeting_modes=[],
            time_zone="UTC",
            introduction="",
            background=[],
            share_background_for_matching=False,
        )


def test_requiring_a_language_needs_a_language() -> None:
    preferences = services.save_mentee_preferences(
        user=UserFactory.create(),
        goals=["mcat"],
        specialties=[],
        languages=[],
        language_required=True,
        meeting_modes=[],
        time_zone="UTC",
        introduction="",
        background=[],
        share_background_for_matching=False,
    )
    assert preferences.language_required is False


# --- Messages -------------------------------------------------------------------------------


def test_a_message_notifies_the_other_side(mentorship: Mentorship) -> None:
    message = services.send_message(mentorship=mentorship, sender=mentorship.mentee, body="Hello!")
    note = Notification.objects.get(recipient=mentorship.mentor)
    assert note.kind == Kind.MENTORSHIP_MESSAGE
    assert note.url == message.get_absolute_url()


def test_patient_identifiers_need_confirmation(mentorship: Mentorship) -> None:
    with pytest.raises(MessageNeedsConfirmation) as caught:
        services.send_message(mentorship=mentorship, sender=mentorship.mentor, body=PHI)
    kinds = {finding.kind for finding in caught.value.findings}
    assert {"name", "mrn"} <= kinds
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_a_confirmed_message_is_sent_and_recorded_for_moderators(mentorship: Mentorship) -> None:
    message = services.send_message(
        mentorship=mentorship, sender=mentorship.mentor, body=PHI, confirmed=True
    )
    override = PrivacyOverride.objects.get()
    assert override.author == mentorship.mentor
    assert override.target == message
    assert "mrn" in override.kinds


def test_contact_details_with_a_minor_need_confirmation(minor_mentorship: Mentorship) -> None:
    with pytest.raises(MessageNeedsConfirmation) as caught:
        services.send_message(
            mentorship=minor_mentorship, sender=minor_mentorship.mentee, body=CONTACT
        )
    findings = caught.value.findings
    assert [finding.kind for finding in findings] == ["contact_phone", "contact_social_handle"]
    assert {finding.confidence for finding in findings} == {"low"}
    assert all("under 18" in finding.explanation for finding in findings)
    services.send_message(
        mentorship=minor_mentorship, sender=minor_mentorship.mentee, body=CONTACT, confirmed=True
    )
    assert "contact_phone" in PrivacyOverride.objects.get().kinds


def test_a_handle_between_adults_is_not_a_warning(mentorship: Mentorship) -> None:
    services.send_message(
        mentorship=mentorship, sender=mentorship.mentee, body="add me on insta @future_doc"
    )
    assert Message.objects.count() == 1
    assert not PrivacyOverride.objects.exists()


def test_the_warning_highlights_what_was_found(
    client: Client, minor_mentorship: Mentorship
) -> None:
    client.force_login(minor_mentorship.mentee)
    url = reverse("mentoring:send_message", kwargs={"pk": minor_mentorship.pk})
    response = client.post(url, {"body": CONTACT})
    content = response.content.decode()
    assert "Check your message before sending it." in content
    assert '<mark class="phi phi-low">555-201-7788</mark>' in content
    assert "under 18" in content
    assert "send anyway" in content
    assert not Message.objects.exists()
    digest = _privacy_digest(content)
    client.post(url, {"body": CONTACT, "confirm": "on", "privacy_digest": digest})
    assert Message.objects.count() == 1


def test_a_confirmation_for_other_findings_does_not_send(
    client: Client, minor_mentorship: Mentorship
) -> None:
    client.force_login(minor_mentorship.mentee)
    url = reverse("mentoring:send_message", kwargs={"pk": minor_mentorship.pk})
    content = client.post(url, {"body": "call me on 555-201-7788"}).content.decode()
    digest = _privacy_digest(content)
    # The sender changed the text after seeing the warning: new findings, old confirmation.
    client.post(url, {"body": CONTACT, "confirm": "on", "privacy_digest": digest})
    client.post(url, {"body": CONTACT, "confirm": "on"})
    assert not Message.objects.exists()


def test_the_warning_works_with_htmx(client: Client, mentorship: Mentorship) -> None:
    client.force_login(mentorship.mentor)
    response = client.post(
        reverse("mentoring:send_message", kwargs={"pk": mentorship.pk}),
        {"body": PHI},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "Check your message" in content
    assert "Medical record number" in content
    assert "<html" not in content


def test_messages_stop_when_the_mentorship_ends(mentorship: Mentorship) -> None:
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentor, reason="Done")
    with pytest.raises(Refused, match="has ended"):
        services.send_message(mentorship=mentorship, sender=mentorship.mentee, body="Hi")


def test_a_block_stops_messages(mentorship: Mentorship) -> None:
    Block.objects.create(blocker=mentorship.mentee, blocked=mentorship.mentor)
    with pytest.raises(Refused, match="cannot send"):
        services.send_message(mentorship=mentorship, sender=mentorship.mentor, body="Hi")


def test_a_suspended_member_cannot_send(mentorship: Mentorship) -> None:
    User.objects.filter(pk=mentorship.mentee_id).update(suspended_at=timezone.now())
    mentorship.mentee.refresh_from_db()
    with pytest.raises(Refused, match="suspended"):
        services.send_message(mentorship=mentorship, sender=mentorship.mentee, body="Hi")


def test_outsiders_cannot_send(mentorship: Mentorship) -> None:
    with pytest.raises(Refused, match="Only the mentor and the mentee"):
        services.send_message(mentorship=mentorship, sender=UserFactory.create(), body="Hi")


# --- Goals, meetings, feedback --------------------------------------------------------------


def test_goals_are_ordered_and_capped(mentorship: Mentorship) -> None:
    for index in range(services.MAX_GOALS):
        services.add_goal(mentorship=mentorship, actor=mentorship.mentor, title=f"Goal {index}")
    assert list(Goal.objects.values_list("position", flat=True)) == list(
        range(1, services.MAX_GOALS + 1)
    )
    with pytest.raises(Refused, match="at most"):
        services.add_goal(mentorship=mentorship, actor=mentorship.mentor, title="One more")


def test_goals_freeze_when_the_mentorship_ends(mentorship: Mentorship) -> None:
    goal = services.add_goal(mentorship=mentorship, actor=mentorship.mentee, title="Plan")
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentee, reason="Busy")
    goal.mentorship.refresh_from_db()
    with pytest.raises(Refused, match="has ended"):
        services.set_goal_done(goal=goal, actor=mentorship.mentee, is_done=True)


def test_a_logged_meeting_notifies_the_other_side(mentorship: Mentorship) -> None:
    services.log_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        occurred_on=timezone.localdate(),
        mode="video",
    )
    assert Notification.objects.filter(recipient=mentorship.mentor, kind=Kind.MENTORSHIP).exists()
    with pytest.raises(Refused, match="future"):
        services.log_meeting(
            mentorship=mentorship,
            actor=mentorship.mentee,
            occurred_on=timezone.localdate() + timedelta(days=3),
            mode="video",
        )


def test_feedback_waits_for_the_end(mentorship: Mentorship) -> None:
    with pytest.raises(Refused, match="Feedback opens"):
        services.give_feedback(mentorship=mentorship, author=mentorship.mentee, rating=5)


def test_feedback_once_per_side(mentorship: Mentorship) -> None:
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentor, reason="Moving")
    services.give_feedback(mentorship=mentorship, author=mentorship.mentee, rating=3)
    with pytest.raises(Refused, match="already given feedback"):
        services.give_feedback(mentorship=mentorship, author=mentorship.mentee, rating=5)
    with pytest.raises(Refused, match="1 to 5"):
        services.give_feedback(mentorship=mentorship, author=mentorship.mentor, rating=0)
    with pytest.raises(Refused, match="Only the mentor and the mentee"):
        services.give_feedback(mentorship=mentorship, author=UserFactory.create(), rating=4)
    assert Feedback.objects.count() == 1
