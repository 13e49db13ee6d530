"""Celery tasks: thin wrappers over services that own the retry policy.

The email tasks run on the "email" queue with late acknowledgement and
reject-on-worker-lost: a worker killed mid-task leaves the message to be redelivered, and
the claim in the services lets that redelivery (same task id) or a later sweep finish it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from . import services
from .models import EmailDigest, EmailOutbox, Notification

logger = logging.getLogger(__name__)

MAX_RETRIES = 6
BACKOFF_FACTOR_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600

_EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
}


def _retry_or_fail(task: Any, model: type[EmailOutbox], pk: int, error: OSError) -> None:
    """Release the claim and retry with exponential backoff and full jitter, or give up."""
    retries = task.request.retries
    if retries >= task.max_retries:
        logger.error("Giving up on %s %s after %s retries: %s", model.__name__, pk, retries, error)
        services.record_email_failure(model=model, pk=pk, error=error, retry_at=None)
        return
    countdown = get_exponential_backoff_interval(
        factor=BACKOFF_FACTOR_SECONDS,
        retries=retries,
        maximum=BACKOFF_MAX_SECONDS,
        full_jitter=True,
    )
    retry_at = timezone.now() + dt.timedelta(seconds=countdown)
    services.record_email_failure(model=model, pk=pk, error=error, retry_at=retry_at)
    raise task.retry(exc=error, countdown=countdown)


@shared_task(**_EMAIL_TASK_OPTIONS)
def send_notification_email(self: Any, notification_id: int) -> bool:
    """Send one notification's email if it is still due; safe to run any number of times."""
    try:
        return services.deliver_notification_email(
            notification_id=notification_id, claimant=self.request.id or ""
        )
    except OSError as error:  # smtplib.SMTPException, refused connections, timeouts
        _retry_or_fail(self, Notification, notification_id, error)
        return False


@shared_task(**_EMAIL_TASK_OPTIONS)
def send_digest_email(self: Any, digest_id: int) -> bool:
    """Send one daily digest if it is still due; safe to run any number of times."""
    try:
        return services.deliver_digest_email(digest_id=digest_id, claimant=self.request.id or "")
    except OSError as error:
        _retry_or_fail(self, EmailDigest, digest_id, error)
        return False


@shared_task
def sweep_email_outbox() -> int:
    """Every minute: queue emails that are due and unsent (after a broker outage, a dead
    worker or a lost message)."""
    return services.sweep_email_outbox()


@shared_task
def start_daily_digests() -> int:
    """Every 15 minutes: open the daily digest of members whose local morning it is."""
    return services.start_daily_digests()
