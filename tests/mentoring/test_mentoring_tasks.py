"""The periodic tasks: requests expire after 14 days; mentors are reminded once at 7."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from mentoring import tasks, workflow
from mentoring.models import MentorRequest, RequestStatus
from notifications.models import Kind, Notification
from tests.mentoring.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def _request_aged(days: float) -> MentorRequest:
    mentor_request = workflow.do_request_mentor(mentee=make_mentee(), mentor=make_mentor().user)
    MentorRequest.objects.filter(pk=mentor_request.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    Notification.objects.all().delete()
    return mentor_request


def test_it_expires_requests_unanswered_for_fourteen_days() -> None:
    old = _request_aged(14.01)
    young = _request_aged(13.9)
    assert tasks.expire_stale_requests() == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED
    assert old.decided_at is not None
    assert young.status == RequestStatus.REQUESTED
    note = Notification.objects.get()
    assert note.recipient == old.mentee
    assert note.kind == Kind.MENTOR_REQUEST
    assert "expired" in note.title


def test_expiry_runs_twice_without_doing_anything_twice() -> None:
    _request_aged(20)
    assert tasks.expire_stale_requests() == 1
    assert tasks.expire_stale_requests() == 0
    assert Notification.objects.count() == 1


def test_expiry_leaves_answered_requests_alone() -> None:
    answered = _request_aged(30)
    workflow.do_decline_request(mentor_request=answered, actor=answered.mentor)
    assert tasks.expire_stale_requests() == 0
    answered.refresh_from_db()
    assert answered.status == RequestStatus.DECLINED


def test_an_expired_request_frees_a_pending_slot() -> None:
    mentee = make_mentee()
    for _ in range(3):
        workflow.do_request_mentor(mentee=mentee, mentor=make_mentor().user)
    MentorRequest.objects.update(created_at=timezone.now() - timedelta(days=15))
    tasks.expire_stale_requests()
    assert workflow.do_request_mentor(mentee=mentee, mentor=make_mentor().user)


def test_the_service_takes_the_time_as_an_argument() -> None:
    mentor_request = _request_aged(0)
    later = timezone.now() + timedelta(days=14, minutes=1)
    assert workflow.expire_stale_requests(now=later) == 1
    mentor_request.refresh_from_db()
    assert mentor_request.decided_at == later


def test_it_reminds_mentors_of_requests_waiting_seven_days_once() -> None:
    waiting = _request_aged(7.1)
    _request_aged(6.9)
    assert tasks.remind_mentors() == 1
    waiting.refresh_from_db()
    assert waiting.reminded_at is not None
    note = Notification.objects.get()
    assert note.recipient == waiting.mentor
    assert "still waiting" in note.title
    assert "expires in 6 days" in note.title
    assert tasks.remind_mentors() == 0
    assert Notification.objects.count() == 1


def test_it_does_not_remind_about_answered_requests() -> None:
    answered = _request_aged(8)
    workflow.do_withdraw_request(mentor_request=answered, actor=answered.mentee)
    Notification.objects.all().delete()
    assert tasks.remind_mentors() == 0
    assert not Notification.objects.exists()


def test_the_tasks_are_scheduled_on_the_periodic_queue() -> None:
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mentoring.tasks.expire_stale_requests" in scheduled
    assert "mentoring.tasks.remind_mentors" in scheduled
    assert settings.CELERY_TASK_ROUTES["mentoring.tasks.remind_mentors"]["queue"] == "periodic"
    assert tasks.expire_stale_requests.name == "mentoring.tasks.expire_stale_requests"
