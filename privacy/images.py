"""Patient identifiers in images: burned-in text and faces.

``find_phi_in_image(file)`` takes an upload (a path or a binary file object), decodes it
through the same pipeline as every image upload (``community.images.load_image``: JPEG,
PNG or WebP judged by content, within the byte and pixel limits), or as DICOM when the
bytes say so ("DICM" at offset 128, see ``privacy.dicom``), turns it upright and hands it
to ``scan_image``. Boxes are in the pixels of that upright image.

``scan_image(image)`` does two things:

1. **Text.** It decides what kind of picture it is from a small thumbnail: a radiograph
   (greyscale, dark corners: text is burned into the corners as light letters on black),
   a document or screenshot (mostly light or mostly dark flat background), or a photo.
   It then picks the parts worth reading: the top and bottom bands of a radiograph, the
   whole of a document, or, in a photo, the regions that look like lines of text (dense
   short edges in a row, found by morphology on a reduced copy). Each part is turned
   dark-on-light, scaled so letters are about 30 pixels tall, and the parts are stacked
   into one sheet that Tesseract reads in a single call (one process, one thread). Words
   come back with boxes; lines are rebuilt into text with a map from each character back
   to its word, the text scanner (``privacy.phi.find_phi``) and the overlay rules below
   run on it, and each finding gets the union box of its words.
2. **Faces.** OpenCV's Haar cascades on a reduced greyscale copy: the frontal "alt2"
   cascade finds candidates; one that the "default" frontal cascade confirms is a high
   finding, one it does not is low; the profile cascade (on the image and its mirror, for
   faces turned either way) adds low findings. A candidate the cat-face cascade also
   matches is dropped: a cat is not a face.

Overlay rules: radiograph and monitor overlays write names as ``DOE, JANE`` or
``DOE^JANE`` (the DICOM person-name form) and label identifiers ``Pt:``, ``ID:``,
``MRN``, ``Acc#``, ``DOB``. The text scanner is written for prose and does not know
these conventions, so they are handled here, on each OCR line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Literal

import cv2
import numpy as np
import numpy.typing as npt
import pytesseract
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from PIL import Image, ImageOps

from community.images import load_image
from privacy.phi import _FIRST_NAMES, HIGH, LOW, Finding, find_phi

__all__ = ["Box", "ImageFinding", "Progress", "find_phi_in_image", "open_upload", "scan_image"]

Progress = Callable[[str, float], None]
Gray = npt.NDArray[np.uint8]
PictureKind = Literal["radiograph", "document", "photo"]

STAGE_READING: Final = "Reading the image"
STAGE_TEXT: Final = "Reading text"
STAGE_FACES: Final = "Looking for faces"
STAGE_DONE: Final = "Done"

# Tesseract reads best when capital letters are 25 to 40 pixels tall.
_TEXT_HEIGHT: Final = 30
# Longest side of the copy in which a photo's text regions are looked for.
_REGION_SIDE: Final = 1600
# Longest side of the copy searched for faces: faces smaller than about 1/30 of the
# image's longer side (20 pixels here) are not found.
_FACE_SIDE: Final = 640
_FACE_MIN: Final = 20
_PROFILE_SIDE: Final = 480
# In a colour photo, a face candidate needs this share of skin-toned pixels in its middle;
# in a greyscale one, this many cascade hits (on the development pictures, frontal faces
# had 17 or more and chance patterns at most 11; a profile 10, chance patterns at most 6).
_MIN_SKIN: Final = 0.25
# ... unless it has no colour (most of its middle grey): then it counts as greyscale.
_MIN_GREY: Final = 0.8
_SKIN: Final = 1
_GREY: Final = 2
_MIN_HITS_GREY: Final = 12
_MIN_HITS_GREY_PROFILE: Final = 8
# ... or, for a small frontal face, this many when looked at again up close (faces 26 to
# 40, chance patterns at most 11).
_MIN_HITS_UP_CLOSE: Final = 15
# Faces from 1/50 to 1/30 of the longer side are looked for in a copy this much larger.
_SMALL_FACE_ZOOM: Final = 1.6
# The sheet sent to Tesseract never exceeds this many pixels (a photo full of texture
# can look like a lot of text).
_SHEET_MAX_PIXELS: Final = 2_500_000
_SHEET_GAP: Final = 24
_MAX_REGIONS: Final = 40
# Words Tesseract is less sure of than this (0-100) are treated as noise.
_MIN_WORD_CONFIDENCE: Final = 45
_MIN_OVERLAY_WORD_CONFIDENCE: Final = 25
_TESSERACT_TIMEOUT_SECONDS: Final = 30
_TESSERACT_CONFIG: Final = "--oem 1 --psm {psm} -c tessedit_do_invert=0"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in pixels of the image as given, after EXIF orientation is applied."""

    x: int
    y: int
    width: int
    height: int

    def union(self, other: Box) -> Box:
        left, top = min(self.x, other.x), min(self.y, other.y)
        right = max(self.x + self.width, other.x + other.width)
        bottom = max(self.y + self.height, other.y + other.height)
        return Box(left, top, right - left, bottom - top)

    def overlap(self, other: Box) -> float:
        """Intersection over the smaller box's area (0 to 1)."""
        width = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        height = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        if width <= 0 or height <= 0:
            return 0.0
        smaller = min(self.width * self.height, other.width * other.height)
        return (width * height) / smaller if smaller else 0.0


