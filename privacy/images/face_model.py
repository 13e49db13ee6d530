"""Faces turned to the side as well as frontal ones: a small learned face detector.

The model is MediaPipe's BlazeFace "short range" face detector
(``models/face_detection_short_range.tflite``, Apache-2.0, see ``models/README.md``),
run by OpenCV's own DNN module, so nothing beyond ``opencv-python-headless`` is needed.
It looks at a 128×128 picture and answers, for each of 896 fixed anchor points, a score
and a box; it was trained on faces that fill a good part of that picture, frontal and
turned up to about profile.

A photo is looked at in square windows of three sizes (the whole longer side, half of
it, and a quarter, each window overlapping the next by a third), so faces from about
a thirtieth of the longer side to most of the picture come out at a size the model
knows; in a large photo, windows an eighth of the longer side (of a larger copy) add
small faces, such as a printed photo lying on a desk. A candidate is then looked at again
up close, in windows centred on it of three
sizes, in the picture and in its mirror image: chance patterns (coins, a chessboard,
fur, a cat) score high in one look and low in another, a face scores high in all. The
score kept is the lowest of the seven looks.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Final

import cv2
import numpy as np
import numpy.typing as npt
from django.core.exceptions import ImproperlyConfigured

from privacy.images.base import Box

MODEL: Final = Path(__file__).resolve().parent / "models" / "face_detection_short_range.tflite"
_INPUT: Final = 128
WINDOWS: Final = (1.0, 0.5, 0.25)
# Windows an eighth of the longer side, for small faces in a large picture.
SMALL_WINDOWS: Final = (0.125,)
# A face scores at least this in the window that finds it and in each of six looks up
# close: windows 1.6, 2.2 and 3 times its size centred on it, in the picture and in its
# mirror image. On the development pictures, the lowest of the seven looks was 0.64 or
# more for the faces found, and at most 0.55 for chance patterns (coins, a chessboard, a
# sudoku grid, fur, a cat); see docs/phi.md, "Faces".
MIN_SCORE: Final = 0.62
_CLOSE_LOOKS: Final = (1.6, 2.2, 3.0)
# A window this even (standard deviation of its grey levels) shows sky, a wall or a page,
# not a face: it is not looked at.
_MIN_SPREAD: Final = 12.0

# An 8-bit RGB picture (as `Gray`, OpenCV's stubs cannot say uint8).
Rgb = npt.NDArray[Any]


@cache
def _net() -> cv2.dnn.Net:
    if not MODEL.exists():
        raise ImproperlyConfigured(f"The face model {MODEL.name} is missing from {MODEL.parent}.")
    return cv2.dnn.readNetFromTFLite(str(MODEL))


@cache
def _anchors() -> npt.NDArray[np.float32]:
    """The model's anchor centres, as fractions of the input: a 16×16 grid with two
    anchors a cell, then an 8×8 grid with six (MediaPipe's SSD anchor options for this
    model: strides 8, 16, 16, 16, two anchors per stride, fixed size)."""
    centres = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for row in range(grid):
            for column in range(grid):
                centres += [((column + 0.5) / grid, (row + 0.5) / grid)] * per_cell
    return np.array(centres, dtype=np.float32)


def _detect(window: Rgb, min_score: float) -> list[tuple[float, float, float, float, float]]:
    """Detections in one 128×128 RGB window: (score, centre x, centre y, width, height),
    the last four as fractions of the window."""
    blob = cv2.dnn.blobFromImage(window, 1 / 127.5, (_INPUT, _INPUT), (127.5, 127.5, 127.5))
    net = _net()
    net.setInput(blob)
    classes, boxes = net.forward(["classificators", "regressors"])
    scores = 1.0 / (1.0 + np.exp(-np.clip(classes[0, :, 0], -50.0, 50.0)))
    anchors = _anchors()
    found = []
    for index in np.flatnonzero(scores >= min_score):
        dx, dy, width, height = (float(value) / _INPUT for value in boxes[0, index, :4])
        centre_x, centre_y = float(anchors[index, 0]) + dx, float(anchors[index, 1]) + dy
        found.append((float(scores[index]), centre_x, centre_y, width, height))
    return found


def _window(rgb: Rgb, left: int, top: int, side: int) -> Rgb:
    """A square of the picture, black where it runs past the edge, at the model's size."""
    height, width = rgb.shape[:2]
    square = np.zeros((side, side, 3), dtype=np.uint8)
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + side), min(height, top + side)
    if x1 > x0 and y1 > y0:
        square[y0 - top : y1 - top, x0 - left : x1 - left] = rgb[y0:y1, x0:x1]
    method = cv2.INTER_AREA if side > _INPUT else cv2.INTER_LINEAR
    return np.ascontiguousarray(cv2.resize(square, (_INPUT, _INPUT), interpolation=method))


