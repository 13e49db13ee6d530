"""The visibility matrix on every page: what each kind of reader finds on explore, the
hashtag page, the group page, the author's posts, the profile, the post page, the home feed
and search."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Block, Follow
from posts.models import Visibility
from posts.services import publish_post
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Each post's body carries a unique word so the pages can be searched for it.
BODIES = {
    "public": "Publicword pearl #matrix",
    "members": "Memberword pearl #matrix",
    "private_group": "Insideword pearl #matrix",
    "public_group": "Openclubword pearl #matrix",
}
WORDS = {name: body.split()[0] for name, body in BODIES.items()}

EXPECTED = {
    "anonymous": {"public"},
    "member": {"public", "members", "public_group"},
    "group_member": {"public", "members", "public_group", "private_group"},
    "blocked": set(),
    "blocker": set(),
}


@pytest.fixture
def world() -> dict[str, Any]:
    author = PhysicianFactory.create(handle="matrix-author")
    private = CircleFactory.create(slug="private-club", is_private=True)
    public = CircleFactory.create(slug="open-club", is_private=False)
    MembershipFactory.create(circle=private, member=author)
    MembershipFactory.create(circle=public, member=author)
    group_member = UserFactory.create()
    MembershipFactory.create(circle=private, member=group_member)
    blocked, blocker = UserFactory.create(), UserFactory.create()
    Block.objects.create(blocker=author, blocked=blocked)
    Block.objects.create(blocker=blocker, blocked=author)
    MembershipFactory.create(circle=private, member=blocker)
    posts = {
        "public": publish_post(author=author, body=BODIES["public"]),
        "members": publish_post(
            author=author, body=BODIES["members"], visibility=Visibility.MEMBERS
        ),
        "private_group": publish_post(
            author=author, body=BODIES["private_group"], visibility=Visibility.GROUP, circle=private
        ),
        "public_group": publish_post(
            author=author, body=BODIES["public_group"], visibility=Visibility.GROUP, circle=public
        ),
    }
    readers = {
        "anonymous": None,
        "member": UserFactory.create(),
        "group_member": group_member,
        "blocked": blocked,
        "blocker": blocker,
    }
    for reader in readers.values():
        if reader is not None:
            Follow.objects.create(follower=reader, followee=author)
    return {"author": author, "posts": posts, "readers": readers, "private": private}


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _found(content: str) -> set[str]:
    return {name for name, word in WORDS.items() if word in content}


def _pages(world: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """page -> (url, which posts it can list at most)"""
    return {
        "explore": (reverse("posts:explore"), {"public", "members"}),
        "hashtag": (reverse("posts:hashtag", args=["matrix"]), set(BODIES)),
        "author_posts": (reverse("posts:author_posts", args=["matrix-author"]), set(BODIES)),
        "profile": (world["author"].get_absolute_url(), set(BODIES)),
        "private_group": (reverse("posts:circle", args=["private-club"]), {"private_group"}),
        "public_group": (reverse("posts:circle", args=["open-club"]), {"public_group"}),
        "search": (reverse("posts:search") + "?q=pearl", set(BODIES)),
    }


@pytest.mark.parametrize("reader_name", sorted(EXPECTED))
@pytest.mark.parametrize(
    "page_name",
    [
        "explore",
        "hashtag",
        "author_posts",
        "profile",
        "private_group",
        "public_group",
        "search",
    ],
)
def test_each_page_lists_what_each_reader_may_read(
    world: dict[str, Any], reader_name: str, page_name: str
) -> None:
    url, listed = _pages(world)[page_name]
    response = _client(world["readers"][reader_name]).get(url)
    found = _found(response.content.decode()) if response.status_code == 200 else set()
    assert found == EXPECTED[reader_name] & listed


@pytest.mark.parametrize("reader_name", sorted(EXPECTED))
def test_each_post_page_answers_each_reader(world: dict[str, Any], reader_name: str) -> None:
    client = _client(world["readers"][reader_name])
    for name, post in world["posts"].items():
        response = client.get(post.get_absolute_url())
        expected = 200 if name in EXPECTED[reader_name] else 404
        assert response.status_code == expected, name


@pytest.mark.parametrize("reader_name", sorted(set(EXPECTED) - {"anonymous"}))
def test_the_home_feed_of_each_follower(world: dict[str, Any], reader_name: str) -> None:
    content = _client(world["readers"][reader_name]).get(reverse("home")).content.decode()
    assert _found(content) == EXPECTED[reader_name]
