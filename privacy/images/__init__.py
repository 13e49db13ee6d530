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
   It then picks the parts worth reading: the lines of bright text in the top and bottom
   quarters of a radiograph, each at its own letter size, the
   whole of a document, or, in a photo, the regions that look like lines of text (dense
   short edges in a row, found by morphology on a reduced copy). Each part is turned
   dark-on-light, scaled so letters are about 30 pixels tall, and the parts are stacked
   into one sheet that Tesseract reads in a single call (one process, one thread). Words
   come back with boxes; lines are rebuilt into text with a map from each character back
   to its word, the text scanner (``privacy.phi.find_phi``) and the rules below run on
   it, and each finding gets the union box of its words. (``privacy.images.text``)
2. **Faces.** A small learned detector (MediaPipe's BlazeFace, run by OpenCV's DNN
   module) looks at square windows of a reduced copy (and, in a large photo, smaller
   windows of a larger copy) and finds frontal and turned faces;
   each candidate must score high in six more looks up close, in the picture and its
   mirror. OpenCV's Haar cascades on a reduced greyscale copy add smaller frontal faces:
   the frontal "alt2" cascade finds candidates; one that the "default" frontal cascade
   confirms is a high finding, one it does not is low; the profile cascade (on the image
   and its mirror, for faces turned either way) adds low findings. A large cascade
   candidate in which the learned detector sees no face is dropped, and so is any
   candidate the cat-face cascade also matches: a cat is not a face. Small faces get a
   second, finer search, each candidate checked up close. (``privacy.images.faces``,
   ``privacy.images.face_model``)

Overlay rules: radiograph and monitor overlays write names as ``DOE, JANE`` or
``DOE^JANE`` (the DICOM person-name form) and label identifiers ``Pt:``, ``ID:``,
``MRN``, ``Acc#``, ``DOB``; patient lists, banners and badges write ``NGUYEN, Thi``,
``Thi NGUYEN`` or ``MARCUS BELLAMY``; chats and wristbands carry bare local phone numbers
and record numbers. The text scanner is written for prose and does not know these
conventions, so they are handled in ``privacy.images.rules``, on each OCR line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Final

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from community.images import load_image
from privacy.images.base import Box, Gray, ImageFinding, PictureKind, Progress
from privacy.images.faces import _find_faces
from privacy.images.text import STAGE_TEXT, _find_text

__all__ = ["Box", "ImageFinding", "Progress", "find_phi_in_image", "open_upload", "scan_image"]

STAGE_READING: Final = "Reading the image"
STAGE_FACES: Final = "Looking for faces"
STAGE_DONE: Final = "Done"


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
