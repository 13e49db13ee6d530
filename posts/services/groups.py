"""Groups: creating, joining and leaving them, and their moderation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.moderators import Actor
from accounts.permissions import ensure_can_participate
from community import page_cache
from moderation.models import ActionKind
from moderation.services import (
    membership_state,
    record_membership_decision,
    remove_content,
)
from notifications.models import Kind
from notifications.services import notify

from ..models import (
    Circle,
    CircleKind,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
)

# --- Groups ------------------------------------------------------------------------------
from .rules import (
    MAX_REASON_LENGTH,
    ModeratesAs,
    NotAllowed,
    may_remove_group_moderators,
    membership_of,
    moderates_circle_as,
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "group"
    slug, number = base, 2
    while Circle.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_circle(
    *,
    creator: User,
    name: str,
    description: str = "",
    kind: str = CircleKind.TOPIC,
    is_private: bool = False,
) -> Circle:
    """Create a group; its creator is its first member and group moderator."""
    ensure_can_participate(creator)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the group a name.")
    if kind not in CircleKind.values:
        raise ValidationError("Choose specialty or topic.")
    if Circle.objects.filter(name__iexact=name).exists():
        raise ValidationError("A group with this name already exists.")
    circle = Circle.objects.create(
        slug=_unique_slug(name),
        name=name,
        description=description.strip(),
        kind=kind,
        is_private=is_private,
        member_count=1,
        created_by=creator,
    )
    Membership.objects.create(
        circle=circle,
        member=creator,
        role=MembershipRole.MODERATOR,
        status=MembershipStatus.ACTIVE,
    )
    return circle


def _circle_moderators(circle: Circle) -> list[User]:
    return list(
        User.objects.filter(
            circle_memberships__circle=circle,
            circle_memberships__role=MembershipRole.MODERATOR,
            circle_memberships__status=MembershipStatus.ACTIVE,
        )
    )


@transaction.atomic
def join_circle(*, member: User, circle: Circle) -> Membership:
    """Join a public group at once; ask to join a private one (its moderators are told)."""
    ensure_can_participate(member)
    existing = membership_of(member, circle)
    if existing is not None:
        return existing
    status = MembershipStatus.PENDING if circle.is_private else MembershipStatus.ACTIVE
    try:
        with transaction.atomic():
            membership = Membership.objects.create(circle=circle, member=member, status=status)
    except IntegrityError:
        # A double submit: the first request made it.
        return Membership.objects.get(circle=circle, member=member)
    if status == MembershipStatus.ACTIVE:
        Circle.objects.filter(pk=circle.pk).update(member_count=F("member_count") + 1)
    else:
        for moderator in _circle_moderators(circle):
            notify(
                recipient=moderator,
                kind=Kind.GROUP,
                title=f"{member.display_name} asks to join {circle.name}",
                url=circle.get_absolute_url() + "members/",
                actor=member,
                target=circle,
            )
    return membership


def _is_only_moderator(membership: Membership) -> bool:
    if membership.role != MembershipRole.MODERATOR or not membership.is_active:
        return False
    return not (
        Membership.objects.filter(
            circle_id=membership.circle_id,
            role=MembershipRole.MODERATOR,
            status=MembershipStatus.ACTIVE,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def _end_membership(membership: Membership) -> bool:
    """Delete the membership; False when it was already gone."""
    deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
    if deleted and membership.status == MembershipStatus.ACTIVE:
        Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") - 1)
    return bool(deleted)


@transaction.atomic
def leave_circle(*, member: User, circle: Circle) -> None:
    """Leave a group, or withdraw a request to join. The only moderator must hand over first."""
    membership = membership_of(member, circle)
    if membership is None:
        return
    others_remain = (
        Membership.objects.filter(circle=circle, status=MembershipStatus.ACTIVE)
        .exclude(pk=membership.pk)
        .exists()
    )
    if _is_only_moderator(membership) and others_remain:
        raise NotAllowed(
            "You are this group's only moderator: make another member a moderator first."
        )
    _end_membership(membership)


def _check_moderates(moderator: Actor, circle: Circle) -> ModeratesAs:
    ensure_can_participate(moderator.user)
    moderates_as = moderates_circle_as(moderator, circle)
    if moderates_as is None:
        raise NotAllowed("Only the group's moderators can do this.")
    return moderates_as


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason: the audit log keeps it.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(f"Keep the reason to {MAX_REASON_LENGTH} characters at most.")
    return reason


@transaction.atomic
def approve_membership(*, moderator: Actor, membership: Membership) -> Membership:
    """Let a member who asked into a private group in; they are told. A site moderator's
    approval is audited."""
    moderates_as = _check_moderates(moderator, membership.circle)
    before = membership_state(membership)
    updated = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
        status=MembershipStatus.ACTIVE
    )
    # Only the fields: a full refresh would drop the loaded group and member.
    membership.refresh_from_db(fields=["status", "role"])
    if updated:
        Circle.objects.filter(pk=membership.circle_id).update(member_count=F("member_count") + 1)
        notify(
            recipient=membership.member,
            kind=Kind.GROUP,
            title=f"You are now a member of {membership.circle.name}",
            url=membership.circle.get_absolute_url(),
            actor=moderator.member,
            target=membership.circle,
        )
        if moderates_as is ModeratesAs.SITE_MODERATOR:
            record_membership_decision(
                moderator=moderator.member,
                action=ActionKind.APPROVE_GROUP_REQUEST,
                membership=membership,
                before=before,
                after=membership_state(membership),
            )
    return membership


@transaction.atomic
def remove_member(*, moderator: Actor, membership: Membership, reason: str = "") -> None:
    """Remove a member from the group, or decline a request to join. Only site moderators
    remove a group moderator; a site moderator gives a reason, kept in the audit log."""
    moderates_as = _check_moderates(moderator, membership.circle)
    if membership.member_id == moderator.user.pk:
        raise NotAllowed("To leave the group yourself, use Leave.")
    removes_a_moderator = membership.role == MembershipRole.MODERATOR
    if removes_a_moderator and not may_remove_group_moderators(moderator):
        raise NotAllowed("Group moderators can only be removed by site moderators.")
    is_site_decision = removes_a_moderator or moderates_as is ModeratesAs.SITE_MODERATOR
    if is_site_decision:
        reason = _check_reason(reason)
    before = membership_state(membership)
    if _end_membership(membership) and is_site_decision:
        record_membership_decision(
            moderator=moderator.member,
            action=ActionKind.DECLINE_GROUP_REQUEST
            if membership.status == MembershipStatus.PENDING
            else ActionKind.REMOVE_GROUP_MEMBER,
            membership=membership,
            reason=reason,
            before=before,
            after={"removed": True},
        )


@transaction.atomic
def make_circle_moderator(*, moderator: Actor, membership: Membership) -> Membership:
    """Make an active member a group moderator. A site moderator's choice is audited."""
    moderates_as = _check_moderates(moderator, membership.circle)
    if not membership.is_active:
        raise ValidationError("Approve the request first.")
    before = membership_state(membership)
    updated = (
        Membership.objects.filter(pk=membership.pk, status=MembershipStatus.ACTIVE)
        .exclude(role=MembershipRole.MODERATOR)
        .update(role=MembershipRole.MODERATOR)
    )
    membership.role = MembershipRole.MODERATOR
    if updated and moderates_as is ModeratesAs.SITE_MODERATOR:
        record_membership_decision(
            moderator=moderator.member,
            action=ActionKind.MAKE_GROUP_MODERATOR,
            membership=membership,
            before=before,
            after=membership_state(membership),
        )
    return membership


@transaction.atomic
def remove_post_in_circle(*, moderator: Actor, post: Post, reason: str) -> None:
    """A group moderator takes a post out of their group; the author is told why.

    A site moderator removing it acts as in the panel (`moderation.services.remove_content`):
    the author can appeal the decision, and the audit log keeps it."""
    if post.circle is None:
        raise NotAllowed("Only posts in a group can be removed by its moderators.")
    moderates_as = _check_moderates(moderator, post.circle)
    if not reason.strip():
        raise ValidationError("Say why the post is removed; the author will read it.")
    if moderates_as is ModeratesAs.SITE_MODERATOR:
        remove_content(moderator=moderator.member, target=post, reason=reason)
        return
    updated = Post.objects.filter(pk=post.pk, removed_by_moderators_at__isnull=True).update(
        removed_by_moderators_at=timezone.now(),
        removal_reason=f"Removed by the moderators of {post.circle.name}: {reason.strip()}",
        search_vector=None,
    )
    if updated:
        page_cache.post_changed(post.pk)
        notify(
            recipient=post.author,
            kind=Kind.MODERATION,
            title=f"Your post “{post.headline}” was removed from {post.circle.name}",
            url=post.get_absolute_url(),
            actor=moderator.member,
            target=post,
        )
