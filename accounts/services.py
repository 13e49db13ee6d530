"""Writes about members: profiles, avatars, follow/mute/block, verification, export, deletion."""

from __future__ import annotations

import importlib
import logging
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.text import slugify
from PIL.Image import Image

from community import page_cache
from community.errors import Refused
from community.images import encode_square_thumbnail
from community.markdown import render_markdown
from notifications.models import Kind
from notifications.services import notify
from posts.authors import copy_author_minor_until

from .models import (
    CLINICIAN_ROLES,
    Block,
    Follow,
    Mute,
    RetiredHandle,
    Role,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
    Visibility,
    minor_until_of,
    walls_around,
)
from .moderators import Actor, may_moderate
from .permissions import ParticipationDenied, ensure_can_participate
from .selectors import handle_is_retired, is_walled_off
from .validators import HANDLE_MAX_LENGTH, HANDLE_MIN_LENGTH, RESERVED_HANDLES

logger = logging.getLogger(__name__)

AVATAR_SMALL_SIZE = 64
AVATAR_LARGE_SIZE = 256
DELETED_MEMBER_NAME = "Deleted member"
RETIRED_HANDLE_MESSAGE = (
    "This handle belonged to another member and stays theirs, so their old links and "
    "mentions keep pointing at them; choose another."
)
# Apps that may contribute to a member's data export and erase their part on deletion,
# through an optional `<app>.exports` module.
DATA_HOOK_APPS = ("posts", "mentoring", "notifications", "moderation")


class MemberUnavailable(Refused):
    """The other member is walled off from the actor (a block) or not visible to them."""

    code = "unavailable"

    def __init__(self, message: str = "This member is not available.") -> None:
        super().__init__(message)


class AccountActionError(Refused):
    """A precondition failed; the message is written for the member."""


# --- Handles ---------------------------------------------------------------------------


