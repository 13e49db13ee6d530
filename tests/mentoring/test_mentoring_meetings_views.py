"""Scheduled meeting pages: the availability page, proposing and answering end to end, the
calendar download's permission matrix, and the mentorship page's query count."""

from __future__ import annotations

from datetime import UTC, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from mentoring import meetings
from mentoring.models import AvailabilitySlot, MeetingStatus, Mentorship, Message, ScheduledMeeting
from moderation.models import Report
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.factories import ModeratorFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def _pair() -> Mentorship:
    mentor = PhysicianFactory.create(time_zone="America/New_York", display_name="Dr. Amara Okafor")
    make_mentor(mentor)
    mentee = UserFactory.create(time_zone="Europe/Paris", display_name="Maya Chen")
    mentorship = make_mentorship(mentor, mentee)
    for user in (mentor, mentee):
        for weekday in range(7):
            AvailabilitySlot.objects.create(
                user=user, weekday=weekday, start_time=time(0), end_time=time(23, 59)
            )
    return mentorship


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _first_free(mentorship: Mentorship) -> str:
    [choice, *_] = meetings.time_choices(
        mentorship=mentorship, viewer=mentorship.mentee, length_minutes=30
    )
    return choice.value


def _propose_url(mentorship: Mentorship) -> str:
    return reverse("mentoring:propose_meeting", kwargs={"pk": mentorship.pk})


def _confirmed(mentorship: Mentorship, *, days: int = 2) -> ScheduledMeeting:
    starts_at = meetings.free_starts(mentorship=mentorship, length_minutes=30)[days * 10]
    meeting = meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        starts_at=starts_at,
        details=meetings.MeetingDetails(30, "video", video_url="https://meet.example/x"),
    )
    return meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor)


# --- Availability ------------------------------------------------------------------------


def test_the_availability_page_adds_and_removes_slots_and_sets_the_zone(member: User) -> None:
    client = _login(member)
    url = reverse("mentoring:availability")
    page = client.get(url)
    assert page.status_code == 200
    assert b"<main" in page.content and b'<label for="id_weekday">' in page.content
    response = client.post(
        reverse("mentoring:add_availability"), {"weekday": "2", "start": "18:00", "end": "20:00"}
    )
    assert response.status_code == 302
    [slot] = AvailabilitySlot.objects.filter(user=member)
    assert (slot.weekday, slot.start_time, slot.end_time) == (2, time(18), time(20))
    assert "Wednesday 18:00" in client.get(url).content.decode()
    bad = client.post(
        reverse("mentoring:add_availability"), {"weekday": "2", "start": "19:00", "end": "21:00"}
    )
    assert bad.status_code == 400
    assert "overlaps your slot Wednesday 18:00-20:00" in bad.content.decode()
    garbage = client.post(
        reverse("mentoring:add_availability"), {"weekday": "9", "start": "late", "end": ""}
    )
    assert garbage.status_code == 400
    zone = client.post(reverse("mentoring:availability_zone"), {"time_zone": "Asia/Tokyo"})
    assert zone.status_code == 302
    member.refresh_from_db()
    assert member.time_zone == "Asia/Tokyo"
    assert (
        client.post(reverse("mentoring:availability_zone"), {"time_zone": "<script>"}).status_code
        == 400
    )
    # Someone else's slot is not found; one's own is removed.
    other_slot = AvailabilitySlot.objects.create(
        user=UserFactory.create(), weekday=1, start_time=time(9), end_time=time(10)
    )
    remove = "mentoring:remove_availability"
    assert client.post(reverse(remove, kwargs={"slot_pk": other_slot.pk})).status_code == 404
    assert client.post(reverse(remove, kwargs={"slot_pk": slot.pk})).status_code == 302
    assert not AvailabilitySlot.objects.filter(user=member).exists()


def test_visitors_sign_in_and_suspended_members_cannot_edit(suspended: User) -> None:
    assert Client().get(reverse("mentoring:availability")).status_code == 302
    response = _login(suspended).post(
        reverse("mentoring:add_availability"), {"weekday": "2", "start": "18:00", "end": "20:00"}
    )
    assert response.status_code == 403
    assert not AvailabilitySlot.objects.exists()


