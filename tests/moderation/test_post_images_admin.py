"""In the panel a post's images can be looked at but not added, changed or deleted: they
change only through the post's author, so the post's image count stays right."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from posts.models import Post
from tests.accounts.conftest import sign_in_with_two_factor
from tests.posts.factories import PostImageFactory

pytestmark = pytest.mark.django_db


def _illustrated_post() -> Post:
    return PostImageFactory.create(alt_text="An ECG strip").post


def test_a_superuser_sees_a_posts_images_without_delete_or_add(
    client: Client, superuser: User
) -> None:
    post = _illustrated_post()
    sign_in_with_two_factor(client, superuser)
    response = client.get(reverse("admin:posts_post_change", args=[post.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "An ECG strip" in content
    assert 'name="images-0-DELETE"' not in content
    assert 'name="images-0-alt_text"' not in content
    assert "images-__prefix__" not in content  # the blank form "Add another" copies