def unique_handle(display_name: str, *, exclude_pk: int | None = None) -> str:
    """A free handle derived from a display name: "Dr. Amara Okafor" -> "dr-amara-okafor"."""
    base = slugify(display_name)[:HANDLE_MAX_LENGTH].strip("-")
    if len(base) < HANDLE_MIN_LENGTH or base in RESERVED_HANDLES or base.startswith("deleted-"):
        base = f"member-{base}".strip("-")[:HANDLE_MAX_LENGTH].strip("-")
    like_base = Q(handle=base) | Q(handle__startswith=f"{base[:24]}-")
    taken = User.objects.filter(like_base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    # A retired handle is never handed out again, or old links and mentions would lead
    # to a stranger (RetiredHandle).
    retired = RetiredHandle.objects.filter(
        Q(handle__iexact=base) | Q(handle__istartswith=f"{base[:24]}-")
    )
    taken_handles = set(taken.values_list("handle", flat=True)) | {
        handle.lower() for handle in retired.values_list("handle", flat=True)
    }
    if base not in taken_handles:
        return base
    for number in range(2, 10_000):
        suffix = f"-{number}"
        candidate = base[: HANDLE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken_handles:
            return candidate
    return f"member-{secrets.token_hex(6)}"


# --- Profile ---------------------------------------------------------------------------

PROFILE_FIELDS = (
    "display_name",
    "handle",
    "role",
    "training_stage",
    "specialty",
    "institution",
    "graduation_year",
    "languages",
    "country",
    "region",
    "time_zone",
    "bio",
    "website",
    "orcid",
    "interests",
    "profile_visibility",
    "theme",
)


@transaction.atomic
def update_profile(*, member: User, **changes: Any) -> User:
    """Save profile fields (names in PROFILE_FIELDS), render the bio, keep the rules:
    minors stay members-only, a role change clears a physician verification, and one that
    changes whether the member is a minor is copied onto their posts and comments."""
    ensure_can_participate(member)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not profile fields: {sorted(unknown)}")
    # From the database: a bound ModelForm has already copied the new values onto `member`.
    old_role, old_handle, birth_year = (
        User.objects.filter(pk=member.pk).values_list("role", "handle", "birth_year").get()
    )
    old_minor_until = minor_until_of(birth_year=birth_year, role=old_role)
    if "handle" in changes and changes["handle"].lower() != old_handle.lower():
        _change_handle(member, old_handle=old_handle, new_handle=changes["handle"].lower())
        changes["handle"] = changes["handle"].lower()
    for name, value in changes.items():
        setattr(member, name, value)
    if "bio" in changes:
        member.bio_html = render_markdown(member.bio)
    if member.is_minor:
        member.profile_visibility = Visibility.MEMBERS
    if member.role != old_role and member.verification_status != VerificationStatus.UNVERIFIED:
        # A badge vouches for the role it was checked against, not for a new one.
        member.verification_status = VerificationStatus.UNVERIFIED
        VerificationRequest.objects.filter(member=member, status=VerificationStatus.PENDING).update(
            status=VerificationStatus.REJECTED, reason="You changed your role."
        )
    member.save()
    if member.minor_until != old_minor_until:
        # A role change can make a member a minor or an adult.
        copy_minor_until_to_writing(member=member)
    page_cache.members_changed()
    return member


def copy_minor_until_to_writing(*, member: User) -> None:
    """Copy whether `member` is a minor, and until when (`User.minor_until`), onto their
    posts and comments, where the visitors' rule reads it: after every change of their
    birth year or role (the profile, the admin, demo profiles; a new member has nothing
    written yet)."""
    copy_author_minor_until(author=member)


def _change_handle(member: User, *, old_handle: str, new_handle: str) -> None:
    """Retire the member's old handle (only they may take it back) and free the new one if
    it was theirs before."""
    if handle_is_retired(new_handle, member_pk=member.pk):
        raise AccountActionError(RETIRED_HANDLE_MESSAGE)
    RetiredHandle.objects.filter(handle__iexact=new_handle, former_member=member).delete()
    retire_handle(old_handle, former_member=member)


def retire_handle(handle: str, *, former_member: User | None) -> None:
    """Keep `handle` from ever going to another member (idempotent)."""
    RetiredHandle.objects.update_or_create(
        handle=handle.lower(), defaults={"former_member": former_member}
    )


def _delete_avatar_files(member: User) -> None:
    for field in (member.avatar_small, member.avatar_large):
        if field:
            field.delete(save=False)


@transaction.atomic
def set_avatar(*, member: User, image: Image) -> User:
    """Store two square thumbnails of an image checked by community.images.load_image."""
    ensure_can_participate(member)
    token = secrets.token_hex(8)
    small = encode_square_thumbnail(image, size=AVATAR_SMALL_SIZE)
    large = encode_square_thumbnail(image, size=AVATAR_LARGE_SIZE)
    old_files = [member.avatar_small.name, member.avatar_large.name]
    member.avatar_small.save(f"{token}-{AVATAR_SMALL_SIZE}.webp", small, save=False)
    member.avatar_large.save(f"{token}-{AVATAR_LARGE_SIZE}.webp", large, save=False)
    member.save(update_fields=["avatar_small", "avatar_large"])
    page_cache.members_changed()
    storage = member.avatar_small.storage

    def _remove_old_files() -> None:
        for name in old_files:
            if name:
                storage.delete(name)

    transaction.on_commit(_remove_old_files)
    return member


@transaction.atomic
def remove_avatar(*, member: User) -> User:
    """Delete the member's avatar files."""
    ensure_can_participate(member)
    _delete_avatar_files(member)
    member.avatar_small = ""
    member.avatar_large = ""
    member.save(update_fields=["avatar_small", "avatar_large"])
    page_cache.members_changed()
    return member


# --- Follow, mute, block ---------------------------------------------------------------


def _ensure_signed_in(user: User | AnonymousUser) -> None:
    if not user.is_authenticated or not user.is_active:
        raise ParticipationDenied("Sign in to do that.", "anonymous")


def _ensure_other_visible(actor: User, other: User) -> None:
    if actor.pk == other.pk:
        raise AccountActionError("You can't do that to yourself.")
    if is_walled_off(actor, other) or not other.is_active:
        raise MemberUnavailable()


@transaction.atomic
def follow(*, follower: User, followee: User) -> Follow:
    """Follow a member (idempotent); they are notified the first time."""
    ensure_can_participate(follower)
    _ensure_other_visible(follower, followee)
    relation, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        _count_follow(follower.pk, followee.pk, 1)
        notify(
            recipient=followee,
            kind=Kind.FOLLOW,
            title=f"{follower.display_name} started following you",
            url=follower.get_absolute_url(),
            actor=follower,
            target=follower,
        )
    return relation


@transaction.atomic
def unfollow(*, follower: User, followee: User) -> None:
    """Stop following; always allowed, even while suspended."""
    _ensure_signed_in(follower)
    _end_follow(follower.pk, followee.pk)


def _end_follow(follower_id: int, followee_id: int) -> None:
    deleted, _ = Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).delete()
    if deleted:
        _count_follow(follower_id, followee_id, -1)


def _count_follow(follower_id: int, followee_id: int, step: int) -> None:
    _move_follow_counts(followers=[follower_id], followees=[followee_id], step=step)


def _move_follow_counts(*, followers: list[int], followees: list[int], step: int) -> None:
    """Move the following count of each of `followers` and the follower count of each of
    `followees` by `step` (one follow each); a count never goes below zero."""
    User.objects.filter(pk__in=followees).update(
        follower_count=Greatest(F("follower_count") + step, 0)
    )
    User.objects.filter(pk__in=followers).update(
        following_count=Greatest(F("following_count") + step, 0)
    )
    page_cache.follows_changed()


def end_all_follows(member: User) -> None:
    """End every follow to and from `member` (their account is being erased), taking one
    from the count of each member on the other side."""
    rows = Follow.objects.select_for_update().filter(Q(follower=member) | Q(followee=member))
    pairs = list(rows.values_list("follower_id", "followee_id"))
    rows.delete()
    _move_follow_counts(
        followers=[follower for follower, followee in pairs if followee == member.pk],
        followees=[followee for follower, followee in pairs if follower == member.pk],
        step=-1,
    )
    User.objects.filter(pk=member.pk).update(follower_count=0, following_count=0)
    member.follower_count = member.following_count = 0


def recount_follows(members: QuerySet[User] | None = None) -> int:
    """Set the follower and following counts of `members` (everyone by default) from the
    follow rows: after follows were written in bulk, as the demo and scale loaders do."""

    def counted(field: str) -> Coalesce:
        rows = (
            Follow.objects.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    members = User.objects.all() if members is None else members
    page_cache.follows_changed()
    return members.update(follower_count=counted("followee"), following_count=counted("follower"))


# Muting and blocking protect the member doing it, so they need only a signed-in account:
# someone suspended, or who has not confirmed their email yet, must still be able to do it.


@transaction.atomic
def mute(*, muter: User, muted: User) -> Mute:
    """Hide `muted`'s posts from `muter`'s feeds; nothing else changes, nobody is told."""
    _ensure_signed_in(muter)
    _ensure_other_visible(muter, muted)
    relation, _created = Mute.objects.get_or_create(muter=muter, muted=muted)
    return relation


@transaction.atomic
def unmute(*, muter: User, muted: User) -> None:
    _ensure_signed_in(muter)
    Mute.objects.filter(muter=muter, muted=muted).delete()


@transaction.atomic
def block(*, blocker: User, blocked: User) -> Block:
    """Wall two members off from each other; follows in both directions end. Idempotent."""
    _ensure_signed_in(blocker)
    if blocker.pk == blocked.pk:
        raise AccountActionError("You can't block yourself.")
    relation, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    _end_follow(blocker.pk, blocked.pk)
    _end_follow(blocked.pk, blocker.pk)
    return relation


@transaction.atomic
def unblock(*, blocker: User, blocked: User) -> None:
    """Lift one's own block (a block the other member made stays)."""
    _ensure_signed_in(blocker)
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


# --- Physician verification ------------------------------------------------------------


@transaction.atomic
def submit_verification(
    *,
    member: User,
    method: VerificationMethod | str,
    document: File[bytes] | ContentFile,
    document_content_type: str,
    npi: str = "",
    licence_body: str = "",
    licence_number: str = "",
    country: str = "",
) -> VerificationRequest:
    """Ask moderators to verify a physician or resident; the member's status becomes pending.

    `document` must already be checked (type, size) and cleaned by the form.
    """
    ensure_can_participate(member)
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.role not in CLINICIAN_ROLES:
        raise AccountActionError("Only physicians and residents can ask to be verified.")
    if member.verification_status == VerificationStatus.PENDING:
        raise AccountActionError("Your request is already waiting for a moderator.")
    if member.verification_status == VerificationStatus.VERIFIED:
        raise AccountActionError("You are already verified.")
    method = VerificationMethod(method)
    request = VerificationRequest(
        member=member,
        method=method,
        npi=npi if method == VerificationMethod.NPI else "",
        licence_body=licence_body if method == VerificationMethod.LICENCE else "",
        licence_number=licence_number if method == VerificationMethod.LICENCE else "",
        country="US" if method == VerificationMethod.NPI else country,
        document_content_type=document_content_type,
    )
    request.document.save(document.name or "document", document, save=False)
    request.save()
    member.verification_status = VerificationStatus.PENDING
    member.save(update_fields=["verification_status"])
    return request


def _lock_pending(request: VerificationRequest) -> VerificationRequest:
    locked = (
        VerificationRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    )
    if locked.status != VerificationStatus.PENDING:
        raise AccountActionError("This request has already been decided.")
    return locked


def _ensure_can_decide(moderator: Actor, request: VerificationRequest) -> None:
    if not may_moderate(moderator, "accounts.change_verificationrequest"):
        raise AccountActionError("You do not have permission to decide verification requests.")
    if moderator.user.pk == request.member_id:
        raise AccountActionError("You can't decide your own verification request.")


@transaction.atomic
def approve_verification(*, request: VerificationRequest, moderator: Actor) -> VerificationRequest:
    """Mark the member verified and tell them."""
    request = _lock_pending(request)
    _ensure_can_decide(moderator, request)
    request.status = VerificationStatus.VERIFIED
    request.reason = ""
    request.decided_at = timezone.now()
    request.decided_by = moderator.member
    request.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    User.objects.filter(pk=request.member_id).update(
        verification_status=VerificationStatus.VERIFIED
    )
    page_cache.members_changed()
    request.member.verification_status = VerificationStatus.VERIFIED
    notify(
        recipient=request.member,
        kind=Kind.VERIFICATION,
        title="You are verified: your badge now shows beside your name.",
        url=_verification_url(),
        target=request,
    )
    return request


@transaction.atomic
def reject_verification(
    *, request: VerificationRequest, moderator: Actor, reason: str
) -> VerificationRequest:
    """Refuse with a reason the member sees; they may submit again."""
    reason = reason.strip()
    if not reason:
        raise AccountActionError("Give the member a reason, so they know what to fix.")
    request = _lock_pending(request)
    _ensure_can_decide(moderator, request)
    request.status = VerificationStatus.REJECTED
    request.reason = reason
    request.decided_at = timezone.now()
    request.decided_by = moderator.member
    request.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    User.objects.filter(pk=request.member_id).update(
        verification_status=VerificationStatus.REJECTED
    )
    page_cache.members_changed()
    request.member.verification_status = VerificationStatus.REJECTED
    notify(
        recipient=request.member,
        kind=Kind.VERIFICATION,
        title=f"Your verification was not approved: {reason}",
        url=_verification_url(),
        target=request,
    )
    return request


def _verification_url() -> str:
    from django.urls import reverse

    return reverse("accounts:verification")


# --- Data export and deletion ----------------------------------------------------------


def _data_hook(app: str, name: str) -> Any:
    try:
        module = importlib.import_module(f"{app}.exports")
    except ModuleNotFoundError as error:
        if error.name not in (app, f"{app}.exports"):
            raise
        return None
    return getattr(module, name, None)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_member_data(*, member: User) -> dict[str, Any]:
    """Everything the member created or takes part in, as JSON-serialisable data."""
    profile = {
        "email": member.email,
        "handle": member.handle,
        "display_name": member.display_name,
        "role": member.role,
        "birth_year": member.birth_year,
        "verification_status": member.verification_status,
        "date_joined": _iso(member.date_joined),
        "profile_visibility": member.profile_visibility,
        "training_stage": member.training_stage,
        "specialty": member.specialty,
        "institution": member.institution,
        "graduation_year": member.graduation_year,
        "languages": list(member.languages),
        "country": str(member.country or ""),
        "region": member.region,
        "time_zone": member.time_zone,
        "bio": member.bio,
        "website": member.website,
        "orcid": member.orcid,
        "interests": list(member.interests),
        "theme": member.theme,
        "has_avatar": bool(member.avatar_small),
    }
    data: dict[str, Any] = {
        "format": "rounds-member-export/1",
        "exported_at": timezone.now().isoformat(),
        "profile": profile,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=member).order_by("id")
        ],
        "following": [
            {"handle": handle, "since": _iso(created)}
            for handle, created in Follow.objects.filter(follower=member)
            .order_by("id")
            .values_list("followee__handle", "created_at")
        ],
        "followers": [
            {"handle": handle, "since": _iso(created)}
            for handle, created in Follow.objects.filter(followee=member)
            .order_by("id")
            .values_list("follower__handle", "created_at")
        ],
        "muted": list(
            Mute.objects.filter(muter=member).order_by("id").values_list("muted__handle", flat=True)
        ),
        "blocked": list(
            Block.objects.filter(blocker=member)
            .order_by("id")
            .values_list("blocked__handle", flat=True)
        ),
        "verification_requests": [
            {
                "method": request.method,
                "identifier": request.identifier,
                "country": str(request.country or ""),
                "status": request.status,
                "reason": request.reason,
                "submitted_at": _iso(request.submitted_at),
                "decided_at": _iso(request.decided_at),
            }
            for request in VerificationRequest.objects.filter(member=member)
        ],
        "two_factor_methods": sorted(
            set(Authenticator.objects.filter(user=member).values_list("type", flat=True))
        ),
    }
    for app in DATA_HOOK_APPS:
        hook = _data_hook(app, "export_member_data")
        if hook is not None:
            data[app] = hook(member)
    return data


