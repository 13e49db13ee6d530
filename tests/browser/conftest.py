"""Browser tests: Playwright drives Debian's Chromium against a live server on 127.0.0.1.

Playwright's own browser download needs the internet, so the system Chromium is launched
by path. axe-core comes from the npm registry (`npm install`, see package.json) and is
injected into pages to check accessibility.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# How long Playwright waits for a page, an element or the browser to start, generous
# because the machine may be busy (a wait ends as soon as its condition holds).
TIMEOUT_MS = 60_000
# The live server thread and Playwright's own event loop share this process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "needs axe-core (npm install)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs playwright (pip install playwright)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if "tests/browser/" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and os.environ.get("REQUIRE_SERVICES") != "1":
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        pytest.fail(f"REQUIRE_SERVICES=1 but the browser suite {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, timeout=TIMEOUT_MS * 2
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(
    page: Any, *, impacts: frozenset[str] = frozenset({"serious", "critical"})
) -> list[dict[str, Any]]:
    """Run axe-core in the page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    # site's policy stays exactly as served.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def scrolls_sideways(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"))


def screenshot(page: Any, name: str) -> None:
    """Keep the last step of a journey for people to look at (the folder is git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def demo_site() -> Iterator[Any]:
    """The demo site (bench/demo_site.py) under gunicorn with DEBUG=0, for the whole run."""
    from bench.demo_site import DemoSite

    with DemoSite() as site:
        yield site


@pytest.fixture(scope="session")
def demo_sign_in(browser: Any, demo_site: Any) -> Any:
    """The storage state of a browser signed in as the demo site's audience: one sign-in
    per audience for the whole run."""
    from bench.demo_site import Audience, signed_in_state

    states: dict[str, dict[str, Any] | None] = {}

    def state(audience: Audience) -> dict[str, Any] | None:
        if audience not in states:
            states[audience] = signed_in_state(browser, demo_site, audience)
        return states[audience]

    return state
