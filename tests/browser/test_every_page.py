"""axe-core finds no violation, of any impact, on any main page (bench/demo_site.py's list),
for each audience that sees it, in light and dark colours, on the demo site served as in
production (gunicorn, DEBUG=0)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.demo_site import MAIN_PAGES, TIMEOUT_MS
from tests.browser.conftest import axe_violations

ALL_IMPACTS = frozenset({"minor", "moderate", "serious", "critical"})
# Violations known at the time of writing, by case: strict, so a fix shows up as a failure
# to be removed from this table.
KNOWN: dict[str, str] = {}

CASES = [
    pytest.param(
        page.name,
        audience,
        scheme,
        id=f"{page.name}-{audience}-{scheme}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN[case])]
        if (case := f"{page.name}-{audience}-{scheme}") in KNOWN
        else [],
    )
    for page in MAIN_PAGES
    for audience in page.audiences
    for scheme in ("light", "dark")
]


@pytest.mark.parametrize(("name", "audience", "scheme"), CASES)
def test_no_accessibility_violation_on_a_main_page(
    browser: Any, demo_site: Any, demo_sign_in: Any, name: str, audience: str, scheme: str
) -> None:
    context = browser.new_context(
        base_url=demo_site.url,
        viewport={"width": 1280, "height": 900},
        color_scheme=scheme,
        storage_state=demo_sign_in(audience),
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        path = demo_site.paths[name]
        response = page.goto(path)
        if response.status == 404:
            pytest.skip(f"{path} answers 404 on this branch")
        assert response.status == 200, path
        assert page.url == demo_site.url + path, "the page redirected"
        assert axe_violations(page, impacts=ALL_IMPACTS) == []
    finally:
        context.close()
