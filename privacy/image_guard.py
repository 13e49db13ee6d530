"""The patient-privacy guard for images attached to posts: the product rules on top of the
image scanner (`privacy.images.scan_image`) and the redaction in `privacy.redaction`.

Kept apart from `privacy.guard` (the rules for text) so that each can change on its own;
the rules mirror each other.

- Every image attached to a post, on publishing and on editing, is redacted first (the
  author's boxes and crop, applied by the server), then the redacted result is scanned, once
  per submission. Only that redacted image is ever encoded and stored.
- A de-identified case cannot be published while an image has a high-confidence finding:
  the author redacts, crops or removes the image. Other findings (low confidence, or any
  finding in another kind of post) may be confirmed past.
- "Black out everything found" has the server fill every finding's box (a little enlarged)
  with black, which handles them all.
- A confirmation counts only for the findings shown (a signed digest of them, as for text)
  and is recorded for moderators (`record_privacy_override`), one excerpt per finding such
  as "Image 2: face at 120,40 (80×80)".
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import subprocess  # only its exception type: pytesseract runs the command
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.crypto import constant_time_compare
from PIL import Image

from privacy.images import Box, scan_image
from privacy.phi import HIGH, KIND_EXPLANATIONS, KIND_LABELS
from privacy.redaction import (
    FACE_MARGIN,
    NO_REDACTION,
    TEXT_MARGIN,
    Redaction,
    apply_redaction,
    black_out,
    describe_position,
    numbered_preview,
    png_data_url,
)

logger = logging.getLogger(__name__)

# (stage label for people, fraction done 0..1), as privacy.images reports it.
Progress = Callable[[str, float], None]

_DIGEST_SALT = "privacy.image_guard.findings"

CONFIRM_LABEL = "What was found in the images is not patient information"
BLACK_OUT_LABEL = "Black out everything found in the images"
REATTACH_MESSAGE = (
    "Attach your images again before you submit: browsers empty file fields when a page "
    "comes back, so nothing you picked was kept."
)
# What a DICOM preview sent to the composer measures on its longer side.
DICOM_PREVIEW_SIDE = 1600

_FACE_LABEL = "Face"
_FACE_EXPLANATION = "A face can identify a patient. Blur or black it out, or crop it away."


@dataclass(frozen=True)
class ImageGuardFinding:
    """A scanner finding in the image of slot `slot` (1-based), in the pixels of the image
    as redacted (`width`×`height`)."""

    slot: int
    kind: str
    box: Box
    text: str
    confidence: str
    width: int
    height: int

    @property
    def is_high(self) -> bool:
        return self.confidence == HIGH

    @property
    def label(self) -> str:
        if self.kind == "face":
            return _FACE_LABEL
        return str(KIND_LABELS.get(self.kind, self.kind.capitalize()))

    @property
    def explanation(self) -> str:
        if self.kind == "face":
            return _FACE_EXPLANATION
        return str(KIND_EXPLANATIONS.get(self.kind, ""))

    @property
    def where(self) -> str:
        return describe_position(self.box, width=self.width, height=self.height)

    @property
    def excerpt(self) -> str:
        """What moderators read: 'Image 2: face at 120,40 (80×80)'."""
        words = f" “{self.text}”" if self.text else ""
        box = self.box
        where = f"{box.x},{box.y} ({box.width}×{box.height})"
        return f"Image {self.slot}: {self.kind}{words} at {where}"

    def as_json(self) -> dict[str, object]:
        box = self.box
        return {
            "kind": self.kind,
            "label": self.label,
            "text": self.text,
            "confidence": self.confidence,
            "explanation": self.explanation,
            "where": self.where,
            "box": {"x": box.x, "y": box.y, "width": box.width, "height": box.height},
        }


@dataclass(frozen=True)
class ImageToCheck:
    """An upright decoded image for slot `slot`, and the author's redaction of it."""

    slot: int
    image: Image.Image
    redaction: Redaction = NO_REDACTION


@dataclass(frozen=True)
class CheckedImage:
    """The redacted image (what is stored) and what the scanner found in it."""

    slot: int
    image: Image.Image
    findings: list[ImageGuardFinding]


