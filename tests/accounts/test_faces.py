"""Faces and handles in lists: two mentors with the same name are told apart on their cards
by handle and photo; notifications, followers and group members show an avatar each, and
the pages' query counts do not grow with the list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import follow
from notifications.models import Kind
from notifications.services import notify
from tests.conftest import warm_rail
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.posts.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db

AVATAR = re.compile(r'class="avatar [^"]*"')


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="card mentor-card".*?</article>', html, re.DOTALL)


def _with_photo(member: User) -> User:
    member.avatar_small = "avatars/face-64.webp"
    member.avatar_large = "avatars/face-256.webp"
    member.save(update_fields=["avatar_small", "avatar_large"])
    return member


@pytest.mark.parametrize("page", ["mentoring:suggestions", "mentoring:directory"])
def test_two_mentors_with_the_same_name_are_told_apart_by_handle_and_face(
    client: Client, page: str
) -> None:
    first = make_mentor(
        PhysicianFactory.create(display_name="Dr. Sam Patel", handle="dr-sam-patel")
    )
    second = make_mentor(
        PhysicianFactory.create(display_name="Dr. Sam Patel", handle="dr-sam-patel-2")
    )
    _with_photo(second.user)
    client.force_login(make_mentee())
    cards = _cards(client.get(reverse(page)).content.decode())
    assert len(cards) == 2
    by_handle = {
        handle: card for card in cards for handle in re.findall(r"@(dr-sam-patel\S*)<", card)
    }
    assert set(by_handle) == {"dr-sam-patel", "dr-sam-patel-2"}
    # Initials for the one without a photo, the photo for the other.
    assert 'avatar-initials" aria-hidden="true">SP<' in by_handle["dr-sam-patel"]
    assert 'src="/media/avatars/face-64.webp"' in by_handle["dr-sam-patel-2"]
    assert first.user.handle != second.user.handle


@pytest.mark.parametrize("count", [2, 12])
def test_the_suggestions_with_faces_keep_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        _with_photo(make_mentor().user)
    client.force_login(make_mentee())
    warm_rail(client)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("mentoring:suggestions")).content.decode()
    cards = "".join(_cards(html))  # the right rail suggests some of them again
    assert cards.count("/media/avatars/face-64.webp") == count


def _notification_rows(html: str) -> list[str]:
    return re.findall(r'<li class="notification.*?</li>', html, re.DOTALL)


@pytest.mark.parametrize("count", [3, 20])
def test_each_notification_shows_who_it_comes_from(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    alice = UserFactory.create()
    actors = [UserFactory.create(display_name=f"Ana Number{index}") for index in range(count)]
    _with_photo(actors[0])
    for actor in actors:
        notify(
            recipient=alice, actor=actor, kind=Kind.FOLLOW, title=f"{actor.display_name} follows"
        )
    notify(recipient=alice, kind=Kind.MODERATION, title="A moderator removed your post")
    client.force_login(alice)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("notifications:list")).content.decode()
    rows = _notification_rows(html)
    assert len(rows) == count + 1
    assert all(AVATAR.search(row) for row in rows)
    assert sum("/media/avatars/face-64.webp" in row for row in rows) == 1
    assert sum(">AN<" in row for row in rows) == count - 1
    # What the site itself says carries the site's mark, not a stranger's face.
    [from_site] = [row for row in rows if "removed your post" in row]
    assert "notification-from-site" in from_site


@pytest.mark.parametrize("count", [2, 15])
def test_followers_show_a_face_each(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    star = UserFactory.create()
    for _ in range(count):
        follow(follower=UserFactory.create(), followee=star)
    client.force_login(UserFactory.create())
    url = reverse("accounts:followers", kwargs={"handle": star.handle})
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    assert len(AVATAR.findall(html.split('id="list-title"', 1)[1])) >= count


@pytest.mark.parametrize("count", [2, 15])
def test_group_members_show_a_face_each(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    circle = CircleFactory.create()
    for _ in range(count):
        MembershipFactory.create(circle=circle)
    reader = MembershipFactory.create(circle=circle).member
    client.force_login(reader)
    url = reverse("posts:circle_members", kwargs={"slug": circle.slug})
    with django_assert_max_num_queries(10):
        html = client.get(url).content.decode()
    members = html.split('id="members-title"', 1)[1]
    assert len(AVATAR.findall(members)) == count + 1
