"""The email outbox's limits and its status: every status change goes through `move_email`."""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable
from typing import Any

from django.db import InterfaceError, OperationalError, models

from community.smtp import SmtpTimeouts
from notifications.models import EMAIL_INITIAL, EmailStatus, check_email_transition

# Named after the package, as before it was split into modules.
logger = logging.getLogger("notifications.services")

# An email task may run as long as its longest SMTP conversation (the timeouts of
# community/smtp.py) plus the database work around it. The hard time limit stops it after
# that, never while it waits for the server's answer (which would leave the message to be
# sent again), and the lease outlasts the hard limit: a claim this old is a dead worker's.
EMAIL_TASK_SOFT_TIME_LIMIT = math.ceil(SmtpTimeouts.from_settings().longest_send) + 60
EMAIL_TASK_TIME_LIMIT = EMAIL_TASK_SOFT_TIME_LIMIT + 30
EMAIL_LEASE = dt.timedelta(seconds=EMAIL_TASK_TIME_LIMIT + 60)
# A database that dropped the connection or is restarting: worth trying again in seconds.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# A task queued moments ago is probably still on its way: the sweep leaves it alone.
SWEEP_GRACE = dt.timedelta(seconds=60)
# After queueing a row, the sweep waits this long before queueing it again.
RESWEEP_AFTER = dt.timedelta(minutes=5)
SWEEP_BATCH = 500
# Claims counted over all deliveries (task retries and sweeps); then the row is failed.
MAX_EMAIL_ATTEMPTS = 8
# An account email's address, subject and outcome are kept this long after it was written
# (its body only until the send ended), so "I never got the reset email" can be looked into.
OUTGOING_EMAIL_KEEP = dt.timedelta(days=7)
# The digest goes out during this hour of the member's own morning (07:00-07:59 local).
DIGEST_HOUR = 7
DIGEST_SCOPE = "digest"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# A member's "try again" sends the emails that failed this recently; older news stays put.
RETRY_WINDOW = dt.timedelta(days=7)
# Recorded when a failure came without a reason (the failure constraint wants one).
UNKNOWN_FAILURE = "The email could not be sent."


# --- The email's status -------------------------------------------------------------------


def initial_email_fields(status: str, *, now: dt.datetime) -> dict[str, Any]:
    """The outbox fields of a new row whose email starts at `status` (one of EMAIL_INITIAL)."""
    if status not in EMAIL_INITIAL:
        raise ValueError(f"An email cannot start as {status}.")
    return {"email_status": status, "email_due_at": now if status == EmailStatus.PENDING else None}


def move_email(
    rows: models.QuerySet[Any], *, source: str | Iterable[str], target: str, **fields: Any
) -> int:
    """Move the email of `rows` from a `source` status to `target`; return how many moved.

    The one writer of `email_status` after a row is created. Every (source, target) pair is
    checked against EMAIL_TRANSITIONS first, so an illegal move raises
    IllegalEmailTransition and writes nothing. The move is one conditional UPDATE: its
    WHERE holds the source statuses with whatever `rows` asks besides (a claimant, an
    expired lease), so a row someone else changed meanwhile is left alone and, of two
    racing callers, PostgreSQL lets only one move it. `fields` are written with the status.
    """
    sources = [source] if isinstance(source, str) else list(source)
    if not sources:
        raise ValueError("Name the status the email moves from.")
    if "email_status" in fields:
        raise TypeError("The new status is `target`, not a field.")
    for status in sources:
        check_email_transition(source=status, target=target)
    return rows.filter(email_status__in=sources).update(email_status=target, **fields)
