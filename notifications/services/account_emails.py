"""Account emails: `queue_email` records a rendered message as an OutgoingEmail row."""

from __future__ import annotations

import uuid
from functools import partial

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications.models import EmailStatus, OutgoingEmail
from notifications.services.delivery import _claim, _send, enqueue_outgoing_email
from notifications.services.outbox import initial_email_fields

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
