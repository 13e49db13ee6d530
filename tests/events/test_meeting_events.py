"""A change of a scheduled meeting through `/events/mentorship-<id>/`, on both backends: the
pair's open pages hear of it (and then fetch their own board); a moderator let into the
space by a report is not told."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from accounts.moderators import Actor
from community import events
from mentoring import meetings
from mentoring.models import AvailabilitySlot, Mentorship, Message
from moderation.models import Report
from tests.accounts.conftest import give_totp
from tests.events.conftest import open_stream
from tests.factories import ModeratorFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def _pair() -> Mentorship:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    for user in (mentorship.mentor, mentorship.mentee):
        for weekday in range(7):
            AvailabilitySlot.objects.create(
                user=user, weekday=weekday, start_time=time(0), end_time=time(23, 59)
            )
    return mentorship


def _moderator_let_in_by_a_report(mentorship: Mentorship) -> User:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentee, body="Hi")
    Report.objects.create(
        reporter=mentorship.mentor,
        target_type=ContentType.objects.get_for_model(Message),
        target_id=message.pk,
        reason="harassment",
        status="open",
    )
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    give_totp(moderator)
    return User.objects.get(pk=moderator.pk)


def _passed_two_factor(request: Any) -> Actor:
    return Actor(user=request.user, passed_two_factor=True)


def test_a_proposal_reaches_the_pair_and_not_a_moderator(
    backend: str, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentorship = _pair()
    moderator = _moderator_let_in_by_a_report(mentorship)
    # The stream reads who may open it as the page does; a moderator's page needs the
    # second factor, which a stream test grants directly.
    monkeypatch.setattr("community.live.actor_of", _passed_two_factor)
    path = f"/events/mentorship-{mentorship.pk}/"
    proposed: list[int] = []

    def propose() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            meeting = meetings.propose_meeting(
                mentorship=mentorship,
                actor=mentorship.mentee,
                starts_at=meetings.free_starts(mentorship=mentorship, length_minutes=30)[4],
                details=meetings.MeetingDetails(30, "messages"),
            )
        proposed.append(meeting.pk)

    async def scenario() -> tuple[Any, Any, Any]:
        other = await open_stream(path, user=mentorship.mentor)
        own = await open_stream(path, user=mentorship.mentee)
        # From the stream's start, so that its first message is the meeting's event.
        watching = await open_stream(path, user=moderator, headers={"Last-Event-ID": "0-0"})
        try:
            await sync_to_async(propose)()
            return await other.next_event(), await own.next_event(), await watching.next()
        finally:
            for stream in (other, own, watching):
                await stream.close()
            await events.close_connections()

    received, own, moderators = async_to_sync(scenario)()
    assert received.event == "meetings"
    assert json.loads(received.data or "") == {"meeting_id": proposed[0], "status": "proposed"}
    # The proposer's other tabs follow too.
    assert own.event == "meetings"
    # The moderator's stream moves on (an id) and learns nothing of the meeting.
    assert moderators is not None and moderators.data is None and moderators.id == received.id
