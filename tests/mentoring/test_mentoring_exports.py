"""Data export and erasure for the accounts app, and the demo data."""

from __future__ import annotations

import io
import json

import pytest

from mentoring import services, workflow
from mentoring.demo import seed
from mentoring.exports import erase_member_data, export_member_data
from mentoring.models import (
    Feedback,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    Message,
)
from notifications.models import Notification
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_members_mentoring_data() -> None:
    mentee = make_mentee(background=["first_generation"], share_background_for_matching=True)
    mentorship = make_mentorship(mentee=mentee)
    services.send_message(mentorship=mentorship, sender=mentee, body="Hello")
    services.add_goal(mentorship=mentorship, actor=mentee, title="Plan")
    workflow.do_complete_mentorship(mentorship=mentorship, actor=mentee, rating=5, comment="Yes")

    data = export_member_data(mentee)
    json.dumps(data)
    assert data["mentee_preferences"]["background"] == ["first_generation"]
    assert data["mentorships"][0]["other"] == mentorship.mentor.handle
    assert data["mentorships"][0]["goals"] == [{"title": "Plan", "is_done": False}]
    assert data["messages_sent"][0]["body"] == "Hello"
    assert data["feedback_given"][0]["rating"] == 5


def test_the_export_leaves_out_what_others_wrote_about_the_member() -> None:
    mentorship = make_mentorship()
    workflow.do_complete_mentorship(
        mentorship=mentorship, actor=mentorship.mentor, rating=2, comment="About the mentee"
    )
    data = export_member_data(mentorship.mentee)
    assert "About the mentee" not in json.dumps(data)


@pytest.mark.parametrize("keep_content", [True, False])
def test_erasure_closes_everything_and_removes_the_profiles(keep_content: bool) -> None:
    mentor = make_mentor(capacity=5)
    leaving = mentor.user
    waiting = workflow.do_request_mentor(mentee=make_mentee(), mentor=leaving)
    mentorship = make_mentorship(leaving)
    services.send_message(mentorship=mentorship, sender=leaving, body="Hi")
    Notification.objects.all().delete()

    erase_member_data(leaving, keep_content=keep_content)

    waiting.refresh_from_db()
    mentorship.refresh_from_db()
    assert waiting.status == "declined"
    assert mentorship.status == "ended"
    assert not MentorProfile.objects.filter(user=leaving).exists()
    assert Notification.objects.filter(recipient=mentorship.mentee).exists()
    assert Notification.objects.filter(recipient=waiting.mentee).exists()
    assert Message.objects.filter(sender=leaving).exists() is keep_content


def test_erasing_a_mentee_frees_the_mentors_place() -> None:
    mentor = make_mentor(capacity=1)
    mentee = make_mentee()
    make_mentorship(mentor.user, mentee)
    asked = workflow.do_request_mentor(mentee=mentee, mentor=make_mentor().user)
    workflow.do_complete_mentorship(
        mentorship=make_mentorship(mentee=mentee), actor=mentee, rating=5
    )
    erase_member_data(mentee, keep_content=False)
    mentor.refresh_from_db()
    asked.refresh_from_db()
    assert mentor.active_mentee_count == 0
    assert asked.status == "withdrawn"
    assert not MenteePreferences.objects.filter(user=mentee).exists()
    assert not Feedback.objects.filter(author=mentee).exists()


def test_the_demo_seed_is_idempotent() -> None:
    from accounts.demo import seed as seed_accounts

    out = io.StringIO()
    seed_accounts(out)
    seed(out)
    seed(out)
    assert MentorProfile.objects.count() == 2
    assert Mentorship.objects.count() == 1
    assert MentorRequest.objects.count() == 1
    assert all(" stage:premed " in profile.search_tags for profile in MentorProfile.objects.all())
