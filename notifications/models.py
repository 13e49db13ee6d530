"""In-app notifications. Each row is written in the transaction of the event it reports."""

from __future__ import annotations

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
    MODERATION = "moderation", "Moderation decisions"
    GROUP = "group", "Group join requests and approvals"


class Notification(models.Model):
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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title
