"""The service worker in a real browser: the offline page when the network is gone, and a
member's private page never answered from a cache."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_journeys import FACTORY_PASSWORD, sign_in
from tests.factories import UserFactory
from tests.notifications.helpers import make_notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PRIVATE_TITLE = "Ana replied to your question about the night shift"


def _controlled(page: Any) -> None:
    """Wait until the worker is active and controls this page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _cached_urls(page: Any) -> list[str]:
    script = """async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }"""
    return list(page.evaluate(script))


def test_offline_navigation_shows_the_offline_page_never_a_cached_private_page(
    page: Any,
) -> None:
    member = UserFactory.create(display_name="Maya Chen")
    make_notification(member, title=PRIVATE_TITLE, url="/notifications/")
    sign_in(page, member.email, FACTORY_PASSWORD)

    page.goto("/notifications/")
    _controlled(page)
    # Visited again under the worker: had it stored pages, this one would be in its cache.
    page.goto("/notifications/")
    assert page.get_by_role("link", name=PRIVATE_TITLE).is_visible()
    cached = _cached_urls(page)
    assert "/offline/" in cached
    assert "/static/css/site.css" in cached
    assert "/notifications/" not in cached
    assert all(path == "/offline/" or path.startswith("/static/") for path in cached), cached

    page.context.set_offline(True)
    try:
        page.goto("/notifications/")
        assert page.get_by_role("heading", name="You are offline").is_visible()
        assert page.get_by_text(PRIVATE_TITLE).count() == 0
        assert page.url.endswith("/notifications/")
        # Styled: the stylesheet came from the worker's cache.
        styled = """() => [...document.styleSheets].some((sheet) =>
            sheet.href && sheet.href.endsWith("/static/css/site.css") && sheet.cssRules.length)"""
        assert page.evaluate(styled)
        page.goto("/")
        assert page.get_by_role("heading", name="You are offline").is_visible()
    finally:
        page.context.set_offline(False)

    page.goto("/notifications/")
    assert page.get_by_role("link", name=PRIVATE_TITLE).is_visible()