@dataclass(frozen=True)
class ImageExcerpt:
    """A finding as `record_privacy_override` keeps it (kind, excerpt and box)."""

    kind: str
    text: str
    box: Box | None = None


class ImageFindings(ValidationError):
    """The images may identify a patient and the findings were not (or may not be)
    confirmed past. `blocking` is true in a case with a high-confidence finding."""

    def __init__(self, checked: Sequence[CheckedImage], *, blocking: bool) -> None:
        findings = [finding for item in checked for finding in item.findings]
        count = len(findings)
        noun = "something" if count == 1 else f"{count} things"
        if blocking:
            message = (
                f"The images may identify a patient: we found {noun} to check. A de-identified "
                "case can't be published while a finding marked high confidence remains: "
                "redact, crop or remove that image."
            )
        else:
            message = (
                f"The images may identify a patient: we found {noun} to check. Redact them, "
                f"black them out, or confirm “{CONFIRM_LABEL}”."
            )
        super().__init__(message, code="privacy_images")
        self.checked = list(checked)
        self.findings = findings
        self.blocking = blocking


# --- Scanning ----------------------------------------------------------------------------

UNCHECKABLE_MESSAGE = (
    "Image {slot} could not be checked for patient information just now, so it was not "
    "added. Try again in a moment, or publish without it."
)


def scan(
    image: Image.Image, *, slot: int, progress: Progress | None = None
) -> list[ImageGuardFinding]:
    """What the scanner finds in `image` (upright), tagged with its slot.

    An image that cannot be checked (Tesseract missing, failing or timing out) is refused
    with a ValidationError saying so: an unchecked image is never published.
    """
    width, height = image.size
    try:
        found = scan_image(image, progress=progress)
    except (ImproperlyConfigured, RuntimeError, OSError, subprocess.SubprocessError) as error:
        logger.error("Image %s could not be checked: %s", slot, error)
        raise ValidationError(UNCHECKABLE_MESSAGE.format(slot=slot), code="unchecked") from error
    return [
        ImageGuardFinding(
            slot=slot,
            kind=item.kind,
            box=item.box,
            text=item.text,
            confidence=item.confidence,
            width=width,
            height=height,
        )
        for item in found
    ]


def redact_and_scan(item: ImageToCheck, *, black_out_found: bool = False) -> CheckedImage:
    """Apply the author's redaction, scan the result once; with `black_out_found`, fill every
    finding with black (which handles them)."""
    redaction = item.redaction
    redacted = apply_redaction(item.image, redaction.regions, redaction.crop)
    findings = scan(redacted, slot=item.slot)
    if black_out_found and findings:
        return CheckedImage(
            slot=item.slot,
            image=black_out(
                redacted,
                [
                    (finding.box, FACE_MARGIN if finding.kind == "face" else TEXT_MARGIN)
                    for finding in findings
                ],
            ),
            findings=[],
        )
    return CheckedImage(slot=item.slot, image=redacted, findings=findings)


def image_findings_digest(findings: Iterable[ImageGuardFinding]) -> str:
    """A signed digest of what was found in the images, to tie a confirmation to them."""
    rows = sorted(
        (f.slot, f.kind, f.text, f.confidence, f.box.x, f.box.y, f.box.width, f.box.height)
        for f in findings
    )
    payload = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    return signing.Signer(salt=_DIGEST_SALT).signature(payload)


def image_confirmation_counts(
    *, findings: Sequence[ImageGuardFinding], confirmed: bool, digest: str
) -> bool:
    if not confirmed or not findings or not digest:
        return False
    return constant_time_compare(digest, image_findings_digest(findings))


# --- The rule ----------------------------------------------------------------------------


def check_post_images(
    *,
    images: Sequence[ImageToCheck],
    is_case: bool,
    confirmed: bool,
    digest: str,
    black_out_found: bool = False,
) -> list[CheckedImage]:
    """Redact and scan each image; return them redacted, ready to store.

    Raises ImageFindings (blocking) when a case has a high-confidence finding left, whatever
    `confirmed` says, and (not blocking) when other findings are not confirmed for exactly
    what was found (`digest`). The findings of the returned images were confirmed past:
    record them with `override_excerpts`.
    """
    checked = [redact_and_scan(item, black_out_found=black_out_found) for item in images]
    findings = [finding for item in checked for finding in item.findings]
    if not findings:
        return checked
    if is_case and any(finding.is_high for finding in findings):
        raise ImageFindings(checked, blocking=True)
    if not image_confirmation_counts(findings=findings, confirmed=confirmed, digest=digest):
        raise ImageFindings(checked, blocking=False)
    return checked


