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
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, InterfaceError, OperationalError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from accounts.selectors import is_walled_off
from community.emails import absolute_url, make_message
from community.smtp import DeliveryUnconfirmed, SmtpTimeouts, describe

from .models import (
    ALLOWED_DELIVERY,
    EMAIL_INITIAL,
    SECURITY_KINDS,
    Delivery,
    EmailAddressProblem,
    EmailDigest,
    EmailOutbox,
    EmailStatus,
    Kind,
    Notification,
    NotificationPreference,
    OutgoingEmail,
    check_email_transition,
)
from .selectors import delivery_for, member_time_zone, preferences_for

logger = logging.getLogger(__name__)

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


# --- Writing notifications ----------------------------------------------------------------


def notify(
    *,
    recipient: User,
    kind: Kind | str,
    title: str,
    url: str = "",
    actor: User | None = None,
    target: models.Model | None = None,
    email: bool = True,
) -> Notification | None:
    """Record a notification for `recipient` in the caller's transaction.

    Nothing is written for one's own actions or between members walled off by a block.
    The email follows the recipient's preference for `kind` (immediately, in the daily
    digest, or not at all; security kinds always immediately) and is queued only after the
    transaction commits. `email=False` records the notification in the app only.
    """
    if url and not _is_safe_link(url):
        raise ValueError(f"Notification links must be site paths or http(s) addresses: {url!r}")
    if actor is not None and actor.pk == recipient.pk:
        return None
    if actor is not None and is_walled_off(actor, recipient):
        return None
    now = timezone.now()
    status = _initial_email_status(recipient=recipient, kind=kind) if email else None
    notification = Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=kind,
        title=title[:200],
        url=url[:300],
        target=target,
        created_at=now,
        **initial_email_fields(status or EmailStatus.NOT_NEEDED, now=now),
    )
    if status == EmailStatus.PENDING:
        notification_id = notification.pk
        # robust: a failure to queue must not turn the committed event into an error page.
        transaction.on_commit(lambda: enqueue_email(notification_id), robust=True)
    return notification


def _is_safe_link(url: str) -> bool:
    # Rendered as an href: no javascript: scheme and no protocol-relative "//host" links.
    if url.startswith("/"):
        return not url.startswith("//")
    return url.startswith(("https://", "http://"))


def notify_reaction(*, recipient: User, actor: User, target: models.Model, url: str) -> None:
    """Record a reaction for the daily digest; reactions are never emailed one by one."""
    name = actor.display_name or actor.handle
    notify(
        recipient=recipient,
        kind=Kind.REACTION_DIGEST,
        title=f"{name} reacted to your post",
        url=url,
        actor=actor,
        target=target,
    )


def _initial_email_status(*, recipient: User, kind: str) -> str:
    if not recipient.email or not recipient.is_active:
        return EmailStatus.NOT_NEEDED
    delivery = delivery_for(user=recipient, kind=kind)
    if delivery == Delivery.IMMEDIATE:
        return EmailStatus.PENDING
    if delivery == Delivery.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.SKIPPED


# --- Reading state the member changes -----------------------------------------------------


def mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read; raises Notification.DoesNotExist otherwise."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def set_preferences(*, user: User, choices: dict[str, str]) -> None:
    """Store `user`'s delivery choice per kind; security kinds and invalid values are ignored."""
    now = timezone.now()
    for kind, delivery in choices.items():
        if kind in SECURITY_KINDS or delivery not in ALLOWED_DELIVERY.get(kind, ()):
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery, "updated_at": now}
        )


# --- Unsubscribe links --------------------------------------------------------------------


