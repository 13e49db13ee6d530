"""Redacting an image before it is stored: the author's boxes (blurred or blacked out) and
crop, applied with Pillow on the decoded image, plus the strict reading of what the composer
sends for them and the small numbered previews the guard shows without JavaScript.

The server is the authority: the browser may draw the same boxes for a preview, but only
what `apply_redaction` produces is scanned, encoded and stored.

A redaction travels as JSON in a hidden field per image slot:

    {"regions": [{"x": 10, "y": 20, "width": 80, "height": 40, "style": "black"}, ...],
     "crop": {"x": 0, "y": 0, "width": 1200, "height": 900} | null}

in pixels of the upright image (EXIF orientation applied). `parse_redaction` refuses
anything else with a message for the author, and clips boxes to the image.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from privacy.images import Box

Style = Literal["blur", "black"]
STYLES: tuple[Style, ...] = ("blur", "black")
# More boxes than any real image needs; bounds the work a crafted form can ask for.
MAX_REGIONS = 40
# The hidden field's size: 40 regions of about 70 characters, with room to spare.
MAX_REDACTION_CHARS = 8_000
# Blur: the box is reduced to at most this many cells along its longer side, then smoothed,
# so no letter or facial feature survives (neither OCR nor the face detector finds anything).
_BLUR_CELLS = 6
# Boxes the server draws itself ("Black out everything found") grow by a share of their size
# on every side: read text is often boxed tightly, and a detected face runs from the brows to
# the chin (the composer pre-fills its boxes with the same margins).
TEXT_MARGIN = 0.15
FACE_MARGIN = 0.3
# The numbered previews shown on the form page: longer side in pixels.
PREVIEW_SIDE = 480
_EDGES = ("x", "y", "width", "height")


@dataclass(frozen=True, slots=True)
class Region:
    box: Box
    style: Style = "black"


@dataclass(frozen=True, slots=True)
class Redaction:
    """What the author asked for one image: boxes to hide and an optional crop."""

    regions: tuple[Region, ...] = field(default_factory=tuple)
    crop: Box | None = None

    @property
    def is_empty(self) -> bool:
        return not self.regions and self.crop is None


NO_REDACTION = Redaction()


# --- Reading the composer's JSON ---------------------------------------------------------


def _invalid(message: str) -> ValidationError:
    return ValidationError(
        "The redaction for this image could not be read (%(problem)s). Attach the image "
        "again and redraw the boxes.",
        code="invalid_redaction",
        params={"problem": message},
    )


def _number(value: Any, name: str) -> int:
    # bool is an int in Python; a box edge of `true` is a malformed form.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(f"{name} is not a number")
    if not math.isfinite(value):
        raise _invalid(f"{name} is not a number")
    return round(value)


def clip_box(box: Box, *, width: int, height: int) -> Box | None:
    """`box` cut to the image; None when nothing of it is inside."""
    left, top = max(0, box.x), max(0, box.y)
    right, bottom = min(width, box.x + box.width), min(height, box.y + box.height)
    if right <= left or bottom <= top:
        return None
    return Box(left, top, right - left, bottom - top)


def _read_box(raw: Any, *, width: int, height: int, name: str) -> Box | None:
    if not isinstance(raw, dict):
        raise _invalid(f"{name} is not a box")
    values = {key: _number(raw.get(key), f"{name}'s {key}") for key in _EDGES}
    if values["width"] <= 0 or values["height"] <= 0:
        raise _invalid(f"{name} has no area")
    return clip_box(Box(**values), width=width, height=height)


def parse_redaction(raw: str, *, width: int, height: int) -> Redaction:
    """Read the composer's JSON for an image of `width`×`height`; raise ValidationError.

    Boxes are clipped to the image (a box wholly outside is dropped); an empty string means
    no redaction.
    """
    if not raw or not raw.strip():
        return NO_REDACTION
    if len(raw) > MAX_REDACTION_CHARS:
        raise _invalid("it is too long")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise _invalid("it is not valid JSON") from None
    if not isinstance(data, dict) or set(data) - {"regions", "crop"}:
        raise _invalid("unexpected content")
    raw_regions = data.get("regions", [])
    if not isinstance(raw_regions, list):
        raise _invalid("the boxes are not a list")
    if len(raw_regions) > MAX_REGIONS:
        raise ValidationError(
            "Too many boxes on one image: at most %(limit)s. Crop the image or use bigger boxes.",
            code="too_many_regions",
            params={"limit": MAX_REGIONS},
        )
    regions: list[Region] = []
    for number, item in enumerate(raw_regions, start=1):
        if not isinstance(item, dict):
            raise _invalid(f"box {number} is not a box")
        style = item.get("style", "black")
        if style not in STYLES:
            raise _invalid(f"box {number} is neither blurred nor black")
        box = _read_box(
            {key: item.get(key) for key in _EDGES},
            width=width,
            height=height,
            name=f"box {number}",
        )
        if box is not None:
            regions.append(Region(box=box, style=style))
    crop = None
    if data.get("crop") is not None:
        crop = _read_box(data["crop"], width=width, height=height, name="the crop")
        if crop is None:
            raise _invalid("the crop is outside the image")
        if crop == Box(0, 0, width, height):
            crop = None
    return Redaction(regions=tuple(regions), crop=crop)


def redaction_json(redaction: Redaction) -> str:
    """The JSON form of `redaction` (what the composer sends)."""

    def box(item: Box) -> dict[str, int]:
        return {"x": item.x, "y": item.y, "width": item.width, "height": item.height}

    return json.dumps(
        {
            "regions": [{**box(region.box), "style": region.style} for region in redaction.regions],
            "crop": box(redaction.crop) if redaction.crop else None,
        }
    )


# --- Applying it -------------------------------------------------------------------------


def _blurred(patch: Image.Image) -> Image.Image:
    """A patch too coarse to read or recognise: a few cells of average colour, smoothed."""
    width, height = patch.size
    cell = max(4, math.ceil(max(width, height) / _BLUR_CELLS))
    small = patch.resize(
        (max(1, round(width / cell)), max(1, round(height / cell))), Image.Resampling.BOX
    )
    coarse = small.resize((width, height), Image.Resampling.BILINEAR)
    return coarse.filter(ImageFilter.GaussianBlur(radius=max(2, cell // 2)))


def apply_redaction(
    image: Image.Image, regions: Sequence[Region], crop: Box | None = None
) -> Image.Image:
    """A new image with each region blurred or blacked out, then cropped to `crop`.

    Coordinates are those of `image` (upright). Regions are applied before the crop, so a
    box may reach outside the kept area. The input image is left unchanged.
    """
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
    result = image.convert(mode) if image.mode != mode else image.copy()
    width, height = result.size
    draw = ImageDraw.Draw(result)
    for region in regions:
        box = clip_box(region.box, width=width, height=height)
        if box is None:
            continue
        edges = (box.x, box.y, box.x + box.width, box.y + box.height)
        if region.style == "black":
            draw.rectangle((edges[0], edges[1], edges[2] - 1, edges[3] - 1), fill="black")
        else:
            result.paste(_blurred(result.crop(edges)), edges[:2])
    if crop is not None:
        kept = clip_box(crop, width=width, height=height)
        if kept is not None:
            result = result.crop((kept.x, kept.y, kept.x + kept.width, kept.y + kept.height))
    return result


def grown(box: Box, *, width: int, height: int, margin: float = TEXT_MARGIN) -> Box:
    """`box` enlarged by `margin` of its size on every side (at least 4 px), within the image."""
    dx = max(4, round(box.width * margin))
    dy = max(4, round(box.height * margin))
    bigger = Box(box.x - dx, box.y - dy, box.width + 2 * dx, box.height + 2 * dy)
    return clip_box(bigger, width=width, height=height) or box


def black_out(image: Image.Image, boxes: Sequence[tuple[Box, float]]) -> Image.Image:
    """`image` with every box, grown by its margin, filled black ("Black out everything
    found")."""
    width, height = image.size
    return apply_redaction(
        image,
        [
            Region(grown(box, width=width, height=height, margin=margin), "black")
            for box, margin in boxes
        ],
    )


# --- Describing and previewing -----------------------------------------------------------


def describe_position(box: Box, *, width: int, height: int) -> str:
    """Where the box's centre is, in words: "top-left corner", "centre", "bottom edge"..."""
    column = min(2, int(3 * (box.x + box.width / 2) / max(1, width)))
    row = min(2, int(3 * (box.y + box.height / 2) / max(1, height)))
    vertical = ("top", "middle", "bottom")[row]
    horizontal = ("left", "centre", "right")[column]
    if row == 1 and column == 1:
        return "centre"
    if row == 1:
        return f"{horizontal} edge"
    if column == 1:
        return f"{vertical} edge"
    return f"{vertical}-{horizontal} corner"


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """An RGB copy no larger than `max_side` on its longer side (never enlarged)."""
    reduced = image.convert("RGB")
    reduced.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return reduced


def numbered_preview(image: Image.Image, boxes: Sequence[tuple[int, Box]]) -> str:
    """A small PNG of `image` with each box outlined and numbered, as a data: URL.

    Built in memory for the page that lists the findings and never stored.
    """
    preview = _reduced(image, PREVIEW_SIDE)
    scale = preview.width / max(1, image.width)
    draw = ImageDraw.Draw(preview)
    label_font = ImageFont.load_default(size=16)
    for number, box in boxes:
        left, top = round(box.x * scale), round(box.y * scale)
        right = max(left + 2, round((box.x + box.width) * scale))
        bottom = max(top + 2, round((box.y + box.height) * scale))
        draw.rectangle((left - 2, top - 2, right + 2, bottom + 2), outline="#ffffff", width=1)
        draw.rectangle((left - 1, top - 1, right + 1, bottom + 1), outline="#b42318", width=3)
        label = str(number)
        text_box = draw.textbbox((0, 0), label, font=label_font)
        label_width, label_height = text_box[2] + 8, text_box[3] + 6
        label_top = top - label_height - 1 if top > label_height else bottom + 2
        draw.rectangle(
            (left - 1, label_top, left - 1 + label_width, label_top + label_height), fill="#b42318"
        )
        draw.text((left + 3, label_top + 2), label, fill="#ffffff", font=label_font)
    buffer = io.BytesIO()
    preview.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def png_data_url(image: Image.Image, *, max_side: int) -> str:
    """`image` reduced to `max_side` as a PNG data: URL (a preview of a DICOM file)."""
    buffer = io.BytesIO()
    _reduced(image, max_side).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
