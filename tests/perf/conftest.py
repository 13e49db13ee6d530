"""A small world with every case the fenced pieces must agree with the plain ORM on: public,
members-only, public-group, private-group (joined, pending, outsider) posts, a deleted and
a removed post, blocks both ways, reactions and bookmarks of several readers, notifications
read and unread."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import block
from notifications.models import Kind, Notification
from posts.models import Bookmark, Comment, MembershipStatus, Post, Reaction, Visibility
from tests.factories import UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory


@dataclass
class World:
    reader: User
    stranger: User
    blocked: User
    blocker: User
    members: list[User]
    posts: list[Post]
    comments: list[Comment]


@pytest.fixture
def world(db: None) -> World:
    reader, stranger, blocked, blocker = (UserFactory.create() for _ in range(4))
    author = UserFactory.create()
    public_group = CircleFactory.create()
    private_group = CircleFactory.create(is_private=True)
    pending_group = CircleFactory.create(is_private=True)
    MembershipFactory.create(circle=private_group, member=reader)
    MembershipFactory.create(circle=pending_group, member=reader, status=MembershipStatus.PENDING)
    block(blocker=reader, blocked=blocked)
    block(blocker=blocker, blocked=reader)
    now = timezone.now()
    posts = [
        PostFactory.create(author=author),
        PostFactory.create(author=author, visibility=Visibility.MEMBERS),
        PostFactory.create(author=author, visibility=Visibility.GROUP, circle=public_group),
        PostFactory.create(author=author, visibility=Visibility.GROUP, circle=private_group),
        PostFactory.create(author=author, visibility=Visibility.GROUP, circle=pending_group),
        PostFactory.create(author=reader, visibility=Visibility.GROUP, circle=pending_group),
        PostFactory.create(author=blocked),
        PostFactory.create(author=blocker),
        PostFactory.create(author=author, deleted_at=now),
        PostFactory.create(author=author, removed_by_moderators_at=now),
    ]
    comments = [CommentFactory.create(post=posts[0], author=author) for _ in range(3)]
    for member, target, kind in [
        (reader, posts[0], "like"),
        (reader, posts[1], "helpful"),
        (stranger, posts[1], "like"),
        (reader, posts[3], "like"),
        (reader, posts[3], "helpful"),
        (stranger, posts[2], "helpful"),
    ]:
        Reaction.objects.create(member=member, post=target, kind=kind)
    Reaction.objects.create(member=reader, comment=comments[1], kind="like")
    Reaction.objects.create(member=stranger, comment=comments[2], kind="helpful")
    Bookmark.objects.create(member=reader, post=posts[2])
    Bookmark.objects.create(member=stranger, post=posts[0])
    for recipient, read_at in [(reader, None), (reader, None), (reader, now), (stranger, now)]:
        Notification.objects.create(
            recipient=recipient, kind=Kind.REPLY, title="A reply", read_at=read_at
        )
    return World(
        reader,
        stranger,
        blocked,
        blocker,
        [author, reader, stranger, blocked, blocker],
        posts,
        comments,
    )
