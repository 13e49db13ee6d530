"""community.perf.compiled: a query compiled once answers what the plain queryset answers,
for every kind of reader and post, with each call's own values; a query whose SQL changes
with its values is never compiled and still answers."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.models import User
from accounts.moderators import Actor
from community.perf.compiled import CompiledQueries
from posts import selectors
from posts.models import Post, PostReader, reader_of
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.moderation.conftest import moderator_actor
from tests.perf.conftest import World
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db

POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compiled once on PostgreSQL only"
)


def _plain(reader: User | AnonymousUser | Actor, pk: int) -> Post | None:
    viewer, _ = reader_of(reader)
    return (
        Post.objects.visible_to(reader, include_gone=True).for_display(viewer).filter(pk=pk).first()
    )


def _values(post: Post | None) -> Any:
    """What a post page reads of the row: its columns, marks, author and group."""
    if post is None:
        return None
    own = {k: v for k, v in post.__dict__.items() if not k.startswith("_")}
    author = {k: v for k, v in post.author.__dict__.items() if not k.startswith("_")}
    circle = post.circle and {k: v for k, v in post.circle.__dict__.items() if k != "_state"}
    images = list(post.images.all()) if post.image_count else []
    return own, author, circle, images


def _readers(world: World) -> dict[str, Any]:
    unconfirmed = UserFactory.create(email_verified=False)
    return {
        "visitor": AnonymousUser(),
        "reader (a private group, blocks both ways)": world.reader,
        "stranger": world.stranger,
        "blocked": world.blocked,
        "blocker": world.blocker,
        "author": world.members[0],
        "unconfirmed": unconfirmed,
        "moderator acting as such": moderator_actor(),
        "moderator without two-factor": Actor(user=moderator_actor().user, passed_two_factor=False),
        "reader as an Actor": Actor(user=world.reader),
    }


def test_the_post_page_reads_what_the_plain_queryset_reads(world: World) -> None:
    minor = HighSchoolStudentFactory.create()
    posts = [*world.posts, PostFactory.create(author=minor)]
    readers = _readers(world)
    readers["the minor"] = minor
    # Twice round: the first calls compile each shape, the second run the compiled SQL.
    for _ in range(2):
        for name, reader in readers.items():
            for post in posts:
                expected = _values(_plain(reader, post.pk))
                assert _values(selectors.post_for_viewer(reader, post.pk)) == expected, (
                    name,
                    post.visibility,
                    post.author_id,
                )
    assert selectors.post_for_viewer(world.reader, -1) is None


@POSTGRESQL
def test_every_shape_of_reader_is_compiled_on_postgresql(world: World) -> None:
    for reader in _readers(world).values():
        selectors.post_for_viewer(reader, world.posts[0].pk)
    compiled = selectors._POST_PAGE_QUERIES._compiled
    shapes = {PostReader.of(reader).shape for reader in _readers(world).values()}
    assert len(shapes) >= 5  # visitor, member, walled, unconfirmed, moderator
    for shape in shapes:
        assert compiled[(shape, "default")] is not None, shape


def test_each_call_reads_with_its_own_member_walls_and_post(world: World) -> None:
    # On the members-only post the reader found it helpful and the stranger liked it.
    post = world.posts[1]
    # Alternating readers and posts through the same compiled shapes.
    for _ in range(2):
        mine = selectors.post_for_viewer(world.reader, post.pk)
        theirs = selectors.post_for_viewer(world.stranger, post.pk)
        assert mine is not None and theirs is not None
        assert (mine.viewer_liked, mine.viewer_found_helpful) == (False, True)  # type: ignore[attr-defined]
        assert (theirs.viewer_liked, theirs.viewer_found_helpful) == (True, False)  # type: ignore[attr-defined]
        first = selectors.post_for_viewer(world.stranger, world.posts[0].pk)
        assert first is not None and first.pk == world.posts[0].pk
        # The reader's walls keep the blocked member's post from them, not from a stranger.
        blocked_post = world.posts[6]
        assert selectors.post_for_viewer(world.reader, blocked_post.pk) is None
        assert selectors.post_for_viewer(world.stranger, blocked_post.pk) is not None


def test_the_minors_rule_is_read_on_the_day_of_each_call(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    minor = HighSchoolStudentFactory.create()
    post = PostFactory.create(author=minor)
    post.refresh_from_db()
    assert post.author_minor_until is not None
    unconfirmed = UserFactory.create(email_verified=False)
    day_before = post.author_minor_until - datetime.timedelta(days=1)
    monkeypatch.setattr("posts.models.age_today", lambda: day_before)
    assert selectors.post_for_viewer(unconfirmed, post.pk) is None
    assert selectors.post_for_viewer(AnonymousUser(), post.pk) is None
    # The same shapes, compiled the day before, on the day the author turns 18.
    monkeypatch.setattr("posts.models.age_today", lambda: post.author_minor_until)
    found = selectors.post_for_viewer(unconfirmed, post.pk)
    assert found is not None and found.pk == post.pk
    assert selectors.post_for_viewer(AnonymousUser(), post.pk) is not None


def test_a_query_whose_sql_changes_with_its_values_is_built_each_time(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    queries: CompiledQueries[Post] = CompiledQueries(
        Post, stand_ins={"pk": (-9_000_000_001, -9_000_000_002)}
    )
    first, second = world.posts[0].pk, world.posts[1].pk

    def as_text(pk: int) -> Any:
        return Post.objects.filter(title__in=[str(pk)]).union(Post.objects.filter(pk=pk))

    def branching(pk: int) -> Any:
        posts = Post.objects.filter(pk=pk)
        return posts if pk % 2 else posts.exclude(title="No post has this title")

    with caplog.at_level(logging.WARNING, logger="community.perf.compiled"):
        assert [p.pk for p in queries.rows("text", as_text, pk=first)] == [first]
        assert [p.pk for p in queries.rows("text", as_text, pk=second)] == [second]
        assert [p.pk for p in queries.rows("branching", branching, pk=first)] == [first]
        assert [p.pk for p in queries.rows("branching", branching, pk=second)] == [second]
    assert queries._compiled[("text", "default")] is None
    assert queries._compiled[("branching", "default")] is None
    assert "not compiled once" in caplog.text


def test_a_query_with_no_rows_to_find_and_a_value_without_stand_ins(world: World) -> None:
    queries: CompiledQueries[Post] = CompiledQueries(
        Post, stand_ins={"pk": (-9_000_000_001, -9_000_000_002)}
    )
    assert queries.rows("none", lambda pk: Post.objects.none(), pk=1) == []
    assert queries.rows("none", lambda pk: Post.objects.none(), pk=2) == []
    with pytest.raises(ValueError, match="no stand-ins for \\['title'\\]"):
        queries.rows("title", lambda title: Post.objects.filter(title=title), title="x")


def test_the_member_read_for_a_session_is_what_the_plain_query_reads(world: World) -> None:
    from accounts.backends import MemberModelBackend, _member_with_what_pages_ask
    from accounts.selectors import request_walls

    token = request_walls.set({})  # a read-only request, as ReadWallsOnceMiddleware opens it
    try:
        for _ in range(2):  # compiled by the first call, run by the second
            for member in world.members:
                read = MemberModelBackend().get_user(str(member.pk))
                plain = list(_member_with_what_pages_ask(member.pk))[0]
                assert read is not None
                assert _values_of(read) == _values_of(plain)
        assert MemberModelBackend().get_user("not a number") is None
        assert MemberModelBackend().get_user(-1) is None
    finally:
        request_walls.reset(token)


def _values_of(member: User) -> dict[str, Any]:
    return {k: v for k, v in member.__dict__.items() if not k.startswith("_")}


def test_other_databases_build_each_query(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    queries: CompiledQueries[Post] = CompiledQueries(
        Post, stand_ins={"pk": (-9_000_000_001, -9_000_000_002)}
    )
    monkeypatch.setattr(connection, "vendor", "sqlite")
    post = world.posts[0]
    assert [
        p.pk for p in queries.rows("pk", lambda pk: Post.objects.filter(pk=pk), pk=post.pk)
    ] == [post.pk]
    assert queries._compiled == {}


def test_the_readers_reactions_on_a_page_of_threads_are_the_plain_querys(world: World) -> None:
    from posts.models import Reaction
    from posts.shared_threads import _REACTION_QUERIES, _reactions_of

    ids = [comment.pk for comment in world.comments]
    for _ in range(2):  # compiled by the first call, run by the second
        for member in world.members:
            for chosen in (ids, ids[:1], ids[1:], [-1]):
                plain = sorted(
                    Reaction.objects.filter(comment_id__in=chosen, member=member).values_list(
                        "comment_id", "kind"
                    )
                )
                found = _REACTION_QUERIES.rows(
                    "reactions", _reactions_of, comment_ids=chosen, member_id=member.pk
                )
                assert sorted(found) == plain
    assert sorted(
        _REACTION_QUERIES.rows(
            "reactions", _reactions_of, comment_ids=ids, member_id=world.reader.pk
        )
    ) == [(world.comments[1].pk, "like")]
    if connection.vendor == "postgresql":
        assert _REACTION_QUERIES._compiled[("reactions", "default")] is not None


def test_the_home_feed_reads_what_the_plain_queries_read(world: World) -> None:
    from accounts.services import follow, mute
    from posts.selectors import (
        _HOME_FEED_QUERIES,
        InHomeFeedOf,
        _keyset,
        card_rows,
        home_feed,
    )

    author = world.members[0]
    for member in (world.reader, world.stranger, world.blocked):
        follow(follower=member, followee=author)
    follow(follower=world.reader, followee=world.stranger)
    follow(follower=world.stranger, followee=world.blocker)
    mute(muter=world.stranger, muted=author)
    PostFactory.create_batch(5, author=author)

    def plain(member: User, cursor: str | None) -> tuple[list[Any], str | None]:
        posts = Post.objects.visible_to(member).filter(InHomeFeedOf(member.pk))
        items, after = _keyset(
            posts, cursor, limit=2, read_in_full=lambda page: card_rows(page, member)
        )
        return [item.values for item in items], after

    for _ in range(2):  # compiled by the first round, run by the second
        for member in [*world.members, UserFactory.create(email_verified=False)]:
            cursor, pages = None, 0
            while True:
                page = home_feed(member, cursor, limit=2)
                assert ([item.values for item in page.items], page.next_cursor) == plain(
                    member, cursor
                ), (member, pages)
                pages += 1
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert pages <= 5
    if connection.vendor == "postgresql":
        assert _HOME_FEED_QUERIES._compiled
        assert all(compiled is not None for compiled in _HOME_FEED_QUERIES._compiled.values())
