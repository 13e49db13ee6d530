"""The service worker at `/sw.js` and the offline page it keeps.

The worker's code is community/service_worker.js; this module serves it from the site root
(a worker controls only the paths below its own address) with the constants it needs: the
static files of the shell under their current names (hashed in production, so a new
deployment names new files, which changes the worker's bytes, which makes browsers install
it again and drop the old cache), and the offline page's address.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SOURCE = Path(__file__).with_name("service_worker.js")
# The static files every page loads (templates/base.html): kept for the offline page, and
# served from the cache while they are current.
SHELL_FILES = (
    "css/tokens.css",
    "css/site.css",
    "img/favicon.svg",
    "img/icon-192.png",
    "django_htmx/htmx-2.min.js",
    "js/service-worker-register.js",
)


@functools.cache
def service_worker_source() -> str:
    """The worker's JavaScript with its constants; the same bytes for the process's life."""
    shell = [static(name) for name in SHELL_FILES]
    offline = reverse("offline")
    body = SOURCE.read_text()
    version = hashlib.sha256(json.dumps([shell, offline, body]).encode()).hexdigest()[:12]
    constants = (
        f"const CACHE = {json.dumps('rounds-shell-' + version)};\n"
        f"const SHELL = {json.dumps(shell)};\n"
        f"const OFFLINE_URL = {json.dumps(offline)};\n"
        f"const ICON_URL = {json.dumps(static('img/icon-192.png'))};\n"
    )
    return constants + body


@require_GET
# Browsers check a worker for updates at most every 24 hours whatever this says; no-cache
# makes each check reach the server, so a deployment is picked up on the next visit.
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, for the whole site (scope `/`)."""
    response = HttpResponse(service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(no_cache=True, max_age=0)
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when a page cannot be reached.

    The same for everyone (no member, no menu, no messages): it is stored in the browser's
    cache and may be shown to whoever uses the device next.
    """
    return render(request, "offline.html", {"user": AnonymousUser()})