@dataclass(frozen=True, slots=True)
class ImageFinding:
    """A suspected identifier in an image: a face, or text of a ``privacy.phi`` kind."""

    kind: str
    box: Box
    text: str
    confidence: str


# ---------------------------------------------------------------------------------------
# Entry points


def find_phi_in_image(
    file: str | os.PathLike[str] | IO[bytes], *, progress: Progress | None = None
) -> list[ImageFinding]:
    """Decode an upload (JPEG, PNG, WebP or DICOM) and return what in it may identify a
    patient. Raises ValidationError for anything that is not a readable image."""
    report = progress or _ignore_progress
    report(STAGE_READING, 0.0)
    image = open_upload(file)
    return scan_image(image, progress=progress)


def open_upload(file: str | os.PathLike[str] | IO[bytes]) -> Image.Image:
    """The upright image inside an upload, or ValidationError saying why there is none."""
    if isinstance(file, str | os.PathLike):
        try:
            with Path(file).open("rb") as handle:
                return _open_stream(handle)
        except OSError as error:
            raise ValidationError("This file can't be opened.", code="unreadable") from error
    if hasattr(file, "read") and hasattr(file, "seek"):
        return _open_stream(file)
    raise ValidationError("Expected an image file.", code="wrong_type")


def _open_stream(stream: IO[bytes]) -> Image.Image:
    stream.seek(0)
    head = stream.read(132)
    stream.seek(0)
    if not isinstance(head, bytes):
        raise ValidationError("Expected a file opened in binary mode.", code="wrong_type")
    if len(head) == 132 and head[128:132] == b"DICM":
        from privacy.dicom import dicom_to_image

        return dicom_to_image(stream)
    image = load_image(
        stream,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        wanted="a JPEG, PNG, WebP or DICOM image",
    )
    return ImageOps.exif_transpose(image) or image


def scan_image(image: Image.Image, *, progress: Progress | None = None) -> list[ImageFinding]:
    """What in an already decoded, upright image may identify a patient."""
    report = progress or _ignore_progress
    report(STAGE_TEXT, 0.05)
    gray = _to_gray(image)
    kind, colourful = _picture_kind(image, gray)
    findings = _find_text(gray, kind, report)
    report(STAGE_FACES, 0.7)
    if kind != "radiograph":
        # A screenshot may show a photo; a radiograph shows no face, only false alarms.
        findings += _find_faces(gray, image, colourful=colourful)
    report(STAGE_DONE, 1.0)
    return findings


def _ignore_progress(stage: str, fraction: float) -> None:
    return None


# ---------------------------------------------------------------------------------------
# What kind of picture


