"""/favicon.ico and the web app manifest answer with the right files."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_a_real_icon_file(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


def test_favicon_refuses_writes(client: Client) -> None:
    assert client.post("/favicon.ico").status_code == 405


def test_the_manifest_names_the_app_and_its_icons(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Rounds"
    assert manifest["short_name"] == "Rounds"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    assert manifest["background_color"].startswith("#")
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    for size in ("192x192", "512x512"):
        assert sizes[size].startswith(settings.STATIC_URL)
        found = finders.find(sizes[size].removeprefix(settings.STATIC_URL))
        assert found, sizes[size]
        width = int(size.split("x")[0])
        with Image.open(str(found)) as icon:
            assert icon.format == "PNG"
            assert icon.size == (width, width)


def test_the_manifest_offers_a_full_bleed_maskable_icon(client: Client) -> None:
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    maskable = [icon for icon in manifest["icons"] if icon.get("purpose") == "maskable"]
    assert len(maskable) == 1
    found = finders.find(maskable[0]["src"].removeprefix(settings.STATIC_URL))
    assert found
    with Image.open(str(found)) as icon:
        assert icon.size == (512, 512)
        rgba = icon.convert("RGBA")
        # Full bleed: the corners are the theme colour, not transparent (Android crops them).
        assert rgba.getpixel((0, 0)) == rgba.getpixel((511, 511)) == (11, 92, 107, 255)


def test_the_head_include_links_the_icons_and_the_manifest() -> None:
    html = render_to_string("_head_icons.html")
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'rel="apple-touch-icon"' in html
