"""In-app notifications and the outbox of their emails.

Each notification row is written in the transaction of the event it reports, with the state
of its email beside it: the row is the outbox. A Celery task sends the email after commit and
a periodic sweep re-queues whatever a broker outage or a dead worker left behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    COMMENT = "comment", "Comments on your posts"
    REPLY = "reply", "Replies to your comments"
    MENTION = "mention", "Mentions"
    FOLLOW = "follow", "New followers"
    REACTION_DIGEST = "reaction_digest", "Reactions to your posts"
    MENTOR_REQUEST = "mentor_request", "Mentor requests and their answers"
    MENTORSHIP = "mentorship", "Mentorship updates"
    MENTORSHIP_MESSAGE = "mentorship_message", "Mentorship messages"
    VERIFICATION = "verification", "Verification decisions"
    MODERATION = "moderation", "Moderation decisions about you"
    REPORT = "report", "Updates on reports you made"
    GROUP = "group", "Group join requests and approvals"
    EVENT_STARTING = "event_starting", "Live Q&As you said you'll attend are starting"
    MEETING = "meeting", "Mentorship meetings: invitations, changes and reminders"
    PROGRAM = "program", "Mentoring programs: applications, matches, milestones and surveys"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me right away"
    DIGEST = "digest", "In my daily digest"
    OFF = "off", "Don't email me"


class EmailStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "No email"
    PENDING = "pending", "Waiting to be sent"
    DIGEST = "digest", "Waiting for the daily digest"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    # The whole message reached the SMTP server, whose answer never came: it may have been
    # delivered, so it is never sent again automatically (community/smtp.py).
    UNCONFIRMED = "unconfirmed", "Handed over, not confirmed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (turned off)"


# The statuses an email row may be written with.
EMAIL_INITIAL: frozenset[str] = frozenset(
    {EmailStatus.NOT_NEEDED, EmailStatus.PENDING, EmailStatus.DIGEST, EmailStatus.SKIPPED}
)
# status -> the statuses it may move to. Nothing else is a legal move; every change goes
# through notifications.services.move_email, which checks this table (docs/email-delivery.md).
EMAIL_TRANSITIONS: dict[str, frozenset[str]] = {
    EmailStatus.NOT_NEEDED: frozenset(),
    # Claimed; or its outcome recorded after a sweep took the claim back (the answer is known).
    EmailStatus.PENDING: frozenset(
        {EmailStatus.SENDING, EmailStatus.SENT, EmailStatus.UNCONFIRMED, EmailStatus.FAILED}
    ),
    # A notification in a daily digest takes the digest's outcome.
    EmailStatus.DIGEST: frozenset(
        {EmailStatus.SENT, EmailStatus.UNCONFIRMED, EmailStatus.FAILED, EmailStatus.SKIPPED}
    ),
    # Claimed again (an expired lease, or the same task redelivered); released for a retry or
    # taken back by the sweep; or ended.
    EmailStatus.SENDING: frozenset(
        {
            EmailStatus.SENDING,
            EmailStatus.PENDING,
            EmailStatus.SENT,
            EmailStatus.UNCONFIRMED,
            EmailStatus.FAILED,
            EmailStatus.SKIPPED,
        }
    ),
    EmailStatus.SENT: frozenset(),
    # May have been delivered: never sent again.
    EmailStatus.UNCONFIRMED: frozenset(),
    # The member's "try again": a single email is due again, a digest's notification waits
    # for its digest again.
    EmailStatus.FAILED: frozenset({EmailStatus.PENDING, EmailStatus.DIGEST}),
    EmailStatus.SKIPPED: frozenset(),
}


class IllegalEmailTransition(ValueError):
    """A status change EMAIL_TRANSITIONS does not allow; nothing was written."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = str(source), str(target)
        allowed = ", ".join(sorted(str(s) for s in EMAIL_TRANSITIONS.get(self.source, ())))
        super().__init__(
            f"An email cannot move from {self.source} to {self.target}: "
            f"{self.source} may move to {allowed or 'nothing'}."
        )


def check_email_transition(*, source: str, target: str) -> str:
    """Validate one move of an email's status against EMAIL_TRANSITIONS; return `target`."""
    if target not in EMAIL_TRANSITIONS.get(source, frozenset()):
        raise IllegalEmailTransition(source, target)
    return target


