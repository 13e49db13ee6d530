"""A busy post's conversation comes in pages of THREADS_PER_PAGE top-level comments."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posts.models import Comment, Post, Visibility
from posts.selectors import THREADS_PER_PAGE
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db

MORE = re.compile(r'href="(/posts/\d+/\?comments=[^"#]+)#comments"')


@pytest.fixture
def busy() -> tuple[Post, list[Comment]]:
    """A post with THREADS_PER_PAGE + 5 top-level comments, a minute apart, each with a reply."""
    post = PostFactory.create()
    start = timezone.now() - datetime.timedelta(days=1)
    tops = []
    for number in range(THREADS_PER_PAGE + 5):
        at = start + datetime.timedelta(minutes=number)
        top = CommentFactory.create(post=post, body=f"Top comment {number}.")
        reply = CommentFactory.create(post=post, parent=top, body=f"Reply to {number}.")
        Comment.objects.filter(pk__in=[top.pk, reply.pk]).update(created_at=at)
        tops.append(top)
    return post, tops


def _more_link(html: str) -> str:
    """The address of the page's link to the next comments (a page without one fails)."""
    match = MORE.search(html)
    assert match is not None
    return match.group(1)


def _shown(html: str) -> list[int]:
    return [int(number) for number in re.findall(r"Top comment (\d+)\.", html)]


def _client() -> Client:
    client = Client()
    client.force_login(UserFactory.create())
    return client


def test_the_first_page_shows_the_oldest_threads_and_a_link_to_more(busy: tuple) -> None:
    post, _tops = busy
    html = _client().get(post.get_absolute_url()).content.decode()

    assert _shown(html) == list(range(THREADS_PER_PAGE))
    assert "Reply to 0." in html and f"Reply to {THREADS_PER_PAGE}." not in html
    assert MORE.search(html) and "Show earlier comments" not in html


def test_the_more_link_shows_the_rest_without_javascript(busy: tuple) -> None:
    post, _tops = busy
    client = _client()
    more = _more_link(client.get(post.get_absolute_url()).content.decode())

    html = client.get(more).content.decode()

    assert _shown(html) == list(range(THREADS_PER_PAGE, THREADS_PER_PAGE + 5))
    assert f"Reply to {THREADS_PER_PAGE + 4}." in html
    assert not MORE.search(html) and "Show earlier comments" in html
    assert "<html" in html and "Add a comment" in html


def test_with_htmx_the_more_link_fetches_only_the_next_comments(busy: tuple) -> None:
    post, _tops = busy
    client = _client()
    more = _more_link(client.get(post.get_absolute_url()).content.decode())

    html = client.get(more, HTTP_HX_REQUEST="true").content.decode()

    assert "<html" not in html and "Add a comment" not in html
    assert _shown(html) == list(range(THREADS_PER_PAGE, THREADS_PER_PAGE + 5))


def test_a_link_to_a_comment_opens_the_page_that_holds_it(busy: tuple) -> None:
    post, tops = busy
    late = tops[THREADS_PER_PAGE + 2]
    reply = Comment.objects.get(parent=late)

    for comment in (late, reply):
        html = _client().get(comment.get_absolute_url()).content.decode()
        assert f'id="comment-{comment.pk}"' in html
        assert "Show earlier comments" in html


@pytest.mark.parametrize("query", ["comments=not-a-cursor", "thread=abc", "thread=-1"])
def test_a_broken_page_link_is_a_clear_400(busy: tuple, query: str) -> None:
    post, _tops = busy
    response = _client().get(f"{post.get_absolute_url()}?{query}")
    assert response.status_code == 400
    assert "We could not understand that request." in response.content.decode()


def test_a_link_to_a_comment_of_another_post_shows_nothing_of_it(busy: tuple) -> None:
    post, tops = busy
    other = PostFactory.create()
    html = _client().get(f"{other.get_absolute_url()}?thread={tops[0].pk}").content.decode()
    assert _shown(html) == [] and "Top comment 0." not in html


def test_walls_are_read_once_per_page(busy: tuple) -> None:
    post, _tops = busy
    client = _client()
    with CaptureQueriesContext(connection) as captured:
        client.get(post.get_absolute_url())
    walls = [query for query in captured.captured_queries if "accounts_block" in query["sql"]]
    assert len(walls) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_no_page_of_a_private_groups_conversation_for_outsiders(busy: tuple, htmx: bool) -> None:
    post, tops = busy
    circle = CircleFactory.create(is_private=True)
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.GROUP, circle=circle)
    member = UserFactory.create()
    MembershipFactory.create(circle=circle, member=member)
    insider, outsider = Client(), Client()
    insider.force_login(member)
    outsider.force_login(UserFactory.create())
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    more = _more_link(insider.get(post.get_absolute_url()).content.decode())

    for url in (more, tops[THREADS_PER_PAGE + 1].get_absolute_url()):
        response = outsider.get(url, **headers)
        assert response.status_code == 404
        assert "Top comment" not in response.content.decode()
        assert insider.get(url, **headers).status_code == 200


def test_the_thread_is_read_without_asking_again_whether_the_post_is_readable() -> None:
    post = PostFactory.create()
    top = CommentFactory.create(post=post)
    CommentFactory.create(post=post, parent=top)
    client = Client()
    client.force_login(UserFactory.create())
    warm_rail(client)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    comment_queries = [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "posts_comment"' in query["sql"]
    ]
    assert len(comment_queries) == 2  # the top-level comments, then their replies
    # The post's own query asks which groups the reader is in; the thread's do not.
    assert all("posts_membership" not in sql for sql in comment_queries)
    assert sum("posts_membership" in q["sql"] for q in captured.captured_queries) == 1
