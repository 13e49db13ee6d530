"""Every list page runs a fixed number of queries, whatever the number of items.

Each page is rendered with 20 and then 50 items on it (the page size is raised to 50 so all
of them render), every item carrying images, reactions, a bookmark and a group, so a query
per item anywhere (template, annotation, prefetch) would break the maximum.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Follow
from posts import selectors
from posts.models import Bookmark, Hashtag, PostHashtag, Reaction, Visibility
from posts.selectors import THREADS_PER_PAGE
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.posts.factories import (
    CircleFactory,
    CommentFactory,
    MembershipFactory,
    PostFactory,
    PostImageFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [20, 50]
# The issue asks for at most 10; measured: home 5, profile and saved 6, hashtag 7,
# explore and group 8, post detail 9, group directory 3.
MAX_QUERIES = 10


@pytest.fixture(autouse=True)
def _big_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 50)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _decorate(post: Any, viewer: Any, tag: Hashtag) -> None:
    """Give a post everything a card shows."""
    for position in range(2):
        PostImageFactory.create(post=post, position=position)
    Reaction.objects.create(post=post, member=viewer, kind="like")
    Bookmark.objects.create(post=post, member=viewer)
    PostHashtag.objects.create(post=post, hashtag=tag, created_at=post.created_at)


@pytest.fixture
def scene() -> dict[str, Any]:
    viewer = UserFactory.create()
    author = UserFactory.create()
    Follow.objects.create(follower=viewer, followee=author)
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=viewer)
    MembershipFactory.create(circle=circle, member=author)
    return {
        "viewer": viewer,
        "author": author,
        "circle": circle,
        "tag": Hashtag.objects.create(name="ecg"),
    }


def _posts(scene: dict[str, Any], count: int, **fields: Any) -> list[Any]:
    now = timezone.now()
    posts = []
    for index in range(count):
        post = PostFactory.create(
            author=fields.get("author", scene["author"]),
            created_at=now - datetime.timedelta(minutes=index),
            **{key: value for key, value in fields.items() if key != "author"},
        )
        _decorate(post, scene["viewer"], scene["tag"])
        posts.append(post)
    return posts


def _assert_renders(
    client: Client, url: str, count: int, django_assert_max_num_queries: Any
) -> str:
    warm_rail(client)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("count", SIZES)
def test_home_feed_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]), reverse("home"), count, django_assert_max_num_queries
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_explore_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]), reverse("posts:explore"), count, django_assert_max_num_queries
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_explore_queries_for_visitors(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    with django_assert_max_num_queries(MAX_QUERIES):
        content = Client().get(reverse("posts:explore")).content.decode()
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_hashtag_page_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]),
        reverse("posts:hashtag", args=["ecg"]),
        count,
        django_assert_max_num_queries,
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_group_page_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count, visibility=Visibility.GROUP, circle=scene["circle"])
    content = _assert_renders(
        _client(scene["viewer"]),
        scene["circle"].get_absolute_url(),
        count,
        django_assert_max_num_queries,
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_profile_posts_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]),
        reverse("posts:author_posts", args=[scene["author"].handle]),
        count,
        django_assert_max_num_queries,
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_bookmarks_page_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]),
        reverse("posts:bookmarks"),
        count,
        django_assert_max_num_queries,
    )
    assert content.count('class="card post ') == count


@pytest.mark.parametrize("count", SIZES)
def test_post_detail_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    (post,) = _posts(scene, 1, visibility=Visibility.GROUP, circle=scene["circle"])
    tops = [CommentFactory.create(post=post) for _ in range(count // 2)]
    for top in tops:
        reply = CommentFactory.create(post=post, parent=top)
        Reaction.objects.create(comment=reply, member=scene["viewer"], kind="helpful")
    content = _assert_renders(
        _client(scene["viewer"]), post.get_absolute_url(), count, django_assert_max_num_queries
    )
    # One page of the conversation: THREADS_PER_PAGE top-level comments with their replies.
    assert content.count('<article class="comment') == 2 * min(count // 2, THREADS_PER_PAGE)


@pytest.mark.parametrize("count", SIZES)
def test_group_directory_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(count):
        MembershipFactory.create(member=scene["viewer"])
    content = _assert_renders(
        _client(scene["viewer"]), reverse("posts:circles"), count, django_assert_max_num_queries
    )
    assert content.count('class="card circle-card"') == count + 1


@pytest.mark.parametrize("count", SIZES)
def test_search_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    from posts.services import publish_post

    for index in range(count):
        publish_post(author=scene["author"], body=f"Electrolyte pearl {index} #ecg")
    client = _client(scene["viewer"])
    warm_rail(client)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("posts:search"), {"q": "electrolyte"})
    assert response.content.decode().count('class="snippet"') == 20


@pytest.mark.parametrize("count", SIZES)
def test_profile_page_queries(
    scene: dict[str, Any], count: int, django_assert_max_num_queries: Any
) -> None:
    _posts(scene, count)
    content = _assert_renders(
        _client(scene["viewer"]),
        scene["author"].get_absolute_url(),
        count,
        django_assert_max_num_queries,
    )
    assert content.count('class="card post ') == 5


def _image_queries(client: Client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    return [text for text in sql if "posts_postimage" in text], response.content.decode()


def test_a_page_of_text_posts_reads_no_images(scene: dict[str, Any]) -> None:
    for post in PostFactory.create_batch(3, author=scene["author"]):
        PostHashtag.objects.create(post=post, hashtag=scene["tag"], created_at=post.created_at)
    client = _client(scene["viewer"])
    for url in (reverse("home"), reverse("posts:explore"), scene["tag"].get_absolute_url()):
        image_queries, content = _image_queries(client, url)
        assert image_queries == [], url
        assert content.count('class="card post ') == 3
        assert "post-images" not in content


def test_images_are_read_only_for_the_posts_that_have_some(scene: dict[str, Any]) -> None:
    text_posts = PostFactory.create_batch(2, author=scene["author"])
    illustrated = PostFactory.create(author=scene["author"])
    _decorate(illustrated, scene["viewer"], scene["tag"])
    image_queries, content = _image_queries(_client(scene["viewer"]), reverse("home"))
    assert len(image_queries) == 1
    # Only the illustrated post's id is looked up.
    assert str(illustrated.pk) in image_queries[0]
    assert all(f"({post.pk})" not in image_queries[0] for post in text_posts)
    assert content.count('alt="An ECG strip"') == 2
    assert content.count('class="card post ') == 3


def _card_list_pages(scene: dict[str, Any]) -> list[str]:
    """The pages that list post cards, as the viewer of `scene` sees them."""
    return [
        reverse("home"),
        reverse("posts:explore"),
        reverse("posts:hashtag", args=[scene["tag"].name]),
        scene["author"].get_absolute_url(),
        reverse("posts:bookmarks"),
    ]


def test_lists_of_cards_read_of_each_author_only_what_the_byline_shows(
    scene: dict[str, Any],
) -> None:
    """Feeds and threads read members only for their bylines: not their password hashes,
    not their profiles' text (and, as the tests above show, no query per card for them)."""
    post = _posts(scene, 3)[0]
    CommentFactory.create(post=post, author=scene["author"])
    client = _client(scene["viewer"])
    pages = [*_card_list_pages(scene), post.get_absolute_url()]
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        lists = [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].startswith(('SELECT "posts_post"."id"', 'SELECT "posts_comment"."id"'))
            # The post page's own post is read whole: replies and reactions use its author.
            and not query["sql"].endswith("LIMIT 1")
        ]
        assert lists, page
        for sql in lists:
            if 'INNER JOIN "accounts_user"' in sql:
                assert '"accounts_user"."display_name"' in sql, page
                assert '"accounts_user"."password"' not in sql, page
                assert '"accounts_user"."bio_html"' not in sql, page


def test_lists_of_post_cards_read_the_rendered_text_not_the_source_nor_the_search_words(
    scene: dict[str, Any],
) -> None:
    """A card shows a post's rendered text: its Markdown source, its search words and a
    moderator's reason stay in the database when cards are listed."""
    _posts(scene, 3, body="Check **potassium** before the second dose.")
    client = _client(scene["viewer"])
    for page in _card_list_pages(scene):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        assert response.status_code == 200
        assert "<strong>potassium</strong>" in response.content.decode(), page
        lists = [
            query["sql"]
            for query in captured.captured_queries
            # Rows of posts (as instances, or as the values of card rows), not the narrow
            # lists of ids that choose them.
            if query["sql"].startswith(
                ('SELECT "posts_post"."id", ', 'SELECT "posts_post"."id" AS "id", ')
            )
        ]
        assert lists, page
        for sql in lists:
            assert '"posts_post"."body_html"' in sql, page
            assert '"posts_post"."body"' not in sql, page
            assert '"posts_post"."search_vector"' not in sql, page
            assert '"posts_post"."removal_reason"' not in sql, page
