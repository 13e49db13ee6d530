"""A suspended member may sign in to read the reason and appeal, and write nothing else:
every write path refuses, through the page (403 with the reason) and the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import update_profile
from mentoring import workflow
from mentoring.models import MentorRequest, Message
from mentoring.services import send_message
from moderation.services import suspend_member
from posts.models import Comment, Membership, Post, Reaction
from posts.services import add_comment, join_circle, publish_post, toggle_reaction
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.posts.factories import CircleFactory, PostFactory

pytestmark = pytest.mark.django_db

REASON = "Posting patient photos"


@pytest.fixture
def suspended() -> User:
    member = make_mentee(UserFactory.create(display_name="Suspended Member"))
    suspend_member(moderator=ModeratorFactory.create(), member=member, reason=REASON, until=None)
    return User.objects.get(pk=member.pk)


def _paths(member: User) -> dict[str, tuple[str, dict[str, Any], Callable[[], int]]]:
    """Each write path: the URL, the form data, and a count of what it would write."""
    post = PostFactory.create()
    circle = CircleFactory.create()
    mentorship = make_mentorship(mentee=member)
    mentor = make_mentor()
    return {
        "post": (
            reverse("posts:create"),
            {"kind": "discussion", "body": "Hello", "visibility": "public"},
            lambda: Post.objects.filter(author=member).count(),
        ),
        "comment": (
            reverse("posts:comment_create", args=[post.pk]),
            {"body": "Nice post"},
            lambda: Comment.objects.filter(author=member).count(),
        ),
        "reaction": (
            reverse("posts:react", args=[post.pk, "like"]),
            {},
            lambda: Reaction.objects.filter(member=member).count(),
        ),
        "message": (
            reverse("mentoring:send_message", args=[mentorship.pk]),
            {"body": "Hello mentor"},
            lambda: Message.objects.filter(sender=member).count(),
        ),
        "mentor request": (
            reverse("mentoring:request", args=[mentor.user.handle]),
            {"message": "Would you mentor me?"},
            lambda: MentorRequest.objects.filter(mentee=member, mentor=mentor.user).count(),
        ),
        "profile edit": (
            reverse("accounts:profile_edit"),
            {"display_name": "Renamed", "handle": member.handle},
            lambda: User.objects.filter(pk=member.pk, display_name="Renamed").count(),
        ),
        "group join": (
            reverse("posts:circle_join", args=[circle.slug]),
            {},
            lambda: Membership.objects.filter(member=member).count(),
        ),
    }


PATHS = ["post", "comment", "reaction", "message", "mentor request", "profile edit", "group join"]


@pytest.mark.parametrize("path", PATHS)
def test_every_write_page_refuses_a_suspended_member(
    client: Client, suspended: User, path: str
) -> None:
    url, data, written = _paths(suspended)[path]
    client.force_login(suspended)
    response = client.post(url, data)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your account is suspended" in html
    assert REASON in html
    assert written() == 0


def test_the_pages_let_the_member_in_again_after_reinstatement(
    client: Client, suspended: User
) -> None:
    from moderation.services import reinstate_member

    reinstate_member(
        moderator=ModeratorFactory.create(), member=suspended, reason="Appeal accepted"
    )
    url, data, written = _paths(suspended)["comment"]
    client.force_login(suspended)
    assert client.post(url, data).status_code == 302
    assert written() == 1


def test_a_suspension_that_ended_no_longer_refuses(client: Client) -> None:
    from django.utils import timezone

    member = UserFactory.create(
        suspended_at=timezone.now() - timedelta(days=8),
        suspended_until=timezone.now() - timedelta(days=1),
        suspension_reason="Old",
    )
    url, data, written = _paths(member)["comment"]
    client.force_login(member)
    assert client.post(url, data).status_code == 302
    assert written() == 1


def test_every_write_service_refuses_a_suspended_member(suspended: User) -> None:
    post = PostFactory.create()
    mentorship = make_mentorship(mentee=suspended)
    mentor = make_mentor()
    attempts: list[Callable[[], Any]] = [
        lambda: publish_post(author=suspended, kind="discussion", title="", body="Hi"),
        lambda: add_comment(author=suspended, post=post, body="Hi"),
        lambda: toggle_reaction(member=suspended, target=post, kind="like"),
        lambda: send_message(mentorship=mentorship, sender=suspended, body="Hi"),
        lambda: workflow.do_request_mentor(mentee=suspended, mentor=mentor.user),
        lambda: update_profile(member=suspended, display_name="Renamed"),
        lambda: join_circle(member=suspended, circle=CircleFactory.create()),
    ]
    for attempt in attempts:
        with pytest.raises((PermissionDenied, workflow.Refused)) as raised:
            attempt()
        assert "suspended" in str(raised.value).lower()
    assert not Post.objects.filter(author=suspended).exists()
    assert not Comment.objects.filter(author=suspended).exists()
    assert not Message.objects.filter(sender=suspended).exists()
    assert not Membership.objects.filter(member=suspended).exists()


def test_a_suspended_member_still_reads(client: Client, suspended: User) -> None:
    post = PostFactory.create(title="Still readable")
    client.force_login(suspended)
    assert client.get(reverse("posts:detail", args=[post.pk])).status_code == 200
    assert client.get(reverse("moderation:decisions")).status_code == 200
