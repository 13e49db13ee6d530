"""axe-core finds no serious or critical violation, and no page scrolls sideways at 360 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, scrolls_sideways

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violation(page: Any, path: str) -> None:
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_fit_a_360px_phone(phone_page: Any, path: str) -> None:
    phone_page.goto(path)
    assert not scrolls_sideways(phone_page)
