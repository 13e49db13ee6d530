"""Every page describes the site to search engines and link previews (Lighthouse's SEO
audit `meta-description`), in one tag."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/explore/", "/no-such-page/"])
def test_pages_have_one_meta_description(client: Client, path: str) -> None:
    content = client.get(path).content.decode()
    descriptions = DESCRIPTION.findall(content)
    assert len(descriptions) == 1, path
    assert "community for physicians and the students they mentor" in descriptions[0]
