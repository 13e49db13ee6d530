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
    # A colour in the middle of its transition (a button a pointer happens to rest on, say) is
    # neither of the two the page declares: axe measures the colours the transitions end on
    # (an endless animation, a spinner's, is not waited for).
    page.evaluate(
        "async () => { await document.fonts.ready;"
        " const ending = document.getAnimations().filter("
        "   a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);"
        " await Promise.allSettled(ending.map(a => a.finished)); }"
    )
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


# --- The app under uvicorn (live streams) --------------------------------------------------


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once per run for the uvicorn server (whitenoise, DEBUG=0)."""
    from tests.browser.asgi_server import collect_static

    return collect_static(tmp_path_factory.mktemp("asgi-static"))


@pytest.fixture
def asgi_server(
    transactional_db: None, collected_static: Path, settings: Any, tmp_path: Path
) -> Iterator[Any]:
    """The app under uvicorn against the test database, with its own redis-server (started
    and stopped here, never the machine's), which this test process publishes to as well:
    an event a test sends reaches the server's open streams, as another process's would.
    Afterwards none of the server's database connections is left open."""
    from community import events
    from tests.browser.asgi_server import AsgiServer
    from tests.notifications.test_delivery_integration import RedisServer, _free_port

    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program")
    redis_server = RedisServer(port=_free_port())
    redis_server.start()
    settings.REDIS_URL = redis_server.url
    server = AsgiServer(
        static_root=collected_static,
        media_root=tmp_path / "media",
        redis_url=redis_server.url,
        log=tmp_path / "uvicorn.log",
    )
    try:
        server.start()
        yield server
    finally:
        server.close()
        client = events._sync_clients.pop(redis_server.url, None)
        if client is not None:
            client.close()
        redis_server.stop()
    _wait_until(lambda: not server.leaked_connections(), "the server's connections to close")


def _wait_until(condition: Any, what: str, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)  # Between two looks at the condition, not a wait for it.
