"""A page of a post's threads read once and shared by the members shown it alike
(posts/shared_threads.py).

The rules under test: a kept page is the page a fresh read gives after each kind of change
(the services retire it); no reader is shown another's reactions, walls or the rows the
minors rule keeps from them; a kept page costs one query fewer and a first reading none
more.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import User
from posts.models import Comment, Post
from posts.selectors import post_threads
from posts.services import (
    add_comment,
    publish_post,
    toggle_reaction,
)
from posts.shared_threads import comments_of, mark_reactions, shared_post_threads
from tests.factories import (
    HighSchoolStudentFactory,
    PhysicianFactory,
    UserFactory,
)
from tests.posts.thread_changes import (
    first_reply_deleted,
    first_reply_edited,
    first_reply_removed,
    reply_added,
    top_comment_liked,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture(autouse=True)
def _kept(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run what follows as a committed write: its on-commit hooks run (the test itself runs
    in a transaction that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def author() -> User:
    return PhysicianFactory.create(display_name="Dr. Ada Byron")


@pytest.fixture
def commenter() -> User:
    return UserFactory.create(display_name="Sam Commenter")


@pytest.fixture
def reader() -> User:
    return UserFactory.create()


@pytest.fixture
def post(author: User) -> Post:
    return publish_post(author=author, title="Fluids in sepsis", body="Thirty per kilo.")


@pytest.fixture
def thread(post: Post, commenter: User) -> tuple[Comment, list[Comment]]:
    """A comment and three replies: two shown, and a link to the third."""
    top = add_comment(author=commenter, post=post, body="Thirty per kilo is a lot.")
    replies = [
        add_comment(author=UserFactory.create(), post=post, body=f"Reply {n}.", parent=top)
        for n in range(3)
    ]
    return top, replies


def _signed_in(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _threads_of(client: Client, post: Post) -> str:
    html = client.get(post.get_absolute_url()).content.decode()
    found = re.findall(r'<section id="comments".*?</section>', html, re.DOTALL)
    assert found, "no conversation on the page"
    return TOKEN.sub('name="csrfmiddlewaretoken" value="T"', found[0])


def _forget_everything() -> None:
    cache.clear()
    caches["fragments"].clear()


# --- Each kind of change ---------------------------------------------------------------------


def _comment_added(reader: User, top: Comment, replies: list[Comment]) -> None:
    add_comment(author=UserFactory.create(), post=top.post, body="What about albumin?")


def _commenter_renamed(reader: User, top: Comment, replies: list[Comment]) -> None:
    account_services.update_profile(member=top.author, display_name="Sam Renamed")


def _reader_blocks_the_commenter(reader: User, top: Comment, replies: list[Comment]) -> None:
    account_services.block(blocker=reader, blocked=top.author)


CHANGES = [
    _comment_added,
    reply_added,
    first_reply_edited,
    first_reply_deleted,
    first_reply_removed,
    top_comment_liked,
    _commenter_renamed,
    _reader_blocks_the_commenter,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_kept_page_of_threads_is_the_fresh_page_after_each_change(
    reader: User,
    post: Post,
    thread: tuple[Comment, list[Comment]],
    commit: Any,
    change: Callable[[User, Comment, list[Comment]], None],
) -> None:
    client = _signed_in(reader)
    before = _threads_of(client, post)
    assert _threads_of(client, post) == before

    with commit():
        change(reader, *thread)
    kept = _threads_of(client, post)
    _forget_everything()
    fresh = _threads_of(client, post)

    assert kept == fresh
    assert kept != before


# --- What is each reader's own ---------------------------------------------------------------


def test_each_reader_sees_their_own_reactions_and_none_of_anothers(
    reader: User, post: Post, thread: tuple[Comment, list[Comment]]
) -> None:
    top, _replies = thread
    other = UserFactory.create()
    toggle_reaction(member=reader, target=top, kind="like")
    toggle_reaction(member=other, target=top, kind="helpful")
    pressed_like, pressed_helpful = 'aria-pressed="true">Like', 'aria-pressed="true">Helpful'

    first = _threads_of(_signed_in(other), post)
    as_reader = _threads_of(_signed_in(reader), post)
    again = _threads_of(_signed_in(other), post)

    assert pressed_helpful in first and pressed_like not in first
    assert pressed_like in as_reader and pressed_helpful not in as_reader
    assert again == first


def test_readers_with_other_walls_are_not_given_each_others_threads(
    reader: User, post: Post, thread: tuple[Comment, list[Comment]]
) -> None:
    top, _replies = thread
    walled = UserFactory.create()
    account_services.block(blocker=top.author, blocked=walled)

    seen = _threads_of(_signed_in(reader), post)
    kept_from = _threads_of(_signed_in(walled), post)

    assert "Thirty per kilo is a lot." in seen
    assert "Thirty per kilo is a lot." not in kept_from


def test_a_reader_kept_from_minors_writing_is_not_given_the_shared_threads(
    reader: User, post: Post
) -> None:
    add_comment(author=HighSchoolStudentFactory.create(), post=post, body="Is 30 ml/kg safe?")
    unconfirmed = UserFactory.create(email_verified=False)

    seen = _threads_of(_signed_in(reader), post)
    kept_from = _threads_of(_signed_in(unconfirmed), post)

    assert "Is 30 ml/kg safe?" in seen
    assert "Is 30 ml/kg safe?" not in kept_from


def test_the_readers_reactions_are_marked_as_the_query_marks_them(
    reader: User, post: Post, thread: tuple[Comment, list[Comment]]
) -> None:
    top, replies = thread
    toggle_reaction(member=reader, target=top, kind="like")
    toggle_reaction(member=reader, target=top, kind="helpful")
    toggle_reaction(member=reader, target=replies[0], kind="helpful")
    toggle_reaction(member=UserFactory.create(), target=replies[1], kind="like")
    marked = comments_of(post_threads(reader, post))
    unmarked = comments_of(post_threads(reader, post))
    for comment in unmarked:
        del comment.viewer_liked, comment.viewer_found_helpful  # type: ignore[attr-defined]

    mark_reactions(reader, unmarked)

    assert len(marked) == 3
    assert [
        (comment.pk, comment.viewer_liked, comment.viewer_found_helpful)  # type: ignore[attr-defined]
        for comment in unmarked
    ] == [
        (comment.pk, comment.viewer_liked, comment.viewer_found_helpful)  # type: ignore[attr-defined]
        for comment in marked
    ]


# --- What it costs ---------------------------------------------------------------------------


def _query_count(client: Client, post: Post) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(post.get_absolute_url()).status_code == 200
    return len(captured.captured_queries)


def test_a_kept_page_costs_one_query_fewer_and_a_first_reading_none_more(
    reader: User, post: Post, thread: tuple[Comment, list[Comment]], settings: Any
) -> None:
    client = _signed_in(reader)
    settings.PAGE_CACHE_SECONDS = 0
    _query_count(client, post)
    uncached = _query_count(client, post)
    settings.PAGE_CACHE_SECONDS = 60

    first = _query_count(client, post)
    kept = _query_count(client, post)

    assert first == uncached
    assert kept == uncached - 1


def test_a_kept_page_is_found_with_the_current_versions_in_one_round_trip(
    reader: User, post: Post, thread: tuple[Comment, list[Comment]], monkeypatch: Any
) -> None:
    """The versions of the post's scopes and the kept page are asked for together (one MGET
    on Redis), not one after the other. Counted at the cache's interface: the calls the
    test cache makes inside one call (LocMemCache's get_many asks get) are not asked."""
    shared_post_threads(reader, post)
    backend = caches["default"]
    asked: list[str] = []
    inside: list[str] = []
    for name in ("get", "get_many", "get_or_set", "set", "add", "has_key"):
        method = getattr(backend, name)

        def counted(*args: Any, _name: str = name, _method: Any = method, **kwargs: Any) -> Any:
            if not inside:
                asked.append(_name)
            inside.append(_name)
            try:
                return _method(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)

    page = shared_post_threads(reader, post)

    assert asked == ["get_many"]
    top, replies = thread
    assert [item.comment.pk for item in page.items] == [top.pk]
    assert [reply.pk for reply in page.items[0].replies] == [reply.pk for reply in replies[:2]]
