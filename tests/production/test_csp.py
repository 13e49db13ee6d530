"""Content-Security-Policy: every page carries one with a fresh nonce and no 'unsafe-inline',
every script on it carries that nonce, and our templates hold no inline script without a
nonce and no style attribute (the policy would block both)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.production.conftest import World
from tests.production.routes import named_routes, route_kwargs

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Email clients ignore CSP and many strip <style>: emails need inline styles, and are never
# served as pages.
NOT_PAGES = {TEMPLATES / "emails"}

_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
_NONCE = re.compile(r"'nonce-([^']+)'")


def _page_templates() -> list[Path]:
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not any(path.is_relative_to(excluded) for excluded in NOT_PAGES)
    ]


def test_templates_have_no_script_without_a_nonce_no_style_attribute_and_no_handlers() -> None:
    problems = []
    for path in _page_templates():
        source = path.read_text()
        for tag in _SCRIPT_TAG.findall(source):
            if "nonce=" not in tag:
                problems.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        if _STYLE_ATTRIBUTE.search(source):
            problems.append(f"{path.relative_to(TEMPLATES)}: style attribute")
        if _EVENT_HANDLER.search(source):
            problems.append(f"{path.relative_to(TEMPLATES)}: inline event handler")
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["anonymous", "member", "moderator"])
def test_every_page_has_a_nonce_policy_that_its_scripts_follow(world: World, reader: str) -> None:
    problems = []
    nonces = set()
    pages = without_nonce = 0
    for route in named_routes():
        if route.is_admin and route.name != "admin:index":
            continue
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        response = world.client_for(reader).get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        script_src = next(
            (part for part in policy.split(";") if part.strip().startswith("script-src")), ""
        )
        found = _NONCE.search(script_src)
        html = response.content.decode()
        if "unsafe-inline" in policy or "unsafe-eval" in policy or not script_src:
            problems.append(f"{route.name}: policy {policy!r}")
            continue
        if found is None:
            # django-csp adds the nonce when a template used it. The site's layout always
            # does (htmx); Django's admin, and the site's fragments (a live Q&A's questions,
            # fetched by htmx into their page), hold no inline script.
            is_site_page = "<html" in html and not route.is_admin
            if is_site_page or any("src=" not in t for t in _SCRIPT_TAG.findall(html)):
                problems.append(f"{route.name}: no nonce in {policy!r}")
            without_nonce += 1
            continue
        nonce = found.group(1)
        nonces.add(nonce)
        for tag in _SCRIPT_TAG.findall(html):
            if f'nonce="{nonce}"' not in tag:
                problems.append(f"{route.name}: {tag}")
        if _STYLE_ATTRIBUTE.search(html):
            problems.append(f"{route.name}: style attribute in the page")
    assert problems == []
    assert pages >= 15
    # A fresh nonce for every response (the admin and the fragments have none).
    assert without_nonce <= 2
    assert len(nonces) == pages - without_nonce
