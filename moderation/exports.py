"""A member's messages to the team, for their data export and for erasing their account.

Reports, appeals and moderators' decisions are the moderators' records of what happened
and stay with the audit log; what a member wrote through the contact page is theirs.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User

from .models import ContactMessage


def export_member_data(user: User) -> dict[str, Any]:
    """The messages `user` sent through the contact page while signed in."""
    return {
        "contact_messages": [
            {
                "topic": message.topic,
                "email": message.email,
                "message": message.message,
                "created_at": message.created_at.isoformat(),
            }
            for message in ContactMessage.objects.filter(sender=user).order_by("created_at")
        ]
    }


def erase_member_data(user: User, *, keep_content: bool) -> None:
    """Delete the member's messages to the team, whatever happens to their posts: they
    were never public content."""
    ContactMessage.objects.filter(sender=user).delete()
