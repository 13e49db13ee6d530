"""Moderation writes: reports and their cases, privacy-guard overrides, moderator actions,
appeals and the audit log.

Every moderator action goes through `_act`, which in one transaction records the action,
closes the reports it answers, notifies the reporters and the member concerned, and writes
the audit entry. Site-moderator powers used outside the panel write theirs through the
same functions: taking a post out of a group is `remove_content`, a campaign is started by
`posts.services.create_campaign` (the panel's action too), decisions about a group's
members by `record_membership_decision`, and opening a reported mentorship by
`record_reported_mentorship_opened`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, VerificationRequest
from accounts.moderators import Actor
from accounts.permissions import ensure_can_participate
from accounts.services import approve_verification, reject_verification
from community import page_cache
from community.emails import absolute_url, make_message
from community.errors import Refused
from notifications.models import Kind
from notifications.services import notify, queue_email
from posts.models import (
    Campaign,
    Circle,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
)
from privacy.models import PrivacyOverride

from .models import (
    ActionKind,
    Appeal,
    AppealStatus,
    AuditEntry,
    CaseStatus,
    ContactMessage,
    ModerationAction,
    Report,
    ReportCase,
    ReportReason,
    ReportStatus,
)

if TYPE_CHECKING:
    from mentoring.models import Mentorship


class AlreadyReported(Refused):
    code = "already_reported"


class ModerationRefused(Refused):
    """An action that does not apply (already removed, nothing to appeal ...)."""


# --- Reports -----------------------------------------------------------------------------


def file_report(*, reporter: User, target: models.Model, reason: str, note: str = "") -> Report:
    """Open a report and add it to the item's open case; one open report per member per item."""
    ensure_can_participate(reporter)
    if reason not in ReportReason.values:
        raise ValidationError("Choose a reason from the list.")
    if reason == ReportReason.OTHER and not note.strip():
        raise ValidationError("Tell us what is wrong when you choose 'Something else'.")
    target_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            case = _open_case_for(target, target_type=target_type)
            report = Report.objects.create(
                case=case,
                reporter=reporter,
                target_type=target_type,
                target_id=target.pk,
                reason=reason,
                note=note.strip()[:2000],
            )
            ReportCase.objects.filter(pk=case.pk).update(
                open_report_count=F("open_report_count") + 1, last_reported_at=report.created_at
            )
            return report
    except IntegrityError as error:
        # The partial unique constraint is the real guard against a double submit.
        raise AlreadyReported(
            "You have already reported this; moderators will look at it."
        ) from error


def has_open_report(*, reporter: User, target: models.Model) -> bool:
    return Report.objects.filter(
        reporter=reporter,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        status=ReportStatus.OPEN,
    ).exists()


def subject_of(target: models.Model) -> User | None:
    """The member an item belongs to: its author, its sender, or the member itself."""
    if isinstance(target, User):
        return target
    for attribute in ("author", "sender", "member"):
        member = getattr(target, attribute, None)
        if isinstance(member, User):
            return member
    return None


def _open_case_for(target: models.Model, *, target_type: ContentType) -> ReportCase:
    case = ReportCase.objects.filter(
        target_type=target_type, target_id=target.pk, status=CaseStatus.OPEN
    ).first()
    if case is not None:
        return case
    # Two first reports at once: the partial unique index lets only one open case exist;
    # the loser of the race reads the winner's.
    try:
        with transaction.atomic():
            return ReportCase.objects.create(
                target_type=target_type, target_id=target.pk, subject=subject_of(target)
            )
    except IntegrityError:
        return ReportCase.objects.get(
            target_type=target_type, target_id=target.pk, status=CaseStatus.OPEN
        )


# --- Audit -------------------------------------------------------------------------------