def unsubscribe_token(*, user: User, scope: str) -> str:
    """A signed token naming a member and a kind (or "digest" for every digest kind)."""
    return signing.dumps({"u": user.pk, "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user: User, scope: str) -> str | None:
    """Absolute one-click unsubscribe address; None for kinds that cannot be turned off."""
    if scope in SECURITY_KINDS:
        return None
    token = unsubscribe_token(user=user, scope=scope)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and scope a token names; raises signing.BadSignature or User.DoesNotExist."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    scope = data.get("s") if isinstance(data, dict) else None
    if scope != DIGEST_SCOPE and (scope not in Kind.values or scope in SECURITY_KINDS):
        raise signing.BadSignature("Unknown unsubscribe scope.")
    return User.objects.get(pk=data.get("u"), is_active=True), scope


def unsubscribe(*, user: User, scope: str) -> list[str]:
    """Turn email off for `scope`; returns the kinds turned off."""
    if scope == DIGEST_SCOPE:
        kinds = [k for k, delivery in preferences_for(user).items() if delivery == Delivery.DIGEST]
    else:
        kinds = [scope]
    set_preferences(user=user, choices=dict.fromkeys(kinds, Delivery.OFF))
    return [kind for kind in kinds if kind not in SECURITY_KINDS]


# --- Account emails -----------------------------------------------------------------------


def queue_email(*, message: EmailMessage) -> OutgoingEmail:
    """Record a rendered email in the caller's transaction; it is queued after commit.

    For emails rendered in a request (allauth's, accounts.adapters): the email task sends
    it with the guarantees of notification emails, and nothing waits on the SMTP server.
    """
    if len(message.to) != 1 or message.cc or message.bcc or message.attachments:
        raise ValueError("An outgoing email has exactly one recipient and no attachments.")
    text, html = str(message.body), ""
    if message.content_subtype == "html":
        text, html = "", str(message.body)
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = str(content)
    now = timezone.now()
    email = OutgoingEmail.objects.create(
        to=message.to[0],
        from_email=message.from_email,
        subject=str(message.subject),
        body=text,
        html_body=html,
        headers=dict(message.extra_headers),
        created_at=now,
        **initial_email_fields(EmailStatus.PENDING, now=now),
    )
    # robust: a failure to queue must not turn the sign-up into an error page.
    transaction.on_commit(partial(enqueue_outgoing_email, email.pk), robust=True)
    return email


def build_outgoing_message(email: OutgoingEmail) -> EmailMessage:
    """The message `queue_email` recorded, as it was rendered."""
    if not email.body:
        message = EmailMessage(
            email.subject, email.html_body, email.from_email, [email.to], headers=email.headers
        )
        message.content_subtype = "html"
        return message
    alternative = EmailMultiAlternatives(
        email.subject, email.body, email.from_email, [email.to], headers=email.headers
    )
    if email.html_body:
        alternative.attach_alternative(email.html_body, "text/html")
    return alternative


def deliver_outgoing_email(*, email_id: int, claimant: str = "") -> bool:
    """Claim, send and mark sent one account email; errors as for
    `deliver_notification_email`."""
    claimant = claimant or uuid.uuid4().hex
    if not _claim(OutgoingEmail, pk=email_id, claimant=claimant, now=timezone.now()):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    return _send(OutgoingEmail, email_id, claimant, build_outgoing_message(email))


def _list_unsubscribe_headers(url: str | None) -> dict[str, str]:
    headers = {"Auto-Submitted": "auto-generated"}
    if url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


# --- Queueing -----------------------------------------------------------------------------


def enqueue_email(notification_id: int) -> bool:
    """Queue the email task; a broker outage is logged, never raised (the sweep retries)."""
    from .tasks import send_notification_email

    return _enqueue(send_notification_email, notification_id)


def enqueue_digest(digest_id: int) -> bool:
    """Queue a digest email; like enqueue_email, a broker outage is logged, not raised."""
    from .tasks import send_digest_email

    return _enqueue(send_digest_email, digest_id)


def enqueue_outgoing_email(email_id: int) -> bool:
    """Queue an account email; like enqueue_email, a broker outage is logged, not raised."""
    from .tasks import send_outgoing_email

    return _enqueue(send_outgoing_email, email_id)


def _enqueue(task: Any, pk: int) -> bool:
    try:
        task.delay(pk)
    except (BrokerError, OSError) as error:
        logger.warning("Could not queue %s(%s); the sweep will: %s", task.name, pk, error)
        return False
    return True


# --- Claiming and sending -----------------------------------------------------------------


def _claim(model: type[EmailOutbox], *, pk: int, claimant: str, now: dt.datetime) -> bool:
    """Take the row for sending with one conditional UPDATE; True if this caller holds it.

    Claimable: pending; or sending under an expired lease (its worker died); or sending
    under this same claimant, which is the broker redelivering the message of a worker
    killed mid-task (a redelivery keeps the task id). PostgreSQL re-checks the WHERE
    clause after waiting on a concurrent claimant's row lock, so two workers can't both win.
    """
    if not claimant:
        raise ValueError("A claim names its claimant.")
    claimable = (
        Q(email_status=EmailStatus.PENDING)
        | Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - EMAIL_LEASE)
        | Q(email_status=EmailStatus.SENDING, email_claimed_by=claimant)
    )
    claimed = move_email(
        model._default_manager.filter(claimable, pk=pk),
        source=[EmailStatus.PENDING, EmailStatus.SENDING],
        target=EmailStatus.SENDING,
        email_claimed_at=now,
        email_claimed_by=claimant,
        email_attempts=F("email_attempts") + 1,
    )
    return claimed == 1


class OutcomeNotSaved(Exception):
    """The SMTP server's answer is known, but the database failed while recording it.

    `__cause__` is the database error. The task records just this outcome again within
    seconds; it must not send again (a `sent` here means the server has the message).
    """

    def __init__(self, *, status: str, reason: str) -> None:
        super().__init__(f"Could not record the email as {status}")
        self.status = status
        self.reason = reason


def _skip(model: type[EmailOutbox], *, pk: int, claimant: str) -> bool:
    """Skip a row this claimant holds (a digest's notifications with it); True if it did."""
    with transaction.atomic():
        skipped = move_email(
            model._default_manager.filter(pk=pk, email_claimed_by=claimant),
            source=EmailStatus.SENDING,
            target=EmailStatus.SKIPPED,
            email_claimed_by="",
            last_error="",
        )
        if skipped and model is EmailDigest:
            move_email(
                Notification.objects.filter(digest_id=pk),
                source=EmailStatus.DIGEST,
                target=EmailStatus.SKIPPED,
            )
    return skipped == 1


def record_email_outcome(
    *, model: type[EmailOutbox], pk: int, claimant: str, status: str, reason: str = ""
) -> bool:
    """Record how a claimed send ended: `sent`, `unconfirmed` or `failed` (for good).

    Written over this claimant's claim, or over the row if a sweep took the claim back and
    it waits to be sent again (the answer is known: a second send is not wanted); never
    over another live claim. Returns whether the row was written. A sent email clears the
    member's address problem; a failure records one. A database error raises
    OutcomeNotSaved.
    """
    if status not in (EmailStatus.SENT, EmailStatus.UNCONFIRMED, EmailStatus.FAILED):
        raise ValueError(f"Not an outcome of a send: {status!r}")
    held = Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_by=claimant
    )
    rows = model._default_manager.filter(held, pk=pk)
    try:
        with transaction.atomic():
            if status == EmailStatus.FAILED:
                return _mark_failed(model, rows, reason=reason) > 0
            now = timezone.now()
            written = move_email(
                rows,
                source=[EmailStatus.PENDING, EmailStatus.SENDING],
                target=status,
                email_claimed_by="",
                email_sent_at=now,
                last_error=reason,
                **model.content_to_forget(),
            )
            if written and model is EmailDigest:
                move_email(
                    Notification.objects.filter(digest_id=pk),
                    source=EmailStatus.DIGEST,
                    target=status,
                    email_sent_at=now,
                    last_error=reason,
                )
            # Notifications and digests have a recipient; an OutgoingEmail only an address.
            if (
                written
                and status == EmailStatus.SENT
                and issubclass(model, (Notification, EmailDigest))
            ):
                # The address works again: the member's notice of a failure goes.
                recipient = model._default_manager.filter(pk=pk).values("recipient_id")
                EmailAddressProblem.objects.filter(member_id__in=recipient).delete()
            return written > 0
    except DATABASE_ERRORS as error:
        raise OutcomeNotSaved(status=status, reason=reason) from error


