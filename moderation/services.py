"""Writes that feed the moderation queues: reports and privacy-guard overrides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from accounts.models import User
from accounts.permissions import ensure_can_participate

from .models import PrivacyOverride, Report, ReportReason, ReportStatus


class _Finding(Protocol):
    kind: str
    text: str


class AlreadyReported(ValidationError):
    pass


def file_report(*, reporter: User, target: models.Model, reason: str, note: str = "") -> Report:
    """Open a report; a member has at most one open report per item."""
    ensure_can_participate(reporter)
    if reason not in ReportReason.values:
        raise ValidationError("Choose a reason from the list.")
    if reason == ReportReason.OTHER and not note.strip():
        raise ValidationError("Tell us what is wrong when you choose 'Something else'.")
    target_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter,
                target_type=target_type,
                target_id=target.pk,
                reason=reason,
                note=note.strip()[:2000],
            )
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


def record_privacy_override(
    *, author: User, target: models.Model, findings: Iterable[_Finding]
) -> PrivacyOverride | None:
    """Record that `author` confirmed past privacy-guard findings on `target`."""
    findings = list(findings)
    if not findings:
        return None
    return PrivacyOverride.objects.create(
        author=author,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        kinds=sorted({finding.kind for finding in findings}),
        excerpts=[finding.text[:200] for finding in findings][:20],
    )
