"""Privacy writes: recording a confirmation past the guard's findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.models import User

from .models import PrivacyOverride

MAX_RECORDED = 20
MAX_EXCERPT = 200


class _Finding(Protocol):
    """A text finding (`privacy.guard.GuardFinding`) or an image finding, which also has a
    `box` with x, y, width and height. Read-only, as the frozen dataclasses that satisfy it."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


def _box_of(finding: _Finding) -> dict[str, object] | None:
    box = getattr(finding, "box", None)
    if box is None:
        return None
    return {
        "kind": finding.kind,
        "x": int(box.x),
        "y": int(box.y),
        "width": int(box.width),
        "height": int(box.height),
    }


def record_privacy_override(
    *, author: User, target: models.Model, findings: Iterable[_Finding]
) -> PrivacyOverride | None:
    """Record that `author` confirmed past privacy-guard findings on `target`."""
    findings = list(findings)
    if not findings:
        return None
    boxes = [box for box in map(_box_of, findings) if box is not None]
    return PrivacyOverride.objects.create(
        author=author,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        kinds=sorted({finding.kind for finding in findings}),
        excerpts=[finding.text[:MAX_EXCERPT] for finding in findings if finding.text][
            :MAX_RECORDED
        ],
        boxes=boxes[:MAX_RECORDED],
    )
