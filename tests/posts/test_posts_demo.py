"""The demo data: realistic, and running it again adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from posts.models import Campaign, Circle, Comment, Membership, Post, PostKind
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
