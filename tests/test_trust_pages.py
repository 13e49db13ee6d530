"""The pages about Rounds (About, Community guidelines, Privacy, Terms, Contact) and the
footer that links them from every page."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

PAGES = [
    ("/about/", "About"),
    ("/guidelines/", "Community guidelines"),
    ("/privacy-policy/", "Privacy"),
    ("/terms/", "Terms"),
    ("/contact/", "Contact"),
]


@pytest.mark.parametrize(("url", "title"), PAGES)
@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_each_page_answers_everyone_with_its_title_and_landmarks(
    client: Client, member: User, url: str, title: str, reader: str
) -> None:
    if reader == "member":
        client.force_login(member)

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{title} · Rounds</title>" in html
    assert html.count("<h1") == 1
    assert '<main id="main"' in html
    assert '<nav class="tabs page-tabs" aria-label="About Rounds">' in html
    assert f'<a href="{url}" aria-current="page">' in html


@pytest.mark.parametrize(("url", "title"), PAGES)
def test_every_footer_links_home_and_the_five_pages(client: Client, url: str, title: str) -> None:
    for page in ["/", "/explore/", url]:
        html = client.get(page).content.decode()
        footer = html[html.index("<footer") :]
        assert 'href="/"' in footer
        for linked, label in PAGES:
            assert f'<a href="{linked}">{label}' in footer


@pytest.mark.parametrize(("url", "_title"), PAGES[:4])
def test_the_pages_refuse_writes(client: Client, url: str, _title: str) -> None:
    assert client.post(url).status_code == 405


def test_the_guidelines_state_the_rules_members_are_held_to(client: Client) -> None:
    html = client.get("/guidelines/").content.decode()

    for rule in (
        'id="patients"',
        "de-identified",
        "medical advice for a particular patient",
        "verified by moderators against their NPI or licence",
        'id="minors"',
        "never shown to the public web",
        "Report",
        "appeal",
        'href="/moderation/decisions/"',
    ):
        assert rule in html


def test_the_privacy_page_names_every_cookie_and_the_data_rights(client: Client) -> None:
    html = client.get("/privacy-policy/").content.decode()

    for fact in (
        "<code>sessionid</code>",
        "<code>csrftoken</code>",
        "<code>messages</code>",
        'href="/settings/export/"',
        'href="/settings/delete/"',
        "one-click unsubscribe",
        "privacy guard",
        "no third-party scripts",
    ):
        assert fact in html


def test_the_privacy_page_names_only_cookies_rounds_sets(client: Client, member: User) -> None:
    """Every cookie a visit, a sign-in or a form sets is on the privacy page."""
    html = client.get("/privacy-policy/").content.decode()
    seen = set(client.get("/contact/").cookies)
    client.force_login(member)
    seen |= set(client.cookies)
    client.post("/contact/", {"topic": "question", "email": "a@example.org", "message": "x" * 30})
    seen |= set(client.cookies)

    assert seen
    for name in seen:
        assert f"<code>{name}</code>" in html


def test_the_terms_and_about_pages_say_what_rounds_is_and_is_not(client: Client) -> None:
    terms = client.get("/terms/").content.decode()
    about = client.get("/about/").content.decode()

    assert "13 or older" in terms
    assert "not medical advice" in terms
    assert "verified badge" in about
    assert "privacy guard" in about