def _audit_entry(
    *,
    actor: User,
    action: str,
    target: models.Model | None,
    target_label: str | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> AuditEntry:
    if target_label is None:
        target_label = str(target) if target is not None else ""
    return AuditEntry(
        actor_id=actor.pk,
        actor_label=f"{actor.display_name} <{actor.email}>",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=target_label[:300],
        reason=reason,
        before=before or {},
        after=after or {},
        idempotency_key=idempotency_key,
    )


def record_audit(
    *,
    actor: User,
    action: str,
    target: models.Model | None,
    target_label: str | None = None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry (labelled `str(target)` unless `target_label` says better).
    Entries are never changed: the database refuses it."""
    entry = _audit_entry(
        actor=actor,
        action=action,
        target=target,
        target_label=target_label,
        reason=reason,
        before=before,
        after=after,
    )
    entry.save(force_insert=True)
    return entry


def membership_state(membership: Membership) -> dict[str, Any]:
    """A group membership as the audit log keeps it, before and after a decision."""
    return {
        "group": membership.circle.name,
        "member": membership.member.handle,
        "role": membership.role,
        "status": membership.status,
    }


def record_membership_decision(
    *,
    moderator: User,
    action: ActionKind,
    membership: Membership,
    reason: str = "",
    before: dict[str, Any],
    after: dict[str, Any],
) -> AuditEntry:
    """The audit entry of a site moderator's decision about a group membership, alike
    whether it was taken in the panel or on the group's members page."""
    return record_audit(
        actor=moderator,
        action=action,
        target=membership,
        target_label=f"@{membership.member.handle} in {membership.circle.name}",
        reason=reason,
        before=before,
        after=after,
    )


def record_reported_mentorship_opened(
    *, moderator: User, mentorship: Mentorship, reports: Sequence[Report]
) -> None:
    """Record that a site moderator opened a mentorship's private conversation on the
    grounds of `reports`, the open reports on its messages: one entry per (moderator,
    mentorship, report), however often they open it.

    Called on GET, the one read the site writes for ("break the glass"): a query when
    everything is already recorded, one insert more otherwise. Two requests racing to
    record the same report leave one entry (the unique idempotency key)."""
    action = ActionKind.OPEN_REPORTED_MENTORSHIP
    keys = {
        report.pk: f"{action.value}:{moderator.pk}:{mentorship.pk}:{report.pk}"
        for report in reports
    }
    recorded = set(
        AuditEntry.objects.filter(idempotency_key__in=keys.values()).values_list(
            "idempotency_key", flat=True
        )
    )
    label = f"Mentorship of @{mentorship.mentor.handle} and @{mentorship.mentee.handle}"
    entries = [
        _audit_entry(
            actor=moderator,
            action=action,
            target=mentorship,
            target_label=label,
            # The report's number and reason, not the reporter's note: the note stays
            # with the report, which can be deleted with its author; entries cannot.
            reason=f"Open report {report.pk}: {report.get_reason_display()}",
            after={"report": report.pk, "reason": report.reason, "message": report.target_id},
            idempotency_key=keys[report.pk],
        )
        for report in reports
        if keys[report.pk] not in recorded
    ]
    if entries:
        AuditEntry.objects.bulk_create(entries, ignore_conflicts=True)


# --- Actions -----------------------------------------------------------------------------


def _member_state(member: User) -> dict[str, Any]:
    return {
        "suspended_at": member.suspended_at.isoformat() if member.suspended_at else None,
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None,
        "suspension_reason": member.suspension_reason,
    }


@dataclass(frozen=True)
class RemovalFields:
    """Where a removable model keeps its moderator removal, and what else changes with it."""

    removed_at: str
    reason: str
    # Called with the item and +1 (restored) or -1 (removed): keeps stored counts exact.
    on_change: Callable[[models.Model, int], None] | None = None


def _recount_comment(comment: models.Model, delta: int) -> None:
    # Like an author's deletion, a removal takes the comment out of the post's count.
    if getattr(comment, "deleted_at", None) is None:
        Post.objects.filter(pk=comment.post_id).update(  # type: ignore[attr-defined]
            comment_count=F("comment_count") + delta
        )


# Models moderators may remove, by `app_label.model`. Other apps' models join by name so
# this module imports none of them.
REMOVABLE: dict[str, RemovalFields] = {
    "posts.post": RemovalFields("removed_by_moderators_at", "removal_reason"),
    "posts.comment": RemovalFields(
        "removed_by_moderators_at", "removal_reason", on_change=_recount_comment
    ),
    "mentoring.message": RemovalFields("removed_by_moderators_at", "removal_reason"),
}


def removal_fields(target: models.Model | None) -> RemovalFields | None:
    """How `target` records a removal, or None when it cannot be removed."""
    if target is None:
        return None
    return REMOVABLE.get(target._meta.label_lower)


def _content_state(target: models.Model, fields: RemovalFields) -> dict[str, Any]:
    removed_at = getattr(target, fields.removed_at)
    return {
        "removed_at": removed_at.isoformat() if removed_at else None,
        "removal_reason": getattr(target, fields.reason),
    }


def _close_case(
    case: ReportCase | None, *, status: ReportStatus, action: ModerationAction
) -> list[User]:
    """Close a case and its open reports; return the reporters to tell."""
    if case is None:
        return []
    now = timezone.now()
    open_reports = case.reports.filter(status=ReportStatus.OPEN).select_related("reporter")
    reporters = [report.reporter for report in open_reports]
    open_reports.update(status=status, resolved_at=now)
    ReportCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=now, open_report_count=0
    )
    action.case = case
    action.save(update_fields=["case"])
    return reporters


def decision_url(action: ModerationAction) -> str:
    """The member's page about an action concerning them (reason and appeal)."""
    return reverse("moderation:decision", kwargs={"pk": action.pk})


def _act(
    *,
    moderator: User,
    kind: ActionKind,
    reason: str,
    subject: User | None,
    target: models.Model | None,
    case: ReportCase | None,
    before: dict[str, Any],
    after: dict[str, Any],
    member_title: str,
    suspended_until: datetime | None = None,
) -> ModerationAction:
    if not reason.strip():
        raise ModerationRefused("Give a reason: the member and the audit log will see it.")
    action = ModerationAction.objects.create(
        kind=kind,
        moderator=moderator,
        subject=subject,
        target=target,
        reason=reason.strip(),
        suspended_until=suspended_until,
    )
    report_status = ReportStatus.DISMISSED if kind == ActionKind.DISMISS else ReportStatus.ACTIONED
    reporters = _close_case(case, status=report_status, action=action)
    record_audit(
        actor=moderator, action=kind, target=target, reason=reason, before=before, after=after
    )
    # A decision may change any page a visitor reads (a removal, a restoration, a
    # suspension); decisions are rare, so every cached visitor page is retired.
    page_cache.members_changed()
    if subject is not None and kind != ActionKind.DISMISS:
        notify(
            recipient=subject,
            kind=Kind.MODERATION,
            title=member_title,
            url=decision_url(action),
            target=action,
        )
    outcome = "no action was needed" if kind == ActionKind.DISMISS else "moderators acted on it"
    for reporter in {reporter.pk: reporter for reporter in reporters}.values():
        notify(
            recipient=reporter,
            kind=Kind.REPORT,
            title=f"Thank you for your report: {outcome}.",
            target=action,
        )
    return action


def _case_for(target: models.Model) -> ReportCase | None:
    return ReportCase.objects.filter(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        status=CaseStatus.OPEN,
    ).first()


@transaction.atomic
def dismiss_case(*, moderator: User, case: ReportCase, reason: str) -> ModerationAction:
    """Close a case with no action on the item; reporters are told."""
    case = ReportCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise ModerationRefused("This case is already closed.")
    return _act(
        moderator=moderator,
        kind=ActionKind.DISMISS,
        reason=reason,
        subject=case.subject,
        target=case.target,
        case=case,
        before={"case": "open"},
        after={"case": "closed"},
        member_title="",
    )


@transaction.atomic
def remove_content(*, moderator: User, target: models.Model, reason: str) -> ModerationAction:
    """Soft-remove a post, comment or message: others see "removed by moderators",
    the author sees why."""
    fields = removal_fields(target)
    if fields is None:
        raise ModerationRefused("This kind of item cannot be removed.")
    target = type(target)._default_manager.select_for_update().get(pk=target.pk)
    if getattr(target, fields.removed_at) is not None:
        raise ModerationRefused("This item has already been removed.")
    if not reason.strip():
        raise ModerationRefused("Give a reason: the member and the audit log will see it.")
    before = _content_state(target, fields)
    setattr(target, fields.removed_at, timezone.now())
    setattr(target, fields.reason, reason.strip())
    target.save(update_fields=[fields.removed_at, fields.reason])
    if fields.on_change is not None:
        fields.on_change(target, -1)
    return _act(
        moderator=moderator,
        kind=ActionKind.REMOVE,
        reason=reason,
        subject=subject_of(target),
        target=target,
        case=_case_for(target),
        before=before,
        after=_content_state(target, fields),
        member_title="Moderators removed something you posted.",
    )


@transaction.atomic
def remove_and_sanction(
    *,
    moderator: User,
    case: ReportCase,
    reason: str,
    sanction: str,
    sanction_reason: str = "",
    suspended_until: datetime | None = None,
) -> list[ModerationAction]:
    """Remove a reported item and, in the same step, warn or suspend its author (`sanction`
    "warn" or "suspend"; "none" only removes). All or nothing: a refused sanction leaves
    the item in place. Each decision is its own action in the audit log, tied to the case,
    and the author may appeal each; a sanction needs the right to act on members."""
    if sanction not in SANCTIONS:
        raise ModerationRefused("That is not a sanction moderators can give.")
    case = ReportCase.objects.select_for_update().get(pk=case.pk)
    target = case.target
    if target is None:
        raise ModerationRefused("The item no longer exists.")
    author = subject_of(target)
    if sanction != "none":
        if not moderator.has_perm("moderation.can_moderate_members"):
            raise ModerationRefused("You do not have permission to warn or suspend members.")
        if author is None:
            raise ModerationRefused("There is no author to sanction.")
        if sanction == "suspend" and suspended_until is None:
            raise ModerationRefused("Say for how long to suspend the author.")
    actions = [remove_content(moderator=moderator, target=target, reason=reason)]
    why = sanction_reason.strip() or reason
    if sanction == "warn" and author is not None:
        actions.append(warn_member(moderator=moderator, member=author, reason=why, case=case))
    elif sanction == "suspend" and author is not None:
        actions.append(
            suspend_member(
                moderator=moderator, member=author, reason=why, until=suspended_until, case=case
            )
        )
    return actions


SANCTIONS = frozenset({"none", "warn", "suspend"})


@transaction.atomic
def restore_content(*, moderator: User, target: models.Model, reason: str) -> ModerationAction:
    """Undo a removal (after a successful appeal, for example)."""
    fields = removal_fields(target)
    if fields is None:
        raise ModerationRefused("This kind of item cannot be removed or restored.")
    target = type(target)._default_manager.select_for_update().get(pk=target.pk)
    if getattr(target, fields.removed_at) is None:
        raise ModerationRefused("This item is not removed.")
    before = _content_state(target, fields)
    setattr(target, fields.removed_at, None)
    setattr(target, fields.reason, "")
    target.save(update_fields=[fields.removed_at, fields.reason])
    if fields.on_change is not None:
        fields.on_change(target, 1)
    return _act(
        moderator=moderator,
        kind=ActionKind.RESTORE,
        reason=reason,
        subject=subject_of(target),
        target=target,
        case=None,
        before=before,
        after=_content_state(target, fields),
        member_title="Moderators restored something you posted.",
    )


@transaction.atomic
def warn_member(
    *, moderator: User, member: User, reason: str, case: ReportCase | None = None
) -> ModerationAction:
    """Send a member a warning (in the app and by email)."""
    return _act(
        moderator=moderator,
        kind=ActionKind.WARN,
        reason=reason,
        subject=member,
        target=case.target if case is not None else member,
        case=case,
        before={},
        after={"warned": True},
        member_title="A warning from the moderators.",
    )


@transaction.atomic
def suspend_member(
    *,
    moderator: User,
    member: User,
    reason: str,
    until: datetime | None,
    case: ReportCase | None = None,
) -> ModerationAction:
    """Suspend until a time, or indefinitely when `until` is None."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_staff or member.is_superuser:
        raise ModerationRefused("Staff accounts cannot be suspended from the panel.")
    if until is not None and until <= timezone.now():
        raise ModerationRefused("The end of a suspension must be in the future.")
    before = _member_state(member)
    member.suspended_at = timezone.now()
    member.suspended_until = until
    member.suspension_reason = reason.strip()
    member.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    return _act(
        moderator=moderator,
        kind=ActionKind.SUSPEND,
        reason=reason,
        subject=member,
        target=case.target if case is not None else member,
        case=case,
        before=before,
        after=_member_state(member),
        member_title="Your account has been suspended.",
        suspended_until=until,
    )


@transaction.atomic
def reinstate_member(*, moderator: User, member: User, reason: str) -> ModerationAction:
    """Lift a suspension."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if not member.is_suspended:
        raise ModerationRefused("This member is not suspended.")
    before = _member_state(member)
    member.suspended_at = None
    member.suspended_until = None
    member.suspension_reason = ""
    member.save(update_fields=["suspended_at", "suspended_until", "suspension_reason"])
    return _act(
        moderator=moderator,
        kind=ActionKind.REINSTATE,
        reason=reason,
        subject=member,
        target=member,
        case=None,
        before=before,
        after=_member_state(member),
        member_title="Your account has been reinstated.",
    )


# --- Appeals -----------------------------------------------------------------------------

APPEALABLE = {ActionKind.REMOVE, ActionKind.WARN, ActionKind.SUSPEND}


def file_appeal(*, member: User, action: ModerationAction, text: str) -> Appeal:
    """One appeal per action, by the member it concerns. Suspended members may appeal."""
    if action.subject_id != member.pk:
        raise ModerationRefused("You can only appeal decisions about you.")
    if action.kind not in APPEALABLE:
        raise ModerationRefused("This decision cannot be appealed.")
    if not text.strip():
        raise ModerationRefused("Tell the moderators why the decision should change.")
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, member=member, text=text.strip()[:4000])
    except IntegrityError as error:
        raise ModerationRefused("You have already appealed this decision.") from error


