"""Screenshots of every main page at phone, tablet and desktop widths, light and dark.

    make screenshots                     # or: python -m bench.screenshots
    python -m bench.screenshots --only home,post --widths 360 --schemes dark

It starts the demo site itself (bench/demo_site.py: a temporary SQLite database with the
demo data, gunicorn with DEBUG=0 on a free port), signs in as the demo student and the demo
moderator through the real forms, and saves full-page PNGs named
`<page>-<audience>-<width>-<scheme>.png` into var/screenshots/ (git-ignored). A page that
answers 404 (a trust page not built yet) is skipped with a note.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.demo_site import (
    MAIN_PAGES,
    PAGE_NAMES,
    ROOT,
    TIMEOUT_MS,
    Audience,
    DemoSite,
    launch_chromium,
    signed_in_state,
)

OUTPUT = ROOT / "var" / "screenshots"
WIDTHS = (360, 768, 1280)
SCHEMES = ("light", "dark")
# The first screen's height at each width; full-page shots then take the whole page.
HEIGHTS = {360: 740, 768: 1024, 1280: 800}


@dataclass
class Shots:
    saved: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def shoot(
    browser: Any,
    site: DemoSite,
    *,
    pages: Iterable[str] = PAGE_NAMES,
    widths: Iterable[int] = WIDTHS,
    schemes: Iterable[str] = SCHEMES,
    output: Path = OUTPUT,
) -> Shots:
    """Save the screenshots of `pages` on the running `site`; return what was saved and
    the notes about what was skipped."""
    output.mkdir(parents=True, exist_ok=True)
    wanted = set(pages)
    shots = Shots()
    states: dict[Audience, dict[str, Any] | None] = {}
    missing: set[str] = set()
    for page_spec in MAIN_PAGES:
        if page_spec.name not in wanted:
            continue
        for audience in page_spec.audiences:
            if audience not in states:
                states[audience] = signed_in_state(browser, site, audience)
            for width in widths:
                for scheme in schemes:
                    if page_spec.name in missing:
                        continue
                    context = browser.new_context(
                        base_url=site.url,
                        viewport={"width": width, "height": HEIGHTS.get(width, 900)},
                        color_scheme=scheme,
                        storage_state=states[audience],
                    )
                    context.set_default_timeout(TIMEOUT_MS)
                    try:
                        tab = context.new_page()
                        path = site.paths[page_spec.name]
                        response = tab.goto(path, wait_until="load")
                        if response is not None and response.status == 404:
                            missing.add(page_spec.name)
                            shots.skipped.append(f"{page_spec.name}: {path} answered 404")
                            continue
                        if response is None or response.status != 200:
                            status = response.status if response else "nothing"
                            raise RuntimeError(f"{path} answered {status} to the {audience}")
                        name = f"{page_spec.name}-{audience}-{width}-{scheme}.png"
                        tab.screenshot(path=str(output / name), full_page=True)
                        shots.saved.append(output / name)
                    finally:
                        context.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default="", help="Comma-separated page names: " + ", ".join(PAGE_NAMES)
    )
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)))
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    pages = [name for name in args.only.split(",") if name] or list(PAGE_NAMES)
    unknown = sorted(set(pages) - set(PAGE_NAMES))
    if unknown:
        parser.error(f"unknown page(s): {', '.join(unknown)}")

    import django
    from playwright.sync_api import sync_playwright

    django.setup()  # accounts.demo gives the moderator's current code
    print("Starting the demo site (migrate, seed_demo, collectstatic, gunicorn)...", flush=True)
    with DemoSite() as site, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            shots = shoot(
                browser,
                site,
                pages=pages,
                widths=[int(width) for width in args.widths.split(",")],
                schemes=args.schemes.split(","),
                output=args.output,
            )
        finally:
            browser.close()
    for note in shots.skipped:
        print(f"skipped {note}")
    print(f"{len(shots.saved)} screenshots in {args.output}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    sys.exit(main())
