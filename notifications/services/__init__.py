"""Writing notifications and delivering their emails.

Call `notify` inside the event's transaction: the notification (and its email, as the
outbox row) commits or rolls back with the event. Email goes out after commit through a
Celery task; `sweep_email_outbox` re-queues anything a broker outage or a dead worker left.

Delivery guarantee: every email due is sent at least once and, outside one narrow window,
exactly once. Sending claims the row with a conditional UPDATE (pending -> sending, with a
lease and the claimant's task id) and marks it sent right after the SMTP server accepted
the message. If the process dies between the SMTP server's acceptance and that UPDATE, the
lease expires and the email is sent again: the one documented at-least-once edge, chosen
over the alternative of marking first and losing the mail when the send fails.

Every change of an email's status goes through `move_email`, which allows only the moves
of EMAIL_TRANSITIONS (notifications/models.py); check constraints there keep each status
consistent with its times, lease and reason.

A message the SMTP server received whole but never answered for (community/smtp.py) may
have been delivered: it is recorded `unconfirmed` and never sent again on its own. A
database error while recording an outcome raises OutcomeNotSaved, and the task records
just that outcome again within seconds (it does not send again).

Account emails (allauth's and "account already exists") take the same path: the request
renders the message and `queue_email` records it as an OutgoingEmail row, so a slow or
failing SMTP server never holds up or breaks a sign-up or a password reset.

The modules: `outbox` (limits and `move_email`), `notify` (writing notifications),
`preferences` (read state, preferences, unsubscribe links), `account_emails`, `delivery`
(queueing, claiming, sending, retry, sweep) and `digest`. This package re-exports their names.
"""

from __future__ import annotations

from notifications.services.account_emails import (
    build_outgoing_message,
    deliver_outgoing_email,
    queue_email,
)
from notifications.services.delivery import (
    OutcomeNotSaved,
    _claim,
    _skip,
    build_notification_message,
    deliver_notification_email,
    enqueue_digest,
    enqueue_email,
    enqueue_outgoing_email,
    record_email_outcome,
    release_email_claim,
    retry_failed_email,
    sweep_email_outbox,
)
from notifications.services.digest import (
    build_digest_message,
    deliver_digest_email,
    start_daily_digests,
)
from notifications.services.notify import notify, notify_grouped, notify_reaction
from notifications.services.outbox import (
    DATABASE_ERRORS,
    DIGEST_HOUR,
    DIGEST_SCOPE,
    EMAIL_LEASE,
    EMAIL_TASK_SOFT_TIME_LIMIT,
    EMAIL_TASK_TIME_LIMIT,
    MAX_EMAIL_ATTEMPTS,
    OUTGOING_EMAIL_KEEP,
    RESWEEP_AFTER,
    RETRY_WINDOW,
    SWEEP_BATCH,
    SWEEP_GRACE,
    UNKNOWN_FAILURE,
    UNSUBSCRIBE_SALT,
    initial_email_fields,
    move_email,
)
from notifications.services.preferences import (
    mark_all_read,
    mark_read,
    read_unsubscribe_token,
    set_preferences,
    unsubscribe,
    unsubscribe_token,
    unsubscribe_url,
)

__all__ = [
    "DATABASE_ERRORS",
    "DIGEST_HOUR",
    "DIGEST_SCOPE",
    "EMAIL_LEASE",
    "EMAIL_TASK_SOFT_TIME_LIMIT",
    "EMAIL_TASK_TIME_LIMIT",
    "MAX_EMAIL_ATTEMPTS",
    "OUTGOING_EMAIL_KEEP",
    "OutcomeNotSaved",
    "RESWEEP_AFTER",
    "RETRY_WINDOW",
    "SWEEP_BATCH",
    "SWEEP_GRACE",
    "UNKNOWN_FAILURE",
    "UNSUBSCRIBE_SALT",
    "_claim",
    "_skip",
    "build_digest_message",
    "build_notification_message",
    "build_outgoing_message",
    "deliver_digest_email",
    "deliver_notification_email",
    "deliver_outgoing_email",
    "enqueue_digest",
    "enqueue_email",
    "enqueue_outgoing_email",
    "initial_email_fields",
    "mark_all_read",
    "mark_read",
    "move_email",
    "notify",
    "notify_grouped",
    "notify_reaction",
    "queue_email",
    "read_unsubscribe_token",
    "record_email_outcome",
    "release_email_claim",
    "retry_failed_email",
    "set_preferences",
    "start_daily_digests",
    "sweep_email_outbox",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
]
