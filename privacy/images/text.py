"""Text burned into the pixels: what to read, reading it, and lines of words (see the
package's docstring)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
import pytesseract
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from privacy.images.base import Box, Gray, ImageFinding, PictureKind, Progress, _resized
from privacy.images.rules import _overlay_findings
from privacy.phi import HIGH, LOW, Finding, find_phi

STAGE_TEXT: Final = "Reading text"
# Overlay lines read with no result are read again this much larger.
_READ_AGAIN_ZOOM: Final = 1.4

# Tesseract reads best when capital letters are 25 to 40 pixels tall.
_TEXT_HEIGHT: Final = 30
# Longest side of the copy in which a photo's text regions are looked for.
_REGION_SIDE: Final = 1600
# The sheet sent to Tesseract never exceeds this many pixels (a photo full of texture
# can look like a lot of text).
_SHEET_MAX_PIXELS: Final = 2_500_000
_SHEET_GAP: Final = 24
_MIN_PHOTO_WORD_HEIGHT: Final = 8
_MAX_REGIONS: Final = 40
# A photo's text regions are enlarged at most this much for reading.
_MAX_PHOTO_ZOOM: Final = 3.0
# A word read from a region enlarged more than twice is at least this many pixels tall in
# the photo (small print on a wristband: 11 and more).
_MIN_ZOOMED_WORD_HEIGHT: Final = 10
# Share of a small line's box that its letters' edges may fill (a larger line's: 0.75).
_MAX_SMALL_LINE_FILL: Final = 0.9
# Words Tesseract is less sure of than this (0-100) are treated as noise.
_MIN_WORD_CONFIDENCE: Final = 45
_MIN_OVERLAY_WORD_CONFIDENCE: Final = 25
_TESSERACT_TIMEOUT_SECONDS: Final = 30
_TESSERACT_CONFIG: Final = "--oem 1 --psm {psm} -c tessedit_do_invert=0"


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
        # A photo's regions are scaled for letters about 30 pixels tall: a word of a few
        # pixels is a speck read as letters.
        min_height=_MIN_PHOTO_WORD_HEIGHT if kind == "photo" else 0,
    )
    if kind == "radiograph":
        words += _read_again(parts, words)
    report(STAGE_TEXT, 0.6)
    return _classify(words, kind=kind)


def _read_again(parts: Sequence[_Part], words: Sequence[_Word]) -> list[_Word]:
    """Overlay lines from which the first reading got nothing, read again larger as one
    block of lines: small letters joined by carets or blurred by compression are often
    read at one size and not at another."""
    unread = []
    for part in parts:
        height, width = part.pixels.shape
        right, bottom = part.x + width / part.scale, part.y + height / part.scale
        if width < 4 * height:
            continue  # too short to be a name or a code
        if not any(
            part.x <= word.box.x + word.box.width / 2 < right
            and part.y <= word.box.y + word.box.height / 2 < bottom
            for word in words
        ):
            larger = _resized(part.pixels, _READ_AGAIN_ZOOM)
            unread.append(_Part(larger, part.x, part.y, part.scale * _READ_AGAIN_ZOOM))
    if not unread:
        return []
    return _read_words(unread, psm=6, min_confidence=_MIN_OVERLAY_WORD_CONFIDENCE)


def _dark_on_light(pixels: Gray) -> Gray:
    """Invert when the background (the commoner side of Otsu's threshold) is dark."""
    threshold, _ = cv2.threshold(pixels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if float((pixels > threshold).mean()) < 0.5:
        return np.ascontiguousarray(255 - pixels)
    return pixels


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
            # Overlay lines are close together: a margin that took in the top of the next
            # line would confuse the reader (the sheet gives each part white space).
            pad_x, pad_y = max(4, h), max(3, h // 3)
            left, upper = max(0, x - pad_x), max(0, top + y - pad_y)
            right, lower = min(width, x + w + pad_x), min(height, top + y + h + pad_y)
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
    count, components, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    small_h, small_w = small.shape
    candidates: list[tuple[float, tuple[int, int, int, int], float, int]] = []
    for index in range(1, count):
        x, y, w, h, area = (int(value) for value in stats[index])
        # The line's length and height along its own direction: the upright box's, unless
        # the line is photographed at a slight angle (a wristband, a badge); such a line
        # is turned level before it is read.
        slant, length, thickness = 0.0, float(w), float(h)
        if w >= 20 and w >= h and 7 <= h <= small_h / 10 + w * 0.21:
            turned, along, across = _slant(components[y : y + h, x : x + w] == index)
            if _MIN_SLANT <= abs(turned) <= _MAX_SLANT:
                slant, length, thickness = turned, along, across
            elif area / (w * h) < 0.45:
                continue
        if thickness < 7 or thickness > small_h / 10 or length < max(20, 1.5 * thickness):
            continue
        fill = float(edges[y : y + h, x : x + w].mean()) / 255 * (w * h) / (length * thickness)
        solidity = area / (length * thickness)
        # The edges of small letters (under 20 pixels) fill most of their line's box.
        most = _MAX_SMALL_LINE_FILL if thickness < 20 else 0.75
        if fill < 0.15 or fill > most or solidity < 0.45:
            continue
        candidates.append((length * thickness * fill, (x, y, w, h), slant, round(thickness)))
    candidates.sort(key=lambda item: -item[0])

    parts = []
    budget = _SHEET_MAX_PIXELS
    for _, (x, y, w, h), slant, line in candidates[:_MAX_REGIONS]:
        # The line's own height (across its slant), not its upright box's, sets the scale.
        pad = max(3, line // 3)
        left = max(0, int((x - pad) / reduce))
        top = max(0, int((y - pad) / reduce))
        right = min(width, int((x + w + pad) / reduce) + 1)
        bottom = min(height, int((y + h + pad) / reduce) + 1)
        # The region is one or a few lines; aim the line height at the reading height.
        # Small letters (a wristband in a photo) are enlarged up to three times.
        scale = min(_MAX_PHOTO_ZOOM, max(0.25, _TEXT_HEIGHT * 1.4 / max(1.0, line / reduce)))
        pixels = _resized(gray[top:bottom, left:right], scale)
        if pixels.size > budget:
            break
        budget -= pixels.size
        if slant:
            pixels = _level(pixels, slant)
        parts.append(_Part(_dark_on_light(pixels), left, top, scale))
    return parts


# Lines slanting between these angles (degrees) are turned level before reading: a band
# photographed at an angle, whose curve near the ends adds a few degrees more (11 on the
# development wristbands). A line slanting less reads as it is.
_MIN_SLANT: Final = 2.0
_MAX_SLANT: Final = 12.0


def _slant(mask: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    """The angle (degrees, positive when the line rises to the right), length and
    thickness of the smallest rotated rectangle around a shape."""
    ys, xs = np.nonzero(mask)
    points = np.column_stack([xs, ys]).astype(np.float32)
    corners = cv2.boxPoints(cv2.minAreaRect(points))
    first, second = corners[1] - corners[0], corners[2] - corners[1]
    along, across = (first, second) if np.hypot(*first) >= np.hypot(*second) else (second, first)
    # Image rows grow downwards: a line rising to the right has a negative y step.
    angle = float(np.degrees(np.arctan2(-along[1], along[0])))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return angle, float(np.hypot(*along)), float(np.hypot(*across))


def _level(pixels: Gray, slant: float) -> Gray:
    """Turn a region so that a line slanting by `slant` degrees reads level; the corners
    brought in are filled with the region's edge pixels. Word boxes found in the result
    are still mapped back as if it were upright (off by at most the slant's rise)."""
    height, width = pixels.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), -slant, 1.0)
    return cv2.warpAffine(
        pixels, turn, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _read_words(
    parts: Sequence[_Part], *, psm: int, min_confidence: float | None = None, min_height: int = 0
) -> list[_Word]:
    """Stack the parts into one white sheet, read it once, map words back to the image.
    Words under `min_height` pixels tall on the sheet are dropped as noise (with a
    `min_height`, so are words under `_MIN_ZOOMED_WORD_HEIGHT` in the image from parts
    enlarged more than twice)."""
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
        if h < min_height:
            continue
        centre = top_ + h / 2
        part_index = _part_at(offsets, parts, centre)
        if part_index is None:
            continue
        part = parts[part_index]
        if min_height and part.scale > 2.0 and h / part.scale < _MIN_ZOOMED_WORD_HEIGHT:
            continue  # a speck of texture, enlarged three times, read as letters
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


def _tesseract_data(image: Image.Image, *, psm: int) -> dict[str, list[str | int | float]]:
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
