"""Reports, the cases they form, moderation actions, appeals and the audit log.

A `ReportCase` is one reported item: the report queue lists cases, not single reports, so
ten reports on one post are one row with a count. Actions close cases and the reports in
them. Every moderator action writes an `AuditEntry`, which the database refuses to change
or delete.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from community.times import when_text


class ReportReason(models.TextChoices):
    MISINFORMATION = "misinformation", "Medical misinformation"
    PATIENT_PRIVACY = "patient_privacy", "Patient privacy"
    HARASSMENT = "harassment", "Harassment"
    SPAM = "spam", "Spam"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned"
    DISMISSED = "dismissed", "Dismissed"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportCase(models.Model):
    """One reported item, with its reports counted."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # The member whose content or profile was reported (for their history and actions).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_cases",
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    open_report_count = models.PositiveIntegerField(default=0)
    first_reported_at = models.DateTimeField(default=timezone.now)
    last_reported_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "reported item"
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=models.Q(status="open"),
                name="report_case_one_open_per_item",
            )
        ]
        indexes = [
            models.Index(
                fields=["-open_report_count", "first_reported_at"],
                condition=models.Q(status="open"),
                name="report_case_queue_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type.model} #{self.target_id}"


class Report(models.Model):
    case = models.ForeignKey(
        ReportCase, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="open")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=models.Q(status="open"),
                name="report_one_open_per_member_item",
            )
        ]
        indexes = [models.Index(fields=["status", "target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on {self.target_type.model} {self.target_id}"


class ActionKind(models.TextChoices):
    DISMISS = "dismiss", "Dismiss reports"
    REMOVE = "remove", "Remove content"
    RESTORE = "restore", "Restore content"
    WARN = "warn", "Warn member"
    SUSPEND = "suspend", "Suspend member"
    REINSTATE = "reinstate", "Reinstate member"
    APPROVE_VERIFICATION = "approve_verification", "Approve verification"
    REJECT_VERIFICATION = "reject_verification", "Reject verification"
    MAKE_CAMPAIGN = "make_campaign", "Turn hashtag into campaign"
    CHANGE_CAMPAIGN = "change_campaign", "Change campaign"
    REMOVE_GROUP = "remove_group", "Remove group"
    REMOVE_GROUP_MODERATOR = "remove_group_moderator", "Remove group moderator"
    APPROVE_GROUP_REQUEST = "approve_group_request", "Approve request to join group"
    DECLINE_GROUP_REQUEST = "decline_group_request", "Decline request to join group"
    REMOVE_GROUP_MEMBER = "remove_group_member", "Remove group member"
    MAKE_GROUP_MODERATOR = "make_group_moderator", "Make group moderator"
    OPEN_REPORTED_MENTORSHIP = "open_reported_mentorship", "Open reported mentorship"
    DECIDE_APPEAL = "decide_appeal", "Decide appeal"
    REVIEW_PRIVACY_OVERRIDE = "review_privacy_override", "Review privacy override"


class ModerationAction(models.Model):
    """A decision a member can see and appeal (dismissals are recorded too)."""

    kind = models.CharField(max_length=32, choices=ActionKind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_actions",
        help_text="The member the action concerns.",
    )
    case = models.ForeignKey(
        ReportCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    reason = models.TextField()
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        # Warning, suspending and reinstating members from the panel; the member records
        # themselves stay read-only there.
        permissions = [("can_moderate_members", "Can warn, suspend and reinstate members")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({when_text(self.created_at, 'date')})"


class AppealStatus(models.TextChoices):
    OPEN = "open", "Open"
    UPHELD = "upheld", "Action upheld"
    OVERTURNED = "overturned", "Action overturned"


class Appeal(models.Model):
    """A member's request to reconsider an action: one per action."""

    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    text = models.TextField(max_length=4000)
    status = models.CharField(
        max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Appeal of {self.action}"


class AuditEntry(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE on this table.

    The actor is kept as an id and a label without a foreign key, so deleting a moderator's
    account later neither cascades into nor rewrites the history.
    """

    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=32, choices=ActionKind.choices)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True)
    target_label = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    # Set on entries written at most once: a moderator opening a reported mentorship is
    # recorded once per report, however often they open it. The unique index makes that
    # hold when two requests race; every other entry leaves it NULL. NULL, not "": a
    # nullable column without a default is the one SQLite adds in place, where a rebuilt
    # table would lose the append-only trigger of 0004.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=100, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # Partial, so that SQLite adds it as an index instead of rebuilding the table.
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="audit_entry_idempotency_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{when_text(self.created_at)} {self.actor_label}: {self.get_action_display()}"


class ContactTopic(models.TextChoices):
    QUESTION = "question", "A question about Rounds"
    ACCOUNT = "account", "My account or my verification"
    PRIVACY = "privacy", "Privacy or my data"
    SAFETY = "safety", "Safety, or a member's behaviour"
    PRESS = "press", "Press, research or partnership"
    OTHER = "other", "Something else"


class ContactMessage(models.Model):
    """A message sent through the contact page, kept for the moderators, who are also
    emailed a copy; `sender` is the member who sent it, when signed in."""

    topic = models.CharField(max_length=12, choices=ContactTopic.choices)
    email = models.EmailField(max_length=254)
    message = models.TextField(max_length=5000)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_messages",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} from {self.email}"
