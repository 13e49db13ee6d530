"""The member-facing Report form for posts, comments and profiles."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, User
from moderation.models import Report
from posts.models import Comment, Post, Visibility
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(kind: str, pk: int) -> str:
    return reverse("moderation:report", args=[kind, pk])


@pytest.mark.parametrize("kind", ["post", "comment", "profile"])
def test_a_member_reports_an_item_once(kind: str) -> None:
    comment = CommentFactory.create()
    targets: dict[str, Post | Comment | User] = {
        "post": comment.post,
        "comment": comment,
        "profile": comment.author,
    }
    target = targets[kind]
    reporter = UserFactory.create()
    client = _client(reporter)
    assert b"What is wrong?" in client.get(_url(kind, target.pk)).content
    response = client.post(_url(kind, target.pk), {"reason": "spam"})
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    report = Report.objects.get()
    assert report.target == target and report.reporter == reporter

    again = client.post(_url(kind, target.pk), {"reason": "harassment"})
    assert again.status_code == 200
    assert b"You have already reported this" in again.content
    assert Report.objects.count() == 1


def test_other_needs_a_note() -> None:
    post = PostFactory.create()
    response = _client(UserFactory.create()).post(_url("post", post.pk), {"reason": "other"})
    assert response.status_code == 200
    assert "Tell us what is wrong" in response.content.decode()
    assert not Report.objects.exists()
    _client(UserFactory.create()).post(
        _url("post", post.pk), {"reason": "other", "note": "Sells supplements"}
    )
    assert Report.objects.get().note == "Sells supplements"


def test_an_unknown_reason_or_kind_is_refused() -> None:
    post = PostFactory.create()
    response = _client(UserFactory.create()).post(_url("post", post.pk), {"reason": "boring"})
    assert response.status_code == 200 and not Report.objects.exists()
    assert _client(UserFactory.create()).get(_url("nonsense", post.pk)).status_code == 404


def test_only_items_the_reporter_can_see() -> None:
    hidden = PostFactory.create(
        visibility=Visibility.GROUP, circle=CircleFactory.create(is_private=True)
    )
    assert _client(UserFactory.create()).get(_url("post", hidden.pk)).status_code == 404
    gone = PostFactory.create(deleted_at=timezone.now())
    assert _client(UserFactory.create()).get(_url("post", gone.pk)).status_code == 404
    post = PostFactory.create()
    blocked = UserFactory.create()
    Block.objects.create(blocker=post.author, blocked=blocked)
    assert _client(blocked).post(_url("post", post.pk), {"reason": "spam"}).status_code == 404
    assert _client(blocked).get(_url("profile", post.author.pk)).status_code == 404
    assert not Report.objects.exists()


def test_visitors_sign_in_and_suspended_members_cannot_report() -> None:
    post = PostFactory.create()
    assert _client().get(_url("post", post.pk)).status_code == 302
    suspended = UserFactory.create(suspended_at=timezone.now())
    assert _client(suspended).post(_url("post", post.pk), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


def test_nobody_reports_their_own_item() -> None:
    post = PostFactory.create()
    response = _client(post.author).post(_url("post", post.pk), {"reason": "spam"})
    assert b"your own" in response.content
    assert not Report.objects.exists()


def test_a_minors_profile_can_be_reported_by_members() -> None:
    minor = HighSchoolStudentFactory.create()
    _client(UserFactory.create()).post(_url("profile", minor.pk), {"reason": "harassment"})
    assert Report.objects.get().target == minor


def test_posts_and_comments_link_to_report() -> None:
    comment = CommentFactory.create()
    content = _client(UserFactory.create()).get(comment.post.get_absolute_url()).content.decode()
    assert _url("post", comment.post.pk) in content
    assert _url("comment", comment.pk) in content
    own_view = _client(comment.post.author).get(comment.post.get_absolute_url()).content
    assert _url("post", comment.post.pk).encode() not in own_view
