"""Reaction notifications say what happened and on what, and repeated reactions of one kind
on one item are grouped ("Ana and 3 others liked '...'") in the list, the bell and the digest."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Block, User
from notifications.models import EmailDigest, Kind, Notification
from notifications.selectors import unread_count
from notifications.services import mark_read, notify_reaction
from posts.services import toggle_reaction
from tests.factories import UserFactory
from tests.posts.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

ECG = "How should I read this ECG strip?"


def _titles(recipient: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=recipient)
        .order_by("-created_at", "-id")
        .values_list("title", flat=True)
    )


def test_a_like_and_a_helpful_say_which_and_on_what() -> None:
    post = PostFactory.create(title=ECG)
    ana = UserFactory.create(display_name="Ana")
    toggle_reaction(member=ana, target=post, kind="like")
    toggle_reaction(member=ana, target=post, kind="helpful")
    assert sorted(_titles(post.author)) == sorted(
        [f"Ana liked '{ECG}'", f"Ana found your post '{ECG}' helpful"]
    )


def test_a_reaction_to_a_comment_names_the_post() -> None:
    comment = CommentFactory.create(post=PostFactory.create(title=ECG))
    toggle_reaction(member=UserFactory.create(display_name="Ana"), target=comment, kind="helpful")
    assert _titles(comment.author) == [f"Ana found your comment on '{ECG}' helpful"]


def test_repeated_likes_on_one_post_are_one_notification() -> None:
    post = PostFactory.create(title=ECG)
    others = [UserFactory.create(display_name=f"Fan {index}") for index in range(3)]
    ana = UserFactory.create(display_name="Ana")
    for fan in [*others, ana]:
        toggle_reaction(member=fan, target=post, kind="like")
    assert _titles(post.author) == [f"Ana and 3 others liked '{ECG}'"]
    group = Notification.objects.get(recipient=post.author)
    assert group.actor == ana
    assert group.group_size == 4
    assert unread_count(post.author) == 1


def test_one_other_is_singular_and_a_second_like_by_the_same_member_counts_once() -> None:
    post = PostFactory.create(title=ECG)
    ana, ben = UserFactory.create(display_name="Ana"), UserFactory.create(display_name="Ben")
    toggle_reaction(member=ben, target=post, kind="like")
    toggle_reaction(member=ana, target=post, kind="like")
    toggle_reaction(member=ana, target=post, kind="like")  # taken back
    toggle_reaction(member=ana, target=post, kind="like")  # and given again
    assert _titles(post.author) == [f"Ana and 1 other liked '{ECG}'"]


def test_likes_and_helpfuls_and_different_posts_stay_apart() -> None:
    author = UserFactory.create()
    first, second = (
        PostFactory.create(author=author, title=ECG),
        PostFactory.create(author=author, title="Two"),
    )
    ana, ben = UserFactory.create(display_name="Ana"), UserFactory.create(display_name="Ben")
    for member in (ana, ben):
        toggle_reaction(member=member, target=first, kind="like")
        toggle_reaction(member=member, target=first, kind="helpful")
        toggle_reaction(member=member, target=second, kind="like")
    assert sorted(_titles(author)) == sorted(
        [
            f"Ben and 1 other liked '{ECG}'",
            f"Ben and 1 other found your post '{ECG}' helpful",
            "Ben and 1 other liked 'Two'",
        ]
    )
    assert unread_count(author) == 3


def test_a_read_group_closes_and_the_next_like_starts_a_new_one() -> None:
    post = PostFactory.create(title=ECG)
    toggle_reaction(member=UserFactory.create(display_name="Ana"), target=post, kind="like")
    group = Notification.objects.get()
    mark_read(user=post.author, notification_id=group.pk)
    toggle_reaction(member=UserFactory.create(display_name="Ben"), target=post, kind="like")
    assert _titles(post.author) == [f"Ben liked '{ECG}'", f"Ana liked '{ECG}'"]
    assert unread_count(post.author) == 1


def test_a_group_taken_by_a_digest_is_not_joined() -> None:
    post = PostFactory.create(title=ECG)
    toggle_reaction(member=UserFactory.create(display_name="Ana"), target=post, kind="like")
    digest = EmailDigest.objects.create(recipient=post.author, local_date="2030-01-01")
    Notification.objects.update(digest=digest)
    toggle_reaction(member=UserFactory.create(display_name="Ben"), target=post, kind="like")
    assert Notification.objects.count() == 2


def test_a_walled_off_member_joins_no_group() -> None:
    post = PostFactory.create(title=ECG)
    rude = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=rude)
    assert (
        notify_reaction(
            recipient=post.author, actor=rude, target=post, url="/", reaction="like", item=ECG
        )
        is None
    )
    assert Notification.objects.count() == 0


def test_long_titles_are_shortened() -> None:
    post = PostFactory.create(title="A" * 200)
    toggle_reaction(member=UserFactory.create(display_name="Ana"), target=post, kind="like")
    [title] = _titles(post.author)
    assert title.startswith("Ana liked 'AAAA") and title.endswith("…'")
    assert len(title) < 100


@pytest.mark.parametrize("fans", [3, 12])
def test_the_list_and_the_bell_show_one_group(
    client: Client, django_assert_max_num_queries: Any, fans: int
) -> None:
    post = PostFactory.create(title=ECG)
    for index in range(fans):
        toggle_reaction(
            member=UserFactory.create(display_name=f"Fan {index}"), target=post, kind="like"
        )
    client.force_login(post.author)
    with django_assert_max_num_queries(7):
        html = client.get(reverse("notifications:list")).content.decode()
    rows = re.findall(r'<li class="notification.*?</li>', html, re.DOTALL)
    assert len(rows) == 1
    assert f"Fan {fans - 1} and {fans - 1} others liked &#x27;{ECG}&#x27;" in rows[0]
    assert 'aria-label="Notifications, 1 unread"' in html
    assert Notification.objects.filter(kind=Kind.REACTION_DIGEST).count() == 1