def _to_gray(image: Image.Image) -> Gray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float32)
        low, high = float(array.min()), float(array.max())
        scaled = (array - low) * (255.0 / (high - low or 1.0))
        return np.ascontiguousarray(scaled.astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels read as white, as a browser shows them on a light page.
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        background.alpha_composite(image.convert("RGBA"))
        image = background
    return np.asarray(image.convert("L"))


def _picture_kind(image: Image.Image, gray: Gray) -> tuple[PictureKind, bool]:
    """What kind of picture, and whether it has colour (greyscale photos exist too)."""
    height, width = gray.shape
    step = max(1, max(height, width) // 256)
    small = gray[::step, ::step]
    colourful = False
    if image.mode not in ("L", "I;16", "I;16B", "I;16L", "I", "F", "1"):
        thumbnail = image.resize((small.shape[1], small.shape[0]), Image.Resampling.NEAREST)
        rgb = np.asarray(thumbnail.convert("RGB"))
        spread = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2).astype(np.int16)
        colourful = float(spread.mean()) > 12
    light = float((small > 200).mean())
    dark = float((small < 50).mean())
    corner_h, corner_w = max(1, small.shape[0] // 6), max(1, small.shape[1] // 6)
    corners = np.concatenate(
        [
            small[:corner_h, :corner_w].ravel(),
            small[:corner_h, -corner_w:].ravel(),
            small[-corner_h:, :corner_w].ravel(),
            small[-corner_h:, -corner_w:].ravel(),
        ]
    )
    # A flat background: most pixels equal to the commonest grey level, give or take.
    histogram = np.bincount(small.ravel(), minlength=256)
    peak = int(histogram.argmax())
    flat = float(histogram[max(0, peak - 6) : peak + 7].sum()) / small.size
    if not colourful and float(np.median(corners)) < 45 and dark > 0.2 and flat < 0.85:
        return "radiograph", colourful
    if flat > 0.55 and (light > 0.5 or dark > 0.5):
        return "document", colourful
    return "photo", colourful


# ---------------------------------------------------------------------------------------
# Text


@dataclass(frozen=True, slots=True)
class _Part:
    """A piece of the image prepared for reading: dark text on light, scaled by `scale`
    from the original, whose top-left corner is at (`x`, `y`) in the original."""

    pixels: Gray
    x: int
    y: int
    scale: float


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    box: Box
    confidence: float  # Tesseract's, 0 to 100


def _find_text(gray: Gray, kind: PictureKind, report: Progress) -> list[ImageFinding]:
    if kind == "radiograph":
        parts = _radiograph_parts(gray)
    elif kind == "document":
        parts = _document_parts(gray)
    else:
        parts = _photo_parts(gray)
    if not parts:
        return []
    report(STAGE_TEXT, 0.15)
    # Overlay letters are small and often blurred: keep words Tesseract is less sure of
    # (the rules that need no label ask for sure lines, see _overlay_findings).
    words = _read_words(
        parts,
        psm=3 if kind == "document" else 11,
        min_confidence=_MIN_OVERLAY_WORD_CONFIDENCE if kind == "radiograph" else None,
    )
    report(STAGE_TEXT, 0.6)
    return _classify(words, kind=kind)


def _dark_on_light(pixels: Gray) -> Gray:
    """Invert when the background (the commoner side of Otsu's threshold) is dark."""
    threshold, _ = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if float((pixels > threshold).mean()) < 0.5:
        return np.ascontiguousarray(255 - pixels)
    return pixels


def _resized(pixels: Gray, scale: float) -> Gray:
    if abs(scale - 1.0) < 0.05:
        return pixels
    height, width = pixels.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(pixels, size, interpolation=method)


def _radiograph_parts(gray: Gray) -> list[_Part]:
    """The lines of bright text in the top and bottom quarters (where scanners and viewers
    burn in the overlay), each scaled to reading height on its own: overlay letters range
    from 9 pixels on a large image to 4% of a small one's height."""
    height, width = gray.shape
    band = max(1, height // 4)
    parts: list[_Part] = []
    budget = _SHEET_MAX_PIXELS
    for top in (0, height - band):
        for x, y, w, h in _bright_text_lines(gray[top : top + band]):
            # A line's box is its letters' height: scale it to reading height.
            scale = min(4.0, max(0.4, _TEXT_HEIGHT / h))
            pad = max(4, h // 2)
            left, upper = max(0, x - pad), max(0, top + y - pad)
            right, lower = min(width, x + w + pad), min(height, top + y + h + pad)
            pixels = _resized(gray[upper:lower, left:right], scale)
            if pixels.size > budget:
                break
            budget -= pixels.size
            parts.append(_Part(_overlay_letters(pixels), left, upper, scale))
    return parts


def _overlay_letters(pixels: Gray) -> Gray:
    """Black letters on white from light overlay text at reading size. A white top-hat
    keeps thin bright strokes (letters) and removes the broad shapes of anatomy behind
    them, so the letters read the same over bone, lung or air; letters stand out from what
    is behind them by at least a sixth of the range (white text over bone is dimmer)."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (_TEXT_HEIGHT // 2, _TEXT_HEIGHT // 2))
    strokes = cv2.morphologyEx(pixels, cv2.MORPH_TOPHAT, kernel)
    # Small letters, upscaled, have soft edges: split at Otsu's threshold, but never below
    # a sixth of the range, so that noise alone stays white.
    otsu, _ = cv2.threshold(strokes, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    floor = max(40.0, otsu) * 0.5
    # Keep the soft edges (the reader's network is trained on anti-aliased text), stretch
    # strokes to black and flatten everything under half the threshold to white.
    stretched = (strokes.astype(np.float32) - floor) * (255.0 / max(1.0, 2 * floor))
    return np.ascontiguousarray(255 - np.clip(stretched, 0, 255).astype(np.uint8))


def _bright_text_lines(pixels: Gray) -> list[tuple[int, int, int, int]]:
    """Boxes of lines of small bright marks (letters) in a radiograph band, at most
    `_MAX_REGIONS`, the widest first."""
    height, width = pixels.shape
    size = max(7, round(max(height * 4, width) * 0.012))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    strokes = cv2.morphologyEx(pixels, cv2.MORPH_TOPHAT, kernel)
    _, marks = cv2.threshold(strokes, 40, 255, cv2.THRESH_BINARY)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(marks, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    letter = (
        (heights >= 6)
        & (heights <= max(12, height // 5))
        & (widths <= heights * 15)
        & (areas >= 8)
        & (areas <= heights * widths * 0.9)
    )
    if count <= 1 or not letter.any():
        return []
    keep = np.zeros(count, dtype=np.uint8)
    keep[1:][letter] = 255
    letters = keep[labels]
    typical = int(np.median(heights[letter]))
    # Letters of a word, and words of a line, are less than a letter height apart.
    joined = cv2.dilate(
        letters, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, typical * 2), 1))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    lines = []
    for index in range(1, count):
        x, y, w, h, _area = (int(value) for value in stats[index])
        if w < 1.5 * h or h < 6:
            continue
        lines.append((x, y, w, h))
    lines.sort(key=lambda box: -box[2])
    return lines[:_MAX_REGIONS]


def _document_parts(gray: Gray) -> list[_Part]:
    height, width = gray.shape
    longest = max(height, width)
    scale = 2.0 if longest < 1200 else min(1.0, 2400 / longest)
    return [_Part(_dark_on_light(_resized(gray, scale)), 0, 0, scale)]


def _photo_parts(gray: Gray) -> list[_Part]:
    """Regions of a photo that look like lines of text, each prepared for reading."""
    height, width = gray.shape
    reduce = min(1.0, _REGION_SIDE / max(height, width))
    small = _resized(gray, reduce)
    gradient = cv2.morphologyEx(
        small, cv2.MORPH_GRADIENT, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    )
    _, edges = cv2.threshold(gradient, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Otsu on a smooth photo can pick a tiny threshold; ignore faint edges regardless.
    edges[gradient < 40] = 0
    # Long straight edges (a sign's border, a pole, a window frame) would join the letters
    # next to them into one big shape; take out any run longer than the tallest letter we
    # look for (a tenth of the image's height).
    longest = max(15, small.shape[0] // 10)
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    for kernel in ((longest, 1), (1, longest)):
        lines = cv2.morphologyEx(
            edges, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel)
        )
        edges[cv2.dilate(lines, square) > 0] = 0
    joined = cv2.morphologyEx(
        edges, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    small_h, small_w = small.shape
    candidates: list[tuple[float, tuple[int, int, int, int]]] = []
    for index in range(1, count):
        x, y, w, h, area = (int(value) for value in stats[index])
        if h < 7 or h > small_h / 10 or w < 1.5 * h or w < 20:
            continue
        fill = float(edges[y : y + h, x : x + w].mean()) / 255
        solidity = area / (w * h)
        if fill < 0.15 or fill > 0.75 or solidity < 0.45:
            continue
        candidates.append((w * h * fill, (x, y, w, h)))
    candidates.sort(reverse=True)

    parts = []
    budget = _SHEET_MAX_PIXELS
    for _, (x, y, w, h) in candidates[:_MAX_REGIONS]:
        pad = max(3, h // 3)
        left = max(0, int((x - pad) / reduce))
        top = max(0, int((y - pad) / reduce))
        right = min(width, int((x + w + pad) / reduce) + 1)
        bottom = min(height, int((y + h + pad) / reduce) + 1)
        # The region is one or a few lines; aim the line height at the reading height.
        scale = min(2.0, max(0.25, _TEXT_HEIGHT * 1.4 / max(1.0, h / reduce)))
        pixels = _resized(gray[top:bottom, left:right], scale)
        if pixels.size > budget:
            break
        budget -= pixels.size
        parts.append(_Part(_dark_on_light(pixels), left, top, scale))
    return parts


def _read_words(
    parts: Sequence[_Part], *, psm: int, min_confidence: float | None = None
) -> list[_Word]:
    """Stack the parts into one white sheet, read it once, map words back to the image."""
    width = max(part.pixels.shape[1] for part in parts) + 2 * _SHEET_GAP
    height = sum(part.pixels.shape[0] + _SHEET_GAP for part in parts) + _SHEET_GAP
    sheet = np.full((height, width), 255, dtype=np.uint8)
    offsets = []
    top = _SHEET_GAP
    for part in parts:
        part_h, part_w = part.pixels.shape
        sheet[top : top + part_h, _SHEET_GAP : _SHEET_GAP + part_w] = part.pixels
        offsets.append(top)
        top += part_h + _SHEET_GAP

    data = _tesseract_data(Image.fromarray(sheet), psm=psm)
    words: list[_Word] = []
    for index, raw in enumerate(data["text"]):
        text = str(raw).strip()
        try:
            confidence = float(data["conf"][index])
        except (TypeError, ValueError):
            continue
        if (
            not text
            or confidence < (min_confidence or _MIN_WORD_CONFIDENCE)
            or not any(c.isalnum() for c in text)
        ):
            continue
        left, top_, w, h = (int(data[key][index]) for key in ("left", "top", "width", "height"))
        centre = top_ + h / 2
        part_index = _part_at(offsets, parts, centre)
        if part_index is None:
            continue
        part = parts[part_index]
        box = Box(
            x=part.x + int((left - _SHEET_GAP) / part.scale),
            y=part.y + int((top_ - offsets[part_index]) / part.scale),
            width=max(1, round(w / part.scale)),
            height=max(1, round(h / part.scale)),
        )
        words.append(_Word(text, box, confidence))
    return words


def _part_at(offsets: Sequence[int], parts: Sequence[_Part], y: float) -> int | None:
    for index, (top, part) in enumerate(zip(offsets, parts, strict=True)):
        if top <= y < top + part.pixels.shape[0]:
            return index
    return None


def _tesseract_data(image: Image.Image, *, psm: int) -> dict[str, list[object]]:
    # One thread: the server answers other requests on the other core.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return pytesseract.image_to_data(
            image,
            lang="eng",
            config=_TESSERACT_CONFIG.format(psm=psm),
            output_type=pytesseract.Output.DICT,
            timeout=_TESSERACT_TIMEOUT_SECONDS,
        )
    except pytesseract.TesseractNotFoundError as error:
        raise ImproperlyConfigured(
            "Tesseract OCR is not installed or not on PATH, so text in images can't be "
            "checked. Install it (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)."
        ) from error


# -- from words to findings --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    # For each word: its start and end offset in `text`, and its box.
    spans: tuple[tuple[int, int, Box], ...]
    # Tesseract's confidence in the least certain word.
    confidence: float


def _lines(words: Iterable[_Word]) -> list[_Line]:
    """Rebuild lines from word boxes in the original image: words whose vertical centres
    are within half a letter height and whose gap is under three letter heights belong
    to one line. This joins words that came from separate regions of a photo and keeps
    the columns of a screenshot or the corners of a radiograph apart."""
    rows: list[list[_Word]] = []
    for word in sorted(words, key=lambda word: (word.box.x, word.box.y)):
        centre = word.box.y + word.box.height / 2
        for row in rows:
            last = row[-1].box
            height = max(last.height, word.box.height)
            if (
                abs(last.y + last.height / 2 - centre) < height / 2
                and max(last.height, word.box.height) < 2 * min(last.height, word.box.height)
                and -height < word.box.x - (last.x + last.width) < 3 * height
            ):
                row.append(word)
                break
        else:
            rows.append([word])
    rows.sort(key=lambda row: (row[0].box.y, row[0].box.x))
    lines = []
    for row in rows:
        text = ""
        spans = []
        for word in row:
            if text:
                text += " "
            spans.append((len(text), len(text) + len(word.text), word.box))
            text += word.text
        lines.append(_Line(text, tuple(spans), min(word.confidence for word in row)))
    return lines


def _classify(words: Sequence[_Word], *, kind: PictureKind) -> list[ImageFinding]:
    """Run the text scanner over the reassembled text and the overlay rules over each
    line; map every finding back to the union box of its words."""
    lines = _lines(words)
    text = ""
    spans: list[tuple[int, int, Box]] = []
    line_starts = []
    for line in lines:
        line_starts.append(len(text))
        spans.extend((start + len(text), end + len(text), box) for start, end, box in line.spans)
        text += line.text + "\n"
    found: list[Finding] = list(find_phi(text))
    for line, offset in zip(lines, line_starts, strict=True):
        found.extend(_overlay_findings(line.text, offset, kind=kind, clear=line.confidence >= 85))

    results: list[ImageFinding] = []
    for finding in _best(found):
        boxes = [box for start, end, box in spans if start < finding.end and end > finding.start]
        if not boxes:
            continue
        box = boxes[0]
        for other in boxes[1:]:
            box = box.union(other)
        results.append(ImageFinding(finding.kind, box, finding.text, finding.confidence))
    return results


def _best(findings: Iterable[Finding]) -> list[Finding]:
    """Drop a finding that another of the same kind covers with at least its confidence."""
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), f.confidence != HIGH))
    kept: list[Finding] = []
    for finding in ordered:
        covered = any(
            other.start <= finding.start
            and other.end >= finding.end
            and (other.kind == finding.kind or other.confidence == HIGH)
            and (other.confidence == HIGH or finding.confidence == LOW)
            for other in kept
        )
        if not covered:
            kept.append(finding)
    return kept


# Words that appear in capitals on radiographs and are not names.
_OVERLAY_WORDS: Final = frozenset(
    """
    ap pa lat lateral ll rl obl oblique supine erect upright prone portable port decub
    chest abdomen abd pelvis skull spine hand foot knee hip shoulder wrist ankle elbow
    left right l r bilat bilateral view views frontal axial coronal sagittal kv kvp mas ma
    mm cm sec ms wl ww w l c contrast pre post ct mr mri xr cr dx us nm pet series image
    im se ex exam study accession acc date time sex age dob id mrn male female m f yes no
    inspiration expiration standing sitting weight bearing ref physician dr md
    """.split()
)

_NOT_NAME_WORDS: Final = _OVERLAY_WORDS | frozenset(
    """
    hospital hosp medical med center centre clinic clinics health healthcare radiology imaging
    university univ institute general memorial st saint county regional community children
    childrens department dept emergency er ed icu ward unit room bed floor north south east
    west main campus the of and for
    """.split()
)
_WORDS_LINE: Final = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){1,2}$")
_BARE_CODE: Final = re.compile(r"(?<![\w.:/\-])[A-Z]{0,4}-?\d{6,12}(?![\w.:/\-])")
_NAME_PART = r"[A-Z][A-Za-z'\-]{1,}"
# OCR often reads the caret as an asterisk or a tilde.
_CARET_NAME = re.compile(rf"\b{_NAME_PART}[\^*~]{_NAME_PART}(?:[\^*~][A-Za-z'.\-]*)*")
_COMMA_NAME_LINE = re.compile(
    rf"^\s*(?P<value>(?P<last>{_NAME_PART}(?: {_NAME_PART}){{0,2}})\s*,\s*(?P<first>{_NAME_PART})"
    r"(?:\s+[A-Z]\.?)?)\s*$"
)
# Given names (the text scanner's list), to tell a name from other capitalised words.
_GIVEN_NAMES: Final = frozenset(name.lower() for name in _FIRST_NAMES)
_CAPS = r"[A-Z][A-Z'\-]+"
# `NGUYEN, Thi` or `Nguyen, Thi` anywhere in a line (patient lists, banners).
_COMMA_NAME = re.compile(
    rf"(?<![\w,])(?P<value>(?P<last>{_CAPS}|[A-Z][a-z][A-Za-z'\-]+), "
    r"(?P<first>[A-Z][a-z][a-z'\-]+|[A-Z][A-Z'\-]+))(?![\w'\-])"
)
# `Thi NGUYEN`: a given name, then a surname in capitals.
_FIRST_CAPS_NAME = re.compile(
    r"(?<![\w'\-])(?P<value>(?P<first>[A-Z][a-z][a-z'\-]+) (?P<last>[A-Z]{2}[A-Z'\-]+))"
    r"(?![\w'\-])"
)
_CAPS_LINE = re.compile(rf"^{_CAPS}(?: {_CAPS}){{1,2}}$")
# An overlay line starting `SURNAME,` whose given names Tesseract could not read.
_SURNAME_FIRST = re.compile(rf"^(?P<last>{_CAPS}(?: {_CAPS}){{0,2}}),")
# A single capitalised token of ten or more letters: `LAST^FIRST` with the caret read
# as a letter (`SMITHAJOHN`).
_RUN_TOGETHER = re.compile(r"^[A-Z]{10,}$")
# A bare local phone number, `555-0142` or `867 5309`.
_LOCAL_PHONE = re.compile(r"(?<![\w/.\-+:])(?P<value>[2-9]\d\d[-. ]\d{4})(?![\w/\-]|[.,]\d)")
_AFTER_QUANTITY = re.compile(
    r"\s*(?:mg|mcg|ug|g|kg|ml|l|mmol|mol|meq|units?|iu|u|%|h|hr|hrs|min|mins|days?|x)\b",
    re.IGNORECASE,
)
_LABELLED_NAME = re.compile(
    r"\b(?:pt|pat|patient|name|patient\s+name|pt\s+name)\s*[:.]\s*"
    rf"(?P<value>{_NAME_PART}(?:\s*[,^]\s*{_NAME_PART}|\s+{_NAME_PART}){{0,3}})",
    re.IGNORECASE,
)
_ID_VALUE = r"(?P<value>[A-Z0-9][A-Z0-9\-/]{3,})"
_LABELLED_ID = re.compile(
    r"\b(?:mrn|mr\s*#|mr\s*no\.?|pid|pt\s*id|patient\s*id|id|hosp(?:ital)?\s*(?:#|no\.?)"
    rf"|record\s*(?:#|no\.?))\s*[:#.]?\s*{_ID_VALUE}",
    re.IGNORECASE,
)
_LABELLED_ACCESSION = re.compile(
    r"\b(?:acc(?:ession)?\s*(?:#|no\.?|num(?:ber)?)?|acc#)\s*[:#.]?\s*" + _ID_VALUE,
    re.IGNORECASE,
)
_DATE_VALUE = (
    r"(?P<value>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}"
    r"|\d{1,2}[ \-]?[A-Za-z]{3}[A-Za-z]*[ \-,]*\d{2,4}|[A-Za-z]{3}[A-Za-z]*\.? \d{1,2},? \d{4}"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
)
_LABELLED_BIRTH = re.compile(
    r"\b(?:dob|d\.o\.b\.?|birth\s*date|date\s*of\s*birth|born|b\.?d\.?)\s*[:.]?\s*" + _DATE_VALUE,
    re.IGNORECASE,
)
_BARE_DATE = re.compile(r"(?<![\w/.\-])" + _DATE_VALUE + r"(?![\w/\-])")


def _overlay_findings(line: str, offset: int, *, kind: PictureKind, clear: bool) -> list[Finding]:
    """Findings for the conventions of text burned into medical images. `clear` says that
    Tesseract was sure of every word: the rules for unlabelled codes and names need that,
    because misread texture also comes out as short capitalised words and digits."""
    found: list[Finding] = []
    overlay = kind == "radiograph"

    def add(what: str, match: re.Match[str], confidence: str, group: int | str = "value") -> None:
        start, end = match.span(group)
        found.append(Finding(what, offset + start, offset + end, match.group(group), confidence))

    for match in _CARET_NAME.finditer(line):
        add("name", match, HIGH, group=0)
    comma = _COMMA_NAME_LINE.match(line)
    if comma and not {*comma["last"].lower().split(), comma["first"].lower()} & _OVERLAY_WORDS:
        upper = comma["last"].isupper() and comma["first"].isupper()
        add("name", comma, HIGH if upper or overlay else LOW)
    found.extend(_name_findings(line, offset, overlay=overlay))
    for match in _LABELLED_NAME.finditer(line):
        words = re.findall(r"[A-Za-z'\-]+", match["value"])
        if not {word.lower() for word in words} <= _OVERLAY_WORDS:
            add("name", match, HIGH)
    for match in _LABELLED_ID.finditer(line):
        if any(character.isdigit() for character in match["value"]):
            add("mrn", match, HIGH)
    for match in _LABELLED_ACCESSION.finditer(line):
        if any(character.isdigit() for character in match["value"]):
            add("other_id", match, HIGH)
    for match in _LABELLED_BIRTH.finditer(line):
        add("date", match, HIGH)
    if overlay:
        # In an overlay, a date is the study date or the birth date: both identify.
        dates = list(_BARE_DATE.finditer(line))
        for match in dates:
            add("date", match, LOW)
    if overlay and clear:
        # A bare long code is a record or accession number more often than not.
        for match in _BARE_CODE.finditer(line):
            if not any(date.start() <= match.start() < date.end() for date in dates):
                add("other_id", match, LOW, group=0)
        # A line of two or three words and nothing else, none of them an overlay term or part
        # of an institution's name, is most likely the patient's name written FIRST LAST.
        words = line.split()
        if (
            _WORDS_LINE.match(line)
            and 2 <= len(words) <= 3
            and not {word.lower().strip(".") for word in words} & _NOT_NAME_WORDS
        ):
            found.append(Finding("name", offset, offset + len(line), line, LOW))
    if not overlay:
        for match in _LOCAL_PHONE.finditer(line):
            low, high = match["value"][:3], match["value"][-4:]
            if _AFTER_QUANTITY.match(line, match.end()) or (
                low.endswith("0") and high.endswith("0")
            ):
                continue  # a range of doses or values, not a phone number
            add("phone", match, LOW)
    if kind == "photo" and clear:
        # On a wristband or next to a barcode, a bare long number is a record number.
        for match in _BARE_CODE.finditer(line):
            add("mrn", match, LOW, group=0)
    return found


def _not_name(*words: str) -> bool:
    return any(word.lower().strip(".'") in _NOT_NAME_WORDS for word in words)


def _name_findings(line: str, offset: int, *, overlay: bool) -> list[Finding]:
    """Names written the ways lists, banners, badges and overlays write them, beyond what
    the text scanner (written for prose) finds: all low findings."""
    found = []

    def add(start: int, end: int) -> None:
        found.append(Finding("name", offset + start, offset + end, line[start:end], LOW))

    for match in _COMMA_NAME.finditer(line):
        last, first = match["last"], match["first"]
        if _not_name(*last.split(), first):
            continue
        if (last.isupper() and len(last) >= 2) or first.lower() in _GIVEN_NAMES:
            add(*match.span("value"))
    for match in _FIRST_CAPS_NAME.finditer(line):
        if match["first"].lower() in _GIVEN_NAMES and not _not_name(match["last"]):
            add(*match.span("value"))
    stripped = line.strip()
    words = stripped.split()
    if (
        _CAPS_LINE.match(stripped)
        and not _not_name(*words)
        and any(word.lower() in _GIVEN_NAMES for word in words)
    ):
        add(0, len(line))
    if overlay:
        surname = _SURNAME_FIRST.match(line)
        if surname and not _not_name(*surname["last"].split()):
            add(0, len(line))
        if _RUN_TOGETHER.match(stripped) and not _is_word(stripped):
            add(0, len(line))
    return found


def _is_word(token: str) -> bool:
    """A word of English (wordfreq's list), as opposed to a name or run-together names."""
    from wordfreq import zipf_frequency

    return zipf_frequency(token.lower(), "en") > 0


# ---------------------------------------------------------------------------------------
# Faces


def _cascade(name: str) -> cv2.CascadeClassifier:
    cached = _CASCADES.get(name)
    if cached is None:
        cached = cv2.CascadeClassifier(os.path.join(cv2.data.haarcascades, name))
        if cached.empty():
            raise ImproperlyConfigured(f"OpenCV's {name} is missing; reinstall opencv.")
        _CASCADES[name] = cached
    return cached


_CASCADES: dict[str, cv2.CascadeClassifier] = {}


def _detect(
    cascade: str, pixels: Gray, *, neighbours: int, min_size: int, scale_factor: float = 1.1
) -> list[tuple[int, int, int, int]]:
    found = _detect_counted(cascade, pixels, neighbours, min_size, scale_factor)
    return [rect for rect, _ in found]


def _detect_counted(
    cascade: str,
    pixels: Gray,
    neighbours: int,
    min_size: int,
    scale_factor: float = 1.1,
    max_size: int = 0,
) -> list[tuple[tuple[int, int, int, int], int]]:
    """Detections with the number of raw hits grouped into each (OpenCV's "neighbours"):
    a real face is hit at many neighbouring positions and scales, a chance pattern at few."""
    found, counts = _cascade(cascade).detectMultiScale2(
        pixels,
        scaleFactor=scale_factor,
        minNeighbors=neighbours,
        minSize=(min_size, min_size),
        maxSize=(max_size, max_size),
    )
    return [
        ((int(x), int(y), int(w), int(h)), int(count))
        for (x, y, w, h), count in zip(found, counts, strict=True)
    ]


def _crop_around(
    pixels: Gray, rect: tuple[int, int, int, int], grow: float
) -> tuple[Gray, int, int]:
    x, y, w, h = rect
    height, width = pixels.shape
    left, top = max(0, int(x - w * grow)), max(0, int(y - h * grow))
    right, bottom = min(width, int(x + w * (1 + grow))), min(height, int(y + h * (1 + grow)))
    return pixels[top:bottom, left:right], left, top


def _find_faces(gray: Gray, image: Image.Image, *, colourful: bool) -> list[ImageFinding]:
    height, width = gray.shape
    reduce = min(1.0, _FACE_SIDE / max(height, width))
    small = cv2.equalizeHist(_resized(gray, reduce))
    small_h, small_w = small.shape
    skin = (
        _skin_mask(image, (small_w, small_h))
        if colourful
        else np.full((small_h, small_w), _GREY, dtype=np.uint8)
    )

    def plausible(rect: tuple[int, int, int, int], hits: int, *, frontal: bool) -> bool:
        crop, _, _ = _crop_around(small, rect, 0.4)
        if _detect("haarcascade_frontalcatface.xml", crop, neighbours=4, min_size=rect[2] // 2):
            return False
        x, y, w, h = rect
        centre = skin[y + h // 5 : y + h * 4 // 5, x + w // 5 : x + w * 4 // 5]
        if centre.size and float((centre == _GREY).mean()) < _MIN_GREY:
            return float((centre == _SKIN).mean()) >= _MIN_SKIN
        # Without colour (a greyscale photo, or a black-and-white print in a colour one),
        # only the number of hits tells a face from a pattern.
        if not frontal:
            return hits >= _MIN_HITS_GREY_PROFILE
        return hits >= _MIN_HITS_GREY or _frontal_hits_up_close(gray, rect, reduce) >= (
            _MIN_HITS_UP_CLOSE
        )

    faces: list[tuple[Box, str]] = []
    for rect, hits in _detect_counted(
        "haarcascade_frontalface_alt2.xml", small, neighbours=4, min_size=_FACE_MIN
    ):
        if not plausible(rect, hits, frontal=True):
            continue
        crop, _, _ = _crop_around(small, rect, 0.4)
        confirmed = _detect(
            "haarcascade_frontalface_default.xml",
            crop,
            neighbours=3,
            min_size=max(_FACE_MIN, int(rect[2] * 0.6)),
        )
        # A small face (under a sixteenth of the shorter side) is easily a false alarm.
        big = rect[2] >= min(small_h, small_w) / 16
        faces.append((_box(rect), HIGH if confirmed and big else LOW))

    for rect in _small_faces(gray, reduce):
        box = _box(rect)
        if any(box.overlap(face) > 0.3 for face, _ in faces) or not plausible(
            rect, _MIN_HITS_GREY, frontal=True
        ):
            continue
        faces.append((box, LOW))

    # Profiles (low findings either way) are searched in a smaller copy, on it and on its
    # mirror: the cascade knows only faces turned one way.
    shrink = min(1.0, _PROFILE_SIDE / max(small_h, small_w))
    smaller = _resized(small, shrink)
    profiles = []
    for mirror in (False, True):
        pixels = np.ascontiguousarray(smaller[:, ::-1]) if mirror else smaller
        for (x, y, w, h), hits in _detect_counted(
            "haarcascade_profileface.xml", pixels, 5, _FACE_MIN, scale_factor=1.2
        ):
            if mirror:
                x = smaller.shape[1] - x - w
            rect = (int(x / shrink), int(y / shrink), int(w / shrink), int(h / shrink))
            profiles.append((rect, hits))
    for rect, hits in profiles:
        box = _box(rect)
        if any(box.overlap(face) > 0.3 for face, _ in faces) or not plausible(
            rect, hits, frontal=False
        ):
            continue
        faces.append((box, LOW))

    results = []
    for box, confidence in _merge_overlapping(faces):
        original = Box(
            x=max(0, int(box.x / reduce)),
            y=max(0, int(box.y / reduce)),
            width=min(width, round(box.width / reduce)),
            height=min(height, round(box.height / reduce)),
        )
        results.append(ImageFinding("face", original, "", confidence))
    return results


def _small_faces(gray: Gray, reduce: float) -> list[tuple[int, int, int, int]]:
    """Frontal faces too small for the face-search copy (a printed photo on a desk, a face
    in a crowd): a second search in a copy 1.6 times larger, for those sizes only, each
    candidate then looked at up close. Rectangles in the face-search copy's pixels."""
    height, width = gray.shape
    larger_scale = min(1.0, reduce * _SMALL_FACE_ZOOM)
    if larger_scale <= reduce * 1.2:
        return []  # the face-search copy is the image itself: nothing finer to look at
    larger = cv2.equalizeHist(_resized(gray, larger_scale))
    # Up to faces twice the smallest the first search looks for, which it often misses.
    largest = int(2.5 * _FACE_MIN * larger_scale / reduce)
    found = []
    for (x, y, w, h), _hits in _detect_counted(
        "haarcascade_frontalface_alt2.xml", larger, 2, _FACE_MIN, 1.15, max_size=largest
    ):
        factor = reduce / larger_scale
        rect = (int(x * factor), int(y * factor), int(w * factor), int(h * factor))
        if _frontal_hits_up_close(gray, rect, reduce) >= _MIN_HITS_UP_CLOSE:
            found.append(rect)
    return found


def _frontal_hits_up_close(gray: Gray, rect: tuple[int, int, int, int], reduce: float) -> int:
    """Cascade hits on a small candidate looked at again from the full-size picture, scaled
    so the face is 64 pixels wide: a small real face, which the reduced copy shows with too
    few pixels for many hits, gets many here; a chance pattern does not."""
    x, y, w, h = (int(value / reduce) for value in rect)
    crop, _, _ = _crop_around(gray, (x, y, w, h), 0.5)
    closer = cv2.equalizeHist(_resized(crop, min(2.0, 64 / max(1, w))))
    found = _detect_counted("haarcascade_frontalface_alt2.xml", closer, 1, 44)
    return max((hits for _, hits in found), default=0)


def _skin_mask(image: Image.Image, size: tuple[int, int]) -> Gray:
    """At the size of the face-search copy: `_SKIN` for pixels in the broad skin-tone range
    of the YCrCb space (Cr 133-173, Cb 77-127), which covers light to dark skin, `_GREY`
    for pixels without colour (Cr and Cb within 6 of neutral), 0 for the rest."""
    factor = max(1, min(image.width // size[0], image.height // size[1]))
    reduced = image.reduce(factor) if factor > 1 else image
    rgb = np.asarray(reduced.convert("RGB").resize(size, Image.Resampling.BILINEAR))
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    cr, cb = ycrcb[..., 1].astype(np.int16), ycrcb[..., 2].astype(np.int16)
    skin = (cr >= 133) & (cr <= 173) & (cb >= 77) & (cb <= 127)
    grey = (np.abs(cr - 128) <= 6) & (np.abs(cb - 128) <= 6)
    return np.where(skin, _SKIN, np.where(grey, _GREY, 0)).astype(np.uint8)


def _merge_overlapping(faces: list[tuple[Box, str]]) -> list[tuple[Box, str]]:
    """One box for detections of the same face at neighbouring scales (their union, the
    surer confidence)."""
    merged: list[tuple[Box, str]] = []
    for box, confidence in faces:
        for index, (other, other_confidence) in enumerate(merged):
            if box.overlap(other) > 0.3:
                sure = HIGH if HIGH in (confidence, other_confidence) else LOW
                merged[index] = (other.union(box), sure)
                break
        else:
            merged.append((box, confidence))
    return merged


def _box(rect: tuple[int, int, int, int]) -> Box:
    x, y, w, h = rect
    return Box(x, y, w, h)
