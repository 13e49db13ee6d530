"""The visibility matrix of posts and comments, in the one place that decides it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Block, User
from posts.models import Comment, MembershipStatus, Post, Visibility
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    """An author, readers in every position, and one post of every visibility."""
    author = PhysicianFactory.create()
    private_circle = CircleFactory.create(is_private=True)
    public_circle = CircleFactory.create(is_private=False)
    MembershipFactory.create(circle=private_circle, member=author)
    MembershipFactory.create(circle=public_circle, member=author)
    group_member = UserFactory.create()
    MembershipFactory.create(circle=private_circle, member=group_member)
    pending = UserFactory.create()
    MembershipFactory.create(circle=private_circle, member=pending, status=MembershipStatus.PENDING)
    blocked_by_author = UserFactory.create()
    Block.objects.create(blocker=author, blocked=blocked_by_author)
    blocker_of_author = UserFactory.create()
    Block.objects.create(blocker=blocker_of_author, blocked=author)
    MembershipFactory.create(circle=private_circle, member=blocker_of_author)
    posts = {
        "public": PostFactory.create(author=author),
        "members": PostFactory.create(author=author, visibility=Visibility.MEMBERS),
        "private_group": PostFactory.create(
            author=author, visibility=Visibility.GROUP, circle=private_circle
        ),
        "public_group": PostFactory.create(
            author=author, visibility=Visibility.GROUP, circle=public_circle
        ),
        "deleted": PostFactory.create(author=author, deleted_at=timezone.now()),
        "removed": PostFactory.create(author=author, removed_by_moderators_at=timezone.now()),
    }
    viewers = {
        "anonymous": AnonymousUser(),
        "member": UserFactory.create(),
        "pending": pending,
        "group_member": group_member,
        "author": author,
        "blocked": blocked_by_author,
        "blocker": blocker_of_author,
    }
    return {"posts": posts, "viewers": viewers}


# viewer -> the posts they see
EXPECTED = {
    "anonymous": {"public"},
    "member": {"public", "members", "public_group"},
    "pending": {"public", "members", "public_group"},
    "group_member": {"public", "members", "public_group", "private_group"},
    "author": {"public", "members", "public_group", "private_group"},
    "blocked": set(),
    "blocker": set(),
}


@pytest.mark.parametrize("viewer_name", sorted(EXPECTED))
def test_the_visibility_matrix_for_posts(world: dict[str, Any], viewer_name: str) -> None:
    viewer = world["viewers"][viewer_name]
    names = {post.pk: name for name, post in world["posts"].items()}
    visible = {names[pk] for pk in Post.objects.visible_to(viewer).values_list("pk", flat=True)}
    assert visible == EXPECTED[viewer_name]


@pytest.mark.parametrize("viewer_name", sorted(EXPECTED))
def test_comments_follow_their_post(world: dict[str, Any], viewer_name: str) -> None:
    viewer = world["viewers"][viewer_name]
    commenter = UserFactory.create()
    comments = {
        name: CommentFactory.create(post=post, author=commenter)
        for name, post in world["posts"].items()
        if name not in {"deleted", "removed"}
    }
    names = {comment.pk: name for name, comment in comments.items()}
    visible = {names[pk] for pk in Comment.objects.visible_to(viewer).values_list("pk", flat=True)}
    assert visible == EXPECTED[viewer_name]


def test_a_deleted_post_keeps_its_thread_behind_a_tombstone(world: dict[str, Any]) -> None:
    deleted = world["posts"]["deleted"]
    member = world["viewers"]["member"]
    comment = CommentFactory.create(post=deleted)
    assert not Post.objects.visible_to(member).filter(pk=deleted.pk).exists()
    assert Post.objects.visible_to(member, include_gone=True).filter(pk=deleted.pk).exists()
    assert Comment.objects.visible_to(member).filter(pk=comment.pk).exists()


def test_a_minors_public_posts_are_for_members_only(minor: User, member: User) -> None:
    post = PostFactory.create(author=minor)
    comment = CommentFactory.create(author=minor, post=PostFactory.create())
    assert not Post.objects.visible_to(AnonymousUser()).filter(pk=post.pk).exists()
    assert not Comment.objects.visible_to(AnonymousUser()).filter(pk=comment.pk).exists()
    assert Post.objects.visible_to(member).filter(pk=post.pk).exists()


def test_a_comment_by_someone_walled_off_is_hidden_on_a_visible_post() -> None:
    reader, troll = UserFactory.create(), UserFactory.create()
    post = PostFactory.create()
    comment = CommentFactory.create(post=post, author=troll)
    Block.objects.create(blocker=reader, blocked=troll)
    assert not Comment.objects.visible_to(reader).filter(pk=comment.pk).exists()
    assert Comment.objects.visible_to(UserFactory.create()).filter(pk=comment.pk).exists()


def test_leaving_a_private_group_hides_its_posts() -> None:
    circle = CircleFactory.create(is_private=True)
    member = UserFactory.create()
    membership = MembershipFactory.create(circle=circle, member=member)
    post = PostFactory.create(visibility=Visibility.GROUP, circle=circle)
    assert Post.objects.visible_to(member).filter(pk=post.pk).exists()
    membership.delete()
    assert not Post.objects.visible_to(member).filter(pk=post.pk).exists()


@pytest.mark.parametrize("viewer_name", sorted(EXPECTED))
def test_the_comments_under_a_readable_post_are_those_visible_to_gives(
    world: dict[str, Any], viewer_name: str
) -> None:
    """`under` skips asking again whether the post is readable; for every post the viewer
    may read it gives the same comments as `visible_to`: walls and minors still apply."""
    viewer = world["viewers"][viewer_name]
    blocked_commenter, minor = UserFactory.create(), HighSchoolStudentFactory.create()
    if viewer.is_authenticated and viewer != world["viewers"]["author"]:
        Block.objects.create(blocker=viewer, blocked=blocked_commenter)
    readable = Post.objects.visible_to(viewer, include_gone=True)
    for post in readable:
        for author in (UserFactory.create(), blocked_commenter, minor):
            CommentFactory.create(post=post, author=author)
        under = set(Comment.objects.under(post, viewer).values_list("pk", flat=True))
        visible = Comment.objects.visible_to(viewer).filter(post=post)
        assert under == set(visible.values_list("pk", flat=True))
        assert len(under) == (3 if viewer == world["viewers"]["author"] else 2)


def test_the_members_rule_needs_no_join_to_the_groups() -> None:
    sql = str(Post.objects.visible_to(UserFactory.create()).values("pk").query)
    assert "JOIN" not in sql