@transaction.atomic
def decide_appeal(*, moderator: User, appeal: Appeal, overturn: bool, note: str) -> Appeal:
    """Uphold or overturn; overturning a removal restores the item, a suspension lifts it."""
    appeal = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
    if appeal.status != AppealStatus.OPEN:
        raise ModerationRefused("This appeal has already been decided.")
    if not note.strip():
        raise ModerationRefused("Explain the decision to the member.")
    before = {"appeal": appeal.status}
    appeal.status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    appeal.decided_by = moderator
    appeal.decided_at = timezone.now()
    appeal.decision_note = note.strip()
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    action = appeal.action
    if overturn and action.kind == ActionKind.REMOVE and action.target is not None:
        restore_content(moderator=moderator, target=action.target, reason=note)
    if overturn and action.kind == ActionKind.SUSPEND and action.subject is not None:
        if action.subject.is_suspended:
            reinstate_member(moderator=moderator, member=action.subject, reason=note)
    record_audit(
        actor=moderator,
        action=ActionKind.DECIDE_APPEAL,
        target=appeal,
        reason=note,
        before=before,
        after={"appeal": appeal.status},
    )
    notify(
        recipient=appeal.member,
        kind=Kind.MODERATION,
        title=f"Your appeal was decided: {appeal.get_status_display().lower()}.",
        url=decision_url(action),
        target=appeal,
    )
    return appeal