@transaction.atomic
def delete_account(*, member: User, keep_content: bool) -> None:
    """Erase a member: other apps' data first, then uploads, then the row.

    With `keep_content`, posts and comments stay under a "Deleted member" tombstone: the
    row is kept, anonymised and unusable. Without it, the row goes and everything that
    points at it cascades. Either way the password hash changes or the row disappears, so
    every other session of the member stops authenticating on its next request.
    """
    member = User.objects.select_for_update().get(pk=member.pk)
    for app in DATA_HOOK_APPS:
        hook = _data_hook(app, "erase_member_data")
        if hook is not None:
            hook(member, keep_content=keep_content)

    files = [member.avatar_small, member.avatar_large]
    files += [request.document for request in VerificationRequest.objects.filter(member=member)]
    file_refs = [(field.storage, field.name) for field in files if field]

    end_all_follows(member)
    # Before the row changes: the handle outlives it, so no one else answers to it.
    retire_handle(member.handle, former_member=None)
    RetiredHandle.objects.filter(former_member=member).update(former_member=None)
    if keep_content:
        _anonymise(member)
    else:
        member.delete()
    page_cache.members_changed()

    def _remove_files() -> None:
        for storage, name in file_refs:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete %s of a deleted member", name)

    transaction.on_commit(_remove_files)


