"""Scoring rules for the image privacy guard on a labelled image set.

The held-out set lives in ``tests/privacy/heldout`` (``images.json`` plus
``images/``); ``bench/phi_image_quality.py`` runs the detector over it and
prints the report. This module holds the rules, so the CLI and the tests score
the same way.

Matching rules (a finding is anything with ``kind`` and ``box``, such as
``privacy.images.ImageFinding``):

* A **burned-in identifier** (gold ``text_identifier``) is found when a textual
  finding (any kind but ``face``) overlaps it with IoU >= 0.1, or covers at
  least half of the gold box. The low IoU is deliberate: a detector may box a
  whole overlay line ("DOB 12/03/1934  M") where the gold box holds only the
  date, or box one word of a two-word name; either hides the identifier.
* A **face** is found when a ``face`` finding overlaps the gold face with
  IoU >= 0.3 (faces are drawn by hand; detectors box them a little tighter or
  looser).
* A **false alarm** is a finding that touches no gold region of any kind,
  required or not: IoU >= 0.1, or at least half of either box inside the
  other. Several findings on one identifier are not false alarms.

Gold regions marked ``required: false`` (an institution name, an unreadable
name plate, a face cut off by the frame) are neither needed nor punished.

Goals (the constants below): every required burned-in identifier found, every
required frontal face found, and at most one false alarm per ten clean images
(images with no required region), counted as clean images with at least one
false alarm. Turned faces are reported, not a goal.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from PIL import Image, ImageOps

# Matching thresholds.
IDENTIFIER_MIN_IOU = 0.1
IDENTIFIER_MIN_COVER = 0.5
FACE_MIN_IOU = 0.3
TOUCH_MIN_IOU = 0.1
TOUCH_MIN_INSIDE = 0.5

# Goals.
GOAL_IDENTIFIER_RECALL = 1.0
GOAL_FRONTAL_FACE_RECALL = 1.0
GOAL_MAX_CLEAN_IMAGES_WITH_FALSE_ALARM_PER_10 = 1.0

# Categories whose required faces are frontal (the goal) or turned (reported only).
FRONTAL_FACE_CATEGORIES = frozenset({"face_frontal", "mixed"})
TURNED_FACE_CATEGORIES = frozenset({"face_turned"})

FACE = "face"
TEXT_IDENTIFIER = "text_identifier"
GOLD_KINDS = frozenset({FACE, TEXT_IDENTIFIER})


class BoxLike(Protocol):
    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


class FindingLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def box(self) -> BoxLike: ...


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @classmethod
    def of(cls, box: BoxLike) -> Rect:
        return cls(box.x, box.y, box.width, box.height)

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def intersection(self, other: Rect) -> float:
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0.0

    def iou(self, other: Rect) -> float:
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def covered_by(self, other: Rect) -> float:
        """Share of this box that ``other`` covers."""
        return self.intersection(other) / self.area if self.area > 0 else 0.0

    def scaled(self, factor: float) -> Rect:
        return Rect(self.x * factor, self.y * factor, self.width * factor, self.height * factor)


@dataclass(frozen=True, slots=True)
class GoldRegion:
    kind: str
    box: Rect
    text: str = ""
    required: bool = True


@dataclass(frozen=True, slots=True)
class LabelledImage:
    file: str
    category: str
    regions: tuple[GoldRegion, ...]
    upscale: float = 1.0
    note: str = ""

    @property
    def name(self) -> str:
        return self.file if self.upscale == 1.0 else f"{self.file} @{self.upscale:g}x"

    @property
    def is_clean(self) -> bool:
        return not any(region.required for region in self.regions)


def text_identifier_found(finding: Rect, gold: Rect) -> bool:
    return finding.iou(gold) >= IDENTIFIER_MIN_IOU or gold.covered_by(finding) >= (
        IDENTIFIER_MIN_COVER
    )


def face_found(finding: Rect, gold: Rect) -> bool:
    return finding.iou(gold) >= FACE_MIN_IOU


def touches(finding: Rect, gold: Rect) -> bool:
    return (
        finding.iou(gold) >= TOUCH_MIN_IOU
        or gold.covered_by(finding) >= TOUCH_MIN_INSIDE
        or finding.covered_by(gold) >= TOUCH_MIN_INSIDE
    )


def region_found(region: GoldRegion, findings: Sequence[FindingLike]) -> bool:
    for finding in findings:
        rect = Rect.of(finding.box)
        if region.kind == FACE and finding.kind == FACE and face_found(rect, region.box):
            return True
        if (
            region.kind == TEXT_IDENTIFIER
            and finding.kind != FACE
            and text_identifier_found(rect, region.box)
        ):
            return True
    return False


def false_alarms(
    regions: Sequence[GoldRegion], findings: Sequence[FindingLike]
) -> list[FindingLike]:
    return [
        finding
        for finding in findings
        if not any(touches(Rect.of(finding.box), region.box) for region in regions)
    ]


# --------------------------------------------------------------------------- labels


class LabelError(ValueError):
    """The labels file is malformed."""


def _region(raw: dict[str, Any], where: str) -> GoldRegion:
    kind = raw.get("kind")
    if kind not in GOLD_KINDS:
        raise LabelError(f"{where}: kind must be one of {sorted(GOLD_KINDS)}, not {kind!r}")
    box = raw.get("box")
    if not isinstance(box, dict) or set(box) != {"x", "y", "width", "height"}:
        raise LabelError(f"{where}: box must have exactly x, y, width and height")
    if not all(isinstance(v, int) for v in box.values()):
        raise LabelError(f"{where}: box values must be whole pixels")
    if box["width"] <= 0 or box["height"] <= 0 or box["x"] < 0 or box["y"] < 0:
        raise LabelError(f"{where}: box must be non-empty and start inside the image")
    text = raw.get("text", "")
    if kind == TEXT_IDENTIFIER and not text:
        raise LabelError(f"{where}: a text identifier needs its text")
    return GoldRegion(
        kind=kind,
        box=Rect(box["x"], box["y"], box["width"], box["height"]),
        text=str(text),
        required=bool(raw.get("required", True)),
    )


def load_labels(path: Path) -> list[LabelledImage]:
    data = json.loads(path.read_text(encoding="utf-8"))
    images = data.get("images") if isinstance(data, dict) else None
    if not isinstance(images, list):
        raise LabelError(f"{path}: expected an object with an 'images' list")
    out = []
    for n, raw in enumerate(images):
        where = f"{path.name} image {n} ({raw.get('file', '?')})"
        if not raw.get("file") or not raw.get("category"):
            raise LabelError(f"{where}: file and category are required")
        regions = tuple(_region(r, f"{where} region {i}") for i, r in enumerate(raw["regions"]))
        upscale = float(raw.get("upscale", 1.0))
        if not 0.1 <= upscale <= 4.0:
            raise LabelError(f"{where}: upscale must be between 0.1 and 4")
        out.append(
            LabelledImage(
                file=raw["file"],
                category=raw["category"],
                regions=regions,
                upscale=upscale,
                note=str(raw.get("note", "")),
            )
        )
    return out


def open_image(labelled: LabelledImage, images_dir: Path) -> tuple[IO[bytes], LabelledImage]:
    """The bytes to give the detector, and the labels in the coordinates of those bytes.

    Committed files are passed as they are. An entry with ``upscale`` is enlarged
    in memory (Lanczos) and re-encoded as PNG, with its gold boxes scaled too.
    """
    path = images_dir / labelled.file
    if labelled.upscale == 1.0:
        return io.BytesIO(path.read_bytes()), labelled
    with Image.open(path) as source:
        image = ImageOps.exif_transpose(source)
        size = (round(image.width * labelled.upscale), round(image.height * labelled.upscale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    regions = tuple(
        GoldRegion(r.kind, r.box.scaled(labelled.upscale), r.text, r.required)
        for r in labelled.regions
    )
    return buffer, LabelledImage(
        labelled.file, labelled.category, regions, labelled.upscale, labelled.note
    )


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class ImageScore:
    image: LabelledImage
    found: tuple[bool, ...]  # one per gold region, in order
    false_alarms: tuple[FindingLike, ...]
    seconds: float
    findings: int

    def missed(self) -> list[GoldRegion]:
        return [
            r for r, ok in zip(self.image.regions, self.found, strict=True) if r.required and not ok
        ]


def score_image(
    image: LabelledImage, findings: Sequence[FindingLike], seconds: float = 0.0
) -> ImageScore:
    return ImageScore(
        image=image,
        found=tuple(region_found(region, findings) for region in image.regions),
        false_alarms=tuple(false_alarms(image.regions, findings)),
        seconds=seconds,
        findings=len(findings),
    )


def region_group(image: LabelledImage, region: GoldRegion) -> str:
    """The reporting kind of a gold region: identifier, frontal face, turned face."""
    if region.kind == TEXT_IDENTIFIER:
        return "burned-in identifier"
    if image.category in TURNED_FACE_CATEGORIES:
        return "face (turned)"
    return "face (frontal)"


@dataclass(slots=True)
class Tally:
    images: int = 0
    found: int = 0
    total: int = 0
    optional_found: int = 0
    optional_total: int = 0
    false_alarms: int = 0
    images_with_false_alarm: int = 0
    seconds: list[float] = field(default_factory=list)

    def add_image(self, score: ImageScore) -> None:
        self.images += 1
        self.false_alarms += len(score.false_alarms)
        self.images_with_false_alarm += bool(score.false_alarms)
        self.seconds.append(score.seconds)

    def add_region(self, region: GoldRegion, found: bool) -> None:
        if region.required:
            self.total += 1
            self.found += found
        else:
            self.optional_total += 1
            self.optional_found += found


@dataclass(slots=True)
class Report:
    scores: list[ImageScore]
    by_category: dict[str, Tally]
    by_kind: dict[str, Tally]
    clean: Tally

    @property
    def all_seconds(self) -> list[float]:
        return [s.seconds for s in self.scores]

    def goal_failures(self) -> list[str]:
        """Human-readable reasons the goals are not met; empty when they are."""
        failures = []
        ident = self.by_kind.get("burned-in identifier", Tally())
        if ident.total and ident.found / ident.total < GOAL_IDENTIFIER_RECALL:
            failures.append(f"burned-in identifiers found {ident.found}/{ident.total}")
        frontal = self.by_kind.get("face (frontal)", Tally())
        if frontal.total and frontal.found / frontal.total < GOAL_FRONTAL_FACE_RECALL:
            failures.append(f"frontal faces found {frontal.found}/{frontal.total}")
        allowed = GOAL_MAX_CLEAN_IMAGES_WITH_FALSE_ALARM_PER_10 * self.clean.images / 10
        if self.clean.images_with_false_alarm > allowed:
            failures.append(
                f"{self.clean.images_with_false_alarm} of {self.clean.images} clean images "
                f"have a false alarm (at most {allowed:g} allowed)"
            )
        return failures


def summarise(scores: Iterable[ImageScore]) -> Report:
    scores = list(scores)
    by_category: dict[str, Tally] = {}
    by_kind: dict[str, Tally] = {}
    clean = Tally()
    for score in scores:
        image = score.image
        by_category.setdefault(image.category, Tally()).add_image(score)
        for region, found in zip(image.regions, score.found, strict=True):
            by_category[image.category].add_region(region, found)
            by_kind.setdefault(region_group(image, region), Tally()).add_region(region, found)
        if image.is_clean:
            clean.add_image(score)
    return Report(scores=scores, by_category=by_category, by_kind=by_kind, clean=clean)


Detector = Callable[[IO[bytes]], Sequence[FindingLike]]


def evaluate(
    detector: Detector,
    images: Sequence[LabelledImage],
    images_dir: Path,
    *,
    on_image: Callable[[ImageScore], None] | None = None,
) -> Report:
    """Run ``detector`` on every image (timed, one call each) and score it."""
    scores = []
    for labelled in images:
        data, labelled_as_given = open_image(labelled, images_dir)
        started = time.perf_counter()
        findings = list(detector(data))
        seconds = time.perf_counter() - started
        score = score_image(labelled_as_given, findings, seconds)
        scores.append(score)
        if on_image is not None:
            on_image(score)
    return summarise(scores)


# --------------------------------------------------------------------------- report


def _ratio(found: int, total: int) -> str:
    return f"{found}/{total}" if total else "–"


def _ms(seconds: Sequence[float]) -> str:
    return f"{statistics.mean(seconds) * 1000:.0f}" if seconds else "–"


def render_markdown(report: Report) -> str:
    lines = [
        "| category | images | identifiers found | faces found | optional found "
        "| false alarms | images with a false alarm | mean ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for category in sorted(report.by_category):
        tally = report.by_category[category]
        scores = [s for s in report.scores if s.image.category == category]
        ident = [
            (r, ok)
            for s in scores
            for r, ok in zip(s.image.regions, s.found, strict=True)
            if r.required and r.kind == TEXT_IDENTIFIER
        ]
        faces = [
            (r, ok)
            for s in scores
            for r, ok in zip(s.image.regions, s.found, strict=True)
            if r.required and r.kind == FACE
        ]
        lines.append(
            f"| {category} | {tally.images} "
            f"| {_ratio(sum(ok for _, ok in ident), len(ident))} "
            f"| {_ratio(sum(ok for _, ok in faces), len(faces))} "
            f"| {_ratio(tally.optional_found, tally.optional_total)} "
            f"| {tally.false_alarms} | {tally.images_with_false_alarm} "
            f"| {_ms(tally.seconds)} | {max(tally.seconds) * 1000:.0f} |"
        )
    seconds = report.all_seconds
    total_fa = sum(len(s.false_alarms) for s in report.scores)
    lines.append(
        f"| **all** | **{len(report.scores)}** | | | | **{total_fa}** "
        f"| **{sum(bool(s.false_alarms) for s in report.scores)}** "
        f"| **{_ms(seconds)}** | **{max(seconds, default=0) * 1000:.0f}** |"
    )
    lines += ["", "| kind | found | goal |", "|---|---:|---|"]
    goals = {
        "burned-in identifier": f"all ({GOAL_IDENTIFIER_RECALL:.0%})",
        "face (frontal)": f"all ({GOAL_FRONTAL_FACE_RECALL:.0%})",
        "face (turned)": "reported only",
    }
    for kind in ("burned-in identifier", "face (frontal)", "face (turned)"):
        tally = report.by_kind.get(kind, Tally())
        lines.append(f"| {kind} | {_ratio(tally.found, tally.total)} | {goals[kind]} |")
    allowed = GOAL_MAX_CLEAN_IMAGES_WITH_FALSE_ALARM_PER_10
    lines.append(
        f"| clean images with a false alarm | {report.clean.images_with_false_alarm}"
        f"/{report.clean.images} | at most {allowed:g} per 10 |"
    )
    if seconds:
        lines += [
            "",
            f"Time per image: median {statistics.median(seconds) * 1000:.0f} ms, "
            f"mean {statistics.mean(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms.",
        ]
    failures = report.goal_failures()
    lines += ["", "Goals met." if not failures else "Goals not met: " + "; ".join(failures) + "."]
    return "\n".join(lines)


def render_misses(report: Report) -> str:
    """One line per missed required region and per false alarm, for reading the failures."""
    lines = []
    for score in report.scores:
        for region in score.missed():
            box = region.box
            lines.append(
                f"- missed {region.kind} {region.text!r} in {score.image.name} "
                f"at ({box.x:.0f}, {box.y:.0f}, {box.width:.0f}×{box.height:.0f})"
            )
        for finding in score.false_alarms:
            b = finding.box
            text = getattr(finding, "text", "")
            lines.append(
                f"- false alarm {finding.kind} {text!r} in {score.image.name} "
                f"at ({b.x}, {b.y}, {b.width}×{b.height})"
            )
    return "\n".join(lines)