@transaction.atomic
def review_privacy_override(*, moderator: User, override: PrivacyOverride, note: str = "") -> None:
    """Mark a privacy-guard override as looked at."""
    updated = PrivacyOverride.objects.filter(pk=override.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now()
    )
    if updated:
        record_audit(
            actor=moderator,
            action=ActionKind.REVIEW_PRIVACY_OVERRIDE,
            target=override,
            reason=note,
            before={"reviewed": False},
            after={"reviewed": True},
        )


# --- Queue decisions outside reports -----------------------------------------------------
# Verifications are decided only in the panel: these wrap accounts.services so that each
# decision lands in the audit log, and take the panel's Actor because accounts.services
# decides the moderator's power itself (accounts.moderators). Campaigns are started by
# posts.services.create_campaign, which writes its own entry: the panel's action and the
# hashtag page both call it.


@transaction.atomic
def approve_verification_request(
    *, moderator: Actor, request: VerificationRequest
) -> VerificationRequest:
    """Verify a physician (accounts.services tells them) and log the decision."""
    before = {"status": request.status}
    decided = approve_verification(request=request, moderator=moderator)
    record_audit(
        actor=moderator.member,
        action=ActionKind.APPROVE_VERIFICATION,
        target=decided,
        before=before,
        after={"status": decided.status, "identifier": decided.identifier},
    )
    return decided


