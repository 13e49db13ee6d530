"""Periodic work for posts, scheduled in CELERY_BEAT_SCHEDULE. Thin: the services decide."""

from __future__ import annotations

from celery import shared_task

from .services import events


@shared_task
def send_event_reminders() -> int:
    """Remind members of live Q&As they'll attend, 15 minutes before the start (once each)."""
    return events.send_event_reminders()