def _mark_failed(model: type[EmailOutbox], rows: models.QuerySet[Any], *, reason: str) -> int:
    """Fail `rows` for good (a digest's notifications with it) and note each member's
    address problem; call inside a transaction."""
    pks = list(rows.select_for_update().values_list("pk", flat=True))
    if not pks:
        return 0
    now = timezone.now()
    reason = reason or UNKNOWN_FAILURE
    failed = model._default_manager.filter(pk__in=pks)
    moved = move_email(
        failed,
        source=[EmailStatus.PENDING, EmailStatus.SENDING],
        target=EmailStatus.FAILED,
        email_claimed_by="",
        email_failed_at=now,
        last_error=reason,
        **model.content_to_forget(),
    )
    if not issubclass(model, (Notification, EmailDigest)):
        # An OutgoingEmail, written to an address rather than to a member: the failure is
        # logged, the member asks again (a new reset link) instead of retrying from the
        # preferences page.
        return moved
    if model is EmailDigest:
        move_email(
            Notification.objects.filter(digest_id__in=pks),
            source=EmailStatus.DIGEST,
            target=EmailStatus.FAILED,
            email_failed_at=now,
            last_error=reason,
        )
    recipients = model._default_manager.filter(pk__in=pks).values("recipient_id")
    members = User.objects.filter(pk__in=recipients).exclude(email="")
    for member in members:
        EmailAddressProblem.objects.update_or_create(
            member=member,
            defaults={"address": member.email, "reason": reason, "failed_at": now},
        )
    return moved


