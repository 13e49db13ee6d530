"""The app shell in a browser: a one-row header, a menu without script and a bottom bar on a
360 px phone; the navigation column on a wide screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import scrolls_sideways
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page: Any, live_server: Any) -> None:
    client = Client()
    client.force_login(UserFactory.create(display_name="Maya Chen", handle="maya"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _box(page: Any, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


def test_on_a_phone_the_header_is_one_row_and_the_bottom_bar_covers_nothing(
    phone_page: Any, live_server: Any
) -> None:
    _sign_in(phone_page, live_server)
    phone_page.goto("/explore/")
    header = _box(phone_page, ".site-header")
    brand = _box(phone_page, ".brand")
    menu = _box(phone_page, ".nav-menu > summary")
    assert header["height"] < 72
    assert abs(brand["y"] - menu["y"]) < 12  # side by side, not wrapped
    assert not scrolls_sideways(phone_page)
    bar = phone_page.get_by_role("navigation", name="Shortcuts")
    for place in ("Home", "Explore", "Mentoring", "Notifications"):
        assert bar.get_by_role("link", name=place).is_visible()
    assert bar.get_by_role("link", name="Explore").get_attribute("aria-current") == "page"
    assert not phone_page.get_by_role("navigation", name="Main").is_visible()

    phone_page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    footer = _box(phone_page, ".site-footer")
    bar_box = _box(phone_page, ".tab-bar")
    assert footer["y"] + footer["height"] <= bar_box["y"] + 1


def test_the_phone_menu_opens_without_script_and_holds_every_place(
    browser: Any, live_server: Any
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        _sign_in(page, live_server)
        page.goto("/")
        settings_link = page.get_by_role("link", name="Settings")
        assert not settings_link.is_visible()
        page.locator(".nav-menu > summary").click()
        menu = page.get_by_role("navigation", name="Menu")
        for name in ("Home", "Explore", "Groups", "Mentoring", "Your profile", "Settings"):
            assert menu.get_by_role("link", name=name).is_visible()
        assert menu.get_by_role("button", name="Sign out").is_visible()
        assert not scrolls_sideways(page)
    finally:
        context.close()


def test_on_a_wide_screen_the_navigation_is_a_column_and_an_empty_rail_takes_no_room(
    page: Any, live_server: Any
) -> None:
    _sign_in(page, live_server)
    page.goto("/explore/")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.is_visible()
    assert nav.get_by_role("link", name="Explore").get_attribute("aria-current") == "page"
    page.goto(reverse("accounts:profile_edit"))  # settings leave the rail empty
    assert not page.get_by_role("navigation", name="Shortcuts").is_visible()
    assert not page.locator(".nav-menu").is_visible()
    nav_box = _box(page, ".app-nav")
    main_box = _box(page, "main")
    assert nav_box["x"] + nav_box["width"] <= main_box["x"]
    assert not page.locator(".app-rail").is_visible()
    shell = _box(page, ".app-shell")
    assert main_box["x"] + main_box["width"] > shell["x"] + shell["width"] - 40
