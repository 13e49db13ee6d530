"""community.perf.row_sql: every written-out row expression answers what the ORM expression
it replaces answers, row for row, on the world of conftest.py, alone and inside other
queries (where the row's table is renamed)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Block, Follow, Mute, User
from accounts.selectors import HasConfirmedEmail, WalledOffIds, parse_walled_off_ids
from community.perf.row_sql import ViewerMarked
from notifications.models import Notification
from notifications.selectors import UnreadCount
from posts.models import (
    Bookmark,
    Circle,
    Comment,
    Membership,
    MembershipStatus,
    Post,
    Reaction,
    ReadableByMember,
    ReadableCircle,
    Visibility,
    active_circle_ids,
)
from posts.selectors import InHomeFeedOf
from tests.perf.conftest import World
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db

MARKS: list[tuple[Any, str, str]] = [
    (Reaction, "post", "like"),
    (Reaction, "post", "helpful"),
    (Bookmark, "post", ""),
]


def _plain_mark(model: Any, target: str, viewer: User, kind: str) -> Exists:
    rows = model.objects.filter(**{target: OuterRef("pk")}, member=viewer)
    return Exists(rows.filter(kind=kind) if kind else rows)


@pytest.mark.parametrize(("model", "target", "kind"), MARKS)
def test_viewer_marked_is_the_orm_exists_on_posts(
    world: World, model: Any, target: str, kind: str
) -> None:
    for viewer in world.members:
        written = Post.objects.annotate(mark=ViewerMarked(model, target, viewer.pk, kind))
        plain = Post.objects.annotate(mark=_plain_mark(model, target, viewer, kind))
        assert sorted(written.values_list("pk", "mark")) == sorted(plain.values_list("pk", "mark"))
        assert any(mark for _, mark in plain.values_list("pk", "mark")) or viewer in (
            world.blocked,
            world.blocker,
            world.members[0],
        )


@pytest.mark.parametrize("kind", ["like", "helpful"])
def test_viewer_marked_is_the_orm_exists_on_comments(world: World, kind: str) -> None:
    for viewer in world.members:
        written = Comment.objects.annotate(mark=ViewerMarked(Reaction, "comment", viewer.pk, kind))
        plain = Comment.objects.annotate(mark=_plain_mark(Reaction, "comment", viewer, kind))
        assert sorted(written.values_list("pk", "mark")) == sorted(plain.values_list("pk", "mark"))


def test_viewer_marked_holds_in_a_subquery_and_in_the_outer_query_at_once(world: World) -> None:
    """The same condition on the outer row and on the renamed row of a subquery: each must
    name its own row."""
    reader = world.reader
    liked = ViewerMarked(Reaction, "post", reader.pk, "like")
    helpful_ids = Post.objects.filter(ViewerMarked(Reaction, "post", reader.pk, "helpful"))
    written = Post.objects.filter(liked).filter(pk__in=helpful_ids.filter(liked).values("pk"))
    plain_liked = _plain_mark(Reaction, "post", reader, "like")
    plain_helpful = _plain_mark(Reaction, "post", reader, "helpful")
    plain = Post.objects.filter(plain_liked).filter(
        pk__in=Post.objects.filter(plain_helpful).filter(plain_liked).values("pk")
    )
    assert list(written) == list(plain) == [world.posts[3]]
    # A join renames the posts table inside the comments' query.
    comments = Comment.objects.filter(post__in=Post.objects.filter(liked).values("pk"))
    assert set(comments) == set(world.comments)


def _plain_readable(member: User) -> Q:
    """The members' rule as the ORM writes it (posts.models.ReadableByMember's docstring)."""
    active_groups = Membership.objects.filter(member=member, status=MembershipStatus.ACTIVE)
    return (
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
        | Q(visibility=Visibility.GROUP, circle__is_private=False)
        | Q(visibility=Visibility.GROUP, circle_id__in=active_groups.values("circle_id"))
        | Q(author=member)
    )


def test_readable_by_member_is_the_orm_rule_for_every_member(world: World) -> None:
    for member in world.members:
        written = set(Post.objects.filter(ReadableByMember(member.pk)))
        plain = set(Post.objects.filter(_plain_readable(member)))
        assert written == plain
    # The cases are there: the reader reads the joined private group, not the pending one,
    # but their own post in it; the stranger neither.
    readable = set(Post.objects.filter(ReadableByMember(world.reader.pk)))
    assert world.posts[3] in readable and world.posts[5] in readable
    assert world.posts[4] not in readable
    assert not {world.posts[3], world.posts[4]} & set(
        Post.objects.filter(ReadableByMember(world.stranger.pk))
    )


def test_readable_by_member_holds_inside_a_join(world: World) -> None:
    for member in world.members:
        written = Comment.objects.filter(
            post__in=Post.objects.filter(ReadableByMember(member.pk)).values("pk")
        )
        plain = Comment.objects.filter(
            post__in=Post.objects.filter(_plain_readable(member)).values("pk")
        )
        assert set(written) == set(plain)


def _plain_walls(member: User) -> set[int]:
    rows = Block.objects.filter(Q(blocker=member) | Q(blocked=member))
    return {b.blocked_id if b.blocker_id == member.pk else b.blocker_id for b in rows}


def test_walled_off_ids_are_the_block_rows_both_ways(world: World) -> None:
    read = User.objects.annotate(walled_ids=WalledOffIds()).values_list("pk", "walled_ids")
    walls = {pk: parse_walled_off_ids(value) for pk, value in read}
    for member in User.objects.all():
        assert walls[member.pk] == _plain_walls(member)
    assert walls[world.reader.pk] == {world.blocked.pk, world.blocker.pk}
    assert walls[world.stranger.pk] == set()


def test_unread_count_is_the_orm_count(world: World) -> None:
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
    counted = unread.values("recipient").annotate(n=Count("pk")).values("n")
    plain = dict(User.objects.annotate(n=Coalesce(Subquery(counted), 0)).values_list("pk", "n"))
    written = dict(User.objects.annotate(n=UnreadCount()).values_list("pk", "n"))
    assert written == plain
    assert written[world.reader.pk] == 2 and written[world.stranger.pk] == 0


def test_has_confirmed_email_is_the_orm_exists(world: World) -> None:
    confirmed = User.objects.create(handle="confirmed-one", email="c1@example.org")
    unconfirmed = User.objects.create(handle="unconfirmed-one", email="u1@example.org")
    EmailAddress.objects.create(user=confirmed, email="old@example.org", verified=False)
    EmailAddress.objects.create(user=confirmed, email="c1@example.org", verified=True)
    EmailAddress.objects.create(user=unconfirmed, email="u1@example.org", verified=False)
    plain_rows = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    plain = dict(User.objects.annotate(v=Exists(plain_rows)).values_list("pk", "v"))
    written = dict(User.objects.annotate(v=HasConfirmedEmail()).values_list("pk", "v"))
    assert written == plain
    assert written[confirmed.pk] is True and written[unconfirmed.pk] is False
    # Inside another query, where the member's table is renamed.
    following = Post.objects.filter(
        author__in=User.objects.annotate(v=HasConfirmedEmail()).filter(v=True).values("pk")
    )
    assert set(following) == set(Post.objects.filter(author__in=[m for m, v in plain.items() if v]))


def test_readable_by_a_site_moderator_is_every_groups_posts(world: World) -> None:
    plain = Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS, Visibility.GROUP]) | Q(
        author=world.stranger
    )
    written = Post.objects.filter(ReadableByMember(world.stranger.pk, every_group=True))
    assert set(written) == set(Post.objects.filter(plain))
    assert world.posts[3] in set(written) and world.posts[4] in set(written)


def test_readable_circle_is_the_orm_group_rule(world: World) -> None:
    for member in world.members:
        active = Membership.objects.filter(member=member, status=MembershipStatus.ACTIVE)
        plain = Circle.objects.filter(Q(is_private=False) | Q(pk__in=active.values("circle_id")))
        written = Circle.objects.filter(ReadableCircle(member.pk))
        assert set(written) == set(plain)
    reader_groups = set(Circle.objects.filter(ReadableCircle(world.reader.pk)))
    assert world.posts[3].circle in reader_groups
    assert world.posts[4].circle not in reader_groups


def _plain_home_feed(member: User) -> Q:
    """The home feed's rule as the ORM writes it, for comparing with `InHomeFeedOf`."""
    followed = Follow.objects.filter(follower=member).values("followee_id")
    muted = Mute.objects.filter(muter=member).values("muted_id")
    return (
        Q(author=member) | Q(author_id__in=followed) | Q(circle_id__in=active_circle_ids(member))
    ) & ~Q(author_id__in=muted)


