"""The moderation panel wears Rounds' design tokens: base_site loads tokens.css before the
panel's stylesheet, which maps the admin's own colour variables (light and dark) onto the
tokens and writes no colour of its own."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "moderation-admin.css"
# The admin's colour variables (django/contrib/admin/static/admin/css/base.css).
ADMIN_COLOUR_VARIABLES = [
    "--primary", "--secondary", "--accent", "--primary-fg", "--body-fg", "--body-bg",
    "--body-quiet-color", "--header-color", "--header-bg", "--header-link-color",
    "--breadcrumbs-bg", "--link-fg", "--hairline-color", "--border-color", "--error-fg",
    "--message-success-bg", "--message-warning-bg", "--message-error-bg", "--darkened-bg",
    "--selected-bg", "--selected-row", "--button-fg", "--button-bg", "--button-hover-bg",
    "--delete-button-bg", "--object-tools-bg",
]  # fmt: skip


def test_the_stylesheet_maps_every_admin_colour_to_a_token() -> None:
    css = STYLESHEET.read_text()
    for variable in ADMIN_COLOUR_VARIABLES:
        assert re.search(rf"{variable}: var\(--color-[a-z0-9-]+\);", css), variable
    # For every theme the admin's switch may set, and for none.
    assert ":root, html[data-theme] {" in css


def test_the_stylesheet_writes_no_colour_of_its_own() -> None:
    css = STYLESHEET.read_text()
    values = re.findall(r"[\w-]+\s*:\s*([^;{}]+);", css)
    assert values
    for value in values:
        assert "#" not in value and "rgb(" not in value and "hsl(" not in value, value


def test_every_panel_page_loads_the_tokens_before_its_styles(moderator_client: Client) -> None:
    html = moderator_client.get(reverse("admin:index")).content.decode()
    tokens = html.index("css/tokens")
    assert tokens < html.index("css/moderation-admin")
    assert html.index("admin/css/base") < tokens
