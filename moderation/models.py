"""Reports from members. The moderation panel works through them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


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


class Report(models.Model):
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


class PrivacyOverride(models.Model):
    """An author confirmed past privacy-guard findings: kept for moderators to review."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_overrides"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    kinds = models.JSONField(default=list, help_text="Kinds of finding the author confirmed.")
    excerpts = models.JSONField(default=list, help_text="The flagged text, for review.")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reviewed_at", "-created_at"])]

    def __str__(self) -> str:
        return f"Privacy override by {self.author_id} on {self.target_type_id}:{self.target_id}"