def test_in_home_feed_of_is_the_orm_rule_for_every_member(world: World) -> None:
    """Follows, a mute (which wins over a follow), an active and a pending membership."""
    author = world.members[0]
    Follow.objects.create(follower=world.reader, followee=author)
    Follow.objects.create(follower=world.reader, followee=world.stranger)
    Mute.objects.create(muter=world.reader, muted=world.stranger)
    muted_post = PostFactory.create(author=world.stranger)
    Follow.objects.create(follower=world.stranger, followee=world.blocked)
    for member in world.members:
        written = Post.objects.filter(InHomeFeedOf(member.pk))
        plain = Post.objects.filter(_plain_home_feed(member))
        assert sorted(written.values_list("pk", flat=True)) == sorted(
            plain.values_list("pk", flat=True)
        )
    mine = set(Post.objects.filter(InHomeFeedOf(world.reader.pk)).values_list("pk", flat=True))
    # The followed author's posts, the joined private group's, none of the muted member's.
    assert {post.pk for post in world.posts if post.author_id == author.pk} <= mine
    assert muted_post.pk not in mine
    assert muted_post.pk in set(
        Post.objects.filter(InHomeFeedOf(world.stranger.pk)).values_list("pk", flat=True)
    )


def test_in_home_feed_of_holds_in_a_subquery(world: World) -> None:
    """As the feed uses it: choosing the ids in an inner query of the one that reads them."""
    Follow.objects.create(follower=world.reader, followee=world.members[0])
    chosen = Post.objects.filter(InHomeFeedOf(world.reader.pk)).values("pk")
    plain = Post.objects.filter(_plain_home_feed(world.reader)).values("pk")
    assert sorted(Post.objects.filter(pk__in=chosen).values_list("pk", flat=True)) == sorted(
        Post.objects.filter(pk__in=plain).values_list("pk", flat=True)
    )