def override_excerpts(checked: Sequence[CheckedImage]) -> list[ImageExcerpt]:
    """The confirmed findings, as `record_privacy_override` records them for moderators."""
    return [
        ImageExcerpt(kind=finding.kind, text=finding.excerpt, box=finding.box)
        for item in checked
        for finding in item.findings
    ]


# --- Showing findings --------------------------------------------------------------------


@dataclass(frozen=True)
class NumberedImageFinding:
    number: int
    finding: ImageGuardFinding

    @property
    def anchor(self) -> str:
        return f"image-finding-{self.number}"


@dataclass(frozen=True)
class ReviewedImage:
    slot: int
    preview: str  # a data: URL, built for this page and never stored
    items: list[NumberedImageFinding]


@dataclass(frozen=True)
class ImageReview:
    """What `templates/privacy/_image_findings.html` shows."""

    images: list[ReviewedImage]
    blocking: bool
    digest: str
    confirm_label: str = CONFIRM_LABEL
    black_out_label: str = BLACK_OUT_LABEL
    reattach_message: str = REATTACH_MESSAGE
    high_count: int = field(default=0)
    low_count: int = field(default=0)


def image_review_from(error: ImageFindings) -> ImageReview:
    """Number the findings across images and draw each image's numbered preview."""
    number = 0
    reviewed: list[ReviewedImage] = []
    for item in error.checked:
        if not item.findings:
            continue
        numbered = []
        for finding in item.findings:
            number += 1
            numbered.append(NumberedImageFinding(number=number, finding=finding))
        preview = numbered_preview(item.image, [(n.number, n.finding.box) for n in numbered])
        reviewed.append(ReviewedImage(slot=item.slot, preview=preview, items=numbered))
    high = sum(1 for finding in error.findings if finding.is_high)
    return ImageReview(
        images=reviewed,
        blocking=error.blocking,
        digest=image_findings_digest(error.findings),
        high_count=high,
        low_count=len(error.findings) - high,
    )


# --- The composer's check, streamed ------------------------------------------------------


def _line(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode() + b"\n"


@dataclass(frozen=True)
class _Progress:
    stage: str
    done: float


def stream_check(image: Image.Image, *, is_dicom: bool = False) -> Iterator[bytes]:
    """NDJSON lines for the composer: progress while `image` is scanned, then the findings.

    Each line is {"stage": label, "done": 0..1}, then one {"findings": [...], "width",
    "height"} (with "preview", a PNG data URL, for a DICOM file that browsers cannot show),
    or {"error": message}. Nothing is stored. The scan runs in a thread so progress can be
    sent while it works.
    """
    # From the scanning thread: progress, then the findings, or None when the scan failed.
    updates: queue.Queue[_Progress | list[ImageGuardFinding] | None] = queue.Queue()

    def report(stage: str, done: float) -> None:
        updates.put(_Progress(str(stage), max(0.0, min(1.0, float(done)))))

    def work() -> None:
        try:
            updates.put(scan(image, slot=1, progress=report))
        except Exception:
            logger.exception("The image check failed")
            updates.put(None)

    yield _line({"stage": "Reading the image", "done": 0.0})
    worker = threading.Thread(target=work, name="image-check", daemon=True)
    worker.start()
    while True:
        update = updates.get()
        if isinstance(update, _Progress):
            yield _line({"stage": update.stage, "done": round(update.done, 3)})
            continue
        if update is None:
            yield _line(
                {
                    "error": "The image could not be checked. You can still publish: it is "
                    "checked again when you do."
                }
            )
            return
        findings = update
        result: dict[str, object] = {
            "findings": [finding.as_json() for finding in findings],
            "width": image.width,
            "height": image.height,
        }
        if is_dicom:
            result["preview"] = png_data_url(image, max_side=DICOM_PREVIEW_SIDE)
        yield _line(result)
        return
