"""The visitor's home: under the pitch, real public content and nothing else."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from posts.models import Campaign, Hashtag, PostKind, Visibility
from posts.selectors import forget_running_campaigns
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.posts.factories import CircleFactory, PostFactory

pytestmark = pytest.mark.django_db


def _running_campaign(title: str) -> Campaign:
    today = timezone.localdate()
    created = Campaign.objects.create(
        hashtag=Hashtag.objects.create(name="fast"),
        title=title,
        description="Face, arms, speech, time.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=30),
    )
    forget_running_campaigns()
    return created


def test_a_visitor_sees_recent_public_posts_as_cards_with_a_link_to_explore(
    client: Client,
) -> None:
    post = PostFactory.create(title="Reading a chest film in five steps")

    html = client.get(reverse("home")).content.decode()

    assert "Join Rounds" in html
    assert "Recently shared on Rounds" in html
    assert "Reading a chest film in five steps" in html
    assert f'href="{post.get_absolute_url()}"' in html
    assert f'<article class="card post post-discussion" id="post-{post.pk}">' in html
    assert 'href="/explore/"' in html


def test_a_visitor_sees_upcoming_live_qas_and_running_campaigns(client: Client) -> None:
    PostFactory.create(
        kind=PostKind.EVENT,
        title="Ask an emergency physician",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
    )
    _running_campaign("Stroke awareness month")

    html = client.get(reverse("home")).content.decode()

    assert "Upcoming live Q&amp;As" in html
    assert "Ask an emergency physician" in html
    assert "Campaigns running now" in html
    assert "Stroke awareness month" in html


def test_the_visitors_home_never_shows_what_a_visitor_may_not_read(client: Client) -> None:
    PostFactory.create(title="Members only pearl", visibility=Visibility.MEMBERS)
    group = CircleFactory.create()
    PostFactory.create(title="Group discussion", visibility=Visibility.GROUP, circle=group)
    PostFactory.create(title="A minor's question", author=HighSchoolStudentFactory.create())
    PostFactory.create(title="Removed post", removed_by_moderators_at=timezone.now())
    PostFactory.create(
        kind=PostKind.EVENT,
        title="Members-only AMA",
        visibility=Visibility.MEMBERS,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        duration_minutes=60,
    )

    html = client.get(reverse("home")).content.decode()

    for hidden in (
        "Members only pearl",
        "Group discussion",
        "A minor&#x27;s question",
        "Removed post",
        "Members-only AMA",
    ):
        assert hidden not in html


def test_with_nothing_public_yet_the_pitch_stands_alone(client: Client) -> None:
    html = client.get(reverse("home")).content.decode()

    assert "Join Rounds" in html
    assert "Recently shared" not in html
    assert "Upcoming live Q&amp;As" not in html


def test_members_see_their_feed_not_the_visitors_showcase(client: Client) -> None:
    PostFactory.create(title="Public pearl")
    client.force_login(UserFactory.create())

    html = client.get(reverse("home")).content.decode()

    assert "Recently shared on Rounds" not in html
    assert "Join Rounds" not in html


def test_the_visitors_home_costs_a_fixed_number_of_queries_and_writes_nothing(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    client.get(reverse("home"))
    for number in range(30):
        PostFactory.create(title=f"Public post {number}")
        PostFactory.create(
            kind=PostKind.EVENT,
            title=f"AMA {number}",
            starts_at=timezone.now() + datetime.timedelta(hours=number + 1),
            duration_minutes=30,
        )
    _running_campaign("Stroke awareness month")

    with CaptureQueriesContext(connection) as captured:
        with django_assert_max_num_queries(5):
            response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Public post 29" in response.content.decode()
    assert not [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert "sessionid" not in response.cookies