def _starts(length: int, side: int) -> list[int]:
    if side >= length:
        return [0]
    step = max(1, side * 2 // 3)
    starts = list(range(0, length - side + 1, step))
    if starts[-1] + side < length:
        starts.append(length - side)
    return starts


def find_faces(
    rgb: Rgb, *, detail: Rgb | None = None, windows: tuple[float, ...] = WINDOWS
) -> list[tuple[Box, float]]:
    """Faces in an RGB picture, boxes in its pixels, each with its score: the lowest of
    its seven looks (0 to 1, at least `MIN_SCORE`). `detail`, the same picture larger,
    gives the close looks more pixels (a small face is blurred when enlarged). `windows`:
    the sizes of the windows, as fractions of the longer side."""
    height, width = rgb.shape[:2]
    longest = max(height, width)
    candidates: list[tuple[float, Box]] = []
    for fraction in windows:
        side = round(longest * fraction)
        if side < _INPUT // 2 and fraction < 1.0:
            continue  # faces this small are below what the other windows find anyway
        side = max(side, _INPUT // 2)
        for top in _starts(height, side):
            for left in _starts(width, side):
                window = _window(rgb, left, top, side)
                if float(window[..., 1].std()) < _MIN_SPREAD:
                    continue
                for score, cx, cy, w, h in _detect(window, MIN_SCORE):
                    box = Box(
                        round(left + (cx - w / 2) * side),
                        round(top + (cy - h / 2) * side),
                        max(1, round(w * side)),
                        max(1, round(h * side)),
                    )
                    candidates.append((score, box))
    candidates.sort(key=lambda item: -item[0])
    kept: list[tuple[float, Box]] = []
    for score, box in candidates:
        if not any(box.overlap(other) > 0.3 for _, other in kept):
            kept.append((score, box))

    faces = []
    for score, box in kept:
        for grow in _CLOSE_LOOKS:
            score = min(score, *_scores_up_close(rgb, box, grow, detail))
            if score < MIN_SCORE:
                break
        else:
            faces.append((_clipped(box, width, height), score))
    return faces


def score_up_close(rgb: Rgb, box: Box, *, detail: Rgb | None = None) -> float:
    """The best score of the close looks at a box found some other way (0 when the model
    sees no face there at all)."""
    return max(max(_scores_up_close(rgb, box, grow, detail)) for grow in _CLOSE_LOOKS)


def _scores_up_close(rgb: Rgb, box: Box, grow: float, detail: Rgb | None) -> tuple[float, float]:
    """The best score of a detection near the middle of a window `grow` times the box's
    size centred on it, and of the same window mirrored (0 when there is none), cut from
    `detail` when given."""
    if detail is not None:
        factor = detail.shape[1] / rgb.shape[1]
        box = Box(
            round(box.x * factor),
            round(box.y * factor),
            round(box.width * factor),
            round(box.height * factor),
        )
        rgb = detail
    side = max(8, round(max(box.width, box.height) * grow))
    left = round(box.x + box.width / 2 - side / 2)
    top = round(box.y + box.height / 2 - side / 2)
    window = _window(rgb, left, top, side)
    mirrored = np.ascontiguousarray(window[:, ::-1])
    return _score_in_middle(window), _score_in_middle(mirrored)


def _score_in_middle(window: Rgb) -> float:
    near = [
        score
        for score, cx, cy, _, _ in _detect(window, 0.3)
        if abs(cx - 0.5) < 0.15 and abs(cy - 0.5) < 0.15
    ]
    return max(near, default=0.0)


def _clipped(box: Box, width: int, height: int) -> Box:
    left, top = max(0, box.x), max(0, box.y)
    right, bottom = min(width, box.x + box.width), min(height, box.y + box.height)
    return Box(left, top, max(1, right - left), max(1, bottom - top))
