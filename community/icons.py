"""The icons browsers ask for by fixed address: `/favicon.ico` and the web app manifest.

Browsers (and crawlers) request `/favicon.ico` whatever the page's `<link rel="icon">`
says, and some take only an .ico there, so a redirect to the SVG is not enough: the file
drawn by `tools/icons.py` is served as it is. It is read once per process and the answer
may be cached by the browser for a day.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON = "img/favicon.ico"
ICON_MAX_AGE = 24 * 3600
# The design's teal (static/img/favicon.svg) and the light page background
# (static/css/tokens.css --color-primary and --color-bg).
THEME_COLOR = "#0b5c6b"
BACKGROUND_COLOR = "#f3f6f8"


@functools.cache
def _favicon_bytes() -> bytes:
    found = finders.find(FAVICON)
    if not found:
        raise FileNotFoundError(f"static/{FAVICON} is missing: run `python -m tools.icons`")
    return Path(str(found)).read_bytes()


@require_GET
@cache_control(public=True, max_age=ICON_MAX_AGE)
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon as a Windows icon file (16, 32 and 48 px)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


@require_GET
@cache_control(public=True, max_age=ICON_MAX_AGE)
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: name, icons and colours for "Add to home screen"."""
    return JsonResponse(
        {
            "id": reverse("home"),
            "name": settings.SITE_NAME,
            "short_name": settings.SITE_NAME,
            "description": "A community for physicians and the students they mentor.",
            "start_url": reverse("home"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOR,
            "background_color": BACKGROUND_COLOR,
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("img/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
    )