def _outbox_constraints() -> list[models.BaseConstraint]:
    """What each status implies of the other fields, kept by the database."""
    ended = [EmailStatus.SENT, EmailStatus.UNCONFIRMED]
    failed, sending = EmailStatus.FAILED, EmailStatus.SENDING
    name = "%(app_label)s_%(class)s_"
    return [
        models.CheckConstraint(
            condition=models.Q(email_status__in=EmailStatus.values), name=name + "status_known"
        ),
        # Sent (or handed over, unconfirmed) has the time it was; nothing else has one.
        models.CheckConstraint(
            condition=models.Q(email_status__in=ended, email_sent_at__isnull=False)
            | (~models.Q(email_status__in=ended) & models.Q(email_sent_at__isnull=True)),
            name=name + "sent_time",
        ),
        # Failed has the time and the reason; nothing else has a failure time.
        models.CheckConstraint(
            condition=(
                models.Q(email_status=failed, email_failed_at__isnull=False)
                & ~models.Q(last_error="")
            )
            | (~models.Q(email_status=failed) & models.Q(email_failed_at__isnull=True)),
            name=name + "failure",
        ),
        # Sending has a lease and a claimant; only sending has a claimant.
        models.CheckConstraint(
            condition=(
                models.Q(email_status=sending, email_claimed_at__isnull=False)
                & ~models.Q(email_claimed_by="")
            )
            | (~models.Q(email_status=sending) & models.Q(email_claimed_by="")),
            name=name + "claim",
        ),
        # Pending has a due time and no lease.
        models.CheckConstraint(
            condition=~models.Q(email_status=EmailStatus.PENDING)
            | models.Q(email_due_at__isnull=False, email_claimed_at__isnull=True),
            name=name + "pending_due",
        ),
    ]


# Emails about a member's own account standing are always sent: they cannot be turned off.
# A moderation decision (a warning, a removal, a suspension) is "a message and an email".
SECURITY_KINDS = frozenset({Kind.VERIFICATION, Kind.MODERATION})

# What a member gets before they choose. Time-sensitive steps (a mentor waiting for an
# answer, a verification decision) go out at once; the chatty ones wait for the digest.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.COMMENT: Delivery.IMMEDIATE,
    Kind.REPLY: Delivery.IMMEDIATE,
    Kind.MENTION: Delivery.IMMEDIATE,
    Kind.FOLLOW: Delivery.DIGEST,
    Kind.REACTION_DIGEST: Delivery.DIGEST,
    Kind.MENTOR_REQUEST: Delivery.IMMEDIATE,
    Kind.MENTORSHIP: Delivery.IMMEDIATE,
    Kind.MENTORSHIP_MESSAGE: Delivery.IMMEDIATE,
    Kind.VERIFICATION: Delivery.IMMEDIATE,
    Kind.MODERATION: Delivery.IMMEDIATE,
    Kind.REPORT: Delivery.DIGEST,
    Kind.GROUP: Delivery.IMMEDIATE,
    # A reminder 15 minutes before the start is useless in tomorrow's digest.
    Kind.EVENT_STARTING: Delivery.IMMEDIATE,
    # Invitations carry the calendar file, and reminders come an hour ahead.
    Kind.MEETING: Delivery.IMMEDIATE,
    Kind.PROGRAM: Delivery.IMMEDIATE,
}

# Reactions are summarised, never emailed one by one.
ALLOWED_DELIVERY: dict[str, tuple[str, ...]] = {
    kind: (
        (Delivery.IMMEDIATE,)
        if kind in SECURITY_KINDS
        else (Delivery.DIGEST, Delivery.OFF)
        if kind == Kind.REACTION_DIGEST
        else (Delivery.IMMEDIATE, Delivery.DIGEST, Delivery.OFF)
    )
    for kind in Kind.values
}


class EmailOutbox(models.Model):
    """The delivery state of one email: claimed with a lease, marked sent after SMTP accepts."""

    email_status = models.CharField(
        max_length=12, choices=EmailStatus.choices, default=EmailStatus.NOT_NEEDED
    )
    email_due_at = models.DateTimeField(null=True, blank=True)
    # The lease: a claim older than services.EMAIL_LEASE belongs to a dead worker.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # The Celery task id holding the claim, so a redelivery of the same message may resume.
    email_claimed_by = models.CharField(max_length=64, blank=True)
    # When the SMTP server accepted it (sent), or had it without answering (unconfirmed).
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_failed_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
        constraints = _outbox_constraints()

    @classmethod
    def content_to_forget(cls) -> dict[str, Any]:
        """Fields blanked once the send has ended (sent, unconfirmed or failed)."""
        return {}


