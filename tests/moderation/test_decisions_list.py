"""The list of decisions about a member is a column of cards, not a bulleted list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from moderation.services import warn_member
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_each_decision_is_a_card_with_no_list_bullet() -> None:
    member = UserFactory.create()
    for reason in ("Be kind", "Cite your sources"):
        warn_member(moderator=ModeratorFactory.create(), member=member, reason=reason)
    client = Client()
    client.force_login(member)
    html = client.get(reverse("moderation:decisions")).content.decode()
    main = html.split("<h1>Moderation decisions about you</h1>", 1)[1].split("</main>", 1)[0]
    assert main.count('<article class="card">') == 2
    assert "<ul" not in main and "<li" not in main
