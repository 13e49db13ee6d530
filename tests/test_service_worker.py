"""The installable app: /sw.js and the offline page it keeps."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts.models import User
from community.service_worker import SHELL_FILES, service_worker_source

pytestmark = pytest.mark.django_db


def _constant(source: str, name: str) -> object:
    match = re.search(rf"^const {name} = (.+);$", source, re.MULTILINE)
    assert match, name
    return json.loads(match.group(1))


def test_the_service_worker_is_served_from_the_root_as_javascript(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    assert response.content.decode() == service_worker_source()


def test_the_service_worker_keeps_only_the_static_shell_and_the_offline_page(
    client: Client,
) -> None:
    source = client.get("/sw.js").content.decode()
    shell = _constant(source, "SHELL")
    assert isinstance(shell, list)
    assert len(shell) == len(SHELL_FILES)
    assert all(url.startswith("/static/") for url in shell)
    assert _constant(source, "OFFLINE_URL") == "/offline/"
    assert str(_constant(source, "CACHE")).startswith("rounds-shell-")
    # Navigations go to the network; the only HTML answered from the cache is the offline page.
    assert "caches.match(OFFLINE_URL" in source
    assert source.count("cache.put") == 0
    assert 'self.addEventListener("push"' in source
    assert 'self.addEventListener("notificationclick"' in source


def test_the_service_worker_refuses_writes(client: Client) -> None:
    assert client.post("/sw.js").status_code == 405


def test_every_page_registers_the_worker_from_a_static_file_with_the_nonce(
    client: Client,
) -> None:
    response = client.get("/about/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce
    tag = re.search(r'<script src="/static/js/service-worker-register.js"[^>]*>', html)
    assert tag
    assert f'nonce="{nonce.group(1)}"' in tag.group(0)


def test_the_offline_page_says_so_and_holds_nothing_about_the_member(
    client: Client, member: User
) -> None:
    client.force_login(member)
    response = client.get("/offline/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "You are offline" in html
    assert "What still works" in html
    assert 'href="/static/css/site.css"' in html
    # Nothing that names or serves the member: no name, no CSRF token, no member menu.
    assert member.display_name not in html
    assert member.handle not in html
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html
    assert 'href="/notifications/"' not in html


def test_the_offline_page_is_the_same_for_visitors(client: Client) -> None:
    response = client.get("/offline/")
    assert response.status_code == 200
    assert "You are offline" in response.content.decode()
