"""Every URL refuses a POST without a CSRF token, except the ones listed here with why."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse

from tests.production.conftest import World
from tests.production.routes import named_routes, route_kwargs

pytestmark = pytest.mark.django_db

# Views that take a POST without a CSRF token on purpose, and why.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the
    # link from the email header, with no cookie and no token. The signed token in the URL
    # is the authorisation, and the only thing it can do is turn one kind of email off.
    "notifications:unsubscribe": "List-Unsubscribe-Post one-click endpoint (RFC 8058)",
}

REFUSED = b"refused: no CSRF token"


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Tells a CSRF refusal apart from any other 403 (a permission check, say)."""
    return HttpResponseForbidden(REFUSED)


@pytest.fixture(autouse=True)
def _marked_csrf_failures(settings: Any) -> None:
    settings.CSRF_FAILURE_VIEW = "tests.production.test_csrf.csrf_refused"


def test_the_exempt_list_is_exactly_the_views_marked_csrf_exempt() -> None:
    marked = {route.name for route in named_routes() if getattr(route.callback, "csrf_exempt", 0)}
    assert marked == set(CSRF_EXEMPT)


def test_every_url_refuses_a_signed_in_members_post_without_a_csrf_token(world: World) -> None:
    client = world.client_for("member", enforce_csrf_checks=True)
    accepted = []
    for route in named_routes():
        if route.name in CSRF_EXEMPT:
            continue
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        response = client.post(url, {"body": "Posted from another site."})
        if response.status_code != 403 or response.content != REFUSED:
            accepted.append(f"{route.name} {url} -> {response.status_code}")
    assert accepted == []


def test_a_post_with_the_token_gets_past_the_check(world: World) -> None:
    client = world.client_for("member", enforce_csrf_checks=True)
    client.get(reverse("posts:create"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("posts:bookmark", kwargs={"pk": world.post.pk}), {"csrfmiddlewaretoken": token}
    )
    assert response.content != REFUSED
    assert response.status_code in (200, 302)


def test_the_one_click_unsubscribe_works_without_a_token(world: World) -> None:
    from notifications.models import NotificationPreference

    client = world.client_for("anonymous", enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", kwargs={"token": world.unsubscribe_token})
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.filter(user=world.owner, kind="comment").exists()
