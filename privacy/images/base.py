"""The types the image checks share: boxes, findings, and a resize helper."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy.typing as npt

Progress = Callable[[str, float], None]
# An 8-bit greyscale picture. OpenCV's stubs type every result as an array of any numeric
# dtype, so the alias cannot say uint8 without a cast at each call.
Gray = npt.NDArray[Any]
PictureKind = Literal["radiograph", "document", "photo"]


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


def _resized(pixels: Gray, scale: float) -> Gray:
    if abs(scale - 1.0) < 0.05:
        return pixels
    height, width = pixels.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(pixels, size, interpolation=method)
