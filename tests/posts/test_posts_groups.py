"""Groups: joining, approval, moderation by group moderators, the directory."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.moderators import Actor
from notifications.models import Kind, Notification
from posts import services
from posts.models import Circle, Membership, MembershipRole, MembershipStatus, Post, Visibility
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator, moderator_actor
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def private_group() -> dict[str, Any]:
    founder = UserFactory.create()
    circle = services.create_circle(
        creator=founder, name="Cardiology Fellows", description="Fellows only", is_private=True
    )
    return {"circle": circle, "founder": founder}


def test_the_creator_is_the_first_moderator(private_group: dict[str, Any]) -> None:
    circle = private_group["circle"]
    membership = Membership.objects.get(circle=circle)
    assert membership.member == private_group["founder"]
    assert membership.is_moderator
    assert circle.member_count == 1 and circle.slug == "cardiology-fellows"
    with pytest.raises(Exception, match="already exists"):
        services.create_circle(creator=UserFactory.create(), name="cardiology  fellows")


def test_joining_a_public_group_is_immediate_and_counted() -> None:
    circle = CircleFactory.create()
    member = UserFactory.create()
    membership = services.join_circle(member=member, circle=circle)
    assert membership.is_active
    assert services.join_circle(member=member, circle=circle).pk == membership.pk
    circle.refresh_from_db()
    assert circle.member_count == 1


def test_joining_a_private_group_waits_for_approval(private_group: dict[str, Any]) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    applicant = UserFactory.create()
    membership = services.join_circle(member=applicant, circle=circle)
    assert membership.status == MembershipStatus.PENDING
    assert Notification.objects.filter(recipient=founder, kind=Kind.GROUP).count() == 1
    post = PostFactory.create(visibility=Visibility.GROUP, circle=circle)
    assert not Post.objects.visible_to(applicant).filter(pk=post.pk).exists()

    with pytest.raises(services.NotAllowed):
        services.approve_membership(
            moderator=Actor(user=UserFactory.create()), membership=membership
        )
    services.approve_membership(moderator=Actor(user=founder), membership=membership)
    membership.refresh_from_db()
    circle.refresh_from_db()
    assert membership.is_active and circle.member_count == 2
    assert Notification.objects.filter(recipient=applicant, kind=Kind.GROUP).count() == 1
    assert Post.objects.visible_to(applicant).filter(pk=post.pk).exists()
    services.approve_membership(moderator=Actor(user=founder), membership=membership)
    circle.refresh_from_db()
    assert circle.member_count == 2


def test_group_moderators_remove_members_and_posts(private_group: dict[str, Any]) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    member = UserFactory.create()
    membership = MembershipFactory.create(circle=circle, member=member)
    post = PostFactory.create(author=member, visibility=Visibility.GROUP, circle=circle)

    with pytest.raises(services.NotAllowed):
        services.remove_post_in_circle(
            moderator=Actor(user=UserFactory.create()), post=post, reason="x"
        )
    services.remove_post_in_circle(moderator=Actor(user=founder), post=post, reason="Off topic")
    post.refresh_from_db()
    assert post.removed_by_moderators_at is not None
    assert "Off topic" in post.removal_reason
    assert Notification.objects.filter(recipient=member, kind=Kind.MODERATION).exists()

    services.remove_member(moderator=Actor(user=founder), membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    circle.refresh_from_db()
    assert circle.member_count == 1


def test_a_group_moderator_cannot_remove_another_moderator(
    private_group: dict[str, Any],
) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    other = MembershipFactory.create(circle=circle, role=MembershipRole.MODERATOR)
    with pytest.raises(services.NotAllowed, match="only be removed by site moderators"):
        services.remove_member(moderator=Actor(user=founder), membership=other)
    services.remove_member(moderator=moderator_actor(), membership=other, reason="Spam")
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_site_moderators_moderate_groups_only_in_a_session_that_passed_two_factor(
    private_group: dict[str, Any],
) -> None:
    circle = private_group["circle"]
    pending = MembershipFactory.create(circle=circle, status=MembershipStatus.PENDING)
    group_moderator = MembershipFactory.create(circle=circle, role=MembershipRole.MODERATOR)
    post = PostFactory.create(visibility=Visibility.GROUP, circle=circle)
    without_code = Actor(user=make_moderator(), passed_two_factor=False)
    assert not services.can_moderate_circle(without_code, circle)
    with pytest.raises(services.NotAllowed, match="Only the group's moderators"):
        services.approve_membership(moderator=without_code, membership=pending)
    with pytest.raises(services.NotAllowed, match="Only the group's moderators"):
        services.remove_member(moderator=without_code, membership=group_moderator)
    with pytest.raises(services.NotAllowed, match="Only the group's moderators"):
        services.remove_post_in_circle(moderator=without_code, post=post, reason="x")
    pending.refresh_from_db()
    post.refresh_from_db()
    assert pending.status == MembershipStatus.PENDING and post.removed_by_moderators_at is None
    assert Membership.objects.filter(pk=group_moderator.pk).exists()
    assert services.can_moderate_circle(moderator_actor(), circle)


def test_the_only_moderator_hands_over_before_leaving(private_group: dict[str, Any]) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    membership = MembershipFactory.create(circle=circle)
    with pytest.raises(services.NotAllowed):
        services.leave_circle(member=founder, circle=circle)
    services.make_circle_moderator(moderator=Actor(user=founder), membership=membership)
    services.leave_circle(member=founder, circle=circle)
    circle.refresh_from_db()
    assert circle.member_count == 1


def test_group_moderators_cannot_remove_posts_outside_their_group(
    private_group: dict[str, Any],
) -> None:
    post = PostFactory.create()
    with pytest.raises(services.NotAllowed):
        services.remove_post_in_circle(
            moderator=Actor(user=private_group["founder"]), post=post, reason="mine"
        )


# --- Pages -------------------------------------------------------------------------------


def test_the_directory_searches_and_shows_counts() -> None:
    CircleFactory.create(name="Emergency medicine", member_count=12)
    CircleFactory.create(name="Dermatology", description="Skin and emergencies")
    CircleFactory.create(name="Oncology")
    response = _client().get(reverse("posts:circles"), {"q": "emergenc"})
    content = response.content.decode()
    assert "Emergency medicine" in content and "12 members" in content
    assert "Dermatology" in content and "Oncology" not in content


def test_a_private_group_page_hides_posts_from_outsiders(private_group: dict[str, Any]) -> None:
    circle = private_group["circle"]
    PostFactory.create(
        author=private_group["founder"],
        body="Inside talk",
        visibility=Visibility.GROUP,
        circle=circle,
    )
    for client in (_client(), _client(UserFactory.create())):
        response = client.get(circle.get_absolute_url())
        assert response.status_code == 200
        assert b"Inside talk" not in response.content
        assert b"private" in response.content
    assert (
        b"Inside talk" in _client(private_group["founder"]).get(circle.get_absolute_url()).content
    )


def test_a_public_group_page_is_for_signed_in_readers() -> None:
    circle = CircleFactory.create()
    PostFactory.create(body="Open group talk", visibility=Visibility.GROUP, circle=circle)
    assert b"Open group talk" not in _client().get(circle.get_absolute_url()).content
    assert (
        b"Open group talk" in _client(UserFactory.create()).get(circle.get_absolute_url()).content
    )


def test_the_members_page_matrix(private_group: dict[str, Any]) -> None:
    circle = private_group["circle"]
    pending = MembershipFactory.create(circle=circle, status=MembershipStatus.PENDING)
    url = reverse("posts:circle_members", args=[circle.slug])
    assert _client().get(url).status_code == 404
    assert _client(UserFactory.create()).get(url).status_code == 404
    assert _client(pending.member).get(url).status_code == 404
    moderator_view = _client(private_group["founder"]).get(url).content.decode()
    assert "Requests to join (1)" in moderator_view
    member = MembershipFactory.create(circle=circle).member
    member_view = _client(member).get(url).content.decode()
    assert "Requests to join" not in member_view


def test_joining_approving_and_removing_through_the_pages(
    private_group: dict[str, Any],
) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    applicant = UserFactory.create()
    _client(applicant).post(reverse("posts:circle_join", args=[circle.slug]))
    membership = Membership.objects.get(member=applicant)
    approve = reverse("posts:membership_approve", args=[circle.slug, membership.pk])
    assert _client(applicant).post(approve).status_code == 404
    assert _client(founder).get(approve).status_code == 405
    _client(founder).post(approve)
    membership.refresh_from_db()
    assert membership.is_active
    remove = reverse("posts:membership_remove", args=[circle.slug, membership.pk])
    _client(founder).post(remove)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_group_is_not_reachable(private_group: dict[str, Any]) -> None:
    elsewhere = MembershipFactory.create(status=MembershipStatus.PENDING)
    url = reverse("posts:membership_approve", args=[private_group["circle"].slug, elsewhere.pk])
    assert _client(private_group["founder"]).post(url).status_code == 404


def test_removing_a_post_through_the_page(private_group: dict[str, Any]) -> None:
    circle, founder = private_group["circle"], private_group["founder"]
    post = PostFactory.create(visibility=Visibility.GROUP, circle=circle)
    url = reverse("posts:circle_remove_post", args=[circle.slug, post.pk])
    assert _client(UserFactory.create()).get(url).status_code == 404
    response = _client(founder).post(url, {"reason": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    _client(founder).post(url, {"reason": "Identifiable photo"})
    post.refresh_from_db()
    assert post.removed_by_moderators_at is not None
    assert _client(UserFactory.create()).get(post.get_absolute_url()).status_code == 404


def test_leaving_through_the_page_and_starting_a_group() -> None:
    member = UserFactory.create()
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=member)
    _client(member).post(reverse("posts:circle_leave", args=[circle.slug]))
    assert not Membership.objects.filter(member=member).exists()
    response = _client(member).post(
        reverse("posts:circle_create"),
        {"name": "Rural medicine", "description": "", "kind": "topic"},
    )
    created = Circle.objects.get(name="Rural medicine")
    assert response["Location"] == created.get_absolute_url()
    assert not created.is_private


def test_posting_in_a_group_from_the_form() -> None:
    member = UserFactory.create()
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=member)
    other = CircleFactory.create()
    client = _client(member)
    form_page = client.get(reverse("posts:create"), {"group": circle.slug}).content.decode()
    assert circle.name in form_page and other.name not in form_page
    client.post(
        reverse("posts:create"),
        {"kind": "discussion", "body": "Group hello", "visibility": "group", "circle": other.pk},
    )
    assert not Post.objects.exists()
    client.post(
        reverse("posts:create"),
        {"kind": "discussion", "body": "Group hello", "visibility": "group", "circle": circle.pk},
    )
    assert Post.objects.get().circle == circle
