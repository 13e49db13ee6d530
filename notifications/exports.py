"""A member's notification data, for their data export and for erasing their account."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models.functions import Lower

from accounts.models import User

from .models import (
    EmailAddressProblem,
    EmailDigest,
    Notification,
    NotificationPreference,
    OutgoingEmail,
)


def export_member_data(user: User) -> dict[str, Any]:
    """Everything this app holds about `user`: notifications received, email choices and
    the last failure of email to their address."""
    notifications = [
        {
            "kind": notification.kind,
            "title": notification.title,
            "url": notification.url,
            "created_at": notification.created_at.isoformat(),
            "read_at": notification.read_at.isoformat() if notification.read_at else None,
            "email_status": notification.email_status,
            "email_sent_at": (
                notification.email_sent_at.isoformat() if notification.email_sent_at else None
            ),
        }
        for notification in Notification.objects.filter(recipient=user).order_by("created_at")
    ]
    preferences = dict(
        NotificationPreference.objects.filter(user=user).values_list("kind", "delivery")
    )
    problem = EmailAddressProblem.objects.filter(member=user).first()
    return {
        "notifications": notifications,
        "notification_preferences": preferences,
        "email_delivery_problem": (
            {
                "address": problem.address,
                "reason": problem.reason,
                "failed_at": problem.failed_at.isoformat(),
            }
            if problem
            else None
        ),
    }


def erase_member_data(user: User, *, keep_content: bool) -> None:
    """Delete what `user` received and chose; detach or delete what they caused.

    Notifications others received about this member's actions carry their name in the
    title: with keep_content (their posts stay, credited to a removed member) the actor link
    is cut; without it those notifications go too.
    """
    Notification.objects.filter(recipient=user).delete()
    EmailDigest.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailAddressProblem.objects.filter(member=user).delete()
    # Account emails to the member's addresses (not in the export: they are mail in transit).
    listed = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    addresses = [user.email, *listed]
    OutgoingEmail.objects.annotate(address=Lower("to")).filter(
        address__in={address.lower() for address in addresses if address}
    ).delete()
    caused = Notification.objects.filter(actor=user)
    if keep_content:
        caused.update(actor=None)
    else:
        caused.delete()