@transaction.atomic
def reject_verification_request(
    *, moderator: Actor, request: VerificationRequest, reason: str
) -> VerificationRequest:
    """Refuse a verification with the reason the member reads, and log it."""
    before = {"status": request.status}
    decided = reject_verification(request=request, moderator=moderator, reason=reason)
    record_audit(
        actor=moderator.member,
        action=ActionKind.REJECT_VERIFICATION,
        target=decided,
        reason=decided.reason,
        before=before,
        after={"status": decided.status, "identifier": decided.identifier},
    )
    return decided


def campaign_state(campaign: Campaign) -> dict[str, Any]:
    """A campaign as the audit log keeps it."""
    return {
        "hashtag": campaign.hashtag.name,
        "title": campaign.title,
        "description": campaign.description,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "banner": campaign.banner.name if campaign.banner else "",
        "banner_alt": campaign.banner_alt,
    }


@transaction.atomic
def save_campaign_changes(*, moderator: User, campaign: Campaign) -> Campaign:
    """Save a campaign edited in the panel, logging what it was and what it became."""
    if campaign.ends_on < campaign.starts_on:
        raise ModerationRefused("The campaign must end on or after the day it starts.")
    stored = Campaign.objects.select_for_update().select_related("hashtag").get(pk=campaign.pk)
    before = campaign_state(stored)
    campaign.save()
    page_cache.lists_changed()
    after = campaign_state(campaign)
    if before != after:
        record_audit(
            actor=moderator,
            action=ActionKind.CHANGE_CAMPAIGN,
            target=campaign,
            before={key: value for key, value in before.items() if after[key] != value},
            after={key: value for key, value in after.items() if before[key] != value},
        )
    return campaign


