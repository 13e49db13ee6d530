"""The moderation panel in Rounds' look: the admin's colours come from the design tokens in
light and dark, the front page lists recent decisions, and the pages fit a phone."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from moderation.services import remove_and_sanction
from tests.accounts.conftest import give_totp
from tests.browser.conftest import axe_violations, screenshot, scrolls_sideways
from tests.browser.test_journeys import sign_in_as_moderator
from tests.factories import ModeratorFactory
from tests.moderation.conftest import moderators_group
from tests.moderation.factories import report
from tests.posts.factories import PostFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

_TOKEN_AND_HEADER = """() => {
  const root = getComputedStyle(document.documentElement);
  const probe = document.createElement('div');
  probe.style.backgroundColor = root.getPropertyValue('--color-primary');
  document.body.appendChild(probe);
  const primary = getComputedStyle(probe).backgroundColor;
  probe.remove();
  return [primary, getComputedStyle(document.getElementById('header')).backgroundColor];
}"""


@pytest.fixture
def panel_moderator_secret() -> str:
    """A moderator in the Moderators group with an authenticator app; its TOTP secret."""
    moderator = ModeratorFactory.create(
        email="moderator@example.org", display_name="Morgan Moderator"
    )
    moderator.groups.add(moderators_group())
    return give_totp(moderator)


def _cases() -> Any:
    moderator = User.objects.get(email="moderator@example.org")
    removed = report(PostFactory.create(title="An old misleading post"))
    remove_and_sanction(moderator=moderator, case=removed, reason="Misleading", sanction="none")
    return report(PostFactory.create(title="How should I read this ECG strip?"), reporters=2)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 360])
def test_the_panel_wears_the_tokens_and_fits(
    browser: Any,
    live_server: Any,
    panel_moderator_secret: str,
    scheme: str,
    width: int,
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
    )
    page = context.new_page()
    try:
        sign_in_as_moderator(page, "moderator@example.org", panel_moderator_secret)
        case = _cases()
        page.goto("/admin/")
        page.get_by_role("heading", name="Recent actions").wait_for()
        assert page.get_by_text("None available").count() == 0
        assert page.locator("#recent-actions-module li").count() == 1
        primary, header = page.evaluate(_TOKEN_AND_HEADER)
        assert header == primary
        assert not scrolls_sideways(page)
        assert axe_violations(page) == []
        screenshot(page, f"admin-index-{width}-{scheme}")

        page.goto(f"/admin/moderation/reportcase/{case.pk}/change/")
        page.get_by_text("Also suspend the author").wait_for()
        assert not scrolls_sideways(page)
        assert axe_violations(page) == []
        screenshot(page, f"admin-case-{width}-{scheme}")
    finally:
        context.close()
