"""Mentor cards are reused between requests (the mentor_card tag, community.perf.fragments):
a reused card is always the card a fresh render would give."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from mentoring import workflow
from mentoring.models import MentorProfile
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def _card(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    found = re.findall(r'<article class="card mentor-card".*?</article>', html, re.DOTALL)
    assert found, "no mentor card on the page"
    return "\n".join(found)


def _rename(profile: MentorProfile) -> None:
    profile.user.display_name = "Dr. Renamed Mentor"
    profile.user.save(update_fields=["display_name"])


def _full(profile: MentorProfile) -> None:
    MentorProfile.objects.filter(pk=profile.pk).update(capacity=1, active_mentee_count=1)


def _paused(profile: MentorProfile) -> None:
    MentorProfile.objects.filter(pk=profile.pk).update(is_accepting=False)


def _new_statement(profile: MentorProfile) -> None:
    MentorProfile.objects.filter(pk=profile.pk).update(statement="Ask me about residency.")


def _rated(profile: MentorProfile) -> None:
    mentorship = make_mentorship(mentor=profile.user)
    workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentee, rating=4)


@pytest.mark.parametrize(
    "change",
    [_rename, _full, _paused, _new_statement, _rated],
    ids=lambda change: change.__name__.strip("_"),
)
def test_a_reused_mentor_card_is_the_fresh_card_after_each_change(
    change: Callable[[MentorProfile], None],
) -> None:
    profile = make_mentor()
    client = Client()
    client.force_login(UserFactory.create())
    url = reverse("mentoring:mentor", kwargs={"handle": profile.user.handle})
    before = _card(client, url)

    change(MentorProfile.objects.select_related("user").get(pk=profile.pk))
    reused = _card(client, url)
    caches["fragments"].clear()
    fresh = _card(client, url)

    assert reused == fresh and reused != before
