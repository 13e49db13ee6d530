"""The patient-privacy guard: the product rules on top of the scanner in `privacy.phi`.

Before a post or comment is saved, its text is scanned for what could identify a patient.

- Posts (every kind, on publishing and on editing): a high-confidence finding blocks; the
  author must edit it out. Low-confidence findings may be confirmed past ("these are not
  patient information"). So a de-identified case is never published with a high finding.
- Comments: a warning; every finding may be confirmed past.
- Every confirmation is recorded for moderators (`privacy.services.record_privacy_override`).

A confirmation only counts for the findings the author was shown: the form carries a signed
digest of them, and a changed text (different findings) needs a fresh confirmation.

Only what the author wrote about the case is scanned (a post's title and body). Publication
titles and journals name papers, not patients.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from privacy.phi import HIGH, KIND_EXPLANATIONS, KIND_LABELS, find_phi

if TYPE_CHECKING:
    from privacy.image_guard import ImageFindings

_DIGEST_SALT = "posts.guard.findings"

CONFIRM_LABEL = "These are not patient information"


@dataclass(frozen=True)
class GuardFinding:
    """A scanner finding, with the field it came from; offsets are within that field.

    `kind_label` and `kind_explanation` override the scanner's wording, for callers that
    show their own kinds of finding (e.g. contact details) through the same partial.
    """

    field: str
    kind: str
    start: int
    end: int
    text: str
    confidence: str
    kind_label: str = ""
    kind_explanation: str = ""

    @property
    def is_high(self) -> bool:
        return self.confidence == HIGH

    @property
    def label(self) -> str:
        return self.kind_label or str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def explanation(self) -> str:
        return self.kind_explanation or str(KIND_EXPLANATIONS.get(self.kind, ""))


class PrivacyFindings(ValidationError):
    """The text may identify a patient and was not (or may not be) confirmed past.

    `blocking` is true when some findings cannot be confirmed past (high-confidence findings
    in a post): the author has to edit them out. `texts` maps each scanned field to the text
    the offsets refer to, so a page can highlight them.
    """

    def __init__(
        self,
        findings: Sequence[GuardFinding],
        *,
        blocking: bool,
        texts: dict[str, str],
    ) -> None:
        count = len(findings)
        noun = "something" if count == 1 else f"{count} things"
        if blocking:
            message = (
                f"This may identify a patient: we found {noun} to check. Edit out the "
                "findings marked high confidence before publishing."
            )
        else:
            message = (
                f"This may identify a patient: we found {noun} to check. Edit the text, or "
                f"confirm “{CONFIRM_LABEL}”."
            )
        super().__init__(message, code="privacy")
        self.findings = list(findings)
        self.blocking = blocking
        self.texts = dict(texts)
        # Set by a caller that also checked images, so the page shows both at once.
        self.image_findings: ImageFindings | None = None


# --- Scanning ----------------------------------------------------------------------------


def scan_text(text: str, *, field: str = "body") -> list[GuardFinding]:
    """What the scanner finds in one field's text, tagged with that field."""
    return [
        GuardFinding(
            field=field,
            kind=item.kind,
            start=item.start,
            end=item.end,
            text=item.text,
            confidence=item.confidence,
        )
        for item in find_phi(text)
    ]


def scan_post(*, title: str, body: str) -> list[GuardFinding]:
    """What the scanner finds in a post's title and body (in that order)."""
    return scan_text(title, field="title") + scan_text(body, field="body")


def findings_digest(findings: Iterable[GuardFinding]) -> str:
    """A signed digest of what was found, to tie a confirmation to the findings shown.

    Made of the sorted (kind, text) pairs: moving text around does not change it, while any
    new or different identifier does.
    """
    pairs = sorted((finding.kind, finding.text) for finding in findings)
    payload = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()
    return signing.Signer(salt=_DIGEST_SALT).signature(payload)


def confirmation_counts(*, findings: Sequence[GuardFinding], confirmed: bool, digest: str) -> bool:
    """A ticked confirmation counts only for the exact findings the author was shown."""
    if not confirmed or not findings or not digest:
        return False
    return constant_time_compare(digest, findings_digest(findings))


# --- The rules ---------------------------------------------------------------------------


