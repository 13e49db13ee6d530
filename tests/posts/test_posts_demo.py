"""The demo data: realistic, and running it again adds nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from accounts.models import Role
from posts.models import Campaign, Circle, Comment, Membership, Post, PostKind
from posts.services import publish_post
from tests.factories import UserFactory
from tests.moderation.conftest import moderators_group

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Post.objects.count(),
        Comment.objects.count(),
        Circle.objects.count(),
        Membership.objects.count(),
        Campaign.objects.count(),
    )


def test_seed_demo_adds_posts_groups_and_a_campaign_once() -> None:
    # The demo moderator starts the campaign with the Moderators group's permission.
    moderators_group()
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    assert first[0] >= 5 and first[2] == 3 and first[4] == 1
    assert set(Post.objects.values_list("kind", flat=True)) == set(PostKind.values)
    assert Campaign.objects.get().is_running()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first


def test_a_demo_profile_that_makes_a_member_a_minor_hides_what_they_wrote() -> None:
    # An account under the demo student's address, written with before the demo fills in
    # its profile (a birth year that makes it a minor).
    member = UserFactory.create(
        email="highschool@rounds.test", handle="sam-lee", birth_year=None, role=Role.PREMED
    )
    post = publish_post(author=member, title="Shadowing day", body="What to bring?")
    visitor = AnonymousUser()
    assert Post.objects.visible_to(visitor).filter(pk=post.pk).exists()
    moderators_group()
    call_command("seed_demo", stdout=io.StringIO())
    member.refresh_from_db()
    assert member.is_minor
    post.refresh_from_db()
    assert post.author_minor_until == member.minor_until
    assert not Post.objects.visible_to(visitor).filter(pk=post.pk).exists()