class EmailDigest(EmailOutbox):
    """One member's daily digest email: at most one per member per local calendar day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_digests"
    )
    local_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(EmailOutbox.Meta):
        constraints = [
            *EmailOutbox.Meta.constraints,
            # Two beat processes racing for the same morning create one digest, not two.
            models.UniqueConstraint(
                fields=["recipient", "local_date"], name="email_digest_one_per_day"
            ),
        ]
        indexes = [
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="email_digest_outbox_idx",
            ),
            models.Index(
                fields=["email_failed_at"],
                condition=models.Q(email_status="failed"),
                name="email_digest_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient_id} on {self.local_date}"


class OutgoingEmail(EmailOutbox):
    """An account email (allauth's confirmations, password resets, security notices and
    "account already exists"), rendered in the request and sent by the email task.

    Its body may hold a secret (a password-reset or confirmation link): the body, its HTML
    and its headers are blanked the moment the send ends, and the sweep deletes the rest
    (address, subject, outcome) after services.OUTGOING_EMAIL_KEEP. Never shown in the
    admin and never part of a member's data export.
    """

    to = models.EmailField(max_length=254)
    from_email = models.CharField(max_length=254)
    subject = models.TextField()
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(EmailOutbox.Meta):
        indexes = [
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="outgoing_email_outbox_idx",
            ),
            models.Index(fields=["created_at"], name="outgoing_email_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Email to {self.to}: {self.subject}"

    @classmethod
    def content_to_forget(cls) -> dict[str, Any]:
        return {"body": "", "html_body": "", "headers": {}}


class Notification(EmailOutbox):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # What the notification is about; may be deleted or hidden later, so readers check.
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Reactions are grouped when they are written (services.notify.notify_reaction): while
    # a group is open (unread, not yet in a digest) every like of the same item joins its
    # one row, so the list, the bell and the digest read one row per group. `group_key`
    # names the group ("reaction:like"; "program_application" for a coordinator's news of
    # new applications to a program); `actor_ids` lists who is in it, latest first.
    group_key = models.CharField(max_length=40, blank=True)
    actor_ids = models.JSONField(default=list, blank=True)
    # Set when a digest run takes this row; the digest's own outbox state then governs it.
    digest = models.ForeignKey(
        EmailDigest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta(EmailOutbox.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *EmailOutbox.Meta.constraints,
            # At most one open group per member, item and group: two reactions racing to
            # open it meet here, and the loser joins the winner's row.
            models.UniqueConstraint(
                fields=["recipient", "group_key", "target_type", "target_id"],
                condition=models.Q(read_at__isnull=True, digest__isnull=True)
                & ~models.Q(group_key=""),
                name="notification_one_open_group",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_status__in=["pending", "sending"]),
                name="notification_outbox_idx",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(email_status="digest", digest__isnull=True),
                name="notification_digest_idx",
            ),
            # Failures of the last day (the moderation dashboard) and a member's to retry.
            models.Index(
                fields=["email_failed_at"],
                condition=models.Q(email_status="failed"),
                name="notification_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def group_size(self) -> int:
        """How many members this notification speaks for (1 unless grouped)."""
        return max(len(self.actor_ids), 1)


class NotificationPreference(models.Model):
    """How a member wants the email (and the push) of one kind; no row means the kind's
    defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    # Push to the member's devices too; None: the kind's default (DEFAULT_PUSH).
    push = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class EmailAddressProblem(models.Model):
    """Email to a member's address failed for good: the address, the reason and when.

    The member's email preferences say so, with a way to try again, until an email to
    them goes through (which deletes this row) or they ask to try again.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_problem",
    )
    address = models.EmailField(max_length=254)
    reason = models.TextField()
    failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Email to {self.address} is failing: {self.reason}"


# --- Web push -------------------------------------------------------------------------------

# Push is for what a member would want to hear of at once, away from the site: things said
# to them or waiting on them. The rest stays in the app and the email. Reactions are never
# pushed (they are grouped, and summarised in the digest).
DEFAULT_PUSH: dict[str, bool] = {
    Kind.COMMENT: True,
    Kind.REPLY: True,
    Kind.MENTION: True,
    Kind.FOLLOW: False,
    Kind.MENTOR_REQUEST: True,
    Kind.MENTORSHIP: True,
    Kind.MENTORSHIP_MESSAGE: True,
    Kind.VERIFICATION: True,
    Kind.MODERATION: True,
    Kind.REPORT: False,
    Kind.GROUP: False,
    # The 15-minute reminder of a live Q&A the member said they would attend.
    Kind.EVENT_STARTING: True,
    # A mentorship meeting proposed, confirmed, moved or cancelled, and its reminders.
    Kind.MEETING: True,
    # Nudges, survey invitations and matches can wait for the member's next visit.
    Kind.PROGRAM: False,
}
PUSH_KINDS: tuple[str, ...] = tuple(DEFAULT_PUSH)


class PushSubscription(models.Model):
    """One device (a browser's push endpoint) a member turned push notifications on for."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    # The push service's address for this browser: a capability, kept private like a key.
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    # "Firefox on Linux": for the member to tell their devices apart.
    user_agent_label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["member", "created_at"], name="push_subscription_member_idx")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.user_agent_label or 'a device'}"


class PushStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Accepted by the push service"
    SKIPPED = "skipped", "Not sent (watching live, or turned off)"
    FAILED = "failed", "Failed"


class PushDelivery(models.Model):
    """The push of one notification to one device: the outbox row of a push.

    Written with the notification, so a push is never lost to a broker outage (the sweep
    queues what is due); claimed with a conditional UPDATE, so it is never sent twice
    except when a worker dies between the push service's answer and recording it.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="push_deliveries"
    )
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=8, choices=PushStatus.choices, default=PushStatus.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "subscription"], name="push_delivery_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PushStatus.values), name="push_delivery_status"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="push_delivery_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Push of {self.notification_id} to {self.subscription_id}: {self.status}"