def _anonymise(member: User) -> None:
    """Empty the row of a member whose posts and comments stay. The copy of their age on
    those (`author_minor_until`) is left as it was: a minor's writing stays hidden from
    visitors until the day they would have turned 18, though the row forgets their age."""
    VerificationRequest.objects.filter(member=member).delete()
    Mute.objects.filter(Q(muter=member) | Q(muted=member)).delete()
    Block.objects.filter(walls_around(member)).delete()
    EmailAddress.objects.filter(user=member).delete()
    Authenticator.objects.filter(user=member).delete()
    member.groups.clear()
    member.user_permissions.clear()

    member.email = f"deleted-{member.pk}@deleted.invalid"
    member.handle = f"deleted-{member.pk}"
    member.display_name = DELETED_MEMBER_NAME
    member.set_unusable_password()
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.birth_year = None
    member.verification_status = VerificationStatus.UNVERIFIED
    member.role = Role.HEALTH_PROFESSIONAL
    member.suspended_at = None
    member.suspended_until = None
    member.suspension_reason = ""
    member.avatar_small = ""
    member.avatar_large = ""
    member.profile_visibility = Visibility.MEMBERS
    for name in ("training_stage", "specialty", "institution", "region", "time_zone"):
        setattr(member, name, "")
    for name in ("bio", "bio_html", "website", "orcid", "country"):
        setattr(member, name, "")
    member.graduation_year = None
    member.languages = []
    member.interests = []
    member.save()
