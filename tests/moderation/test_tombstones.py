"""Removed content: others see "Removed by moderators" in its place; the author sees it
with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from moderation.services import remove_content
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.factories import make_comment
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_removed_post_is_a_tombstone_to_others(client: Client) -> None:
    post = PostFactory.create(title="Detox cures cancer", body="Drink only juice.")
    remove_content(moderator=ModeratorFactory.create(), target=post, reason="Dangerous advice")
    for viewer in [None, UserFactory.create()]:
        if viewer is not None:
            client.force_login(viewer)
        html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
        assert "Removed by moderators." in html
        assert "Drink only juice" not in html and "Dangerous advice" not in html


def test_the_author_sees_the_removed_post_and_why(client: Client) -> None:
    post = PostFactory.create(title="Detox cures cancer", body="Drink only juice.")
    remove_content(moderator=ModeratorFactory.create(), target=post, reason="Dangerous advice")
    client.force_login(post.author)
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "Drink only juice" in html and "Dangerous advice" in html
    assert reverse("moderation:decisions") in html


def test_removed_posts_leave_the_feeds(client: Client) -> None:
    post = PostFactory.create(title="Detox cures cancer")
    remove_content(moderator=ModeratorFactory.create(), target=post, reason="x")
    assert "Detox cures cancer" not in client.get(reverse("posts:explore")).content.decode()


def test_a_removed_comment_keeps_its_place_as_a_tombstone(client: Client) -> None:
    post = PostFactory.create()
    removed = make_comment(post=post, body="Insulting words")
    make_comment(post=post, body="A kind reply to the post")
    remove_content(moderator=ModeratorFactory.create(), target=removed, reason="Insults")
    client.force_login(UserFactory.create())
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "Removed by moderators." in html
    assert "Insulting words" not in html and "Insults" not in html
    assert "A kind reply to the post" in html


def test_a_removed_reply_keeps_its_place_too(client: Client) -> None:
    post = PostFactory.create()
    parent = make_comment(post=post, body="Top comment")
    reply = make_comment(post=post, parent=parent, body="Nasty reply")
    remove_content(moderator=ModeratorFactory.create(), target=reply, reason="Nasty")
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "Top comment" in html
    assert "Removed by moderators." in html and "Nasty reply" not in html


def test_the_author_sees_their_removed_comment_and_why(client: Client) -> None:
    post = PostFactory.create()
    removed = make_comment(post=post, body="Insulting words")
    remove_content(moderator=ModeratorFactory.create(), target=removed, reason="Insults")
    client.force_login(removed.author)
    html = client.get(reverse("posts:detail", args=[post.pk])).content.decode()
    assert "Insulting words" in html and "Insults" in html
    assert reverse("moderation:decisions") in html


@pytest.mark.parametrize("count", [3, 15])
def test_tombstones_keep_the_thread_query_count_fixed(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    post = PostFactory.create()
    moderator = ModeratorFactory.create()
    for index in range(count):
        comment = make_comment(post=post)
        if index % 2:
            remove_content(moderator=moderator, target=comment, reason="x")
    client.force_login(UserFactory.create())
    client.get(reverse("posts:detail", args=[post.pk]))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("posts:detail", args=[post.pk]))
    assert response.content.decode().count("Removed by moderators.") == count // 2