def check_post(
    *, title: str, body: str, confirmed: bool, digest: str | None = None
) -> list[GuardFinding]:
    """Apply the rule for posts; returns the findings confirmed past (to record).

    Raises PrivacyFindings (blocking) while a high-confidence finding remains, whatever
    `confirmed` says, and (not blocking) when low-confidence findings are not confirmed.
    With `digest` (what the author's form posted back), a confirmation counts only for the
    findings it was given for. Each field is scanned once.
    """
    findings = scan_post(title=title, body=body)
    if not findings:
        return []
    if digest is not None:
        confirmed = confirmation_counts(findings=findings, confirmed=confirmed, digest=digest)
    texts = {"title": title, "body": body}
    if any(finding.is_high for finding in findings):
        raise PrivacyFindings(findings, blocking=True, texts=texts)
    if not confirmed:
        raise PrivacyFindings(findings, blocking=False, texts=texts)
    return findings


def check_comment(*, body: str, confirmed: bool, digest: str | None = None) -> list[GuardFinding]:
    """Apply the rule for comments (a warning); returns the findings confirmed past.

    Raises PrivacyFindings (never blocking) when something is found and not confirmed;
    `digest` as in `check_post`.
    """
    findings = scan_text(body)
    if findings and digest is not None:
        confirmed = confirmation_counts(findings=findings, confirmed=confirmed, digest=digest)
    if findings and not confirmed:
        raise PrivacyFindings(findings, blocking=False, texts={"body": body})
    return findings


# --- Showing findings --------------------------------------------------------------------


@dataclass(frozen=True)
class NumberedFinding:
    number: int
    finding: GuardFinding
    field_label: str

    @property
    def anchor(self) -> str:
        return f"privacy-finding-{self.number}"


@dataclass(frozen=True)
class Piece:
    """A run of text; `item` is set when the run is a finding."""

    text: str
    item: NumberedFinding | None = None


@dataclass(frozen=True)
class ReviewedField:
    name: str
    label: str
    pieces: list[Piece]


@dataclass(frozen=True)
class Review:
    """What `templates/privacy/_findings.html` shows: each field with its findings
    marked and numbered, the numbered list, whether they block, and the digest to post back.
    """

    fields: list[ReviewedField]
    items: list[NumberedFinding]
    blocking: bool
    digest: str
    confirm_label: str = CONFIRM_LABEL
    high_count: int = field(default=0)
    low_count: int = field(default=0)


def _cut(text: str, items: list[NumberedFinding]) -> list[Piece]:
    pieces: list[Piece] = []
    position = 0
    for item in sorted(items, key=lambda item: item.finding.start):
        finding = item.finding
        if finding.start < position or finding.end > len(text):
            continue
        if finding.start > position:
            pieces.append(Piece(text[position : finding.start]))
        pieces.append(Piece(text[finding.start : finding.end], item))
        position = finding.end
    if position < len(text):
        pieces.append(Piece(text[position:]))
    return pieces


def build_review(
    *,
    findings: Sequence[GuardFinding],
    texts: dict[str, str],
    blocking: bool,
    labels: dict[str, str] | None = None,
) -> Review:
    """Number the findings and cut each scanned field into plain and marked pieces.

    `labels` names the fields for the reader (e.g. {"title": "Title", "body": "Post"});
    only fields with findings are shown.
    """
    labels = labels or {}
    items = [
        NumberedFinding(
            number=number,
            finding=finding,
            field_label=labels.get(finding.field, finding.field.capitalize()),
        )
        for number, finding in enumerate(findings, start=1)
    ]
    fields = [
        ReviewedField(
            name=name,
            label=labels.get(name, name.capitalize()),
            pieces=_cut(text, [item for item in items if item.finding.field == name]),
        )
        for name, text in texts.items()
        if any(item.finding.field == name for item in items)
    ]
    high = sum(1 for finding in findings if finding.is_high)
    return Review(
        fields=fields,
        items=items,
        blocking=blocking,
        digest=findings_digest(findings),
        high_count=high,
        low_count=len(findings) - high,
    )


def review_from(error: PrivacyFindings, *, labels: dict[str, str] | None = None) -> Review:
    """The review to show for a refusal raised by `check_post` or `check_comment`."""
    return build_review(
        findings=error.findings, texts=error.texts, blocking=error.blocking, labels=labels
    )
