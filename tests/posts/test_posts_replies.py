"""A busy thread shows its first REPLIES_SHOWN replies; the others come REPLIES_PER_BATCH at
a time from `posts:replies` ("Show 20 more replies"), as a page without JavaScript and as
a fragment with htmx, and a link to a reply further on shows that reply."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, User
from community import page_cache
from posts import services
from posts.models import Comment, Post, Visibility
from posts.selectors import REPLIES_PER_BATCH, REPLIES_SHOWN, encode_cursor
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

MORE = re.compile(r'<a class="[^"]*load-more" href="(/posts/\d+/comments/\d+/replies/\?[^"]+)"')
LABEL = re.compile(r"Show (\d+) more repl(?:y|ies)<")
START = datetime.timedelta(days=1)


def _thread(post: Post, count: int, *, author: User | None = None) -> tuple[Comment, list[Comment]]:
    """A top-level comment of `post` with `count` replies "Reply 1." to "Reply N.", a
    minute apart, oldest first."""
    start = timezone.now() - START
    top = CommentFactory.create(post=post, body="Top comment.")
    Comment.objects.filter(pk=top.pk).update(created_at=start)
    author = author or UserFactory.create()
    replies = Comment.objects.bulk_create(
        Comment(
            post=post,
            parent=top,
            author=author,
            body=f"Reply {number}.",
            body_html=f"<p>Reply {number}.</p>",
            created_at=start + datetime.timedelta(minutes=number),
        )
        for number in range(1, count + 1)
    )
    # Loaded in bulk, not through add_comment: the thread's stored count is set as the
    # scale loader sets it.
    services.recount_replies(post_ids=[post.pk])
    top.refresh_from_db()
    return top, replies


def _shown(page: str) -> list[int]:
    return [int(number) for number in re.findall(r"<p>Reply (\d+)\.</p>", page)]


def _links(page: str) -> list[str]:
    return [html_lib.unescape(url) for url in MORE.findall(page)]


def _labels(page: str) -> list[int]:
    return [int(number) for number in LABEL.findall(page)]


def _client(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory.create())
    return client


def _get(client: Client, url: str, **headers: Any) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def _replies_url(post: Post, top: Comment, **params: str) -> str:
    url = reverse("posts:replies", args=[post.pk, top.pk])
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{url}?{query}" if query else url


@pytest.fixture
def post() -> Post:
    return PostFactory.create()


# --- The post page ---------------------------------------------------------------------------


def test_a_thread_of_25_shows_two_replies_and_a_link_to_20_more(post: Post) -> None:
    _thread(post, 25)

    page = _get(_client(), post.get_absolute_url())

    assert _shown(page) == [1, 2]
    assert _labels(page) == [20]
    assert "Show 20 more replies" in page


@pytest.mark.parametrize(
    ("count", "label"),
    [(2, None), (3, "Show 1 more reply<"), (5, "Show 3 more replies<"), (40, "Show 20 more")],
)
def test_the_link_counts_the_replies_left_up_to_a_batch(
    post: Post, count: int, label: str | None
) -> None:
    _thread(post, count)
    page = _get(_client(), post.get_absolute_url())
    assert _shown(page) == list(range(1, min(count, REPLIES_SHOWN) + 1))
    if label is None:
        assert not _links(page)
    else:
        assert label in page


def test_the_batches_follow_one_another_to_the_last_without_javascript(post: Post) -> None:
    _thread(post, 25)
    client = _client()
    first = _links(_get(client, post.get_absolute_url()))[0]

    page = _get(client, first)

    assert "<html" in page and post.headline in page and "Top comment." in page
    assert _shown(page) == list(range(3, 23))
    assert _labels(page) == [3] and "Show 3 more replies" in page
    last = _get(client, _links(page)[0])
    assert _shown(last) == [23, 24, 25]
    assert not _links(last)


def test_with_htmx_the_link_fetches_only_the_next_replies_and_takes_the_focus(
    post: Post,
) -> None:
    _thread(post, 25)
    client = _client()
    first = _links(_get(client, post.get_absolute_url()))[0]

    fragment = _get(client, first, HTTP_HX_REQUEST="true")

    assert "<html" not in fragment and "Top comment." not in fragment
    assert _shown(fragment) == list(range(3, 23))
    assert "Show 3 more replies" in fragment
    assert re.search(r'<div class="reply-batch"[^>]*tabindex="-1" autofocus>', fragment)
    # The link of the page swaps its own paragraph for the fragment.
    assert 'hx-target="closest .more-replies"' in _get(client, post.get_absolute_url())


def test_a_visitor_reads_the_replies_too(post: Post) -> None:
    top, _replies = _thread(post, 25)
    page = _get(Client(), post.get_absolute_url())
    assert _shown(page) == [1, 2]
    assert _shown(_get(Client(), _links(page)[0])) == list(range(3, 23))


def test_replies_by_a_blocked_member_are_neither_shown_nor_counted(post: Post) -> None:
    top, replies = _thread(post, 25)
    walled = UserFactory.create()
    Comment.objects.filter(pk__in=[replies[0].pk, replies[4].pk]).update(author=walled)
    blocker = UserFactory.create()
    Block.objects.create(blocker=blocker, blocked=walled)
    client = _client(blocker)

    page = _get(client, post.get_absolute_url())
    assert _shown(page) == [2, 3]
    assert _labels(page) == [20]  # 21 left
    batch = _get(client, _links(page)[0])
    assert _shown(batch) == [4, *range(6, 25)]
    assert _labels(batch) == [1]
    assert _shown(_get(client, _links(batch)[0])) == [25]

    # Anyone else sees all 25.
    other = _get(_client(), post.get_absolute_url())
    assert _shown(other) == [1, 2] and _labels(other) == [20]
    assert _labels(_get(_client(), _links(other)[0])) == [3]


def test_the_member_blocked_sees_no_reply_of_the_blocker_either(post: Post) -> None:
    top, replies = _thread(post, 4)
    blocker = UserFactory.create()
    Comment.objects.filter(pk=replies[0].pk).update(author=blocker)
    blocked = UserFactory.create()
    Block.objects.create(blocker=blocker, blocked=blocked)
    page = _get(_client(blocked), post.get_absolute_url())
    assert _shown(page) == [2, 3] and "Show 1 more reply<" in page


def test_deleted_replies_are_not_counted_and_removed_ones_stay_as_tombstones(post: Post) -> None:
    top, replies = _thread(post, 6)
    now = timezone.now()
    Comment.objects.filter(pk__in=[replies[0].pk, replies[3].pk]).update(deleted_at=now)
    Comment.objects.filter(pk=replies[4].pk).update(removed_by_moderators_at=now)
    services.recount_replies(post_ids=[post.pk])  # as delete_comment keeps it
    client = _client()

    page = _get(client, post.get_absolute_url())
    assert _shown(page) == [2, 3]
    assert "Show 2 more replies" in page  # the removed one and reply 6
    batch = _get(client, _links(page)[0], HTTP_HX_REQUEST="true")
    assert _shown(batch) == [6]
    assert "Removed by moderators." in batch and "Reply 4." not in batch


def test_a_deleted_comment_with_more_replies_keeps_its_thread(post: Post) -> None:
    top, _replies = _thread(post, 5)
    Comment.objects.filter(pk=top.pk).update(deleted_at=timezone.now())
    client = _client()
    page = _get(client, post.get_absolute_url())
    assert "This comment was deleted." in page and _shown(page) == [1, 2]
    assert _shown(_get(client, _links(page)[0])) == [3, 4, 5]


# --- Queries -----------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_post_page_costs_the_same_whatever_the_length_of_its_threads() -> None:
    small, busy = PostFactory.create(), PostFactory.create()
    _thread(small, 1)
    for size in (200, 30, 1):
        _thread(busy, size)
    client = _client()
    warm_rail(client)
    _count(client, small.get_absolute_url())

    small_count = _count(client, small.get_absolute_url())
    busy_count = _count(client, busy.get_absolute_url())

    assert busy_count == small_count
    comment_queries = []
    with CaptureQueriesContext(connection) as captured:
        client.get(busy.get_absolute_url())
    comment_queries = [q for q in captured.captured_queries if 'FROM "posts_comment"' in q["sql"]]
    assert len(comment_queries) == 2  # the top-level comments, then their first replies


def test_the_replies_page_costs_the_same_whatever_the_length_of_the_thread() -> None:
    small, busy = PostFactory.create(), PostFactory.create()
    _thread(small, 25)
    _thread(busy, 200)
    client = _client()
    warm_rail(client)
    both: list[dict[str, Any]] = [{}, {"HTTP_HX_REQUEST": "true"}]
    for headers in both:
        counts = []
        for post in (small, busy):
            url = _links(_get(client, post.get_absolute_url()))[0]
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **headers).status_code == 200
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1], headers


def test_a_link_to_a_reply_costs_at_most_one_query_more(post: Post) -> None:
    top, replies = _thread(post, 60)
    client = _client()
    warm_rail(client)
    plain = f"{post.get_absolute_url()}?thread={top.pk}"
    _count(client, plain)
    assert _count(client, replies[49].get_absolute_url()) <= _count(client, plain) + 1


# --- A link to a reply -------------------------------------------------------------------


def test_a_reply_links_to_its_thread_from_itself(post: Post) -> None:
    top, replies = _thread(post, 3)
    assert replies[2].get_absolute_url() == (
        f"/posts/{post.pk}/?thread={top.pk}&reply={replies[2].pk}#comment-{replies[2].pk}"
    )
    assert top.get_absolute_url() == f"/posts/{post.pk}/?thread={top.pk}#comment-{top.pk}"


def test_a_link_to_reply_50_of_60_shows_it_with_the_ones_around(post: Post) -> None:
    top, replies = _thread(post, 60)
    client = _client()
    target = replies[49]

    page = _get(client, target.get_absolute_url())

    assert _shown(page) == [1, 2, *range(50, 61)]
    assert re.search(rf'class="comment comment-reply is-target" id="comment-{target.pk}"', page)
    assert page.count("is-target") == 1
    assert _labels(page) == [20]  # the 47 between the first two and reply 50
    between = _links(page)
    assert len(between) == 1 and "before=" in between[0]

    # The replies between come in batches that stop before reply 50.
    shown: list[int] = []
    url: str | None = between[0]
    labels = []
    while url is not None:
        batch = _get(client, url, HTTP_HX_REQUEST="true")
        shown += _shown(batch)
        labels += _labels(batch)
        links = _links(batch)
        url = links[0] if links else None
    assert shown == list(range(3, 50))
    assert labels == [20, 7]


def test_a_link_to_reply_10_shows_the_batch_from_it_and_the_rest_after(post: Post) -> None:
    top, replies = _thread(post, 60)
    page = _get(_client(), replies[9].get_absolute_url())
    assert _shown(page) == [1, 2, *range(10, 10 + REPLIES_PER_BATCH)]
    assert _labels(page) == [7, 20]
    after = _shown(_get(_client(), _links(page)[1]))
    assert after == list(range(30, 50))


def test_a_link_to_one_of_the_first_replies_shows_the_thread_as_usual(post: Post) -> None:
    top, replies = _thread(post, 25)
    page = _get(_client(), replies[1].get_absolute_url())
    assert _shown(page) == [1, 2] and _labels(page) == [20] and "is-target" not in page


def test_a_link_to_a_reply_gone_or_of_another_thread_shows_the_thread_as_usual(
    post: Post,
) -> None:
    top, replies = _thread(post, 25)
    other_top, other_replies = _thread(post, 25)
    Comment.objects.filter(pk=replies[20].pk).update(deleted_at=timezone.now())
    for reply in (replies[20].pk, other_replies[20].pk, 999_999_999):
        page = _get(_client(), f"{post.get_absolute_url()}?thread={top.pk}&reply={reply}")
        assert _shown(page) == [1, 2, 1, 2] and "is-target" not in page


def test_a_new_reply_in_a_busy_thread_is_shown_to_its_author(post: Post) -> None:
    top, _replies = _thread(post, 40)
    author = UserFactory.create()
    client = _client(author)

    response = client.post(
        reverse("posts:comment_create", args=[post.pk]),
        {"body": "A late reply about potassium.", "parent": top.pk},
    )

    assert response.status_code == 302
    new = Comment.objects.get(body="A late reply about potassium.")
    assert response["Location"] == new.get_absolute_url()
    page = _get(client, response["Location"])
    assert "A late reply about potassium." in page
    assert f'is-target" id="comment-{new.pk}"' in page


# --- Refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["after=garbage", "before=%25%25", "after=YWJj"])
def test_a_broken_replies_link_is_a_clear_400(post: Post, query: str) -> None:
    top, _replies = _thread(post, 5)
    both: list[dict[str, Any]] = [{}, {"HTTP_HX_REQUEST": "true"}]
    for headers in both:
        response = _client().get(f"{_replies_url(post, top)}?{query}", **headers)
        assert response.status_code == 400
        assert "We could not understand that request." in response.content.decode()


@pytest.mark.parametrize("query", ["reply=abc", "reply=-3", "reply=1e5", "thread=1&reply=x"])
def test_a_broken_reply_link_on_the_post_is_a_clear_400(post: Post, query: str) -> None:
    response = _client().get(f"{post.get_absolute_url()}?{query}")
    assert response.status_code == 400
    assert "We could not understand that request." in response.content.decode()


def test_replies_of_what_is_not_a_thread_of_the_post_are_404(post: Post) -> None:
    top, replies = _thread(post, 5)
    other = PostFactory.create()
    other_top, _ = _thread(other, 5)
    client = _client()
    for url in (
        reverse("posts:replies", args=[post.pk, other_top.pk]),
        reverse("posts:replies", args=[post.pk, replies[0].pk]),
        reverse("posts:replies", args=[post.pk, 999_999_999]),
        reverse("posts:replies", args=[999_999_999, top.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, url


def test_a_deleted_comment_with_no_reply_left_to_show_is_404(post: Post) -> None:
    top, replies = _thread(post, 3)
    now = timezone.now()
    Comment.objects.filter(pk=top.pk).update(deleted_at=now)
    Comment.objects.filter(parent=top).update(deleted_at=now)
    assert _client().get(_replies_url(post, top)).status_code == 404


def test_replies_of_a_comment_by_a_blocked_member_are_404(post: Post) -> None:
    top, _replies = _thread(post, 5)
    blocker = UserFactory.create()
    Block.objects.create(blocker=blocker, blocked=top.author)
    assert _client(blocker).get(_replies_url(post, top)).status_code == 404
    assert _client().get(_replies_url(post, top)).status_code == 200


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_no_replies_of_a_private_groups_post_for_outsiders(post: Post, htmx: bool) -> None:
    top, _replies = _thread(post, 25)
    circle = CircleFactory.create(is_private=True)
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.GROUP, circle=circle)
    cursor = encode_cursor(timezone.now() - START, 0)
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for client in (_client(), Client()):
        response = client.get(_replies_url(post, top, after=cursor), **headers)
        assert response.status_code == 404
        assert "Reply 3." not in response.content.decode()


def test_a_members_only_post_shows_no_replies_to_visitors(post: Post) -> None:
    top, _replies = _thread(post, 5)
    Post.objects.filter(pk=post.pk).update(visibility=Visibility.MEMBERS)
    assert Client().get(_replies_url(post, top)).status_code == 404
    assert _client().get(_replies_url(post, top)).status_code == 200


# --- The visitors' cache -----------------------------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_visitors_replies_page_is_kept_until_a_new_reply_retires_it(
    post: Post, settings: Any, commit: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_S_MAXAGE = 1
    top, _replies = _thread(post, 25)
    with commit():
        page_cache.post_changed(post.pk)  # the factories wrote without the services
    url = _links(_get(Client(), post.get_absolute_url()))[0]
    both: list[dict[str, Any]] = [{}, {"HTTP_HX_REQUEST": "true"}]
    for headers in both:
        first = Client().get(url, **headers)
        assert first.status_code == 200
        assert first["Cache-Control"].startswith("public")
        with CaptureQueriesContext(connection) as captured:
            again = Client().get(url, **headers)
        assert len(captured.captured_queries) == 0
        assert again.content == first.content

    with commit():
        response = _client().post(
            reverse("posts:comment_create", args=[post.pk]),
            {"body": "Reply from a newcomer.", "parent": top.pk},
        )
    assert response.status_code == 302

    later = Client().get(url).content.decode()
    assert "Show 4 more replies" in later
    last = _get(Client(), _links(later)[0])
    assert "Reply from a newcomer." in last


# --- The stored number of replies ------------------------------------------------------------


def _replies_query(client: Client, post: Post) -> str:
    with CaptureQueriesContext(connection) as captured:
        client.get(post.get_absolute_url())
    comment_queries = [q["sql"] for q in captured.captured_queries if "posts_comment" in q["sql"]]
    return comment_queries[-1]


def test_threads_of_two_replies_or_fewer_are_read_without_numbering_them(post: Post) -> None:
    """Most conversations: every thread's stored count is at most REPLIES_SHOWN, so its
    replies are read as they are, with no window or count for the reader."""
    _thread(post, REPLIES_SHOWN)
    _thread(post, 1)
    client = _client(UserFactory.create())
    page = client.get(post.get_absolute_url()).content.decode()
    assert _shown(page) == [1, 2, 1]
    assert "more repl" not in page
    assert "ROW_NUMBER" not in _replies_query(client, post)


def test_a_page_whose_threads_hold_no_more_replies_than_it_shows_reads_them_all(
    post: Post,
) -> None:
    """Threads of 2, 1 and 3 replies: 6 in all, as many as three threads may show, so they
    are all read (no window) and counted; the third shows its first two and a link to the
    last. A thread of 25 more on the page, and the first ones are numbered again."""
    _thread(post, REPLIES_SHOWN)
    _thread(post, 1)
    _thread(post, REPLIES_SHOWN + 1)
    client = _client(UserFactory.create())
    page = client.get(post.get_absolute_url()).content.decode()
    assert _shown(page) == [1, 2, 1, 1, 2]
    assert _labels(page) == [1]
    assert "ROW_NUMBER" not in _replies_query(client, post)

    _thread(post, 25)
    page = client.get(post.get_absolute_url()).content.decode()
    assert _shown(page) == [1, 2, 1, 1, 2, 1, 2]
    assert _labels(page) == [1, 20]
    assert "ROW_NUMBER" in _replies_query(client, post)


def test_replies_read_all_at_once_leave_out_and_do_not_count_a_blocked_members(
    post: Post,
) -> None:
    _top, replies = _thread(post, REPLIES_SHOWN + 1)
    _thread(post, 1)
    walled = UserFactory.create()
    Comment.objects.filter(pk=replies[0].pk).update(author=walled)
    reader = UserFactory.create()
    Block.objects.create(blocker=reader, blocked=walled)
    client = _client(reader)
    page = _get(client, post.get_absolute_url())
    assert _shown(page) == [2, 3, 1]
    assert "more repl" not in page
    assert "ROW_NUMBER" not in _replies_query(client, post)


def test_the_services_keep_each_threads_stored_count(post: Post, member: User) -> None:
    top = services.add_comment(post=post, author=member, body="A question.")
    first = services.add_comment(post=post, author=member, body="One.", parent=top)
    # A reply to a reply joins the thread of its top-level comment.
    services.add_comment(post=post, author=member, body="Two.", parent=first)
    top.refresh_from_db()
    assert top.reply_count == 2

    services.delete_comment(comment=first, member=member)
    services.delete_comment(comment=first, member=member)  # twice: counted once
    top.refresh_from_db()
    assert top.reply_count == 1


def test_recounting_counts_the_replies_not_deleted_by_their_authors(post: Post) -> None:
    top, replies = _thread(post, 4)
    Comment.objects.filter(pk=replies[0].pk).update(deleted_at=timezone.now())
    Comment.objects.filter(pk=replies[1].pk).update(removed_by_moderators_at=timezone.now())
    Comment.objects.filter(pk=top.pk).update(reply_count=0)
    services.recount_replies(post_ids=[post.pk])
    top.refresh_from_db()
    assert top.reply_count == 3


def test_the_migration_counts_the_replies_already_written(post: Post) -> None:
    import importlib

    migration = importlib.import_module("posts.migrations.0009_comment_reply_count")
    top, replies = _thread(post, 3)
    Comment.objects.filter(pk=replies[0].pk).update(deleted_at=timezone.now())
    Comment.objects.filter(pk=top.pk).update(reply_count=0)
    with connection.schema_editor() as editor:
        migration.count_replies(None, editor)
    top.refresh_from_db()
    assert top.reply_count == 2


def test_erasing_a_member_takes_their_replies_out_of_the_threads_counts(post: Post) -> None:
    from posts.exports import erase_member_data

    leaving = UserFactory.create()
    top, _replies = _thread(post, 3)
    _thread_two, _ = _thread(post, 2, author=leaving)
    services.add_comment(post=post, author=leaving, body="Mine.", parent=top)
    top.refresh_from_db()
    assert top.reply_count == 4

    erase_member_data(leaving, keep_content=False)
    top.refresh_from_db()
    assert top.reply_count == 3


def test_threads_are_counted_for_the_reader_only_when_some_reply_is_kept_from_them(
    post: Post,
) -> None:
    """A member who sees every reply reads each thread's stored count; one with walls (or
    a visitor) has the replies they may see counted, so hidden ones never show in it."""
    _top, replies = _thread(post, 5)
    reader = UserFactory.create()
    assert "COUNT(" not in _replies_query(_client(reader), post)

    Block.objects.create(blocker=reader, blocked=replies[0].author)
    assert "COUNT(" in _replies_query(_client(reader), post)
