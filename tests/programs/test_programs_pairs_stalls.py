"""Stalled pairs: a nudge to the pair, then an alert to the coordinators a week later, each
once even when the hourly task runs twice, and resolved when the pair speaks again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mentoring.models import MentorshipStatus
from notifications.models import Kind, Notification
from programs.milestones import add_default_milestones
from programs.models import AlertKind, Coordinator, ProgramStatus, StallAlert
from programs.progress import CONTACT_SOURCES, last_contact_at
from programs.services import pairs as services
from programs.tasks import follow_up_pairs
from tests.factories import PhysicianFactory
from tests.programs.pairs import make_pair, meeting, message, running_program

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _days(days: float) -> dt.datetime:
    return NOW + dt.timedelta(days=days)


def _program_notifications(user_id: int) -> list[Notification]:
    return list(Notification.objects.filter(recipient_id=user_id, kind=Kind.PROGRAM))


def test_last_contact_is_the_latest_message_or_logged_meeting() -> None:
    pair = make_pair(matched_at=_days(-40))
    quiet = make_pair(matched_at=_days(-40))
    message(pair, _days(-10))
    meeting(pair, timezone.localdate(_days(-3)))
    contacts = last_contact_at([pair.mentorship_id, quiet.mentorship_id])
    assert timezone.localdate(contacts[pair.mentorship_id]) == timezone.localdate(_days(-3))
    assert quiet.mentorship_id not in contacts
    assert len(CONTACT_SOURCES) == 3


def test_last_contact_costs_one_query_per_source(django_assert_num_queries: object) -> None:
    pairs = [make_pair() for _ in range(3)]
    for pair in pairs:
        message(pair, _days(-1))
    with django_assert_num_queries(len(CONTACT_SOURCES)):  # type: ignore[operator]
        last_contact_at([pair.mentorship_id for pair in pairs])


def test_a_quiet_pair_is_nudged_then_the_coordinators_alerted_a_week_later() -> None:
    program = running_program()
    second = PhysicianFactory.create()
    Coordinator.objects.create(program=program, user=second)
    pair = make_pair(program, matched_at=_days(-30))
    mentee, mentor = pair.mentorship.mentee, pair.mentorship.mentor

    result = services.check_stalled_pairs(now=NOW)
    assert result.nudged == 1
    nudge = StallAlert.objects.get(kind=AlertKind.NUDGE)
    assert "No message or logged meeting for 30 days" in nudge.reason
    for member in (mentee, mentor):
        [note] = _program_notifications(member.pk)
        assert note.url == pair.mentorship.get_absolute_url()
        assert "30 days" in note.title
    assert not _program_notifications(second.pk)

    # Six days later: still only the nudge.
    assert services.check_stalled_pairs(now=_days(6)).escalated == 0
    assert not StallAlert.objects.filter(kind=AlertKind.COORDINATOR).exists()

    result = services.check_stalled_pairs(now=_days(7))
    assert result.escalated == 1
    assert StallAlert.objects.filter(kind=AlertKind.COORDINATOR, resolved_at=None).count() == 1
    assert program.created_by is not None
    for coordinator in (program.created_by, second):
        [note] = _program_notifications(coordinator.pk)
        assert note.url == f"/programs/{program.slug}/pairs/#pair-{pair.pk}"
    # The pair heard once, the coordinators once.
    assert len(_program_notifications(mentee.pk)) == 1
    services.check_stalled_pairs(now=_days(8))
    assert StallAlert.objects.count() == 2
    assert Notification.objects.filter(kind=Kind.PROGRAM).count() == 4


def test_two_runs_raise_each_alert_once() -> None:
    pair = make_pair(matched_at=_days(-30))
    services.check_stalled_pairs(now=NOW)
    services.check_stalled_pairs(now=NOW)
    assert StallAlert.objects.filter(kind=AlertKind.NUDGE).count() == 1
    assert Notification.objects.filter(kind=Kind.PROGRAM).count() == 2
    # Two runs that both read "no open nudge" before either wrote: the second loses at the
    # database and notifies no one.
    again = services.open_alert(pair=pair, kind=AlertKind.NUDGE, reason="Quiet", now=NOW)
    assert again is None
    assert StallAlert.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.PROGRAM).count() == 2


def test_contact_resolves_the_open_alerts() -> None:
    pair = make_pair(matched_at=_days(-30))
    services.check_stalled_pairs(now=NOW)
    services.check_stalled_pairs(now=_days(7))
    assert StallAlert.objects.filter(resolved_at=None).count() == 2
    message(pair, _days(7.5))
    result = services.check_stalled_pairs(now=_days(8))
    assert result.resolved == 2
    assert not StallAlert.objects.filter(resolved_at=None).exists()
    assert set(StallAlert.objects.values_list("resolved_at", flat=True)) == {_days(8)}
    # Quiet again for three weeks: a new nudge.
    assert services.check_stalled_pairs(now=_days(7.5 + 22)).nudged == 1
    assert StallAlert.objects.filter(resolved_at=None, kind=AlertKind.NUDGE).count() == 1


def test_a_logged_meeting_counts_as_contact() -> None:
    pair = make_pair(matched_at=_days(-30))
    meeting(pair, timezone.localdate(_days(-5)))
    assert services.check_stalled_pairs(now=NOW).nudged == 0


def test_planning_a_meeting_counts_as_contact() -> None:
    """A proposal, and its answer, are contact: a pair arranging to meet is not nudged."""
    from mentoring.models import MeetingStatus, ScheduledMeeting

    pair = make_pair(matched_at=_days(-30))
    meeting_ahead = ScheduledMeeting.objects.create(
        mentorship=pair.mentorship,
        proposed_by=pair.mentorship.mentee,
        starts_at=_days(3),
        ends_at=_days(3) + dt.timedelta(minutes=30),
        mode="video",
        created_at=_days(-25),
    )
    assert services.check_stalled_pairs(now=NOW).nudged == 1  # proposed 25 days ago
    ScheduledMeeting.objects.filter(pk=meeting_ahead.pk).update(
        status=MeetingStatus.ACCEPTED, decided_at=_days(-2)
    )
    assert last_contact_at([pair.mentorship_id])[pair.mentorship_id] == _days(-2)
    assert services.check_stalled_pairs(now=NOW).resolved == 1


def test_a_pair_matched_recently_or_in_touch_is_not_stalled() -> None:
    make_pair(matched_at=_days(-20))
    talking = make_pair(matched_at=_days(-60))
    message(talking, _days(-20))
    assert services.check_stalled_pairs(now=NOW).nudged == 0
    assert not StallAlert.objects.exists()


def test_a_milestone_overdue_by_more_than_a_week_stalls_a_talking_pair() -> None:
    program = running_program()
    add_default_milestones(program)  # first meeting due on day 14
    pair = make_pair(program, matched_at=_days(-21))
    message(pair, _days(-1))
    assert services.check_stalled_pairs(now=NOW).nudged == 0  # 7 days overdue: not yet
    result = services.check_stalled_pairs(now=_days(1))
    assert result.nudged == 1
    assert "“First meeting” is 8 days overdue" in StallAlert.objects.get().reason
    meeting(pair, timezone.localdate(_days(1)))
    assert services.check_stalled_pairs(now=_days(2)).resolved == 1


def test_only_active_pairs_of_running_programs_are_followed() -> None:
    closed = running_program(status=ProgramStatus.CLOSED)
    make_pair(closed, matched_at=_days(-60))
    ended = make_pair(matched_at=_days(-60))
    ended.mentorship.status = MentorshipStatus.ENDED
    ended.mentorship.save()
    assert services.check_stalled_pairs(now=NOW).nudged == 0


def test_the_hourly_task_runs_the_follow_up() -> None:
    make_pair(matched_at=timezone.now() - dt.timedelta(days=30))
    result = follow_up_pairs.delay().get()
    assert result["nudged"] == 1
    assert follow_up_pairs.delay().get()["nudged"] == 0


def test_the_task_is_scheduled_hourly(settings: object) -> None:
    from django.conf import settings as django_settings

    entry = django_settings.CELERY_BEAT_SCHEDULE["programs-follow-up-pairs"]
    assert entry == {"task": "programs.tasks.follow_up_pairs", "schedule": 3600.0}
