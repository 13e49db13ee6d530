"""Draw the site's icons from the design of static/img/favicon.svg: a teal rounded square
with a white cross on a 32-unit grid.

`favicon.ico` (16, 32 and 48 px) answers browsers that ask for /favicon.ico; the 192 and
512 px PNGs are the web app manifest's icons; `apple-touch-icon.png` is a full square, since
iOS rounds the corners itself, and so is `icon-maskable-512.png`, the manifest's "maskable"
icon: Android crops it to its own shape, and the cross stays within the middle 80% (the
safe zone) whatever that shape is. Run after changing the design:
`.venv/bin/python -m tools.icons`.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

TEAL = (11, 92, 107, 255)
WHITE = (255, 255, 255, 255)
TRANSPARENT = (0, 0, 0, 0)
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "img"
# Drawn this many times larger, then scaled down, for smooth corners.
SUPERSAMPLE = 8


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """The icon as a `size` px square image."""
    big = size * SUPERSAMPLE
    unit = big / 32
    image = Image.new("RGBA", (big, big), TRANSPARENT)
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(7 * unit), fill=TEAL)
    else:
        pen.rectangle((0, 0, big - 1, big - 1), fill=TEAL)
    # The SVG's path "M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z": a vertical and a horizontal bar.
    pen.rectangle((13 * unit, 7 * unit, 19 * unit - 1, 25 * unit - 1), fill=WHITE)
    pen.rectangle((7 * unit, 13 * unit, 25 * unit - 1, 19 * unit - 1), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    draw(256).save(OUTPUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    draw(192).save(OUTPUT / "icon-192.png", optimize=True)
    draw(512).save(OUTPUT / "icon-512.png", optimize=True)
    draw(180, rounded=False).save(OUTPUT / "apple-touch-icon.png", optimize=True)
    draw(512, rounded=False).save(OUTPUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
