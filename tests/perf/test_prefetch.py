"""community.perf.prefetch: posts read with `prefetch_related("images")` carry the same
images, in the same order, as with Django's own prefetch, and ask only for the posts that
have some (none: no query at all)."""

from __future__ import annotations

from typing import cast

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from posts.models import Post, PostImage
from tests.perf.conftest import World
from tests.posts.factories import PostImageFactory

pytestmark = pytest.mark.django_db


def _images(posts: list[Post]) -> dict[int, list[int]]:
    """Each post's images as a card reads them: only when its count says it has some
    (templates/posts/_post.html); the counted prefetch leaves the others unasked."""
    return {
        post.pk: [image.pk for image in post.images.all()] if post.image_count else []
        for post in posts
    }


def _plain(lookups: tuple[str, ...]) -> list[Post]:
    """Django's own prefetch: a plain QuerySet, then prefetch_related_objects."""
    posts = list(cast("models.QuerySet[Post]", models.QuerySet(Post)).order_by("pk"))
    models.prefetch_related_objects(posts, *lookups)
    return posts


@pytest.mark.parametrize("illustrated", [0, 1, 3, 10])
def test_the_same_images_as_djangos_prefetch(world: World, illustrated: int) -> None:
    for post in world.posts[:illustrated]:
        for position in range(2):
            PostImageFactory.create(post=post, position=position)
    counted = list(Post.objects.order_by("pk").prefetch_related("images"))
    with CaptureQueriesContext(connection) as captured:
        images = _images(counted)
    assert not captured.captured_queries, "images read per post after the prefetch"
    assert images == _images(_plain(("images",)))
    assert sum(map(len, images.values())) == 2 * illustrated


def test_a_page_of_text_posts_asks_for_no_images(world: World) -> None:
    with CaptureQueriesContext(connection) as captured:
        posts = list(Post.objects.prefetch_related("images"))
    assert len(captured.captured_queries) == 1 and posts
    PostImageFactory.create(post=world.posts[2])
    with CaptureQueriesContext(connection) as captured:
        posts = list(Post.objects.prefetch_related("images"))
    image_query = captured.captured_queries[1]["sql"]
    assert len(captured.captured_queries) == 2
    assert f"IN ({world.posts[2].pk})" in image_query, "asked for posts without images"


def test_other_lookups_are_prefetched_as_django_does(world: World) -> None:
    PostImageFactory.create(post=world.posts[0])
    counted = list(Post.objects.order_by("pk").prefetch_related("images", "reactions"))
    plain = _plain(("images", "reactions"))
    assert _images(counted) == _images(plain)
    with CaptureQueriesContext(connection) as captured:
        reactions = {post.pk: sorted(r.pk for r in post.reactions.all()) for post in counted}
    assert not captured.captured_queries
    assert reactions == {post.pk: sorted(r.pk for r in post.reactions.all()) for post in plain}
    assert any(reactions.values())


def test_a_deleted_image_row_is_not_shown_even_if_the_count_lags(world: World) -> None:
    """The count decides only whether to ask; what is shown is the rows themselves."""
    image = PostImageFactory.create(post=world.posts[1])
    PostImage.objects.filter(pk=image.pk).delete()
    counted = list(Post.objects.order_by("pk").prefetch_related("images"))
    assert _images(counted) == _images(_plain(("images",)))
