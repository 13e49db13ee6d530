"""Scheduled meetings: free times across zones, the transition table, calendar files, the
email attachment, reminders and the log."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email.mime.base import MIMEBase
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from mentoring import meetings, services, workflow
from mentoring.invitations import CANCEL, REQUEST, invitation, method_for
from mentoring.models import (
    AvailabilitySlot,
    Meeting,
    MeetingStatus,
    Mentorship,
    ScheduledMeeting,
)
from mentoring.selectors import last_met_on
from mentoring.workflow import Refused, TransitionRefused
from notifications.models import Kind, Notification
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

# A Monday, a week before summer time starts in the United States (10 March 2030) and
# four weeks before it starts in Europe (31 March 2030).
NOW = datetime(2030, 3, 4, 0, 0, tzinfo=UTC)
VIDEO = meetings.MeetingDetails(length_minutes=30, mode="video", video_url="https://meet.example/a")


def _member(zone: str, factory: Any = UserFactory, **fields: Any) -> User:
    return factory.create(time_zone=zone, **fields)


def _free(user: User, weekday: int, start: str, end: str) -> None:
    AvailabilitySlot.objects.create(
        user=user,
        weekday=weekday,
        start_time=time.fromisoformat(start),
        end_time=time.fromisoformat(end),
    )


def _pair(mentor_zone: str = "UTC", mentee_zone: str = "UTC") -> Mentorship:
    mentor = _member(mentor_zone, PhysicianFactory, display_name="Dr. Amara Okafor")
    make_mentor(mentor)
    mentee = _member(mentee_zone, display_name="Maya Chen")
    return make_mentorship(mentor, mentee)


def _always_free(mentorship: Mentorship) -> None:
    for user in (mentorship.mentor, mentorship.mentee):
        for weekday in range(7):
            _free(user, weekday, "08:00", "20:00")


def _at(days: int, hour: int) -> datetime:
    return NOW + timedelta(days=days, hours=hour)


def _proposed(mentorship: Mentorship, *, by: User | None = None, days: int = 2) -> ScheduledMeeting:
    return meetings.propose_meeting(
        mentorship=mentorship,
        actor=by or mentorship.mentee,
        starts_at=_at(days, 10),
        details=VIDEO,
        now=NOW,
    )


def _accepted(mentorship: Mentorship, days: int = 2) -> ScheduledMeeting:
    meeting = _proposed(mentorship, days=days)
    return meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)


# --- Free times --------------------------------------------------------------------------


def test_free_times_are_where_both_weekly_availabilities_meet_through_the_real_zones() -> None:
    mentorship = _pair("America/New_York", "Europe/London")
    # 09:00-10:00 in New York and 14:00-15:00 in London: the same hour while New York is on
    # standard time (UTC-5) and London on GMT.
    _free(mentorship.mentor, 0, "09:00", "10:00")
    _free(mentorship.mentee, 0, "14:00", "15:00")
    starts = meetings.free_starts(mentorship=mentorship, length_minutes=30, now=NOW)
    assert starts == [_at(0, 14), _at(0, 14) + timedelta(minutes=30)]
    choices = meetings.time_choices(
        mentorship=mentorship, viewer=mentorship.mentor, length_minutes=60, now=NOW
    )
    assert [(c.mine, c.theirs, c.value) for c in choices] == [
        ("Mon 4 Mar, 09:00", "Mon 4 Mar, 14:00", "2030-03-04T14:00Z")
    ]


def test_summer_time_on_one_side_moves_the_shared_hour_away_and_back() -> None:
    mentorship = _pair("America/New_York", "Europe/London")
    _free(mentorship.mentor, 0, "09:00", "10:00")
    _free(mentorship.mentee, 0, "14:00", "15:00")
    # From 10 March New York is on UTC-4: its 09:00 is 13:00 UTC while London's 14:00 is
    # still 14:00 UTC, so the Mondays of 11, 18 and 25 March share nothing. From 31 March
    # London is on UTC+1 and 14:00 there is 13:00 UTC again.
    later = datetime(2030, 3, 15, tzinfo=UTC)
    starts = meetings.free_starts(mentorship=mentorship, length_minutes=60, now=later)
    assert starts == [datetime(2030, 4, 1, 13, 0, tzinfo=UTC)]
    [choice] = meetings.time_choices(
        mentorship=mentorship, viewer=mentorship.mentee, length_minutes=60, now=later
    )
    assert (choice.mine, choice.theirs) == ("Mon 1 Apr, 14:00", "Mon 1 Apr, 09:00")


def test_a_slot_over_midnight_utc_lands_on_the_next_utc_day() -> None:
    mentorship = _pair("America/Los_Angeles", "Asia/Tokyo")
    _free(mentorship.mentor, 0, "18:00", "19:00")  # Monday 18:00 PST = Tuesday 02:00 UTC
    _free(mentorship.mentee, 1, "11:00", "12:00")  # Tuesday 11:00 JST = Tuesday 02:00 UTC
    starts = meetings.free_starts(mentorship=mentorship, length_minutes=60, now=NOW)
    assert starts[0] == datetime(2030, 3, 5, 2, 0, tzinfo=UTC)


def test_confirmed_meetings_of_either_member_anywhere_are_not_free() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    before = meetings.free_starts(mentorship=mentorship, length_minutes=60, now=NOW)
    assert _at(2, 10) in before
    # The mentor's confirmed meeting with another mentee takes 10:00-10:30 on day 2.
    other = make_mentorship(mentorship.mentor, _member("UTC"))
    for weekday in range(7):
        _free(other.mentee, weekday, "08:00", "20:00")
    _accepted(other)
    after = meetings.free_starts(mentorship=mentorship, length_minutes=60, now=NOW)
    # Wide availability is offered on the hour: 09:00-10:00 still fits, 10:00 does not.
    assert _at(2, 10) not in after
    assert _at(2, 9) in after and _at(2, 11) in after
    # On a narrower day the half-hour grid shows the edges exactly.
    AvailabilitySlot.objects.filter(weekday__in=[0, 1, 3, 4, 5, 6]).delete()
    narrow = meetings.free_starts(mentorship=mentorship, length_minutes=60, now=NOW)
    assert _at(2, 9) + timedelta(minutes=30) not in narrow  # it would run into it
    assert _at(2, 9) in narrow and _at(2, 10) + timedelta(minutes=30) in narrow


def test_wide_availability_still_offers_the_whole_horizon() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    starts = meetings.free_starts(mentorship=mentorship, length_minutes=30, now=NOW)
    assert len(starts) <= meetings.MAX_CHOICES
    assert max(starts) >= NOW + timedelta(days=20)


def test_nothing_is_free_without_both_availabilities_and_never_in_the_past() -> None:
    mentorship = _pair()
    _free(mentorship.mentor, 0, "08:00", "20:00")
    assert meetings.free_starts(mentorship=mentorship, length_minutes=30, now=NOW) == []
    _free(mentorship.mentee, 0, "08:00", "20:00")
    starts = meetings.free_starts(mentorship=mentorship, length_minutes=30, now=_at(0, 12))
    assert min(starts) >= _at(0, 13)  # an hour's notice at least
    assert max(starts) < _at(21, 12)


def test_a_member_without_an_account_zone_uses_their_mentoring_profile_zone() -> None:
    mentorship = _pair()
    User.objects.filter(pk=mentorship.mentor_id).update(time_zone="")
    mentor = User.objects.get(pk=mentorship.mentor_id)
    assert meetings.member_zone_name(mentor) == "America/New_York"  # the mentor profile's
    stranger = UserFactory.create(time_zone="")
    assert meetings.member_zone_name(stranger) == "UTC"


# --- Availability ------------------------------------------------------------------------


def test_slots_may_not_overlap_or_end_before_they_start(member: User) -> None:
    meetings.add_availability_slot(user=member, weekday=1, start=time(9), end=time(11))
    with pytest.raises(Refused, match="overlaps your slot Tuesday 09:00-11:00"):
        meetings.add_availability_slot(user=member, weekday=1, start=time(10), end=time(12))
    with pytest.raises(Refused, match="end comes after the start"):
        meetings.add_availability_slot(user=member, weekday=2, start=time(10), end=time(9))
    with pytest.raises(Refused, match="day of the week"):
        meetings.add_availability_slot(user=member, weekday=9, start=time(9), end=time(10))
    meetings.add_availability_slot(user=member, weekday=1, start=time(11), end=time(12))
    assert AvailabilitySlot.objects.filter(user=member).count() == 2


def test_a_suspended_member_cannot_change_availability(suspended: User) -> None:
    with pytest.raises(Refused, match="suspended"):
        meetings.add_availability_slot(user=suspended, weekday=1, start=time(9), end=time(10))


def test_the_zone_is_set_on_the_account_and_the_mentoring_profiles() -> None:
    mentorship = _pair()
    meetings.set_availability_zone(user=mentorship.mentor, time_zone="Asia/Kolkata")
    mentor = User.objects.get(pk=mentorship.mentor_id)
    assert mentor.time_zone == "Asia/Kolkata"
    assert mentor.mentor_profile.time_zone == "Asia/Kolkata"
    with pytest.raises(Refused, match="Choose a time zone"):
        meetings.set_availability_zone(user=mentor, time_zone="Mars/Olympus")


# --- Proposals and the transition table --------------------------------------------------


def test_the_table_holds_every_move_and_only_those() -> None:
    assert meetings.MEETING_TRANSITIONS == {
        ("proposed", "accept"): ("accepted", "answerer"),
        ("proposed", "decline"): ("declined", "answerer"),
        ("proposed", "reschedule"): ("proposed", "either"),
        ("accepted", "reschedule"): ("proposed", "either"),
        ("proposed", "cancel"): ("cancelled", "either"),
        ("accepted", "cancel"): ("cancelled", "either"),
    }


def test_a_proposal_tells_the_other_member_in_their_zone() -> None:
    mentorship = _pair("America/New_York", "UTC")
    _always_free(mentorship)
    meeting = meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        starts_at=_at(2, 15),
        details=VIDEO,
        now=NOW,
    )
    assert meeting.status == MeetingStatus.PROPOSED
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=30)
    note = Notification.objects.get(recipient=mentorship.mentor, kind=Kind.MEETING)
    # 15:00 UTC is 10:00 in New York in early March.
    assert note.title == (
        "Maya Chen proposed a 30-minute meeting on Wed 6 Mar, 10:00 (America/New York)"
    )
    assert note.url.endswith(f"#scheduled-{meeting.pk}")


def test_a_proposal_must_be_at_a_free_time_and_not_sent_twice() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    with pytest.raises(Refused, match="no longer free"):
        meetings.propose_meeting(
            mentorship=mentorship,
            actor=mentorship.mentee,
            starts_at=_at(2, 22),
            details=VIDEO,
            now=NOW,
        )
    _proposed(mentorship)
    with pytest.raises(Refused, match="already proposed this time"):
        _proposed(mentorship)
    assert ScheduledMeeting.objects.count() == 1


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"length_minutes": 50, "mode": "video", "video_url": "https://x.example"}, "30, 45"),
        ({"length_minutes": 30, "mode": "phone"}, "how you will meet"),
        ({"length_minutes": 30, "mode": "video"}, "link to the video call"),
        ({"length_minutes": 30, "mode": "video", "video_url": "http://x.example"}, "https://"),
        (
            {"length_minutes": 30, "mode": "video", "video_url": "javascript:alert(1)"},
            "https://",
        ),
        ({"length_minutes": 30, "mode": "in_person"}, "where you will meet"),
        ({"length_minutes": 30, "mode": "in_person", "place": "x" * 201}, "under 200"),
        (
            {"length_minutes": 30, "mode": "in_person", "place": "Lobby, call 555-123-4567"},
            "contact details",
        ),
    ],
)
def test_bad_details_are_refused_with_a_reason(details: dict[str, Any], message: str) -> None:
    with pytest.raises(Refused, match=message):
        meetings.check_details(**details)


def test_a_place_is_kept_as_plain_text_on_one_line() -> None:
    details = meetings.check_details(
        length_minutes=45, mode="in_person", place="  <b>Library</b>\n  room 4 "
    )
    assert details.place == "<b>Library</b> room 4"
    assert details.video_url == ""


def test_only_the_other_member_answers_and_outsiders_change_nothing() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _proposed(mentorship)
    with pytest.raises(TransitionRefused, match="You proposed this time"):
        meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentee, now=NOW)
    outsider = UserFactory.create()
    for action in (meetings.do_accept_meeting, meetings.do_cancel_meeting):
        with pytest.raises(TransitionRefused, match="Only the mentor and the mentee"):
            action(meeting=meeting, actor=outsider, now=NOW)
    other_pair = make_mentorship(PhysicianFactory.create(), UserFactory.create())
    with pytest.raises(TransitionRefused, match="Only the mentor and the mentee"):
        meetings.do_decline_meeting(meeting=meeting, actor=other_pair.mentor, now=NOW)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED


def test_a_suspended_member_can_neither_propose_nor_answer(suspended: User) -> None:
    mentorship = make_mentorship(
        make_mentor(PhysicianFactory.create(time_zone="UTC")).user, suspended
    )
    _always_free(mentorship)
    with pytest.raises(TransitionRefused, match="suspended"):
        _proposed(mentorship, by=suspended)
    meeting = _proposed(mentorship, by=mentorship.mentor)
    with pytest.raises(TransitionRefused, match="suspended"):
        meetings.do_accept_meeting(meeting=meeting, actor=suspended, now=NOW)


def test_an_ended_mentorship_refuses_proposals_and_cancels_what_was_ahead() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    confirmed = _accepted(mentorship)
    waiting = _proposed(mentorship, days=3)
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentee, reason="Busy")
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == ("cancelled", "cancelled")
    assert confirmed.sequence == 1
    with pytest.raises(TransitionRefused, match="has ended"):
        _proposed(mentorship, days=4)


def test_a_double_accept_and_an_accept_after_cancel_are_refused() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    with pytest.raises(TransitionRefused, match="already been accepted"):
        meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)
    other = _proposed(mentorship, days=3)
    meetings.do_cancel_meeting(meeting=other, actor=mentorship.mentee, now=NOW)
    with pytest.raises(TransitionRefused, match="can no longer be accepted: it has been cancelled"):
        meetings.do_accept_meeting(meeting=other, actor=mentorship.mentor, now=NOW)


def test_a_stale_copy_cannot_accept_what_was_cancelled_meanwhile() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _proposed(mentorship)
    stale = ScheduledMeeting.objects.get(pk=meeting.pk)
    meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentee, now=NOW)
    with pytest.raises(TransitionRefused, match="cancelled"):
        meetings.do_accept_meeting(meeting=stale, actor=mentorship.mentor, now=NOW)
    assert ScheduledMeeting.objects.get(pk=meeting.pk).status == "cancelled"


def test_accepting_a_time_that_passed_or_clashes_is_refused() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _proposed(mentorship)
    with pytest.raises(TransitionRefused, match="time has passed"):
        meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=_at(3, 0))
    # Another proposal at the same time gets confirmed first.
    same = meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentor,
        starts_at=_at(2, 10),
        details=VIDEO,
        now=NOW,
    )
    meetings.do_accept_meeting(meeting=same, actor=mentorship.mentee, now=NOW)
    with pytest.raises(TransitionRefused, match="already has a confirmed meeting"):
        meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)


def test_reschedule_goes_back_to_proposed_with_a_higher_sequence_and_rearms_reminders() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    ScheduledMeeting.objects.filter(pk=meeting.pk).update(reminded_day_at=NOW)
    meeting.refresh_from_db()
    meetings.do_reschedule_meeting(
        meeting=meeting,
        actor=mentorship.mentor,
        starts_at=_at(4, 15),
        details=meetings.MeetingDetails(45, "in_person", place="Hospital library"),
        now=NOW,
    )
    meeting.refresh_from_db()
    assert meeting.status == "proposed"
    assert meeting.sequence == 1
    assert meeting.proposed_by_id == mentorship.mentor_id
    assert (meeting.starts_at, meeting.duration_minutes) == (_at(4, 15), 45)
    assert meeting.reminded_day_at is None
    # Now the mentee answers.
    meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentee, now=NOW)
    assert meeting.status == "accepted"


# --- Calendar files ----------------------------------------------------------------------


def _parse(data: Any) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_keeps_its_uid_and_each_change_raises_its_sequence(
    settings: Any,
) -> None:
    settings.SITE_URL = "https://rounds.example.org"
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    assert method_for(meeting) == REQUEST
    calendar, first = _parse(invitation(meeting, recipient=mentorship.mentee, method=REQUEST))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert first.decoded("DTSTART") == _at(2, 10)
    assert first.decoded("DTSTART").utcoffset() == timedelta(0)
    assert first.decoded("DTEND") == _at(2, 10) + timedelta(minutes=30)
    assert str(first["SUMMARY"]) == "Mentoring meeting with Dr. Amara Okafor"
    assert f"https://rounds.example.org/mentoring/mentorships/{mentorship.pk}/" in str(
        first["DESCRIPTION"]
    )
    assert str(first["LOCATION"]) == str(first["URL"]) == "https://meet.example/a"
    assert str(first["ORGANIZER"]).startswith("mailto:")
    assert str(first["ATTENDEE"]) == f"mailto:{mentorship.mentee.email}"
    # The other member's address never appears in the file.
    assert (
        mentorship.mentor.email
        not in invitation(meeting, recipient=mentorship.mentee, method=REQUEST).decode()
    )

    meetings.do_reschedule_meeting(
        meeting=meeting, actor=mentorship.mentee, starts_at=_at(5, 9), details=VIDEO, now=NOW
    )
    _, moved = _parse(invitation(meeting, recipient=mentorship.mentee, method=REQUEST))
    assert str(moved["UID"]) == str(first["UID"])
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    assert moved.decoded("DTSTART") == _at(5, 9)

    meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)
    assert method_for(meeting) == CANCEL
    calendar, cancelled = _parse(invitation(meeting, recipient=mentorship.mentee, method=CANCEL))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(first["UID"])
    assert int(cancelled["SEQUENCE"]) > int(moved["SEQUENCE"])


def test_a_proposal_never_confirmed_has_no_calendar_file() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _proposed(mentorship)
    assert method_for(meeting) is None
    meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentee, now=NOW)
    assert method_for(meeting) is None


# --- Email ------------------------------------------------------------------------------


def _calendar_parts(message: Any) -> list[MIMEBase]:
    return [part for part in message.attachments if isinstance(part, MIMEBase)]


def test_accepting_emails_both_members_the_invitation(
    django_capture_on_commit_callbacks: Any,
) -> None:
    mentorship = _pair()
    _always_free(mentorship)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _proposed(mentorship)
    [proposal] = mail.outbox
    assert proposal.to == [mentorship.mentor.email]
    assert _calendar_parts(proposal) == []  # nothing to put in a calendar yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [mentorship.mentor.email, mentorship.mentee.email]
    )
    for message in mail.outbox:
        [part] = _calendar_parts(message)
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST"
        assert part.get_filename() == "invite.ics"
        calendar, event = _parse(part.get_payload(decode=True))
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"
        # Neither member's address reaches the other (some mentees are minors).
        others = {mentorship.mentor.email, mentorship.mentee.email} - {message.to[0]}
        assert not any(other in calendar.to_ical().decode() for other in others)
        assert "text/calendar" in message.message().as_string()
        assert "invite.ics" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentee, now=NOW)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        [part] = _calendar_parts(message)
        assert part.get_param("method") == "CANCEL"
        _, event = _parse(part.get_payload(decode=True))
        assert str(event["STATUS"]) == "CANCELLED"


def test_other_notifications_carry_no_attachment(django_capture_on_commit_callbacks: Any) -> None:
    mentorship = _pair()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(mentorship=mentorship, sender=mentorship.mentee, body="Hello!")
    [message] = mail.outbox
    assert message.attachments == []


# --- Reminders ---------------------------------------------------------------------------


def test_reminders_go_a_day_and_an_hour_ahead_once_each_even_when_runs_repeat() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    assert meetings.send_meeting_reminders(now=meeting.starts_at - timedelta(hours=30)) == 0
    day_before = meeting.starts_at - timedelta(hours=23, minutes=59)
    assert meetings.send_meeting_reminders(now=day_before) == 1
    assert meetings.send_meeting_reminders(now=day_before) == 0  # a second, overlapping run
    hour_before = meeting.starts_at - timedelta(minutes=59)
    assert meetings.send_meeting_reminders(now=hour_before) == 1
    assert meetings.send_meeting_reminders(now=hour_before) == 0
    reminders = Notification.objects.filter(kind=Kind.MEETING, title__startswith="Reminder")
    assert reminders.count() == 4
    assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
        [mentorship.mentor_id, mentorship.mentee_id] * 2
    )
    assert reminders.filter(title__contains="starts in 59 minutes").count() == 2


def test_a_new_time_rearms_the_reminders() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    assert meetings.send_meeting_reminders(now=meeting.starts_at - timedelta(hours=23)) == 1
    meetings.do_reschedule_meeting(
        meeting=meeting, actor=mentorship.mentee, starts_at=_at(6, 9), details=VIDEO, now=NOW
    )
    # Waiting for an answer: no reminder.
    assert meetings.send_meeting_reminders(now=_at(6, 9) - timedelta(hours=23)) == 0
    meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)
    assert meetings.send_meeting_reminders(now=_at(6, 9) - timedelta(hours=23)) == 1


def test_a_late_confirmation_gets_the_hour_reminder_only() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    assert meetings.send_meeting_reminders(now=meeting.starts_at - timedelta(minutes=30)) == 1
    titles = list(Notification.objects.filter(title__startswith="Reminder").values_list("title"))
    assert len(titles) == 2  # one per member, not two each


def test_cancelled_meetings_are_not_reminded_of() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    meeting = _accepted(mentorship)
    meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentor, now=NOW)
    assert meetings.send_meeting_reminders(now=meeting.starts_at - timedelta(minutes=30)) == 0


def test_the_reminder_task_is_scheduled_every_minute(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["mentoring-send-meeting-reminders"]
    assert entry == {"task": "mentoring.tasks.send_meeting_reminders", "schedule": 60.0}
    from mentoring.tasks import send_meeting_reminders

    assert send_meeting_reminders.delay().get() == 0


# --- The log -----------------------------------------------------------------------------


def _confirmed_in_the_past(mentorship: Mentorship) -> ScheduledMeeting:
    now = timezone.now()
    return ScheduledMeeting.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        status=MeetingStatus.ACCEPTED,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + timedelta(minutes=30),
        mode="video",
        video_url="https://meet.example/a",
        first_accepted_at=now - timedelta(days=3),
    )


def test_a_confirmed_meeting_that_happened_is_logged_once_and_counts() -> None:
    mentorship = _pair()
    scheduled = _confirmed_in_the_past(mentorship)
    day = timezone.localdate() - timedelta(days=1)
    assert last_met_on(mentorship_ids=[mentorship.pk]) == {}
    services.log_meeting(
        mentorship=mentorship,
        actor=mentorship.mentor,
        occurred_on=day,
        mode="video",
        scheduled=scheduled,
    )
    with pytest.raises(Refused, match="already in your log"):
        services.log_meeting(
            mentorship=mentorship,
            actor=mentorship.mentee,
            occurred_on=day,
            mode="video",
            scheduled=scheduled,
        )
    assert Meeting.objects.get().scheduled == scheduled
    assert last_met_on(mentorship_ids=[mentorship.pk]) == {mentorship.pk: day}


def test_a_meeting_ahead_or_of_another_pair_cannot_be_logged() -> None:
    mentorship = _pair()
    _always_free(mentorship)
    ahead = _proposed(mentorship)
    with pytest.raises(Refused, match="whose time has come"):
        services.log_meeting(
            mentorship=mentorship,
            actor=mentorship.mentor,
            occurred_on=timezone.localdate(),
            mode="video",
            scheduled=ahead,
        )
    other = _pair()
    theirs = _confirmed_in_the_past(other)
    with pytest.raises(Refused, match="whose time has come"):
        services.log_meeting(
            mentorship=mentorship,
            actor=mentorship.mentor,
            occurred_on=timezone.localdate(),
            mode="video",
            scheduled=theirs,
        )
