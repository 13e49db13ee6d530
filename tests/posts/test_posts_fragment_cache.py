"""Cached fragments of post cards and bylines are never served stale."""

from __future__ import annotations

import pytest
from django.test import Client

from posts.models import Post
from posts.services import edit_post, publish_post
from tests.factories import PhysicianFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_edited_post_shows_its_new_text_at_once(client: Client) -> None:
    author = PhysicianFactory.create()
    post = publish_post(author=author, title="Flu shots", body="Before **December**.")
    client.force_login(UserFactory.create())
    assert "December" in client.get(post.get_absolute_url()).content.decode()
    edit_post(post=post, editor=author, title="Flu shots", body="Before **November**.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "November" in html and "December" not in html


def test_a_renamed_author_shows_under_the_new_name_at_once(client: Client) -> None:
    author = PhysicianFactory.create(display_name="Dr. Old Name")
    post = publish_post(author=author, title="Hydration", body="Drink water.")
    client.force_login(UserFactory.create())
    assert "Dr. Old Name" in client.get("/explore/").content.decode()
    author.display_name = "Dr. New Name"
    author.save(update_fields=["display_name"])
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Dr. New Name" in html and "Dr. Old Name" not in html


def test_a_reused_id_never_shows_the_old_posts_text(client: Client) -> None:
    author = PhysicianFactory.create()
    first = publish_post(author=author, title="First", body="The first body.")
    client.force_login(UserFactory.create())
    client.get(first.get_absolute_url())
    pk = first.pk
    Post.objects.filter(pk=pk).delete()
    second = publish_post(author=author, title="Second", body="The second body.")
    Post.objects.filter(pk=second.pk).update(id=pk)
    html = client.get(f"/posts/{pk}/").content.decode()
    assert "The second body." in html and "The first body." not in html
