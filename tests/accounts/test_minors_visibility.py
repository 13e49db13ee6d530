"""Minors are visible only to members who confirmed their email address: an account that
never confirmed one could be anyone's, so it sees a minor's profile, posts and comments no
more than a visitor does (accounts.models.sees_every_minor; who is a minor, and until when,
is accounts.models.minor_until_of)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from accounts.models import (
    MINOR_WITHOUT_END,
    Role,
    User,
    age_today,
    minor_condition,
    minor_until_of,
)
from posts.models import Comment, Post
from posts.search import search
from posts.services import add_comment, publish_post
from tests.factories import HighSchoolStudentFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Sickle cell crisis question"
COMMENT = "Thanks, this helped with my biology project"


@pytest.fixture
def minor_with_posts() -> dict[str, Any]:
    minor = HighSchoolStudentFactory.create(display_name="Zoe Young", handle="zoe-young")
    post = publish_post(author=minor, title=TITLE, body="How does a sickle cell crisis start?")
    adult_post = publish_post(
        author=UserFactory.create(), title="Hydration pearls", body="Water helps."
    )
    add_comment(post=adult_post, author=minor, body=COMMENT)
    return {"minor": minor, "post": post, "adult_post": adult_post}


def _viewer(kind: str) -> User | None:
    if kind == "visitor":
        return None
    return UserFactory.create(email_verified=kind == "confirmed")


def _client(viewer: User | None) -> Client:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    return client


@pytest.mark.parametrize(
    ("kind", "sees"), [("visitor", False), ("unconfirmed", False), ("confirmed", True)]
)
def test_a_minors_pages_are_for_confirmed_members(
    minor_with_posts: dict[str, Any], kind: str, sees: bool
) -> None:
    minor, post = minor_with_posts["minor"], minor_with_posts["post"]
    client = _client(_viewer(kind))
    expected = 200 if sees else 404
    assert client.get(minor.get_absolute_url()).status_code == expected
    assert client.get(post.get_absolute_url()).status_code == expected
    author_posts = client.get(reverse("posts:author_posts", kwargs={"handle": minor.handle}))
    assert (TITLE in author_posts.content.decode()) is sees
    explore = client.get(reverse("posts:explore")).content.decode()
    assert (TITLE in explore) is sees
    found = client.get(reverse("posts:search"), {"q": "sickle"}).content.decode()
    assert (TITLE in found) is sees
    people = client.get(reverse("posts:search"), {"q": "zoe"}).content.decode()
    assert ("@zoe-young" in people) is sees
    conversation = client.get(minor_with_posts["adult_post"].get_absolute_url()).content.decode()
    assert (COMMENT in conversation) is sees


def test_the_querysets_agree(minor_with_posts: dict[str, Any]) -> None:
    minor = minor_with_posts["minor"]
    unconfirmed, confirmed = _viewer("unconfirmed"), _viewer("confirmed")
    assert unconfirmed is not None and confirmed is not None
    viewers: list[tuple[User | AnonymousUser, bool]] = [
        (AnonymousUser(), False),
        (unconfirmed, False),
        (confirmed, True),
    ]
    for viewer, sees in viewers:
        assert User.objects.visible_to(viewer).filter(pk=minor.pk).exists() is sees
        assert Post.objects.visible_to(viewer).filter(author=minor).exists() is sees
        assert Comment.objects.visible_to(viewer).filter(author=minor).exists() is sees
        assert (TITLE in {post.title for post in search(viewer, "sickle").posts}) is sees


def test_an_unconfirmed_minor_still_sees_themselves(minor_with_posts: dict[str, Any]) -> None:
    minor = HighSchoolStudentFactory.create(email_verified=False, handle="new-minor")
    post = publish_post(author=UserFactory.create(), title="Other", body="x")
    other_minor = minor_with_posts["minor"]
    assert User.objects.visible_to(minor).filter(pk=minor.pk).exists()
    assert not User.objects.visible_to(minor).filter(pk=other_minor.pk).exists()
    client = _client(minor)
    assert client.get(minor.get_absolute_url()).status_code == 200
    assert client.get(other_minor.get_absolute_url()).status_code == 404
    assert client.get(post.get_absolute_url()).status_code == 200


def test_adults_are_not_hidden_from_unconfirmed_members(minor_with_posts: dict[str, Any]) -> None:
    client = _client(_viewer("unconfirmed"))
    adult_post = minor_with_posts["adult_post"]
    assert client.get(adult_post.get_absolute_url()).status_code == 200
    assert client.get(adult_post.author.get_absolute_url()).status_code == 200


def test_the_rule_costs_no_query_on_a_page(
    minor_with_posts: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    confirmed = _client(_viewer("confirmed"))
    confirmed.get(reverse("posts:explore"))
    with django_assert_max_num_queries(100) as queries:
        confirmed.get(reverse("posts:explore"))
    confirmed_count = len(queries.captured_queries)
    unconfirmed = _client(_viewer("unconfirmed"))
    unconfirmed.get(reverse("posts:explore"))
    with django_assert_max_num_queries(confirmed_count):
        unconfirmed.get(reverse("posts:explore"))


# --- Until when a member is a minor (accounts.models.minor_until_of) --------------------------


@pytest.mark.parametrize(
    ("birth_year", "role", "today", "until"),
    [
        # Only the year is known: an adult from 1 January of the year they turn 19.
        (2010, Role.HIGH_SCHOOL, datetime.date(2028, 12, 31), datetime.date(2029, 1, 1)),
        (2010, Role.PREMED, datetime.date(2028, 12, 31), datetime.date(2029, 1, 1)),
        (2010, Role.HIGH_SCHOOL, datetime.date(2029, 1, 1), None),
        (1990, Role.PHYSICIAN, datetime.date(2026, 6, 1), None),
        # No birth year: a high-school student stays a minor until it or the role changes.
        (None, Role.HIGH_SCHOOL, datetime.date(2026, 6, 1), MINOR_WITHOUT_END),
        (None, Role.HIGH_SCHOOL, datetime.date(9999, 12, 31), MINOR_WITHOUT_END),
        (None, Role.MEDICAL_STUDENT, datetime.date(2026, 6, 1), None),
        # A year no calendar date follows (an admin's typo) is a minor, not a crash.
        (9990, Role.PREMED, datetime.date(2026, 6, 1), MINOR_WITHOUT_END),
    ],
)
def test_it_says_until_when_a_member_is_a_minor(
    birth_year: int | None, role: Role, today: datetime.date, until: datetime.date | None
) -> None:
    assert minor_until_of(birth_year=birth_year, role=role, today=today) == until


def test_the_sql_form_on_members_agrees_with_it_for_every_recent_birth_year() -> None:
    today = age_today()
    members = [UserFactory.create(birth_year=today.year - age) for age in range(13, 25)]
    members.append(HighSchoolStudentFactory.create(birth_year=None))
    members.append(UserFactory.create(birth_year=None))
    minors = set(User.objects.filter(minor_condition()).values_list("pk", flat=True))
    for member in members:
        until = minor_until_of(birth_year=member.birth_year, role=member.role, today=today)
        assert (member.pk in minors) is (until is not None) is member.is_minor
        assert member.minor_until == until