@transaction.atomic
def remove_group(*, moderator: User, circle: Circle, reason: str) -> None:
    """Delete a group with its posts and memberships; its moderators are told why.

    Removal is a hard delete: a group is a container, and keeping a removed one would mean
    a second kind of "gone" for every group page and query. The audit entry keeps what
    the group was.
    """
    if not reason.strip():
        raise ModerationRefused("Give a reason: the group's moderators will read it.")
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    group_moderators = list(
        User.objects.filter(
            circle_memberships__circle=circle,
            circle_memberships__role=MembershipRole.MODERATOR,
            circle_memberships__status=MembershipStatus.ACTIVE,
        )
    )
    before = {
        "name": circle.name,
        "slug": circle.slug,
        "is_private": circle.is_private,
        "member_count": circle.member_count,
        "post_count": circle.posts.count(),
        "moderators": [member.handle for member in group_moderators],
    }
    record_audit(
        actor=moderator,
        action=ActionKind.REMOVE_GROUP,
        target=circle,
        reason=reason.strip(),
        before=before,
        after={"removed": True},
    )
    name = circle.name
    circle.delete()
    page_cache.lists_changed()
    for member in group_moderators:
        notify(
            recipient=member,
            kind=Kind.GROUP,
            title=f"Moderators removed the group {name}: {reason.strip()}",
        )


@transaction.atomic
def remove_group_moderator(*, moderator: User, membership: Membership, reason: str) -> Membership:
    """Make a group moderator an ordinary member of the group again; they are told why."""
    if not reason.strip():
        raise ModerationRefused("Give a reason: the member will read it.")
    membership = (
        Membership.objects.select_for_update()
        .select_related("circle", "member")
        .get(pk=membership.pk)
    )
    if membership.role != MembershipRole.MODERATOR:
        raise ModerationRefused("This member is not a moderator of the group.")
    before = membership_state(membership)
    membership.role = MembershipRole.MEMBER
    membership.save(update_fields=["role"])
    record_membership_decision(
        moderator=moderator,
        action=ActionKind.REMOVE_GROUP_MODERATOR,
        membership=membership,
        reason=reason.strip(),
        before=before,
        after=membership_state(membership),
    )
    notify(
        recipient=membership.member,
        kind=Kind.GROUP,
        title=(f"You are no longer a moderator of {membership.circle.name}: {reason.strip()}"),
        url=membership.circle.get_absolute_url(),
        target=membership.circle,
    )
    return membership


# --- Contact messages ------------------------------------------------------------------------

CONTACT_PERMISSION = ("moderation", "view_contactmessage")


def contact_recipients() -> list[str]:
    """Email addresses of the staff who read contact messages: active staff holding the
    permission (through the Moderators group or directly) and active superusers."""
    app_label, codename = CONTACT_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return list(
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            models.Q(is_superuser=True)
            | models.Q(groups__permissions__in=permission)
            | models.Q(user_permissions__in=permission)
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


@transaction.atomic
def send_contact_message(
    *, topic: str, email: str, message: str, sender: User | None
) -> ContactMessage:
    """Record a message sent through the contact page and email a copy to every staff
    member who reads them (`contact_recipients`), replying to the sender; all or nothing.
    """
    contact = ContactMessage.objects.create(
        topic=topic, email=email, message=message, sender=sender
    )
    context = {
        "contact": contact,
        "topic": contact.get_topic_display(),
        "sender_url": absolute_url(sender.get_absolute_url()) if sender is not None else "",
        "panel_url": absolute_url(
            reverse("admin:moderation_contactmessage_change", args=[contact.pk])
        ),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    for recipient in contact_recipients():
        queue_email(
            message=make_message(
                "contact", to=recipient, context=context, headers={"Reply-To": email}
            )
        )
    return contact
