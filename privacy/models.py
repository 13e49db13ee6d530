"""What the privacy guard keeps: the confirmations authors gave past its findings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class PrivacyOverride(models.Model):
    """An author confirmed past privacy-guard findings: kept for moderators to review.

    `kinds` and `excerpts` describe text findings. A finding in an image is a region of it:
    `boxes` keeps where each one was, so a moderator can look at exactly that part.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_overrides"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    kinds = models.JSONField(default=list, help_text="Kinds of finding the author confirmed.")
    excerpts = models.JSONField(default=list, help_text="The flagged text, for review.")
    boxes = models.JSONField(
        default=list,
        blank=True,
        help_text="Regions of an image the author confirmed: kind, x, y, width and height "
        "in pixels of the image as shown.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table predates the privacy app (it was created by moderation's 0002).
        db_table = "moderation_privacyoverride"
        indexes = [models.Index(fields=["reviewed_at", "-created_at"])]

    def __str__(self) -> str:
        return f"Privacy override by {self.author_id} on {self.target_type_id}:{self.target_id}"
