"""A member's posts data: export, and erasure that keeps everyone else's counts exact."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accounts.services import delete_account
from accounts.services import export_member_data as export_account
from posts import services
from posts.exports import erase_member_data, export_member_data
from posts.models import Bookmark, Circle, Comment, Membership, Post, Reaction, Visibility
from tests.factories import HighSchoolStudentFactory, UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_member() -> dict[str, Any]:
    member, other = UserFactory.create(), UserFactory.create()
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=member)
    own = services.publish_post(author=member, title="Mine", body="My pearl #renal")
    others = services.publish_post(author=other, body="Their pearl")
    comment = services.add_comment(author=member, post=others, body="Nice")
    reply = services.add_comment(author=other, post=others, body="Thanks", parent=comment)
    services.add_comment(author=other, post=own, body="On yours")
    services.toggle_reaction(member=member, target=others, kind="like")
    services.toggle_reaction(member=member, target=reply, kind="helpful")
    services.toggle_reaction(member=other, target=own, kind="like")
    services.toggle_bookmark(member=member, post=others)
    return {
        "member": member,
        "other": other,
        "circle": circle,
        "own": own,
        "others": others,
        "reply": reply,
    }


def test_the_export_has_everything_the_member_did(active_member: dict[str, Any]) -> None:
    data = export_member_data(active_member["member"])
    json.dumps(data)
    assert [post["title"] for post in data["posts"]] == ["Mine"]
    assert data["posts"][0]["hashtags"] == ["renal"]
    assert [comment["body"] for comment in data["comments"]] == ["Nice"]
    assert {reaction["kind"] for reaction in data["reactions"]} == {"like", "helpful"}
    assert [bookmark["post"] for bookmark in data["bookmarks"]] == [active_member["others"].pk]
    assert data["group_memberships"][0]["group"] == active_member["circle"].name


def test_the_account_export_includes_posts(active_member: dict[str, Any]) -> None:
    assert export_account(member=active_member["member"])["posts"]["posts"][0]["title"] == "Mine"


def test_erasing_without_keeping_content(
    active_member: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    member, others = active_member["member"], active_member["others"]
    with django_capture_on_commit_callbacks(execute=True):
        erase_member_data(member, keep_content=False)
    assert not Post.objects.filter(author=member).exists()
    assert not Comment.objects.filter(author=member).exists()
    assert not Reaction.objects.filter(member=member).exists()
    assert not Bookmark.objects.filter(member=member).exists()
    assert not Membership.objects.filter(member=member).exists()
    others.refresh_from_db()
    # The member's comment and the reply under it are gone; the like is gone.
    assert (others.comment_count, others.like_count) == (0, 0)
    assert Circle.objects.get(pk=active_member["circle"].pk).member_count == 0


def test_erasing_but_keeping_content(active_member: dict[str, Any]) -> None:
    member, others, reply = (
        active_member["member"],
        active_member["others"],
        active_member["reply"],
    )
    erase_member_data(member, keep_content=True)
    assert Post.objects.filter(author=member).count() == 1
    assert Comment.objects.filter(author=member).count() == 1
    others.refresh_from_db()
    reply.refresh_from_db()
    assert (others.comment_count, others.like_count) == (2, 0)
    assert reply.helpful_count == 0
    own = Post.objects.get(pk=active_member["own"].pk)
    assert own.like_count == 1


def test_a_minors_kept_public_posts_become_members_only() -> None:
    minor = HighSchoolStudentFactory.create()
    post = services.publish_post(author=minor, body="Premed tips")
    erase_member_data(minor, keep_content=True)
    post.refresh_from_db()
    assert post.visibility == Visibility.MEMBERS


def test_deleting_an_account_runs_the_hook(active_member: dict[str, Any]) -> None:
    member = active_member["member"]
    delete_account(member=member, keep_content=True)
    own = Post.objects.get(pk=active_member["own"].pk)
    assert own.author.display_name == "Deleted member"
    assert not Reaction.objects.filter(member=member).exists()
