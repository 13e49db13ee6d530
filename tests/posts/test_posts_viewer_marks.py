"""The reader's own marks on a card (liked, found helpful, bookmarked) come from
`posts.models.ViewerMarked`, an EXISTS written out; these pin that it answers what the
ORM's Exists subquery answered, for each reader, also inside another query."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

import pytest

from accounts.models import User
from posts.models import Comment, Post, ViewerMarks
from posts.services import add_comment, publish_post, toggle_bookmark, toggle_reaction
from tests.factories import PhysicianFactory, UserFactory

pytestmark = pytest.mark.django_db


class CommentMarks(TypedDict):
    """What `CommentQuerySet.for_display` annotates a comment with for a signed-in viewer
    (the casts below name these annotations, which the model type does not carry)."""

    viewer_liked: bool
    viewer_found_helpful: bool


def _marks(post: Post, reader: User) -> tuple[bool, bool, bool]:
    shown = cast(
        "WithAnnotations[Post, ViewerMarks]", Post.objects.for_display(reader).get(pk=post.pk)
    )
    return shown.viewer_liked, shown.viewer_found_helpful, shown.viewer_bookmarked


def test_each_reader_sees_only_their_own_marks_on_a_post() -> None:
    author, reader, other = PhysicianFactory.create(), UserFactory.create(), UserFactory.create()
    post = publish_post(author=author, title="Marks", body="Body.")
    toggle_reaction(member=reader, target=post, kind="like")
    toggle_bookmark(member=reader, post=post)
    toggle_reaction(member=other, target=post, kind="helpful")
    assert _marks(post, reader) == (True, False, True)
    assert _marks(post, other) == (False, True, False)
    assert _marks(post, author) == (False, False, False)


def test_each_reader_sees_only_their_own_marks_on_a_comment() -> None:
    author, reader = PhysicianFactory.create(), UserFactory.create()
    post = publish_post(author=author, title="Marks", body="Body.")
    comment = add_comment(author=author, post=post, body="A comment.")
    toggle_reaction(member=reader, target=comment, kind="helpful")
    shown = cast(
        "WithAnnotations[Comment, CommentMarks]",
        Comment.objects.for_display(reader).get(pk=comment.pk),
    )
    assert (shown.viewer_liked, shown.viewer_found_helpful) == (False, True)
    shown = cast(
        "WithAnnotations[Comment, CommentMarks]",
        Comment.objects.for_display(author).get(pk=comment.pk),
    )
    assert (shown.viewer_liked, shown.viewer_found_helpful) == (False, False)


def test_marks_hold_inside_another_query_where_the_post_table_is_renamed() -> None:
    author, reader = PhysicianFactory.create(), UserFactory.create()
    posts = [publish_post(author=author, title=f"Post {n}", body="Body.") for n in range(3)]
    toggle_bookmark(member=reader, post=posts[1])
    toggle_reaction(member=reader, target=posts[2], kind="like")
    marked = cast("QuerySet[WithAnnotations[Post, ViewerMarks]]", Post.objects.for_display(reader))
    bookmarked = marked.filter(viewer_bookmarked=True).values("pk")
    liked = marked.filter(viewer_liked=True).values("pk")
    assert list(Post.objects.filter(pk__in=bookmarked)) == [posts[1]]
    assert list(Post.objects.filter(pk__in=liked).exclude(pk__in=bookmarked)) == [posts[2]]
    # Comments under a liked post: the marks' subquery inside a join on posts.
    comment = add_comment(author=author, post=posts[2], body="Under the liked post.")
    assert list(Comment.objects.filter(post__in=liked)) == [comment]


def test_written_out_conditions_are_the_same_only_with_the_same_arguments() -> None:
    """Django compares and hashes a query's expressions while compiling it (ordering,
    grouping), by their class and constructor arguments: two written-out conditions are one
    only when they say the same. The same condition on an outer row and on a subquery's row
    is told apart by its SQL (tests/perf/test_row_sql.py)."""
    from posts.models import Reaction, ReadableByMember, ViewerMarked

    liked = ViewerMarked(Reaction, "post", 7, "like")
    assert liked == ViewerMarked(Reaction, "post", 7, "like")
    assert hash(liked) == hash(ViewerMarked(Reaction, "post", 7, "like"))
    assert liked != ViewerMarked(Reaction, "post", 8, "like")
    assert liked != ViewerMarked(Reaction, "post", 7, "helpful")
    assert ReadableByMember(7) != ReadableByMember(8)
    assert len({liked, ViewerMarked(Reaction, "post", 7, "like"), ReadableByMember(7)}) == 2
