"""Benchmark the image checks (``privacy.images.find_phi_in_image``) on two generated images.

Run from the repository root::

    python bench/phi_image_bench.py             # 7 timed runs of each image
    python bench/phi_image_bench.py --runs 15

The images are made here, deterministically: a 12-megapixel (4000×3000) photo-like
outdoor scene with no face and a sign with a line of text (JPEG, quality 85), and a
2048×2048 radiograph-like picture with a burned-in name, birth date and record number
in its corners (PNG). Each run is the whole check from the uploaded bytes: decoding,
reading text, looking for faces. Prints the median and the fastest run, and, as a floor
measured in the same run on the same bytes, what Pillow alone takes to decode the image
and reduce it to 1600 pixels on its longer side; the ratio to that floor is what to
compare between machines.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

from privacy.images import find_phi_in_image  # noqa: E402

_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if _FONT.exists():
        return ImageFont.truetype(str(_FONT), size)
    return ImageFont.load_default(size=size)


def photo_bytes() -> bytes:
    """4000×3000 JPEG: sky, hills, textured ground, bushes, a sign reading a ward name."""
    width, height = 4000, 3000
    rng = np.random.default_rng(12)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([110 + 60 * ys / height, 150 + 50 * ys / height, 230 + 0 * ys], axis=-1)
    ground = (ys > height * 0.55 + height * 0.05 * np.sin(xs / width * 9.0))[..., None]
    grass = np.stack([70 + 0 * ys, 125 + 0 * ys, 55 + 0 * ys], axis=-1)
    coarse = rng.normal(0, 22, size=(height // 6 + 1, width // 6 + 1, 1)).astype(np.float32)
    texture = np.kron(coarse, np.ones((6, 6, 1), dtype=np.float32))[:height, :width]
    pixels = np.where(ground, grass + texture, sky + texture * 0.1)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = int(rng.integers(0, width)), int(rng.integers(height // 2, height))
        size = int(rng.integers(80, 400))
        colour = tuple(int(c) for c in rng.integers(30, 120, size=3))
        draw.ellipse((x, y, x + size, y + size * 2 // 3), fill=colour)
    draw.rectangle((1400, 900, 2600, 1250), fill=(20, 70, 150))
    draw.rectangle((1960, 1250, 2040, 1900), fill=(90, 90, 90))
    draw.text((1480, 990), "NORTH WING", font=_font(150), fill=(255, 255, 255))
    image = image.filter(ImageFilter.GaussianBlur(radius=1.2))
    # Sensor noise, so that the JPEG weighs what a camera's does (several megabytes).
    noisy = np.asarray(image, dtype=np.int16) + rng.integers(-9, 10, size=(height, width, 1))
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def radiograph_bytes() -> bytes:
    """2048×2048 greyscale PNG: a chest-like picture with an overlay in two corners."""
    size = 2048
    rng = np.random.default_rng(13)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    centre = size / 2
    body = ((xs - centre) / (size * 0.42)) ** 2 + ((ys - size * 0.55) / (size * 0.48)) ** 2 < 1
    pixels = np.where(body, 150.0, 8.0)
    for side in (-1, 1):
        lung = ((xs - centre - side * size * 0.17) / (size * 0.13)) ** 2 + (
            (ys - size * 0.5) / (size * 0.3)
        ) ** 2 < 1
        pixels = np.where(lung, 70.0, pixels)
    pixels = np.where(body & (np.abs(xs - centre) < size * 0.035), 200.0, pixels)
    pixels += rng.normal(0, 6, size=pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    image = image.filter(ImageFilter.GaussianBlur(radius=3))
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(("SMITH, JOHN", "DOB 03/04/1931", "MRN 5512034")):
        draw.text((40, 40 + row * 56), line, font=_font(42), fill=230)
    draw.text((1500, 1950), "PA ERECT", font=_font(42), fill=230)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _floor(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image.thumbnail((1600, 1600))


def _check(data: bytes) -> int:
    return len(find_phi_in_image(io.BytesIO(data)))


def _timings(function: Callable[[bytes], object], data: bytes, runs: int) -> list[float]:
    function(data)  # warm caches (cascades, Tesseract's model in the page cache)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function(data)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per image (default 7)")
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"load average before: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(f"runs: {args.runs} per image")
    for label, data in (
        ("12 MP photo (4000x3000 JPEG)", photo_bytes()),
        ("radiograph (2048x2048 PNG)", radiograph_bytes()),
    ):
        check = _timings(_check, data, args.runs)
        floor = _timings(_floor, data, args.runs)
        median, floor_median = statistics.median(check), statistics.median(floor)
        print(
            f"{label}: {len(data) / 1e6:.1f} MB, {_check(data)} findings; check median "
            f"{median:.3f} s (fastest {min(check):.3f} s); Pillow decode+resize median "
            f"{floor_median:.3f} s; ratio {median / floor_median:.1f}"
        )
    print(f"load average after: {', '.join(f'{value:.2f}' for value in os.getloadavg())}")


if __name__ == "__main__":
    main()
