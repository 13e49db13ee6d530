"""A hashtag's page exists for a reader only if they may read a post carrying it (or the tag
runs a campaign): its name alone must not tell outsiders what a private group or the
members talk about."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Block, User
from posts.models import Hashtag, MembershipStatus, Post, PostHashtag, Visibility
from tests.factories import HighSchoolStudentFactory, ModeratorFactory, UserFactory
from tests.moderation.conftest import moderator_actor
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db

TAG = "nightshiftpearls"
URL = f"/tags/{TAG}/"


def _tagged(**fields: Any) -> Post:
    post = PostFactory.create(body=f"Handover tip #{TAG}", **fields)
    tag, _ = Hashtag.objects.get_or_create(name=TAG)
    PostHashtag.objects.create(post=post, hashtag=tag, created_at=post.created_at)
    return post


def _status(reader: User | None) -> int:
    client = Client()
    if reader is not None:
        client.force_login(reader)
    return client.get(URL).status_code


def test_a_tag_used_only_in_a_private_group_is_known_only_to_its_members() -> None:
    circle = CircleFactory.create(is_private=True)
    member = MembershipFactory.create(circle=circle).member
    applicant = MembershipFactory.create(circle=circle, status=MembershipStatus.PENDING).member
    post = _tagged(visibility=Visibility.GROUP, circle=circle, author=member)

    assert _status(None) == 404
    assert _status(UserFactory.create()) == 404
    assert _status(applicant) == 404
    assert _status(ModeratorFactory.create()) == 404
    assert _status(member) == 200
    assert _status(post.author) == 200


def test_a_tag_used_only_in_a_public_group_is_known_to_members_not_visitors() -> None:
    circle = CircleFactory.create(is_private=False)
    _tagged(visibility=Visibility.GROUP, circle=circle)

    assert _status(None) == 404
    assert _status(UserFactory.create()) == 200


def test_a_tag_used_only_in_members_only_posts_is_404_to_visitors() -> None:
    _tagged(visibility=Visibility.MEMBERS)

    assert _status(None) == 404
    assert _status(UserFactory.create()) == 200


def test_a_tag_used_only_by_a_minor_is_404_to_visitors() -> None:
    _tagged(author=HighSchoolStudentFactory.create())

    assert _status(None) == 404
    assert _status(UserFactory.create()) == 200


@pytest.mark.parametrize("blocked_by", ["author", "reader"])
def test_a_tag_used_only_across_a_block_is_404_to_the_other_side(blocked_by: str) -> None:
    post = _tagged()
    reader = UserFactory.create()
    if blocked_by == "author":
        Block.objects.create(blocker=post.author, blocked=reader)
    else:
        Block.objects.create(blocker=reader, blocked=post.author)

    assert _status(reader) == 404
    assert _status(UserFactory.create()) == 200


@pytest.mark.parametrize("gone", ["deleted_at", "removed_by_moderators_at"])
def test_a_tag_only_on_deleted_or_removed_posts_is_404_to_everyone(gone: str) -> None:
    post = _tagged(**{gone: timezone.now()})

    assert _status(None) == 404
    assert _status(post.author) == 404
    assert _status(ModeratorFactory.create()) == 404


def test_one_readable_post_is_enough() -> None:
    circle = CircleFactory.create(is_private=True)
    _tagged(visibility=Visibility.GROUP, circle=circle)
    _tagged(visibility=Visibility.PUBLIC)

    assert _status(None) == 200


def test_a_campaigns_tag_is_public_before_any_post_carries_it() -> None:
    from posts import services

    today = timezone.localdate()
    services.create_campaign(
        creator=moderator_actor(),
        hashtag=TAG,
        title="Night shift pearls",
        description="Share what you learned overnight.",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
    )

    response = Client().get(URL)
    assert response.status_code == 200
    assert "Night shift pearls" in response.content.decode()


def test_a_hidden_tag_reads_exactly_as_a_tag_that_never_existed() -> None:
    _tagged(visibility=Visibility.MEMBERS)

    pages = []
    for url in (URL, "/tags/neverusedanywhere/"):
        response = Client().get(url)
        # Only the per-response nonce and CSRF token may differ.
        text = re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.content.decode())
        pages.append((response.status_code, text))
    assert pages[0] == pages[1]
    assert pages[0][0] == 404
