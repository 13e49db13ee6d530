"""Periodic mentoring work, scheduled in CELERY_BEAT_SCHEDULE. Thin: the services decide."""

from __future__ import annotations

from celery import shared_task

from . import meetings, workflow


@shared_task
def expire_stale_requests() -> int:
    """Expire requests unanswered for 14 days (idempotent: each expires once)."""
    return workflow.expire_stale_requests()


@shared_task
def remind_mentors() -> int:
    """Remind mentors of requests waiting 7 days (once per request)."""
    return workflow.remind_mentors()


@shared_task
def send_meeting_reminders() -> int:
    """Remind both members of confirmed meetings a day and an hour ahead (once each)."""
    return meetings.send_meeting_reminders()
