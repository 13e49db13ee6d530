"""Celery tasks: thin wrappers over services that own the retry policy.

The email tasks run on the "email" queue with late acknowledgement and
reject-on-worker-lost: a worker killed mid-task leaves the message to be redelivered, and
the claim in the services lets that redelivery (same task id) or a later sweep finish it.

What each way a send can end leads to:
- the server accepted the message: `sent`;
- the server had the whole message but its answer never came: `unconfirmed`, not retried
  (it may have been delivered; community/smtp.py);
- a 5xx refusal of the sender, the recipient or the message: `failed` at once;
- a 4xx answer, a timeout or a lost connection before the handover: retried with
  exponential backoff and jitter, MAX_RETRIES times, then `failed`;
- a database error: retried within seconds (a retry keeps the task id, so it resumes its
  own claim); if the send had already ended, the retry only records how (it never sends
  again), DATABASE_MAX_RETRIES times, after which the row waits for its lease.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from community.smtp import describe, is_permanent

from . import services
from .models import EmailDigest, EmailOutbox, EmailStatus, Notification, OutgoingEmail
from .services import push

logger = logging.getLogger(__name__)

MAX_RETRIES = 6
BACKOFF_FACTOR_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# Database errors: a dropped connection or a restart, usually over within seconds.
DATABASE_MAX_RETRIES = 10
DATABASE_BACKOFF_MAX_SECONDS = 30

_EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    # Counted by the policy below: SMTP and database retries each have their own limit.
    "max_retries": None,
    "soft_time_limit": services.EMAIL_TASK_SOFT_TIME_LIMIT,
    "time_limit": services.EMAIL_TASK_TIME_LIMIT,
}


def _deliver(
    task: Any, model: type[EmailOutbox], pk: int, outcome: str, reason: str, database_retries: int
) -> bool:
    """Send one row's email (or, on a retry after a database error, record how it ended)."""
    claimant = task.request.id or ""
    try:
        if outcome:
            # An earlier run had the server's answer but could not write it down.
            services.record_email_outcome(
                model=model, pk=pk, claimant=claimant, status=outcome, reason=reason
            )
            return outcome == EmailStatus.SENT
        try:
            if model is EmailDigest:
                return services.deliver_digest_email(digest_id=pk, claimant=claimant)
            if model is OutgoingEmail:
                return services.deliver_outgoing_email(email_id=pk, claimant=claimant)
            return services.deliver_notification_email(notification_id=pk, claimant=claimant)
        except OSError as error:  # smtplib.SMTPException, refused connections, timeouts
            _retry_or_fail(task, model, pk, error, database_retries=database_retries)
            return False
    except services.OutcomeNotSaved as error:
        _retry_after_database_error(
            task, error.__cause__ or error, outcome=error.status, reason=error.reason
        )
    except services.DATABASE_ERRORS as error:
        _retry_after_database_error(task, error, outcome=outcome, reason=reason)
    return False


def _retry_or_fail(
    task: Any, model: type[EmailOutbox], pk: int, error: OSError, *, database_retries: int
) -> None:
    """Fail a permanent refusal at once; retry anything else with exponential backoff and
    full jitter, releasing the claim meanwhile, until MAX_RETRIES."""
    claimant = task.request.id or ""
    reason = describe(error)[:1000]
    smtp_retries = task.request.retries - database_retries
    if is_permanent(error) or smtp_retries >= MAX_RETRIES:
        level = logging.WARNING if is_permanent(error) else logging.ERROR
        logger.log(level, "Email %s %s failed for good: %s", model.__name__, pk, reason)
        services.record_email_outcome(
            model=model, pk=pk, claimant=claimant, status=EmailStatus.FAILED, reason=reason
        )
        return
    countdown = get_exponential_backoff_interval(
        factor=BACKOFF_FACTOR_SECONDS,
        retries=smtp_retries,
        maximum=BACKOFF_MAX_SECONDS,
        full_jitter=True,
    )
    retry_at = timezone.now() + dt.timedelta(seconds=countdown)
    services.release_email_claim(
        model=model, pk=pk, claimant=claimant, reason=reason, retry_at=retry_at
    )
    raise task.retry(exc=error, countdown=countdown)


