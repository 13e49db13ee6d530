"""Reporting a profile is one of the profile's "More" actions, so the open menu covers
nothing of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _profile(reader: object, member: object) -> str:
    client = Client()
    client.force_login(reader)  # type: ignore[arg-type]
    return client.get(member.get_absolute_url()).content.decode()  # type: ignore[attr-defined]


def test_report_this_profile_is_inside_the_more_menu_once() -> None:
    member = UserFactory.create()
    html = _profile(UserFactory.create(), member)
    report = reverse("moderation:report", args=["profile", member.pk])
    assert html.count(f'href="{report}"') == 1
    menu = re.search(r'<details class="more-actions">.*?</details>', html, re.DOTALL)
    assert menu is not None
    assert f'<a href="{report}">Report this profile</a>' in menu.group(0)


def test_following_with_htmx_keeps_the_report_link_in_the_menu() -> None:
    member, reader = UserFactory.create(), UserFactory.create()
    client = Client()
    client.force_login(reader)
    response = client.post(reverse("accounts:follow", args=[member.handle]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Report this profile" in response.content.decode()


def test_ones_own_profile_has_no_report_link() -> None:
    member = UserFactory.create()
    assert "Report this profile" not in _profile(member, member)
