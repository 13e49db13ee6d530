"""The rate of meeting proposals (RATE_LIMITS["meeting_proposal"]): proposing and moving a
meeting count against it; past it the member gets the site's "Slow down" page, and nothing
is written or sent."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring import meetings
from mentoring.models import AvailabilitySlot, MeetingStatus, Mentorship, ScheduledMeeting
from notifications.models import Kind, Notification
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def _pair() -> Mentorship:
    mentor = PhysicianFactory.create(display_name="Dr. Amara Okafor")
    make_mentor(mentor)
    mentorship = make_mentorship(mentor, UserFactory.create(display_name="Maya Chen"))
    for user in (mentorship.mentor, mentorship.mentee):
        for weekday in range(7):
            AvailabilitySlot.objects.create(
                user=user, weekday=weekday, start_time=time(0), end_time=time(23, 59)
            )
    return mentorship


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _proposal(mentorship: Mentorship, index: int) -> dict[str, str]:
    starts_at = meetings.free_starts(mentorship=mentorship, length_minutes=30)[index]
    return {"length": "30", "starts_at": starts_at.strftime("%Y-%m-%dT%H:%MZ"), "mode": "messages"}


def _propose_url(mentorship: Mentorship) -> str:
    return reverse("mentoring:propose_meeting", kwargs={"pk": mentorship.pk})


def test_the_limits_default_to_a_day_and_are_read_from_the_environment() -> None:
    assert django_settings.RATE_LIMITS["meeting_proposal"] == "30/d"
    assert django_settings.RATE_LIMITS["program_application"] == "20/d"
    script = (
        "from django.conf import settings; "
        "print(settings.RATE_LIMITS['meeting_proposal'], "
        "settings.RATE_LIMITS['program_application'])"
    )
    env = {
        **os.environ,
        "RATE_LIMIT_MEETING_PROPOSAL": "3/h",
        "RATE_LIMIT_PROGRAM_APPLICATION": "4/h",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3/h", "4/h"]


def test_past_the_limit_a_proposal_is_refused_with_the_friendly_page(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "meeting_proposal": "2/d"}
    mentorship = _pair()
    mentee = _login(mentorship.mentee)
    url = _propose_url(mentorship)
    assert mentee.post(url, _proposal(mentorship, 10)).status_code == 302
    assert mentee.post(url, _proposal(mentorship, 20)).status_code == 302
    told = Notification.objects.filter(kind=Kind.MEETING).count()
    refused = mentee.post(url, _proposal(mentorship, 30))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Slow down" in html and "You have done that too many times" in html
    assert 0 < int(refused["Retry-After"]) <= 86400
    # Nothing written, nobody told.
    assert ScheduledMeeting.objects.count() == 2
    assert Notification.objects.filter(kind=Kind.MEETING).count() == told
    # Reading the page is not counted; the other member has their own allowance.
    assert mentee.get(url).status_code == 200
    assert _login(mentorship.mentor).post(url, _proposal(mentorship, 40)).status_code == 302
    assert ScheduledMeeting.objects.count() == 3


def test_bad_proposals_count_too(settings: Any) -> None:
    """Every POST counts, as with the site's other limits: a script cannot probe freely."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "meeting_proposal": "1/d"}
    mentorship = _pair()
    mentee = _login(mentorship.mentee)
    url = _propose_url(mentorship)
    assert mentee.post(url, {"length": "90", "mode": "telepathy"}).status_code == 400
    assert mentee.post(url, _proposal(mentorship, 10)).status_code == 429
    assert not ScheduledMeeting.objects.exists()


def test_moving_a_meeting_counts_as_proposing_a_time(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "meeting_proposal": "1/d"}
    mentorship = _pair()
    mentor = _login(mentorship.mentor)
    assert mentor.post(_propose_url(mentorship), _proposal(mentorship, 10)).status_code == 302
    meeting = ScheduledMeeting.objects.get()
    move = reverse(
        "mentoring:reschedule_meeting", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    assert mentor.get(move).status_code == 200  # the page still opens
    refused = mentor.post(move, _proposal(mentorship, 30))
    assert refused.status_code == 429 and "Slow down" in refused.content.decode()
    unchanged = ScheduledMeeting.objects.get()
    assert (unchanged.starts_at, unchanged.sequence) == (meeting.starts_at, 0)
    assert unchanged.status == MeetingStatus.PROPOSED


def test_answering_a_proposal_is_not_limited(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "meeting_proposal": "1/d"}
    mentorship = _pair()
    mentor = _login(mentorship.mentor)
    meeting = meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        starts_at=meetings.free_starts(mentorship=mentorship, length_minutes=30)[10],
        details=meetings.MeetingDetails(30, "messages"),
    )
    assert mentor.post(_propose_url(mentorship), _proposal(mentorship, 20)).status_code == 302
    accept = reverse(
        "mentoring:accept_meeting", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    assert mentor.post(accept).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ACCEPTED
