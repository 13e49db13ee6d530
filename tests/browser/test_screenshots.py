"""`make screenshots` (bench/screenshots.py) saves full-page screenshots of the pages asked
for, at the widths and colours asked for, for every audience of each page."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from bench.screenshots import main, shoot


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_screenshots_of_two_pages(browser: Any, demo_site: Any, tmp_path: Path) -> None:
    shots = shoot(
        browser,
        demo_site,
        pages=["home", "notifications"],
        widths=[360],
        schemes=["dark"],
        output=tmp_path,
    )
    assert sorted(path.name for path in shots.saved) == [
        "home-member-360-dark.png",
        "home-visitor-360-dark.png",
        "notifications-member-360-dark.png",
    ]
    assert sorted(tmp_path.iterdir()) == sorted(shots.saved)
    for path in shots.saved:
        width, height = png_size(path)
        assert width == 360
        assert height >= 740  # the whole page, not only the first screen
    assert shots.skipped == []


def test_an_unknown_page_is_refused_before_anything_starts(capsys: Any) -> None:
    try:
        main(["--only", "home,nowhere"])
    except SystemExit as exit:
        assert exit.code == 2
    else:
        raise AssertionError("an unknown page was accepted")
    assert "unknown page(s): nowhere" in capsys.readouterr().err
