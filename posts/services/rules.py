"""Who may do what to posts, comments and groups: the checks every write starts with."""

from __future__ import annotations

import enum

from accounts.models import User
from accounts.moderators import Actor, may_moderate
from community.errors import Refused

from ..models import (
    GROUP_MODERATION_PERMISSION,
    Circle,
    Comment,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
)

# Site moderators moderate groups with models.GROUP_MODERATION_PERMISSION; they start
# campaigns with the permission to add one.
CAMPAIGN_PERMISSION = "posts.add_campaign"
# The reason a site moderator gives for removing a member of a group or declining a request.
MAX_REASON_LENGTH = 500


class NotAllowed(Refused):
    """The member may not do this; the message is shown to them."""


# --- Checks ------------------------------------------------------------------------------


def check_can_see_post(member: User, post: Post) -> None:
    if not Post.objects.visible_to(member).filter(pk=post.pk).exists():
        raise NotAllowed("This post is not available.")


def check_can_see_comment(member: User, comment: Comment) -> None:
    if not Comment.objects.visible_to(member).alive().filter(pk=comment.pk).exists():
        raise NotAllowed("This comment is not available.")
    check_can_see_post(member, comment.post)


def membership_of(member: User, circle: Circle) -> Membership | None:
    return Membership.objects.filter(circle=circle, member=member).first()


class ModeratesAs(enum.Enum):
    """Whose power a member moderates a group with."""

    # One of the group's own moderators: their decisions stay in the group.
    GROUP_MODERATOR = "group_moderator"
    # A site moderator (accounts.moderators): each decision is written to the audit log.
    SITE_MODERATOR = "site_moderator"


def moderates_circle_as(actor: Actor, circle: Circle) -> ModeratesAs | None:
    """How `actor` may moderate `circle`, or None. A site moderator who is also one of the
    group's own moderators moderates it as such, except where only site moderators may act
    (removing a group moderator)."""
    if not actor.user.is_authenticated:
        return None
    if Membership.objects.filter(
        circle=circle,
        member=actor.user,
        role=MembershipRole.MODERATOR,
        status=MembershipStatus.ACTIVE,
    ).exists():
        return ModeratesAs.GROUP_MODERATOR
    if may_moderate(actor, GROUP_MODERATION_PERMISSION):
        return ModeratesAs.SITE_MODERATOR
    return None


def can_moderate_circle(actor: Actor, circle: Circle) -> bool:
    """Group moderators of `circle`, and site moderators, may moderate it."""
    return moderates_circle_as(actor, circle) is not None


def may_remove_group_moderators(actor: Actor) -> bool:
    """Only site moderators remove a group's moderators."""
    return may_moderate(actor, GROUP_MODERATION_PERMISSION)


def may_start_campaigns(actor: Actor) -> bool:
    """Only site moderators turn hashtags into campaigns."""
    return may_moderate(actor, CAMPAIGN_PERMISSION)
