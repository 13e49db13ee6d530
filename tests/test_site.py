"""The site shell: home page, health check, error pages, security headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from community import views
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_visitors_what_rounds_is_and_the_way_in(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Rounds" in html
    assert reverse("account_signup") in html
    assert reverse("account_login") in html


def test_the_shell_has_landmarks_and_a_skip_link(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html
    assert '<nav class="site-nav" aria-label="Main">' in html


def test_it_greets_a_member_by_name(client: Client) -> None:
    member = UserFactory.create(display_name="Ana Lima")
    client.force_login(member)
    html = client.get(reverse("home")).content.decode()
    assert "Ana Lima" in html
    assert "Sign out" in html


def test_htmx_is_served_locally_with_the_csp_nonce(client: Client) -> None:
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    assert "/static/django_htmx/htmx" in html
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_healthz_reports_a_healthy_database(client: Client, settings: Any) -> None:
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_answers_503_when_the_database_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "_database_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


def test_healthz_answers_503_when_the_broker_is_down(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(views, "_broker_ok", lambda: False)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error"}


@pytest.mark.redis
def test_healthz_checks_the_real_broker(client: Client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


@pytest.mark.parametrize(
    ("handler", "status", "words"),
    [
        (views.bad_request, 400, "Bad request"),
        (views.permission_denied, 403, "Not allowed"),
        (views.page_not_found, 404, "Page not found"),
    ],
)
def test_error_pages_are_friendly_and_in_the_sites_look(
    rf: RequestFactory, handler: Any, status: int, words: str
) -> None:
    request = rf.get("/somewhere")
    request.user = UserFactory.create()
    response = handler(request, Exception())
    assert response.status_code == status
    html = response.content.decode()
    assert words in html
    assert 'class="site-header"' in html


def test_an_unknown_url_gets_the_friendly_404(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_500_page_renders_without_touching_the_database(
    rf: RequestFactory, django_assert_num_queries: Any
) -> None:
    request = rf.get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_security_headers_are_set(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- The main navigation, reused between pages (community.templatetags.site) -------------


def _nav(html: str) -> str:
    start = html.index('<nav class="site-nav"')
    return html[start : html.index("</nav>", start)]


def _signed_in(member: Any) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_each_member_sees_their_own_nav_with_their_own_csrf_token() -> None:
    ana, ben = UserFactory.create(handle="ana"), UserFactory.create(handle="ben")
    for member, other in ((ana, ben), (ben, ana), (ana, ben)):
        client = _signed_in(member)
        response = client.get(reverse("posts:explore"))
        nav = _nav(response.content.decode())
        assert reverse("accounts:profile", args=[member.handle]) in nav
        assert reverse("accounts:profile", args=[other.handle]) not in nav
        token = response.context["csrf_token"]
        assert f'name="csrfmiddlewaretoken" value="{token}"' in nav
        assert client.post(reverse("account_logout")).status_code == 302


def test_the_nav_follows_a_new_handle_and_the_bell() -> None:
    from tests.notifications.helpers import make_notification

    member = UserFactory.create(handle="before")
    client = _signed_in(member)
    assert "/@before/" in _nav(client.get(reverse("posts:explore")).content.decode())
    member.handle = "after"
    member.save(update_fields=["handle"])
    make_notification(member, title="New")
    nav = _nav(client.get(reverse("posts:explore")).content.decode())
    assert "/@after/" in nav and "/@before/" not in nav
    assert "1 unread" in nav


@pytest.mark.parametrize("is_staff", [True, False])
def test_only_staff_see_the_moderation_link(is_staff: bool) -> None:
    member = UserFactory.create(is_staff=is_staff)
    nav = _nav(_signed_in(member).get(reverse("posts:explore")).content.decode())
    assert (reverse("admin:index") in nav) is is_staff


def test_visitors_see_the_way_in_after_a_member_has_seen_their_nav() -> None:
    _signed_in(UserFactory.create()).get(reverse("posts:explore"))
    nav = _nav(Client().get(reverse("posts:explore")).content.decode())
    assert "Sign in" in nav and "Sign out" not in nav and "csrfmiddlewaretoken" not in nav


# --- The app shell: current place, phone menu, bottom bar, rail -----------------------------


def _element(html: str, opening: str, closing: str) -> str:
    start = html.index(opening)
    return html[start : html.index(closing, start)]


def _current_links(nav: str) -> list[str]:
    """The names of the links marked aria-current="page" in a piece of navigation: their
    aria-label, or their text without what is hidden from assistive technology."""
    import re

    names = []
    for attributes, inner in re.findall(r"<a ([^>]*)>(.*?)</a>", nav, flags=re.S):
        if 'aria-current="page"' not in attributes:
            continue
        label = re.search(r'aria-label="([^"]*)"', attributes)
        if label:
            names.append(label.group(1).split(",")[0])
            continue
        visible = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", inner, flags=re.S)
        names.append(re.sub(r"<[^>]+>", "", visible).strip())
    return names


def test_the_navigation_marks_the_place_the_page_belongs_to() -> None:
    from tests.mentoring.factories import make_mentee

    member = make_mentee(UserFactory.create(handle="ana"))
    other = UserFactory.create(handle="ben")
    client = _signed_in(member)
    places = [
        (reverse("home"), ["Home"]),
        (reverse("posts:explore"), ["Explore"]),
        (reverse("posts:circles"), ["Groups"]),
        (reverse("mentoring:home"), ["Mentoring"]),
        (reverse("programs:list"), ["Mentoring"]),
        (reverse("accounts:profile", args=["ana"]), ["Your profile"]),
        (reverse("accounts:profile_edit"), ["Settings"]),
        (reverse("notifications:list"), ["Notifications"]),
        (reverse("accounts:profile", args=[other.handle]), []),
        (reverse("home"), ["Home"]),
    ]
    for path, current in places:
        html = client.get(path).content.decode()
        assert _current_links(_nav(html)) == current, path
        menu = _element(html, '<details class="menu menu-end nav-menu">', "</details>")
        assert _current_links(menu) == current, path


def test_the_bottom_bar_marks_its_place_and_only_its_four_places() -> None:
    client = _signed_in(UserFactory.create())
    html = client.get(reverse("mentoring:home")).content.decode()
    bar = _element(html, '<nav class="tab-bar" aria-label="Shortcuts">', "</nav>")
    assert _current_links(bar) == ["Mentoring"]
    for place in ("home", "posts:explore", "mentoring:home", "notifications:list"):
        assert f'href="{reverse(place)}"' in bar
    assert bar.count("<li>") == 4


def test_a_member_gets_the_phone_menu_and_the_bottom_bar() -> None:
    from tests.notifications.helpers import make_notification

    member = UserFactory.create(handle="ana", is_staff=True)
    make_notification(member, title="New")
    make_notification(member, title="Newer")
    html = _signed_in(member).get(reverse("posts:explore")).content.decode()
    menu = _element(html, '<details class="menu menu-end nav-menu">', "</details>")
    assert "<summary>" in menu and '<span class="visually-hidden">Menu</span>' in menu
    for link in (
        reverse("home"),
        reverse("posts:circles"),
        reverse("accounts:profile", args=["ana"]),
        reverse("accounts:profile_edit"),
        reverse("admin:index"),
    ):
        assert f'href="{link}"' in menu
    assert f'action="{reverse("account_logout")}"' in menu and "Sign out" in menu
    assert 'aria-label="Notifications, 2 unread"' in menu
    bar = _element(html, '<nav class="tab-bar"', "</nav>")
    assert 'aria-label="Notifications, 2 unread"' in bar
    assert 'class="has-tab-bar' in html


def test_visitors_get_a_simple_header_and_no_member_shell(client: Client) -> None:
    html = client.get(reverse("posts:explore")).content.decode()
    nav = _nav(html)
    for link in (reverse("posts:explore"), reverse("account_login"), reverse("account_signup")):
        assert f'href="{link}"' in nav
    assert _current_links(nav) == ["Explore"]
    assert "nav-menu" not in html and "tab-bar" not in html and "app-nav" not in html
    assert "has-tab-bar" not in html


def test_every_page_has_the_rail_area_for_the_page_to_fill(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()
    assert '<aside class="app-rail" aria-label=' in html


def test_marking_read_in_place_refreshes_the_bottom_bar_too(client: Client) -> None:
    from tests.notifications.helpers import make_notification

    member = UserFactory.create()
    client.force_login(member)
    notification = make_notification(member)
    make_notification(member)
    html = client.post(
        reverse("notifications:read", args=[notification.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    tab = _element(html, '<a id="tab-notifications"', "</a>")
    assert 'hx-swap-oob="true"' in tab
    assert 'aria-label="Notifications, 1 unread"' in tab


def test_django_messages_are_shown_as_toasts_of_their_level(client: Client) -> None:
    member = UserFactory.create()
    client.force_login(member)
    response = client.post(reverse("account_logout"), follow=True)
    html = response.content.decode()
    assert '<div class="toasts" role="status">' in html
    assert "toast toast-success" in html or "toast toast-info" in html


def test_the_shells_constant_parts_are_rendered_once_per_process(client: Client) -> None:
    """The head's links, the brand, the search link and the footer's links are the same on
    every page: the second page renders none of their templates again, and shows them."""
    first = client.get(reverse("about"))
    again = client.get(reverse("guidelines"))
    constant = {"_head_icons.html", "_footer_links.html", "_icon.html"}
    assert constant <= {template.name for template in first.templates}
    assert not constant & {template.name for template in again.templates}
    html = again.content.decode()
    for part in ('rel="manifest"', 'class="brand"', 'class="icon-link search-link"', "Terms"):
        assert part in html