def release_email_claim(
    *, model: type[EmailOutbox], pk: int, claimant: str, reason: str, retry_at: dt.datetime
) -> None:
    """After a temporary failure, put this claimant's row back to pending, due at `retry_at`."""
    move_email(
        model._default_manager.filter(pk=pk, email_claimed_by=claimant),
        source=EmailStatus.SENDING,
        target=EmailStatus.PENDING,
        email_due_at=retry_at,
        email_claimed_at=None,
        email_claimed_by="",
        last_error=reason,
    )


def build_notification_message(notification: Notification) -> EmailMultiAlternatives:
    """The email for one notification, from templates/emails/<kind>/."""
    recipient = notification.recipient
    actor = notification.actor
    link = unsubscribe_url(user=recipient, scope=notification.kind)
    context = {
        "recipient": recipient,
        "notification": notification,
        "actor_name": (actor.display_name or actor.handle) if actor else "",
        "kind_label": Kind(notification.kind).label,
        "item_url": absolute_url(notification.url or reverse("notifications:list")),
        "unsubscribe_url": link,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    return make_message(
        notification.kind,
        to=recipient.email,
        context=context,
        headers=_list_unsubscribe_headers(link),
    )


def deliver_notification_email(*, notification_id: int, claimant: str = "") -> bool:
    """Claim, send and mark sent one notification's email; True if this call sent it.

    SMTP errors before the handover (OSError) propagate with the claim held; the task
    retries or fails the row. A message handed over without an answer is recorded
    unconfirmed. A row already sent or held by a live claimant is left alone. Database
    errors propagate; after the send they come as OutcomeNotSaved.
    """
    claimant = claimant or uuid.uuid4().hex
    if not _claim(Notification, pk=notification_id, claimant=claimant, now=timezone.now()):
        return False
    notification = Notification.objects.select_related("recipient", "actor").get(pk=notification_id)
    recipient = notification.recipient
    turned_off = (
        notification.kind not in SECURITY_KINDS
        and delivery_for(user=recipient, kind=notification.kind) == Delivery.OFF
    )
    if turned_off or not recipient.is_active or not recipient.email:
        _skip(Notification, pk=notification_id, claimant=claimant)
        return False
    return _send(Notification, notification_id, claimant, build_notification_message(notification))


def _send(model: type[EmailOutbox], pk: int, claimant: str, message: EmailMessage) -> bool:
    try:
        message.send(fail_silently=False)
    except DeliveryUnconfirmed as error:
        record_email_outcome(
            model=model,
            pk=pk,
            claimant=claimant,
            status=EmailStatus.UNCONFIRMED,
            reason=describe(error),
        )
        return False
    # The SMTP server has the message. Dying before this is recorded is the at-least-once edge.
    record_email_outcome(model=model, pk=pk, claimant=claimant, status=EmailStatus.SENT)
    return True


# --- A member's failed email -------------------------------------------------------------


@transaction.atomic
def retry_failed_email(*, member: User) -> int:
    """Queue again `member`'s emails that failed in the last RETRY_WINDOW; returns how many.

    Deleting the member's address problem is the claim: of two submits racing, only the one
    whose DELETE removed it queues anything, and each row goes from failed to pending once.
    Without a problem on record nothing is queued.
    """
    deleted, _ = EmailAddressProblem.objects.filter(member=member).delete()
    if not deleted:
        return 0
    now = timezone.now()
    queued = 0
    outboxes: list[tuple[models.QuerySet[Any], Any]] = [
        # A digest's notifications go out with their digest, not one by one.
        (Notification.objects.filter(recipient=member, digest__isnull=True), enqueue_email),
        (EmailDigest.objects.filter(recipient=member), enqueue_digest),
    ]
    for rows, enqueue in outboxes:
        failed = rows.filter(
            email_status=EmailStatus.FAILED, email_failed_at__gte=now - RETRY_WINDOW
        )
        pks = list(failed.select_for_update().values_list("pk", flat=True))
        move_email(
            rows.filter(pk__in=pks),
            source=EmailStatus.FAILED,
            target=EmailStatus.PENDING,
            email_due_at=now,
            email_failed_at=None,
            email_attempts=0,
            email_claimed_at=None,
            email_claimed_by="",
        )
        if rows.model is EmailDigest:
            # Its notifications wait for it again, to take its next outcome.
            move_email(
                Notification.objects.filter(digest_id__in=pks),
                source=EmailStatus.FAILED,
                target=EmailStatus.DIGEST,
                email_failed_at=None,
            )
        for pk in pks:
            transaction.on_commit(partial(enqueue, pk), robust=True)
        queued += len(pks)
    return queued


# --- The sweep ----------------------------------------------------------------------------


def sweep_email_outbox(*, now: dt.datetime | None = None, grace: dt.timedelta = SWEEP_GRACE) -> int:
    """Queue every email that is due and not being sent; returns how many were queued.

    Takes back claims whose lease expired (the worker died), gives up on rows claimed
    MAX_EMAIL_ATTEMPTS times, and pushes each queued row's due time forward so the next
    sweep doesn't queue it again while its task waits in the queue. Deletes account emails
    done with for OUTGOING_EMAIL_KEEP.
    """
    now = now or timezone.now()
    cutoff = now - grace
    queued = 0
    outboxes: tuple[tuple[type[EmailOutbox], Any], ...] = (
        (Notification, enqueue_email),
        (EmailDigest, enqueue_digest),
        (OutgoingEmail, enqueue_outgoing_email),
    )
    for model, enqueue in outboxes:
        manager = model._default_manager
        expired = Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - EMAIL_LEASE)
        with transaction.atomic():
            _mark_failed(
                model,
                manager.filter(expired, email_attempts__gte=MAX_EMAIL_ATTEMPTS),
                reason="Gave up after repeated attempts.",
            )
        move_email(
            manager.filter(expired),
            source=EmailStatus.SENDING,
            target=EmailStatus.PENDING,
            email_due_at=cutoff,
            email_claimed_at=None,
            email_claimed_by="",
        )
        due = list(
            manager.filter(email_status=EmailStatus.PENDING, email_due_at__lte=cutoff)
            .order_by("email_due_at")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        sent_to_broker = []
        for pk in due:
            if not enqueue(pk):
                break  # The broker is down: no point hammering it row by row.
            sent_to_broker.append(pk)
        manager.filter(pk__in=sent_to_broker, email_status=EmailStatus.PENDING).update(
            email_due_at=now + RESWEEP_AFTER
        )
        queued += len(sent_to_broker)
    OutgoingEmail.objects.filter(created_at__lt=now - OUTGOING_EMAIL_KEEP).exclude(
        email_status__in=[EmailStatus.PENDING, EmailStatus.SENDING]
    ).delete()
    return queued


# --- The daily digest ---------------------------------------------------------------------


def start_daily_digests(*, now: dt.datetime | None = None) -> int:
    """Open today's digest for every member in their morning hour with digest rows waiting.

    A member gets at most one digest per local day (a unique constraint, so two beats can't
    both open one); the rows join it with a conditional UPDATE, so no row is in two digests.
    """
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST, digest__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    opened = 0
    for user in User.objects.filter(pk__in=waiting, is_active=True).order_by("pk"):
        local = now.astimezone(member_time_zone(user))
        if local.hour != DIGEST_HOUR:
            continue
        if _open_digest(recipient=user, local_date=local.date(), now=now) is not None:
            opened += 1
    return opened


def _open_digest(*, recipient: User, local_date: dt.date, now: dt.datetime) -> EmailDigest | None:
    try:
        with transaction.atomic():
            digest = EmailDigest.objects.create(
                recipient=recipient,
                local_date=local_date,
                **initial_email_fields(EmailStatus.PENDING, now=now),
            )
            taken = Notification.objects.filter(
                recipient=recipient,
                email_status=EmailStatus.DIGEST,
                digest__isnull=True,
                created_at__lte=now,
            ).update(digest=digest)
            if not taken:
                transaction.set_rollback(True)
                return None
    except IntegrityError:
        return None  # Another beat opened today's digest for this member.
    digest_id = digest.pk
    transaction.on_commit(lambda: enqueue_digest(digest_id), robust=True)
    return digest


def build_digest_message(digest: EmailDigest) -> EmailMultiAlternatives | None:
    """The digest email: reactions summarised per item, everything else listed."""
    recipient = digest.recipient
    rows = list(
        digest.notifications.exclude(kind__in=_kinds_turned_off(recipient))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    if not rows:
        return None
    reactions: Counter[str] = Counter()
    reaction_titles: dict[str, str] = {}
    items = []
    for row in rows:
        if row.kind == Kind.REACTION_DIGEST:
            reactions[row.url] += 1
            reaction_titles[row.url] = row.title  # rows run oldest first: keep the latest
        else:
            items.append({"notification": row, "item_url": absolute_url(row.url)})
    reaction_summary = [
        {"item_url": absolute_url(url), "count": count, "title": reaction_titles[url]}
        for url, count in reactions.most_common()
    ]
    link = unsubscribe_url(user=recipient, scope=DIGEST_SCOPE)
    context = {
        "recipient": recipient,
        "items": items,
        "reactions": reaction_summary,
        "reaction_count": sum(reactions.values()),
        "notifications_url": absolute_url(reverse("notifications:list")),
        "unsubscribe_url": link,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    return make_message(
        "digest", to=recipient.email, context=context, headers=_list_unsubscribe_headers(link)
    )


def _kinds_turned_off(user: User) -> list[str]:
    return list(
        NotificationPreference.objects.filter(user=user, delivery=Delivery.OFF)
        .exclude(kind__in=SECURITY_KINDS)
        .values_list("kind", flat=True)
    )


def deliver_digest_email(*, digest_id: int, claimant: str = "") -> bool:
    """Claim, send and mark sent one digest; its notifications share its outcome.

    Errors as for `deliver_notification_email`.
    """
    claimant = claimant or uuid.uuid4().hex
    if not _claim(EmailDigest, pk=digest_id, claimant=claimant, now=timezone.now()):
        return False
    digest = EmailDigest.objects.select_related("recipient").get(pk=digest_id)
    message = None
    if digest.recipient.is_active and digest.recipient.email:
        message = build_digest_message(digest)
    if message is None:
        _skip(EmailDigest, pk=digest_id, claimant=claimant)
        return False
    # As for single emails: dying between the SMTP acceptance and its record resends it.
    return _send(EmailDigest, digest_id, claimant, message)