def _retry_after_database_error(
    task: Any, error: BaseException, *, outcome: str, reason: str
) -> None:
    """Run again within seconds, carrying the outcome if the send had already ended."""
    database_retries = int(task.request.kwargs.get("database_retries", 0))
    if database_retries >= DATABASE_MAX_RETRIES:
        # The row stays claimed; once its lease runs out the sweep takes it back.
        logger.error("Giving up on %s after database errors: %s", task.request.id, error)
        return
    countdown = 1 + get_exponential_backoff_interval(
        factor=1,
        retries=database_retries,
        maximum=DATABASE_BACKOFF_MAX_SECONDS,
        full_jitter=True,
    )
    logger.warning("Database error in %s; again in %s s: %s", task.request.id, countdown, error)
    kwargs = {
        **task.request.kwargs,
        "outcome": outcome,
        "reason": reason,
        "database_retries": database_retries + 1,
    }
    raise task.retry(kwargs=kwargs, exc=error, countdown=countdown)


@shared_task(**_EMAIL_TASK_OPTIONS)
def send_notification_email(
    self: Any, notification_id: int, outcome: str = "", reason: str = "", database_retries: int = 0
) -> bool:
    """Send one notification's email if it is still due; safe to run any number of times.

    `outcome`, `reason` and `database_retries` are set only by the task's own retries after
    a database error.
    """
    return _deliver(self, Notification, notification_id, outcome, reason, database_retries)


@shared_task(**_EMAIL_TASK_OPTIONS)
def send_digest_email(
    self: Any, digest_id: int, outcome: str = "", reason: str = "", database_retries: int = 0
) -> bool:
    """Send one daily digest if it is still due; safe to run any number of times."""
    return _deliver(self, EmailDigest, digest_id, outcome, reason, database_retries)


@shared_task(**_EMAIL_TASK_OPTIONS)
def send_outgoing_email(
    self: Any, email_id: int, outcome: str = "", reason: str = "", database_retries: int = 0
) -> bool:
    """Send one account email if it is still due; safe to run any number of times."""
    return _deliver(self, OutgoingEmail, email_id, outcome, reason, database_retries)


@shared_task
def sweep_email_outbox() -> int:
    """Every minute: queue emails that are due and unsent (after a broker outage, a dead
    worker or a lost message)."""
    return services.sweep_email_outbox()


@shared_task
def start_daily_digests() -> int:
    """Every 15 minutes: open the daily digest of members whose local morning it is."""
    return services.start_daily_digests()


# --- Web push -----------------------------------------------------------------------------

PUSH_MAX_RETRIES = 4
PUSH_BACKOFF_FACTOR_SECONDS = 15
PUSH_BACKOFF_MAX_SECONDS = 600


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=60,
    time_limit=90,
)
def send_push(self: Any, delivery_id: int) -> str:
    """Send one push to one device if it is still due; safe to run any number of times.

    A temporary failure (a 5xx or 429 from the push service, a timeout) is retried with
    exponential backoff and full jitter PUSH_MAX_RETRIES times, then the push fails; each
    device's push is its own task, so one failing device holds up no other.
    """
    claimant = self.request.id or ""
    try:
        return push.deliver_push(delivery_id=delivery_id, claimant=claimant)
    except push.PushNotDelivered as error:
        reason = str(error)
        if self.request.retries >= PUSH_MAX_RETRIES:
            logger.warning("Push %s failed for good: %s", delivery_id, reason)
            push.fail_push(delivery_id=delivery_id, claimant=claimant, reason=reason)
            return "failed"
        countdown = get_exponential_backoff_interval(
            factor=PUSH_BACKOFF_FACTOR_SECONDS,
            retries=self.request.retries,
            maximum=PUSH_BACKOFF_MAX_SECONDS,
            full_jitter=True,
        )
        push.release_push_claim(
            delivery_id=delivery_id,
            claimant=claimant,
            reason=reason,
            retry_at=timezone.now() + dt.timedelta(seconds=countdown),
        )
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task
def sweep_push_outbox() -> int:
    """Every minute: queue pushes that are due and unsent (a broker outage, a dead worker)."""
    return push.sweep_push_outbox()
