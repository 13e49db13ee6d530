"""Faces: a learned detector for frontal and turned faces, and OpenCV's Haar cascades
(see the package's docstring)."""

from __future__ import annotations

import os
from typing import Final

import cv2
import numpy as np
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from privacy.images import face_model
from privacy.images.base import Box, Gray, ImageFinding, _resized
from privacy.phi import HIGH, LOW

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
# A face the learned detector (``face_model``) scores this high or more in every look is a
# high finding; below, down to its ``MIN_SCORE``, a low one.
_MODEL_SURE_SCORE: Final = 0.75
# A frontal cascade candidate this large (in the face-search copy) in which the learned
# detector sees no face at all is dropped: on 183 sample pictures the one it dropped was
# the page of an open book; the faces the cascade found scored 0.85 or more.
_MODEL_VETO_SIZE: Final = 48
# The learned detector's close looks are cut from a copy this large.
_DETAIL_SIDE: Final = 1280
# Pictures this large (longer side) are also looked at in windows an eighth of their size,
# where a face must score more: small printed faces on the development desks scored 0.75 to
# 0.80 there, a desk with papers enlarged to 2,000 pixels up to 0.64.
_SMALL_WINDOWS_FROM: Final = 1600
_MODEL_MIN_SCORE_SMALL: Final = 0.7


# Faces


def _cascade(name: str) -> cv2.CascadeClassifier:
    cached = _CASCADES.get(name)
    if cached is None:
        # cv2.data is a module of the wheel that OpenCV's type stubs leave out.
        folder: str = cv2.data.haarcascades  # type: ignore[attr-defined]
        cached = cv2.CascadeClassifier(os.path.join(folder, name))
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
    # The learned detector's copies: the size of the face-search copy, and a larger one for
    # its close looks.
    detail = _detail_rgb(image, gray, colourful=colourful)
    rgb = np.ascontiguousarray(cv2.resize(detail, (small_w, small_h), interpolation=cv2.INTER_AREA))
    if colourful:
        skin = _skin_mask(rgb)
    else:
        skin = np.full((small_h, small_w), _GREY, dtype=np.uint8)

    def cat(rect: tuple[int, int, int, int]) -> bool:
        crop, _, _ = _crop_around(small, rect, 0.4)
        return bool(
            _detect("haarcascade_frontalcatface.xml", crop, neighbours=4, min_size=rect[2] // 2)
        )

    def skin_toned(rect: tuple[int, int, int, int]) -> bool | None:
        """Whether the middle of a colour candidate is skin-toned; None without colour."""
        x, y, w, h = rect
        centre = skin[y + h // 5 : y + h * 4 // 5, x + w // 5 : x + w * 4 // 5]
        if centre.size and float((centre == _GREY).mean()) < _MIN_GREY:
            return float((centre == _SKIN).mean()) >= _MIN_SKIN
        return None

    def plausible(rect: tuple[int, int, int, int], hits: int, *, frontal: bool) -> bool:
        if cat(rect):
            return False
        toned = skin_toned(rect)
        if toned is not None:
            return toned
        # Without colour (a greyscale photo, or a black-and-white print in a colour one),
        # only the number of hits tells a face from a pattern.
        if not frontal:
            return hits >= _MIN_HITS_GREY_PROFILE
        return hits >= _MIN_HITS_GREY or _frontal_hits_up_close(gray, rect, reduce) >= (
            _MIN_HITS_UP_CLOSE
        )

    # The learned detector first: it finds turned faces as well as frontal ones.
    learned: list[tuple[Box, str]] = []
    # Faces of at least `_FACE_MIN` pixels in the copy they were found in.
    found = [
        (box, score)
        for box, score in face_model.find_faces(rgb, detail=detail)
        if min(box.width, box.height) >= _FACE_MIN
    ]
    if max(height, width) >= _SMALL_WINDOWS_FROM:
        # A small face in a large photo (a printed photo on a desk): windows an eighth of
        # the larger copy's side, boxes brought to the face-search copy.
        factor = small_w / detail.shape[1]
        for box, score in face_model.find_faces(detail, windows=face_model.SMALL_WINDOWS):
            if min(box.width, box.height) >= _FACE_MIN and score >= _MODEL_MIN_SCORE_SMALL:
                found.append((_scaled(box, factor), score))
    for box, score in found:
        rect = (box.x, box.y, box.width, box.height)
        if skin_toned(rect) is False or cat(rect):
            continue
        learned.append((box, HIGH if score >= _MODEL_SURE_SCORE else LOW))

    faces: list[tuple[Box, str]] = []
    for rect, hits in _detect_counted(
        "haarcascade_frontalface_alt2.xml", small, neighbours=4, min_size=_FACE_MIN
    ):
        if not plausible(rect, hits, frontal=True):
            continue
        if (
            rect[2] >= _MODEL_VETO_SIZE
            and face_model.score_up_close(rgb, _box(rect), detail=detail) == 0
        ):
            continue  # large enough for the learned detector, which sees no face there
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
        if any(box.overlap(face) > 0.3 for face, _ in faces + learned) or not plausible(
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
        if any(box.overlap(face) > 0.3 for face, _ in faces + learned) or not plausible(
            rect, hits, frontal=False
        ):
            continue
        faces.append((box, LOW))

    results = []
    # A learned face where a cascade found one keeps the cascade's box (the redaction
    # margins were set for it: brows to chin, centred) and lends it its confidence.
    for box, confidence in learned:
        same = [index for index, (face, _) in enumerate(faces) if box.overlap(face) > 0.3]
        for index in same:
            if confidence == HIGH:
                faces[index] = (faces[index][0], HIGH)
        if not same:
            faces.append((box, confidence))

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


def _detail_rgb(image: Image.Image, gray: Gray, *, colourful: bool) -> face_model.Rgb:
    """An RGB copy at most `_DETAIL_SIDE` pixels on its longer side (grey in all three
    channels for a picture without colour)."""
    scale = min(1.0, _DETAIL_SIDE / max(image.width, image.height))
    if not colourful:
        plain = _resized(gray, scale)
        return np.ascontiguousarray(np.dstack([plain, plain, plain]))
    factor = max(1, int(1 / scale))
    reduced = image.reduce(factor) if factor > 1 else image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return np.asarray(reduced.convert("RGB").resize(size, Image.Resampling.BILINEAR))


def _skin_mask(rgb: face_model.Rgb) -> Gray:
    """`_SKIN` for pixels in the broad skin-tone range of the YCrCb space (Cr 133-173, Cb
    77-127), which covers light to dark skin, `_GREY` for pixels without colour (Cr and
    Cb within 6 of neutral), 0 for the rest."""
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


def _scaled(box: Box, factor: float) -> Box:
    return Box(
        round(box.x * factor),
        round(box.y * factor),
        max(1, round(box.width * factor)),
        max(1, round(box.height * factor)),
    )


def _box(rect: tuple[int, int, int, int]) -> Box:
    x, y, w, h = rect
    return Box(x, y, w, h)
