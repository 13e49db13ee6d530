"""Reaction counts stay exact when many clicks race, on a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from posts.models import Post, Reaction
from posts.services import toggle_reaction
from tests.factories import UserFactory
from tests.posts.factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
# How long a racing thread may take to reach the start line or to finish: generous, as the
# machine may be busy, and only a stuck thread waits that long.
RACE_DEADLINE = 120


def _race(work: Callable[[int], None], threads: int = THREADS) -> list[BaseException]:
    """Run `work(i)` in `threads` threads released at the same moment; return their errors."""
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=RACE_DEADLINE)
            work(index)
        except BaseException as error:  # collected and asserted on in the main thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=RACE_DEADLINE)
        assert not worker.is_alive()
    return errors


def test_concurrent_toggles_by_many_members_keep_the_count_exact() -> None:
    post = PostFactory.create()
    members = [UserFactory.create() for _ in range(THREADS)]

    def work(index: int) -> None:
        # Odd numbers of toggles leave a reaction; even numbers take it back.
        for _ in range(index % 3 + 1):
            toggle_reaction(member=members[index], target=post, kind="like")

    assert _race(work) == []
    post.refresh_from_db()
    rows = Reaction.objects.filter(post=post, kind="like").count()
    assert post.like_count == rows
    assert rows == sum(1 for index in range(THREADS) if (index % 3 + 1) % 2 == 1)


def test_one_member_clicking_in_many_tabs_at_once_keeps_the_count_exact() -> None:
    post = PostFactory.create()
    member = UserFactory.create()

    def work(index: int) -> None:
        toggle_reaction(member=member, target=post, kind="helpful")

    assert _race(work) == []
    post.refresh_from_db()
    rows = Reaction.objects.filter(post=post, kind="helpful").count()
    assert rows in (0, 1)
    assert post.helpful_count == rows


def test_concurrent_toggles_on_a_comment_keep_its_count_exact() -> None:
    comment = CommentFactory.create()
    members = [UserFactory.create() for _ in range(THREADS)]

    def work(index: int) -> None:
        for _ in range(3):
            toggle_reaction(member=members[index], target=comment, kind="like")
            toggle_reaction(member=members[(index + 1) % THREADS], target=comment, kind="like")

    assert _race(work) == []
    comment.refresh_from_db()
    likes = Reaction.objects.filter(comment=comment, kind="like")
    assert comment.like_count == likes.count()
    # Only the likes moved: the comment's other counter and its post's are untouched.
    assert comment.helpful_count == 0
    assert not Reaction.objects.filter(comment=comment).exclude(kind="like").exists()
    assert Post.objects.get(pk=comment.post_id).like_count == 0
