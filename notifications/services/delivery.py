"""Queueing, claiming and sending emails, a member's retry, and the outbox sweep."""

from __future__ import annotations

import datetime as dt
import uuid
from email.mime.base import MIMEBase
from functools import partial
from typing import Any, Protocol, cast

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from community.emails import absolute_url, make_message
from community.smtp import DeliveryUnconfirmed, describe
from notifications.models import (
    SECURITY_KINDS,
    Delivery,
    EmailAddressProblem,
    EmailDigest,
    EmailOutbox,
    EmailStatus,
    Kind,
    Notification,
    OutgoingEmail,
)
from notifications.selectors import delivery_for, member_time_zone
from notifications.services.outbox import (
    DATABASE_ERRORS,
    EMAIL_LEASE,
    MAX_EMAIL_ATTEMPTS,
    OUTGOING_EMAIL_KEEP,
    RESWEEP_AFTER,
    RETRY_WINDOW,
    SWEEP_BATCH,
    SWEEP_GRACE,
    UNKNOWN_FAILURE,
    logger,
    move_email,
)
from notifications.services.preferences import _list_unsubscribe_headers, unsubscribe_url

# --- Queueing -----------------------------------------------------------------------------


def enqueue_email(notification_id: int) -> bool:
    """Queue the email task; a broker outage is logged, never raised (the sweep retries)."""
    from notifications.tasks import send_notification_email

    return _enqueue(send_notification_email, notification_id)


def enqueue_digest(digest_id: int) -> bool:
    """Queue a digest email; like enqueue_email, a broker outage is logged, not raised."""
    from notifications.tasks import send_digest_email

    return _enqueue(send_digest_email, digest_id)


def enqueue_outgoing_email(email_id: int) -> bool:
    """Queue an account email; like enqueue_email, a broker outage is logged, not raised."""
    from notifications.tasks import send_outgoing_email

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
    # Times in the email are in the recipient's own zone, as on their pages.
    with timezone.override(member_time_zone(recipient)):
        message = make_message(
            notification.kind,
            to=recipient.email,
            context=context,
            headers=_list_unsubscribe_headers(link),
        )
    attachment = _calendar_attachment(notification)
    if attachment is not None:
        message.attach(attachment)
    return message


class _CalendarTarget(Protocol):
    def calendar_attachment(self, *, recipient: User) -> MIMEBase | None: ...


def _calendar_attachment(notification: Notification) -> MIMEBase | None:
    """The current calendar file of what the notification is about, when its model offers
    one: a model opts in with a `calendar_attachment(*, recipient)` method returning a MIME
    part or None (mentoring's scheduled meetings do). Read at send time, so an email sent
    late carries the meeting as it stands, not as it was."""
    if notification.target_type_id is None or notification.target_id is None:
        return None
    model = ContentType.objects.get_for_id(notification.target_type_id).model_class()
    if model is None or not callable(getattr(model, "calendar_attachment", None)):
        return None
    target = model._default_manager.filter(pk=notification.target_id).first()
    if target is None:
        return None
    return cast(_CalendarTarget, target).calendar_attachment(recipient=notification.recipient)


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
