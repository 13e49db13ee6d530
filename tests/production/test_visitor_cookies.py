"""A visitor reading Rounds gets no cookie, so a shared cache may keep what they read: only
a page with a form a visitor sends sets one (the CSRF cookie that form needs), and those
forms still refuse a post without it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.production.conftest import World
from tests.production.routes import named_routes, route_kwargs

pytestmark = pytest.mark.django_db

# Pages a visitor reads to send a form, and the cookie each sets.
VISITOR_FORMS = {
    "account_login": "csrftoken",
    "account_signup": "csrftoken",
    "account_reset_password": "csrftoken",
    "account_confirm_email": "csrftoken",
    "contact": "csrftoken",
    "notifications:unsubscribe": "csrftoken",
    # allauth keeps the reset key in the session and goes on to the new-password form.
    "account_reset_password_from_key": "sessionid",
}
# The pages a post read by many thousands of visitors sends them to.
READING_PAGES = (
    "home",
    "posts:detail",
    "posts:explore",
    "posts:hashtag",
    "posts:author_posts",
    "accounts:profile",
)


def test_a_visitor_gets_a_cookie_only_from_a_page_with_a_form_they_send(world: World) -> None:
    set_cookies = {}
    for route in named_routes():
        if route.is_admin:
            continue
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        response = Client().get(url)
        if response.cookies:
            set_cookies[route.name] = sorted(response.cookies)
    assert set_cookies == {name: [cookie] for name, cookie in VISITOR_FORMS.items()}


def test_the_reading_pages_answer_a_visitor_without_a_cookie(world: World) -> None:
    routes = {route.name: route for route in named_routes()}
    for name in READING_PAGES:
        response = Client().get(reverse(name, kwargs=route_kwargs(routes[name], world)))
        assert response.status_code == 200, name
        assert not response.cookies, name
        assert "Set-Cookie" not in str(response.serialize_headers()), name


@pytest.mark.parametrize(
    ("page", "data", "sent"),
    [
        (
            "account_login",
            {"login": "nobody@example.org", "password": "wrong password"},
            "The email address and/or password you specified are not correct.",
        ),
        (
            "contact",
            {
                "topic": "account",
                "email": "visitor@example.org",
                "message": "My NPI was rejected but I think it is right.",
            },
            "your message is with the team",
        ),
    ],
)
def test_a_visitors_forms_need_the_cookie_their_page_sets(
    page: str, data: dict[str, str], sent: str
) -> None:
    visitor = Client(enforce_csrf_checks=True)
    refused = visitor.post(reverse(page), data)

    form = visitor.get(reverse(page))
    token = form.cookies["csrftoken"].value
    accepted = visitor.post(reverse(page), {**data, "csrfmiddlewaretoken": token}, follow=True)

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert sent in accepted.content.decode()


def test_signing_up_needs_the_cookie_of_the_sign_up_page() -> None:
    data = {
        "email": "new.member@example.org",
        "display_name": "Dr. Amara Okafor",
        "role": "physician",
        "birth_year": "",
        "password1": "a-long-unusual-password-42",
        "password2": "a-long-unusual-password-42",
    }
    visitor = Client(enforce_csrf_checks=True)
    refused = visitor.post(reverse("account_signup"), data)

    token = visitor.get(reverse("account_signup")).cookies["csrftoken"].value
    accepted = visitor.post(reverse("account_signup"), {**data, "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302


def test_a_members_pages_carry_the_token_htmx_sends_and_it_is_checked(world: World) -> None:
    member = world.client_for("member", enforce_csrf_checks=True)
    page = member.get(world.post.get_absolute_url())
    html = page.content.decode()
    token = html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    react = reverse("posts:react", args=[world.post.pk, "like"])

    without = member.post(react, HTTP_HX_REQUEST="true")
    with_token = member.post(react, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)

    assert "csrftoken" in page.cookies
    assert without.status_code == 403
    assert with_token.status_code == 200
    assert 'aria-pressed="true"' in with_token.content.decode()
