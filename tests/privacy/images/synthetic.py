"""Synthetic pictures for the image checks: radiographs with burned-in overlays, screenshots
of notes, photo-like scenes. Used by the tests and by make_dev_images.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))


def font(size: int, *, mono: bool = False, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu when the system has it, else Pillow's own scalable font."""
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    if bold:
        name += "-Bold"
    path = _FONT_DIRS[0] / f"{name}.ttf"
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


@dataclass
class Labelled:
    """An image and what is in it: text boxes with their kind, face boxes."""

    image: Image.Image
    text: list[dict[str, object]] = field(default_factory=list)
    faces: list[list[int]] = field(default_factory=list)

    def write(
        self,
        xy: tuple[int, int],
        words: str,
        *,
        size: int,
        fill: int | tuple[int, int, int],
        kind: str | None = None,
        mono: bool = True,
        bold: bool = False,
    ) -> tuple[int, int, int, int]:
        draw = ImageDraw.Draw(self.image)
        face = font(size, mono=mono, bold=bold)
        draw.text(xy, words, font=face, fill=fill)
        left, top, right, bottom = (int(v) for v in draw.textbbox(xy, words, font=face))
        if kind:
            self.text.append(
                {"kind": kind, "text": words, "box": [left, top, right - left, bottom - top]}
            )
        return left, top, right, bottom


def radiograph(width: int, height: int, *, seed: int = 1) -> Image.Image:
    """A chest-radiograph-like greyscale picture: black surround, body, lungs, spine, ribs."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width / 2, height * 0.55
    body = ((xs - cx) / (width * 0.42)) ** 2 + ((ys - cy) / (height * 0.48)) ** 2 < 1
    pixels = np.where(body, 150.0, 8.0)
    for side in (-1, 1):
        lung = ((xs - cx - side * width * 0.17) / (width * 0.13)) ** 2 + (
            (ys - cy + height * 0.05) / (height * 0.3)
        ) ** 2 < 1
        pixels = np.where(lung, 70.0, pixels)
    spine = np.abs(xs - cx) < width * 0.035
    pixels = np.where(spine & body, 200.0, pixels)
    for index in range(9):
        rib_y = height * (0.3 + index * 0.055)
        curve = rib_y + ((xs - cx) / (width * 0.3)) ** 2 * height * 0.05
        rib = (np.abs(ys - curve) < height * 0.008) & body & (np.abs(xs - cx) < width * 0.33)
        pixels = np.where(rib, pixels + 60, pixels)
    pixels += rng.normal(0, 6, size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return image.filter(ImageFilter.GaussianBlur(radius=max(1, width // 400)))


def photo_scene(width: int, height: int, *, seed: int = 2) -> Image.Image:
    """A face-less outdoor-like scene: sky gradient, hills, textured ground, a few shapes."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack(
        [110 + 60 * ys / height, 150 + 50 * ys / height, np.full_like(ys, 230.0)], axis=-1
    )
    horizon = height * 0.55 + height * 0.06 * np.sin(xs / width * 7.0)
    ground = ys > horizon
    grass = np.stack([60 + 0 * ys, 120 + 0 * ys, 50 + 0 * ys], axis=-1)
    pixels = np.where(ground[..., None], grass, sky)
    small = rng.normal(0, 18, size=(height // 8 + 1, width // 8 + 1, 1)).astype(np.float32)
    texture = np.kron(small, np.ones((8, 8, 1), dtype=np.float32))[:height, :width]
    pixels = pixels + np.where(ground[..., None], texture, texture * 0.15)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x = int(rng.integers(0, width - width // 8))
        y = int(rng.integers(height // 2, height - height // 8))
        size = int(rng.integers(width // 30, width // 10))
        colour = tuple(int(c) for c in rng.integers(40, 220, size=3))
        draw.ellipse((x, y, x + size, y + size // 2), fill=colour)
    return image.filter(ImageFilter.GaussianBlur(radius=1))


def note_screenshot(
    lines: list[tuple[str, str | None]], *, dark: bool = False, width: int = 1100
) -> Labelled:
    """A screenshot of a clinical note: one line per entry; the kind labels identifiers."""
    height = 90 + 34 * len(lines)
    background, ink = ((30, 32, 36), (225, 225, 225)) if dark else ((250, 250, 248), (30, 30, 30))
    picture = Labelled(Image.new("RGB", (width, height), background))
    draw = ImageDraw.Draw(picture.image)
    draw.rectangle((0, 0, width, 44), fill=(60, 90, 150))
    picture.write((16, 10), "Progress note", size=20, fill=(255, 255, 255), mono=False)
    for index, (line, kind) in enumerate(lines):
        picture.write((24, 64 + 34 * index), line, size=19, fill=ink, kind=kind, mono=False)
    return picture