def test_the_mentoring_home_and_the_space_link_to_the_availability(member: User) -> None:
    mentorship = _pair()
    url = reverse("mentoring:availability")
    assert url in _login(member).get(reverse("mentoring:home")).content.decode()
    assert url in _login(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()


# --- Proposing and answering --------------------------------------------------------------


def test_a_member_proposes_from_the_free_times_and_the_other_accepts() -> None:
    mentorship = _pair()
    mentee = _login(mentorship.mentee)
    page = mentee.get(_propose_url(mentorship) + "?length=45")
    assert page.status_code == 200
    html = page.content.decode()
    assert "your time" in html and "for Dr. Amara Okafor" in html and "<optgroup" in html
    value = _first_free(mentorship)
    response = mentee.post(
        _propose_url(mentorship),
        {
            "length": "45",
            "starts_at": value,
            "mode": "video",
            "video_url": "https://meet.example/x",
        },
    )
    assert response.status_code == 302
    meeting = ScheduledMeeting.objects.get()
    assert meeting.duration_minutes == 45
    # A double submit is refused with a message.
    again = mentee.post(
        _propose_url(mentorship),
        {
            "length": "45",
            "starts_at": value,
            "mode": "video",
            "video_url": "https://meet.example/x",
        },
    )
    assert again.status_code == 400
    assert "already proposed this time" in again.content.decode()
    mentor = _login(mentorship.mentor)
    space = mentor.get(mentorship.get_absolute_url()).content.decode()
    accept = reverse(
        "mentoring:accept_meeting", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    assert accept in space
    assert mentor.get(accept).status_code == 405
    assert mentor.post(accept).status_code == 302
    assert ScheduledMeeting.objects.get().status == MeetingStatus.ACCEPTED
    second = mentor.post(accept, follow=True)
    assert "already been accepted" in second.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mode": "video", "video_url": "http://meet.example/x"}, "https://"),
        ({"mode": "video", "video_url": "javascript:alert(1)"}, "https://"),
        ({"mode": "in_person", "place": "Call me on 555-123-4567"}, "contact details"),
        ({"mode": "video", "video_url": "https://x", "starts_at": "2001-01-01T10:00Z"}, "Select"),
        ({"mode": "video", "video_url": "https://x", "length": "90"}, "Choose a length"),
    ],
)
def test_bad_proposals_get_a_clear_message(data: dict[str, str], message: str) -> None:
    mentorship = _pair()
    posted = {"length": "30", "starts_at": _first_free(mentorship), **data}
    response = _login(mentorship.mentee).post(_propose_url(mentorship), posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScheduledMeeting.objects.exists()


def test_an_ended_mentorship_offers_no_proposals() -> None:
    mentorship = _pair()
    Mentorship.objects.filter(pk=mentorship.pk).update(status="completed")
    client = _login(mentorship.mentee)
    assert client.get(_propose_url(mentorship)).status_code == 403
    assert "Propose a meeting" not in client.get(mentorship.get_absolute_url()).content.decode()


def test_outsiders_and_moderators_cannot_reach_the_meeting_actions() -> None:
    mentorship = _pair()
    meeting = _confirmed(mentorship)
    kwargs = {"pk": mentorship.pk, "meeting_pk": meeting.pk}
    outsider = _login(UserFactory.create())
    assert outsider.get(_propose_url(mentorship)).status_code == 404
    for name in ("mentoring:cancel_meeting", "mentoring:decline_meeting"):
        assert outsider.post(reverse(name, kwargs=kwargs)).status_code == 404
    assert outsider.get(reverse("mentoring:reschedule_meeting", kwargs=kwargs)).status_code == 404
    assert ScheduledMeeting.objects.get().status == MeetingStatus.ACCEPTED


def test_a_member_moves_a_meeting_and_the_other_cancels_it() -> None:
    mentorship = _pair()
    meeting = _confirmed(mentorship)
    kwargs = {"pk": mentorship.pk, "meeting_pk": meeting.pk}
    mentor = _login(mentorship.mentor)
    page = mentor.get(reverse("mentoring:reschedule_meeting", kwargs=kwargs))
    assert page.status_code == 200 and "Move your meeting" in page.content.decode()
    new_time = meetings.free_starts(mentorship=mentorship, length_minutes=30, exclude=meeting)[-1]
    response = mentor.post(
        reverse("mentoring:reschedule_meeting", kwargs=kwargs),
        {
            "length": "30",
            "starts_at": new_time.strftime("%Y-%m-%dT%H:%MZ"),
            "mode": "in_person",
            "place": "Hospital library",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, meeting.place) == ("proposed", 1, "Hospital library")
    assert meeting.starts_at == new_time.astimezone(UTC)
    assert _login(mentorship.mentee).post(reverse("mentoring:cancel_meeting", kwargs=kwargs))
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


# --- The calendar download: who may have it ---------------------------------------------


def _moderator() -> User:
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    give_totp(moderator)
    return User.objects.get(pk=moderator.pk)


def test_the_calendar_file_is_for_the_two_members_only() -> None:
    mentorship = _pair()
    meeting = _confirmed(mentorship)
    url = reverse(
        "mentoring:meeting_invite", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    assert url == f"/mentoring/mentorships/{mentorship.pk}/meetings/{meeting.pk}/invite.ics"
    for member in (mentorship.mentor, mentorship.mentee):
        response = _login(member).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert 'filename="invite.ics"' in response["Content-Disposition"]
        calendar = Calendar.from_ical(response.content)
        assert str(calendar["METHOD"]) == "REQUEST"
    assert Client().get(url).status_code == 302  # a visitor is asked to sign in
    assert _login(UserFactory.create()).get(url).status_code == 404  # a member outside
    other_pair = _pair()
    assert _login(other_pair.mentor).get(url).status_code == 404
    # Another pair's member cannot reach it through their own mentorship's address either.
    crossed = reverse(
        "mentoring:meeting_invite", kwargs={"pk": other_pair.pk, "meeting_pk": meeting.pk}
    )
    assert _login(other_pair.mentee).get(crossed).status_code == 404
    # A moderator, even one let into the space by an open report, is not given it.
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentee, body="Hello")
    Report.objects.create(
        reporter=mentorship.mentor,
        target_type=ContentType.objects.get_for_model(Message),
        target_id=message.pk,
        reason="harassment",
        status="open",
    )
    moderator_client = Client()
    sign_in_with_two_factor(moderator_client, _moderator())
    space = moderator_client.get(mentorship.get_absolute_url())
    assert space.status_code == 200
    assert url not in space.content.decode()  # nor the scheduled meetings in the space
    assert moderator_client.get(url).status_code == 404


def test_a_proposal_never_confirmed_has_no_download() -> None:
    mentorship = _pair()
    meeting = meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        starts_at=meetings.free_starts(mentorship=mentorship, length_minutes=30)[5],
        details=meetings.MeetingDetails(30, "messages"),
    )
    url = reverse(
        "mentoring:meeting_invite", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    assert _login(mentorship.mentor).get(url).status_code == 404


# --- The mentorship page ------------------------------------------------------------------


def _past(mentorship: Mentorship, days_ago: int) -> ScheduledMeeting:
    starts_at = timezone.now() - timedelta(days=days_ago)
    return ScheduledMeeting.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        status=MeetingStatus.ACCEPTED,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
        mode="in_person",
        place="Library",
        first_accepted_at=starts_at - timedelta(days=2),
    )


def test_the_space_shows_each_kind_of_meeting_in_both_zones_and_offers_the_log() -> None:
    mentorship = _pair()
    confirmed = _confirmed(mentorship)
    past = _past(mentorship, 3)
    html = _login(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    assert "(Europe/Paris)" in html and "(America/New_York)" in html
    assert meetings.zoned_text(confirmed.starts_at, "Europe/Paris") in html
    assert meetings.zoned_text(confirmed.starts_at, "America/New_York") in html
    assert "Log how it went" in html
    day = timezone.localtime(past.starts_at, timezone.get_default_timezone()).date()
    assert f'value="{past.pk}"' in html and "in_person" in html
    response = _login(mentorship.mentee).post(
        reverse("mentoring:log_meeting", kwargs={"pk": mentorship.pk}),
        {"occurred_on": day.isoformat(), "mode": "in_person", "scheduled": str(past.pk)},
    )
    assert response.status_code == 302
    assert past.log_entries.count() == 1
    assert (
        "In your log."
        in _login(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    )


def test_the_mentorship_page_queries_do_not_grow_with_meetings(
    django_assert_max_num_queries: Any,
) -> None:
    mentorship = _pair()
    client = _login(mentorship.mentee)
    client.get(mentorship.get_absolute_url())  # warm the session and the caches
    with django_assert_max_num_queries(40) as few:
        assert client.get(mentorship.get_absolute_url()).status_code == 200
    for days in range(1, 6):
        _confirmed(mentorship, days=days)
    for days_ago in range(1, 6):
        _past(mentorship, days_ago)
    meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentor,
        starts_at=meetings.free_starts(mentorship=mentorship, length_minutes=30)[-1],
        details=meetings.MeetingDetails(30, "messages"),
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="meeting"') >= 11
