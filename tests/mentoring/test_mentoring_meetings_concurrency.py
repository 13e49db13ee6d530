"""Scheduled meetings stay exact when answers and reminder runs race, on a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring import meetings
from mentoring.models import ScheduledMeeting
from mentoring.workflow import Refused
from notifications.models import Kind, Notification
from tests.mentoring.test_mentoring_meetings_views import _pair
from tests.posts.test_posts_reaction_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VIDEO = meetings.MeetingDetails(30, "video", video_url="https://meet.example/x")


def _proposal() -> ScheduledMeeting:
    mentorship = _pair()
    starts_at = meetings.free_starts(mentorship=mentorship, length_minutes=30)[30]
    return meetings.propose_meeting(
        mentorship=mentorship, actor=mentorship.mentee, starts_at=starts_at, details=VIDEO
    )


def test_overlapping_reminder_runs_remind_each_member_once() -> None:
    meeting = _proposal()
    meetings.do_accept_meeting(meeting=meeting, actor=meeting.mentorship.mentor)
    due = meeting.starts_at - timedelta(minutes=50)
    counts: list[int] = []

    def work(index: int) -> None:
        counts.append(meetings.send_meeting_reminders(now=due))

    assert _race(work, threads=4) == []
    # The day's reminder is only marked inside the last hour; the hour's goes out once.
    assert sum(counts) == 1
    reminders = Notification.objects.filter(kind=Kind.MEETING, title__startswith="Reminder")
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        [meeting.mentorship.mentor_id, meeting.mentorship.mentee_id]
    )


def test_an_accept_racing_a_cancel_leaves_one_outcome() -> None:
    meeting = _proposal()
    mentorship = meeting.mentorship
    refusals: list[str] = []

    def work(index: int) -> None:
        mine = ScheduledMeeting.objects.select_related(
            "mentorship__mentor", "mentorship__mentee"
        ).get(pk=meeting.pk)
        try:
            if index % 2:
                meetings.do_accept_meeting(meeting=mine, actor=mentorship.mentor)
            else:
                meetings.do_cancel_meeting(meeting=mine, actor=mentorship.mentee)
        except Refused as refusal:
            refusals.append(refusal.message)

    assert _race(work, threads=4) == []
    meeting.refresh_from_db()
    assert meeting.status in ("accepted", "cancelled")
    # Whatever came first, every later attempt was refused: at most one accept and one
    # cancel (accepted, then cancelled) can succeed.
    assert len(refusals) >= 2
    accepted = Notification.objects.filter(title__contains="confirmed").count()
    assert accepted in (0, 2)


def test_a_double_accept_from_two_tabs_confirms_once() -> None:
    meeting = _proposal()
    mentorship = meeting.mentorship
    refusals: list[str] = []

    def work(index: int) -> None:
        mine = ScheduledMeeting.objects.select_related(
            "mentorship__mentor", "mentorship__mentee"
        ).get(pk=meeting.pk)
        try:
            meetings.do_accept_meeting(meeting=mine, actor=mentorship.mentor, now=timezone.now())
        except Refused as refusal:
            refusals.append(refusal.message)

    assert _race(work, threads=4) == []
    assert len(refusals) == 3
    assert all("already been accepted" in message for message in refusals)
    assert Notification.objects.filter(title__contains="confirmed").count() == 2
