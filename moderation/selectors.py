"""Reads for the moderation panel and the member's decision pages.

Reported items are polymorphic (a post, a comment, a mentorship message, a profile): the
queue loads them in one query per kind, never one per row.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone

from accounts.models import User, VerificationRequest, VerificationStatus
from notifications.selectors import failed_email_count
from privacy.models import PrivacyOverride

from .models import (
    ActionKind,
    Appeal,
    AppealStatus,
    AuditEntry,
    ModerationAction,
    Report,
    ReportCase,
    ReportReason,
    ReportStatus,
)
from .services import removal_fields

# The kinds of item members report, by model label, as moderators call them.
ITEM_KINDS: dict[str, str] = {
    "posts.post": "post",
    "posts.comment": "comment",
    "mentoring.message": "message",
    "accounts.user": "profile",
}

# What each kind needs loaded to show its label and context without further queries.
_RELATED: dict[str, tuple[str, ...]] = {
    "posts.post": ("author",),
    "posts.comment": ("author", "post"),
    "mentoring.message": ("sender", "mentorship"),
    "accounts.user": (),
}

EXCERPT_LENGTH = 90
THREAD_LENGTH = 10
HISTORY_LENGTH = 20
ACTIVITY_DAYS = 7
# Email that failed for good lately: a member who misses decisions, or a mail server down.
FAILED_EMAIL_HOURS = 24


def kind_of(content_type: ContentType | None) -> str:
    if content_type is None:
        return "item"
    return ITEM_KINDS.get(f"{content_type.app_label}.{content_type.model}", content_type.model)


def kind_content_type_ids() -> dict[str, int]:
    """Content type ids of the reportable kinds that are installed (cached by Django)."""
    ids = {}
    for label, kind in ITEM_KINDS.items():
        app_label, model = label.split(".")
        try:
            ids[kind] = ContentType.objects.get_by_natural_key(app_label, model).pk
        except ContentType.DoesNotExist:
            continue
    return ids


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def item_label(target: models.Model | None) -> str:
    """A short, plain-text description of a reported item for lists."""
    if target is None:
        return "(no longer exists)"
    if isinstance(target, User):
        return f"{target.display_name} (@{target.handle})"
    headline = getattr(target, "headline", None)
    if isinstance(headline, str) and headline:
        return _excerpt(headline)
    return _excerpt(str(getattr(target, "body", "") or target))


def load_targets(
    pairs: Iterable[tuple[int | None, int | None]],
) -> dict[tuple[int, int], models.Model]:
    """The items behind (content type id, object id) pairs: one query per kind."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for type_id, object_id in pairs:
        if type_id is not None and object_id is not None:
            by_type[type_id].add(object_id)
    found: dict[tuple[int, int], models.Model] = {}
    for type_id, object_ids in by_type.items():
        content_type = ContentType.objects.get_for_id(type_id)
        model = content_type.model_class()
        if model is None:
            continue
        related = _RELATED.get(model._meta.label_lower, ())
        for item in model._default_manager.filter(pk__in=object_ids).select_related(*related):
            found[(type_id, item.pk)] = item
    return found


def attach_targets(cases: Sequence[ReportCase]) -> None:
    """Give each case `item` (or None when it is gone) without a query per case."""
    targets = load_targets((case.target_type_id, case.target_id) for case in cases)
    for case in cases:
        case.item = targets.get((case.target_type_id, case.target_id))  # type: ignore[attr-defined]


def queue_prefetch() -> Prefetch:
    """The reports of each case in the queue, oldest first, with their reporters."""
    return Prefetch(
        "reports",
        queryset=Report.objects.select_related("reporter").order_by("created_at", "id"),
        to_attr="report_list",
    )


def reason_summary(reports: Iterable[Report]) -> list[tuple[str, int]]:
    """Reasons with their counts, most frequent first."""
    labels = dict(ReportReason.choices)
    counts = Counter(report.reason for report in reports)
    return [(labels.get(reason, reason), count) for reason, count in counts.most_common()]


# --- One case ----------------------------------------------------------------------------


@dataclass
class CaseDetail:
    case: ReportCase
    item: models.Model | None
    kind: str
    reports: list[Report]
    reasons: list[tuple[str, int]]
    # The item's surroundings: a comment's post, a message's recent thread, a profile.
    parent_post: models.Model | None = None
    thread: list[models.Model] = field(default_factory=list)
    earlier_cases: list[ReportCase] = field(default_factory=list)
    history: list[ModerationAction] = field(default_factory=list)
    is_removable: bool = False
    is_removed: bool = False
    removal_reason: str = ""


