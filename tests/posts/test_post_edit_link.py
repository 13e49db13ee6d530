"""A post offers its author one way to edit it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


def _html(member: object, url: str) -> str:
    client = Client()
    client.force_login(member)  # type: ignore[arg-type]
    return client.get(url).content.decode()


def test_the_author_sees_one_edit_link_on_the_posts_page_and_in_the_feed() -> None:
    post = PostFactory.create(title="Night shifts")
    edit = f'href="{reverse("posts:edit", args=[post.pk])}"'
    page = _html(post.author, post.get_absolute_url())
    assert page.count(edit) == 1
    assert ">Edit post</a>" in page and ">Delete post</button>" in page
    feed = _html(post.author, reverse("posts:author_posts", args=[post.author.handle]))
    assert feed.count(edit) == 1


def test_another_member_sees_no_edit_link() -> None:
    post = PostFactory.create(title="Night shifts")
    page = _html(UserFactory.create(), post.get_absolute_url())
    assert reverse("posts:edit", args=[post.pk]) not in page
