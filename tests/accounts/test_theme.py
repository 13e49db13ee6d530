"""The colours a member chooses in settings: light, dark or as their device is set."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Theme, User
from tests.accounts.test_profiles import _edit_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _html_tag(client: Client, path: str = "/") -> str:
    html = client.get(path).content.decode()
    start = html.index("<html")
    return html[start : html.index(">", start) + 1]


def _signed_in(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_new_member_follows_their_device() -> None:
    member = UserFactory.create()
    assert member.theme == Theme.SYSTEM
    assert _html_tag(_signed_in(member)) == '<html lang="en">'


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_member_chooses_their_colours_in_settings_and_every_page_wears_them(
    theme: str,
) -> None:
    member = UserFactory.create()
    client = _signed_in(member)
    form = client.get(reverse("accounts:profile_edit")).context["form"]
    assert form["theme"].value() == "system"
    response = client.post(reverse("accounts:profile_edit"), _edit_data(member, theme=theme))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.theme == theme
    for path in ("/", reverse("posts:explore"), reverse("accounts:profile_edit")):
        assert _html_tag(client, path) == f'<html lang="en" data-theme="{theme}">'


def test_going_back_to_the_device_setting_drops_the_attribute() -> None:
    member = UserFactory.create(theme=Theme.DARK)
    client = _signed_in(member)
    client.post(reverse("accounts:profile_edit"), _edit_data(member, theme="system"))
    member.refresh_from_db()
    assert member.theme == Theme.SYSTEM
    assert "data-theme" not in _html_tag(client)


def test_an_unknown_theme_is_refused_and_nothing_changes() -> None:
    member = UserFactory.create(theme=Theme.LIGHT)
    client = _signed_in(member)
    response = client.post(reverse("accounts:profile_edit"), _edit_data(member, theme="sepia"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    member.refresh_from_db()
    assert member.theme == Theme.LIGHT


def test_a_form_sent_without_the_choice_keeps_the_device_setting() -> None:
    member = UserFactory.create()
    client = _signed_in(member)
    assert client.post(reverse("accounts:profile_edit"), _edit_data(member)).status_code == 302
    member.refresh_from_db()
    assert member.theme == Theme.SYSTEM


def test_one_members_choice_is_not_shown_to_another_or_to_visitors() -> None:
    _signed_in(UserFactory.create(theme=Theme.DARK)).get("/")
    assert "data-theme" not in _html_tag(_signed_in(UserFactory.create()))
    assert "data-theme" not in _html_tag(Client())


def test_the_choice_is_in_the_data_export() -> None:
    from accounts.services import export_member_data

    member = UserFactory.create(theme=Theme.DARK)
    assert export_member_data(member=member)["profile"]["theme"] == "dark"