def case_detail(case: ReportCase) -> CaseDetail:
    """Everything the case page shows: the item in context, reporters, the member's past."""
    item = load_targets([(case.target_type_id, case.target_id)]).get(
        (case.target_type_id, case.target_id)
    )
    reports = list(case.reports.select_related("reporter").order_by("created_at", "id"))
    detail = CaseDetail(
        case=case,
        item=item,
        kind=kind_of(case.target_type),
        reports=reports,
        reasons=reason_summary(reports),
    )
    fields = removal_fields(item)
    if item is not None and fields is not None:
        detail.is_removable = True
        detail.is_removed = getattr(item, fields.removed_at) is not None
        detail.removal_reason = getattr(item, fields.reason)
    if detail.kind == "comment" and item is not None:
        detail.parent_post = item.post  # type: ignore[attr-defined]
    if detail.kind == "message" and item is not None:
        recent = (
            type(item)
            ._default_manager.filter(mentorship_id=item.mentorship_id)  # type: ignore[attr-defined]
            .select_related("sender")
            .order_by("-id")[:THREAD_LENGTH]
        )
        detail.thread = list(reversed(list(recent)))
    if case.subject_id is not None:
        detail.earlier_cases = list(
            ReportCase.objects.filter(subject_id=case.subject_id)
            .exclude(pk=case.pk)
            .select_related("target_type")
            .order_by("-first_reported_at")[:HISTORY_LENGTH]
        )
        detail.history = list(
            ModerationAction.objects.filter(subject_id=case.subject_id)
            .select_related("moderator", "appeal")
            .order_by("-created_at")[:HISTORY_LENGTH]
        )
    return detail


# --- Dashboard ---------------------------------------------------------------------------


def dashboard(user: User) -> dict[str, Any]:
    """Counts for the panel's front page, each only if the user may see that queue."""
    numbers: dict[str, Any] = {}
    if user.has_perm("moderation.view_reportcase"):
        labels = dict(ReportReason.choices)
        rows = (
            Report.objects.filter(status=ReportStatus.OPEN)
            .values("reason")
            .annotate(count=Count("id"))
            .order_by("-count", "reason")
        )
        numbers["reports_by_reason"] = [
            {"reason": row["reason"], "label": labels.get(row["reason"]), "count": row["count"]}
            for row in rows
        ]
        numbers["open_reports"] = sum(row["count"] for row in numbers["reports_by_reason"])
    if user.has_perm("accounts.view_verificationrequest"):
        numbers["pending_verifications"] = VerificationRequest.objects.filter(
            status=VerificationStatus.PENDING
        ).count()
    if user.has_perm("moderation.view_appeal"):
        numbers["open_appeals"] = Appeal.objects.filter(status=AppealStatus.OPEN).count()
    if user.has_perm("privacy.view_privacyoverride"):
        numbers["unreviewed_overrides"] = PrivacyOverride.objects.filter(
            reviewed_at__isnull=True
        ).count()
    if user.has_perm("moderation.view_auditentry"):
        since = timezone.now() - datetime.timedelta(days=ACTIVITY_DAYS)
        action_rows = (
            AuditEntry.objects.filter(created_at__gte=since)
            .values("action")
            .annotate(count=Count("id"))
            .order_by("-count", "action")
        )
        action_labels = dict(ActionKind.choices)
        numbers["recent_actions"] = [
            {
                "action": row["action"],
                "label": action_labels.get(row["action"]),
                "count": row["count"],
            }
            for row in action_rows
        ]
        numbers["recent_action_total"] = sum(row["count"] for row in numbers["recent_actions"])
        numbers["activity_days"] = ACTIVITY_DAYS
    if user.has_perm("accounts.view_user"):
        since = timezone.now() - datetime.timedelta(hours=FAILED_EMAIL_HOURS)
        numbers["failed_emails"] = failed_email_count(since=since)
        numbers["failed_email_hours"] = FAILED_EMAIL_HOURS
    return numbers


# --- The member's own decisions ------------------------------------------------------------


def decisions_for(member: User) -> list[ModerationAction]:
    """Decisions about `member` they may read and appeal (dismissals concern reporters)."""
    return list(
        ModerationAction.objects.filter(subject=member)
        .exclude(kind="dismiss")
        .select_related("appeal")
        .order_by("-created_at", "-id")[:100]
    )


def decision_for(member: User, pk: int) -> ModerationAction | None:
    """One decision about `member`, or None for anyone else's (the view answers 404)."""
    return (
        ModerationAction.objects.filter(subject=member, pk=pk)
        .exclude(kind="dismiss")
        .select_related("appeal", "target_type")
        .first()
    )


LATEST_AUDIT_ENTRIES = 10


def latest_audit_entries(user: User, *, limit: int = LATEST_AUDIT_ENTRIES) -> list[AuditEntry]:
    """The newest entries of the audit log, for the panel's front page (one query); none
    for someone who may not read the log."""
    if not user.has_perm("moderation.view_auditentry"):
        return []
    fields = ("created_at", "actor_label", "action", "target_label", "reason")
    return list(AuditEntry.objects.only(*fields).order_by("-created_at", "-id")[:limit])
