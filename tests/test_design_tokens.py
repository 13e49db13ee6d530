"""The design tokens (static/css/tokens.css): every colour has a light and a dark value, and
text colours meet WCAG AA (4.5:1) on every surface in both themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TOKENS = Path(__file__).resolve().parents[1] / "static" / "css" / "tokens.css"
PAIR = re.compile(r"^\s*(--color-[\w-]+): light-dark\((#[0-9a-f]{6}), (#[0-9a-f]{6})\);$", re.M)
SURFACES = ["--color-bg", "--color-surface", "--color-surface-2"]
TEXT_ON_SURFACES = [
    "--color-text",
    "--color-text-muted",
    "--color-primary",
    "--color-primary-hover",
    "--color-accent",
    "--color-success",
    "--color-warning",
    "--color-danger",
]
# Text on a filled background: (text, background).
TEXT_ON_FILLS = [
    ("--color-on-primary", "--color-primary"),
    ("--color-on-danger", "--color-danger"),
    ("--color-success", "--color-success-soft"),
    ("--color-warning", "--color-warning-soft"),
    ("--color-danger", "--color-danger-soft"),
    ("--color-text", "--color-primary-soft"),
]


def _themes() -> dict[str, dict[str, str]]:
    pairs = PAIR.findall(TOKENS.read_text(encoding="utf-8"))
    return {
        "light": {name: light for name, light, _ in pairs},
        "dark": {name: dark for name, _, dark in pairs},
    }


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_every_colour_token_has_a_light_and_a_dark_value() -> None:
    text = TOKENS.read_text(encoding="utf-8")
    declared = set(re.findall(r"^\s*(--color-[\w-]+):", text, re.M))
    assert declared - {"--color-shadow"} == set(_themes()["light"])
    assert {*SURFACES, *TEXT_ON_SURFACES} <= declared


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("text", TEXT_ON_SURFACES)
@pytest.mark.parametrize("surface", SURFACES)
def test_text_colours_meet_aa_on_every_surface(theme: str, text: str, surface: str) -> None:
    colours = _themes()[theme]
    assert contrast(colours[text], colours[surface]) >= 4.5


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("text", "fill"), TEXT_ON_FILLS)
def test_text_on_fills_meets_aa(theme: str, text: str, fill: str) -> None:
    colours = _themes()[theme]
    assert contrast(colours[text], colours[fill]) >= 4.5


def test_the_focus_ring_stands_out_from_every_surface() -> None:
    for colours in _themes().values():
        for surface in SURFACES:
            assert contrast(colours["--color-focus"], colours[surface]) >= 3
