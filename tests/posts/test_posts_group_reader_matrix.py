"""Who reads a group, on every group page: `Circle.objects.readable_by` is the one rule.

A group's front (name, description, joining) is for anyone; its inside (posts, members) is
for signed-in members in a public group, for active members in a private one, and for site
moderators acting as such (a session that passed two-factor) in any group, to moderate it.
Everyone else gets the 404 of a group that does not exist. Walls (blocks) hide a member's
posts, never a whole group; a suspension stops writing, not reading.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block
from accounts.moderators import Actor
from posts.models import Circle, MembershipRole, MembershipStatus, Visibility
from posts.services import create_circle, publish_post
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator, moderator_actor
from tests.posts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FOUNDER_WORD = "Founderword"
MEMBER_WORD = "Memberword"

# reader -> may read the private group's inside
PRIVATE_READERS = {
    "anonymous": False,
    "outsider": False,
    "applicant": False,
    "blocked_outsider": False,
    "suspended_outsider": False,
    "staff_without_code": False,
    "member": True,
    "walled_member": True,
    "suspended_member": True,
    "site_moderator": True,
}


@pytest.fixture
def world() -> dict[str, Any]:
    founder = UserFactory.create(handle="founder")
    private = create_circle(creator=founder, name="Inside Club", is_private=True)
    public = create_circle(creator=founder, name="Open Club", is_private=False)
    readers: dict[str, Any] = {
        "anonymous": None,
        "outsider": UserFactory.create(),
        "applicant": UserFactory.create(),
        "blocked_outsider": UserFactory.create(),
        "suspended_outsider": UserFactory.create(suspended_at=timezone.now()),
        "staff_without_code": make_moderator(with_mfa=False),
        "member": UserFactory.create(),
        "walled_member": UserFactory.create(),
        "suspended_member": UserFactory.create(suspended_at=timezone.now()),
        "site_moderator": make_moderator(),
    }
    MembershipFactory.create(
        circle=private, member=readers["applicant"], status=MembershipStatus.PENDING
    )
    for name in ("member", "walled_member", "suspended_member"):
        MembershipFactory.create(circle=private, member=readers[name])
    Block.objects.create(blocker=founder, blocked=readers["blocked_outsider"])
    Block.objects.create(blocker=readers["walled_member"], blocked=founder)
    founder_post = publish_post(
        author=founder, body=f"{FOUNDER_WORD} inside", visibility=Visibility.GROUP, circle=private
    )
    member_post = publish_post(
        author=readers["member"],
        body=f"{MEMBER_WORD} inside",
        visibility=Visibility.GROUP,
        circle=private,
    )
    return {
        "founder": founder,
        "private": private,
        "public": public,
        "readers": readers,
        "founder_post": founder_post,
        "member_post": member_post,
    }


def _client(name: str, user: Any) -> Client:
    client = Client()
    if name == "site_moderator":
        sign_in_with_two_factor(client, user)
    elif user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("reader_name", sorted(PRIVATE_READERS))
def test_the_private_group_pages_for_each_reader(world: dict[str, Any], reader_name: str) -> None:
    reads = PRIVATE_READERS[reader_name]
    client = _client(reader_name, world["readers"][reader_name])
    circle = world["private"]

    # The front is for anyone (it is how a private group is asked to join); the posts
    # only for readers, minus the posts of members walled off from them.
    front = client.get(circle.get_absolute_url())
    assert front.status_code == 200
    content = front.content.decode()
    assert "Inside Club" in content
    assert (MEMBER_WORD in content) is reads
    assert (FOUNDER_WORD in content) is (reads and reader_name != "walled_member")
    assert ("its posts are for its members" in content) is not reads

    members = client.get(reverse("posts:circle_members", args=[circle.slug]))
    assert members.status_code == (200 if reads else 404)
    if reads:
        # A member walled off from the founder does not find them on the list either.
        listed = "@founder" in members.content.decode()
        assert listed is (reader_name != "walled_member")

    post = client.get(world["member_post"].get_absolute_url())
    assert post.status_code == (200 if reads else 404)


@pytest.mark.parametrize("reader_name", sorted(PRIVATE_READERS))
def test_the_moderation_pages_of_a_private_group_for_each_reader(
    world: dict[str, Any], reader_name: str
) -> None:
    """Taking a post out and the membership actions are for the group's moderators and site
    moderators; any other reader, members included, gets the 404 of an unknown group (a
    suspended one the page that says they cannot take part)."""
    client = _client(reader_name, world["readers"][reader_name])
    circle = world["private"]
    remove = reverse("posts:circle_remove_post", args=[circle.slug, world["member_post"].pk])
    applicant = circle.memberships.get(status=MembershipStatus.PENDING)
    approve = reverse("posts:membership_approve", args=[circle.slug, applicant.pk])
    if reader_name == "anonymous":
        expected = 302
    elif reader_name.startswith("suspended"):
        expected = 403
    elif reader_name == "site_moderator":
        expected = 200
    else:
        expected = 404
    assert client.get(remove).status_code == expected
    response = client.post(approve)
    assert response.status_code == (302 if expected == 200 else expected)
    applicant.refresh_from_db()
    assert (applicant.status == MembershipStatus.ACTIVE) is (reader_name == "site_moderator")


@pytest.mark.parametrize("reader_name", sorted(PRIVATE_READERS))
def test_a_public_group_is_read_by_every_signed_in_member(
    world: dict[str, Any], reader_name: str
) -> None:
    circle = world["public"]
    MembershipFactory.create(circle=circle, member=world["readers"]["blocked_outsider"])
    publish_post(
        author=world["readers"]["blocked_outsider"],
        body="Openword outside",
        visibility=Visibility.GROUP,
        circle=circle,
    )
    client = _client(reader_name, world["readers"][reader_name])
    signed_in = reader_name != "anonymous"
    front = client.get(circle.get_absolute_url())
    assert front.status_code == 200
    # The author is walled off from the founder only, whose page this is not.
    assert ("Openword" in front.content.decode()) is signed_in
    members = client.get(reverse("posts:circle_members", args=[circle.slug]))
    assert members.status_code == (200 if signed_in else 404)


def test_an_unknown_group_is_a_404_for_everyone(world: dict[str, Any]) -> None:
    for name, user in world["readers"].items():
        client = _client(name, user)
        assert client.get(reverse("posts:circle", args=["no-such-club"])).status_code == 404
        members = reverse("posts:circle_members", args=["no-such-club"])
        assert client.get(members).status_code == 404


def test_readable_by_is_the_rule_the_pages_follow(world: dict[str, Any]) -> None:
    readers, private, public = world["readers"], world["private"], world["public"]

    def readable(viewer: Any) -> set[Circle]:
        return set(Circle.objects.readable_by(viewer))

    assert readable(Actor(user=readers["outsider"])) == {public}
    assert readable(readers["applicant"]) == {public}
    assert readable(readers["walled_member"]) == {public, private}
    assert readable(Actor(user=readers["suspended_member"])) == {public, private}
    assert readable(AnonymousUser()) == set()
    # A site moderator reads every group only as an Actor whose session passed two-factor;
    # the same account as a bare User, or without the code, is an ordinary member.
    moderator = moderator_actor()
    assert readable(moderator) == {public, private}
    assert readable(moderator.user) == {public}
    assert readable(Actor(user=moderator.user, passed_two_factor=False)) == {public}
    # A group moderator reads their group as one of its members.
    group_moderator = UserFactory.create()
    MembershipFactory.create(circle=private, member=group_moderator, role=MembershipRole.MODERATOR)
    assert readable(group_moderator) == {public, private}
