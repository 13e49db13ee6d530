"""Site-moderator powers used outside the panel write the audit log as the panel does.

Each entry says who, when, what, the target, the reason and the state before and after,
written by the same services as the panel's: a post taken out of a group is
`remove_content`, a campaign is `create_campaign`, a decision about a group's member goes
through `record_membership_decision`. A group's own moderators acting in their group write
nothing: the audit log is the site moderators' record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from moderation.models import ActionKind, AuditEntry, ModerationAction
from notifications.models import Kind, Notification
from posts.models import (
    Campaign,
    Circle,
    Hashtag,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    Visibility,
)
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.moderation.factories import report
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory, public_hashtag

pytestmark = pytest.mark.django_db


@dataclass
class Group:
    circle: Circle
    founder: User
    pending: Membership
    plain_member: Membership
    group_moderator: Membership
    post: Post


@pytest.fixture
def group() -> Group:
    circle = CircleFactory.create(name="Night shift", slug="night-shift", is_private=True)
    founder = MembershipFactory.create(circle=circle, role=MembershipRole.MODERATOR).member
    plain_member = MembershipFactory.create(circle=circle)
    return Group(
        circle=circle,
        founder=founder,
        pending=MembershipFactory.create(circle=circle, status=MembershipStatus.PENDING),
        plain_member=plain_member,
        group_moderator=MembershipFactory.create(circle=circle, role=MembershipRole.MODERATOR),
        post=PostFactory.create(
            author=plain_member.member,
            circle=circle,
            visibility=Visibility.GROUP,
            body="A photo of the ward board",
        ),
    )


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _membership_url(action: str, membership: Membership) -> str:
    return reverse(f"posts:{action}", args=[membership.circle.slug, membership.pk])


def _remove_post_url(post: Post) -> str:
    assert post.circle is not None
    return reverse("posts:circle_remove_post", args=[post.circle.slug, post.pk])


def _flash(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _state(membership: Membership, **changes: str) -> dict[str, str]:
    return {
        "group": "Night shift",
        "member": membership.member.handle,
        "role": membership.role,
        "status": membership.status,
        **changes,
    }


def _assert_written_by(entry: AuditEntry, moderator: User) -> None:
    assert entry.actor_id == moderator.pk
    assert entry.actor_label == f"{moderator.display_name} <{moderator.email}>"
    assert timezone.now() - entry.created_at < timedelta(minutes=5)


def _shape(entry: AuditEntry) -> tuple[Any, ...]:
    """What makes two entries of one kind alike, wherever they were written."""
    return (
        entry.actor_label,
        entry.action,
        entry.target_type_id,
        sorted(entry.before),
        sorted(entry.after),
    )


# --- Each power, used from the page by a site moderator ----------------------------------


def test_approving_a_request_to_join(
    moderator_client: Client, moderator: User, group: Group
) -> None:
    response = moderator_client.post(_membership_url("membership_approve", group.pending))
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.APPROVE_GROUP_REQUEST
    assert entry.target_type == ContentType.objects.get_for_model(Membership)
    assert entry.target_id == group.pending.pk
    assert entry.target_label == f"@{group.pending.member.handle} in Night shift"
    assert entry.reason == ""
    assert entry.before == _state(group.pending)
    assert entry.after == _state(group.pending, status="active")


def test_declining_a_request_to_join_needs_a_reason(
    moderator_client: Client, moderator: User, group: Group
) -> None:
    url = _membership_url("membership_remove", group.pending)
    response = moderator_client.post(url, follow=True)
    assert _flash(response) == ["Give a reason: the audit log keeps it."]
    response = moderator_client.post(url, {"reason": "x" * 501}, follow=True)
    assert _flash(response) == ["Keep the reason to 500 characters at most."]
    assert Membership.objects.filter(pk=group.pending.pk).exists()
    assert not AuditEntry.objects.exists()

    moderator_client.post(url, {"reason": "  Not a night-shift worker "})
    assert not Membership.objects.filter(pk=group.pending.pk).exists()
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.DECLINE_GROUP_REQUEST
    assert (entry.target_id, entry.reason) == (group.pending.pk, "Not a night-shift worker")
    assert entry.before == _state(group.pending)
    assert entry.after == {"removed": True}


@pytest.mark.parametrize("who", ["plain_member", "group_moderator"])
def test_removing_a_member_or_a_group_moderator(
    moderator_client: Client, moderator: User, group: Group, who: str
) -> None:
    membership: Membership = getattr(group, who)
    url = _membership_url("membership_remove", membership)
    moderator_client.post(url)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEntry.objects.exists()
    moderator_client.post(url, {"reason": "Deleted members' posts"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.REMOVE_GROUP_MEMBER
    assert (entry.target_id, entry.reason) == (membership.pk, "Deleted members' posts")
    assert entry.before == _state(membership)
    assert entry.before["role"] == ("moderator" if who == "group_moderator" else "member")
    assert entry.after == {"removed": True}


def test_making_a_group_moderator(moderator_client: Client, moderator: User, group: Group) -> None:
    url = _membership_url("membership_promote", group.plain_member)
    moderator_client.post(url)
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.MAKE_GROUP_MODERATOR
    assert entry.target_id == group.plain_member.pk
    assert entry.before == _state(group.plain_member)
    assert entry.after == _state(group.plain_member, role="moderator")
    moderator_client.post(url)
    assert AuditEntry.objects.count() == 1, "making a moderator twice changes nothing"


def test_taking_a_post_out_of_a_group_is_the_panels_removal(
    moderator_client: Client, moderator: User, group: Group
) -> None:
    page = moderator_client.get(_remove_post_url(group.post)).content.decode()
    assert "the author reads your reason and can appeal" in page
    assert not AuditEntry.objects.exists()
    moderator_client.post(_remove_post_url(group.post), {"reason": "Identifiable photo"})
    post = Post.objects.get(pk=group.post.pk)
    assert (post.removal_reason, post.removed_by_moderators_at is not None) == (
        "Identifiable photo",
        True,
    )
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.REMOVE
    assert entry.target_type == ContentType.objects.get_for_model(Post)
    assert (entry.target_id, entry.reason) == (post.pk, "Identifiable photo")
    assert entry.before == {"removed_at": None, "removal_reason": ""}
    assert entry.after == {
        "removed_at": post.removed_by_moderators_at.isoformat(),  # type: ignore[union-attr]
        "removal_reason": "Identifiable photo",
    }
    # A decision the author reads and may appeal, as from the panel.
    action = ModerationAction.objects.get(kind=ActionKind.REMOVE, subject=post.author)
    told = Notification.objects.get(recipient=post.author, kind=Kind.MODERATION)
    assert told.url == reverse("moderation:decision", args=[action.pk])

    # The same removal from the report queue writes an entry of the same shape.
    elsewhere = report(PostFactory.create(), reason="patient_privacy")
    moderator_client.post(
        reverse("admin:moderation_reportcase_act", args=[elsewhere.pk, "remove"]),
        {"remove-reason": "Identifiable photo"},
    )
    panel_entry = AuditEntry.objects.exclude(pk=entry.pk).get()
    assert _shape(panel_entry) == _shape(entry)


def test_starting_a_campaign_from_the_hashtag_page_and_the_panel_alike(
    moderator_client: Client, moderator: User
) -> None:
    today = timezone.localdate().isoformat()
    campaign_fields = {
        "title": "Clean hands week",
        "description": "Five moments.",
        "starts_on": today,
        "ends_on": today,
    }
    public_hashtag("handhygiene")
    response = moderator_client.post(
        reverse("posts:campaign_create"), {"hashtag": "handhygiene", **campaign_fields}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(hashtag__name="handhygiene")
    entry = AuditEntry.objects.get()
    _assert_written_by(entry, moderator)
    assert entry.action == ActionKind.MAKE_CAMPAIGN
    assert (entry.target_type, entry.target_id) == (
        ContentType.objects.get_for_model(Campaign),
        campaign.pk,
    )
    assert (entry.target_label, entry.reason, entry.before) == ("Clean hands week", "", {})
    assert entry.after == {
        "hashtag": "handhygiene",
        "title": "Clean hands week",
        "description": "Five moments.",
        "starts_on": today,
        "ends_on": today,
        "banner": "",
        "banner_alt": "",
    }

    heart = Hashtag.objects.create(name="heartmonth")
    moderator_client.post(
        reverse("admin:posts_hashtag_changelist"),
        {
            "action": "turn_into_campaign",
            "_selected_action": [str(heart.pk)],
            "apply": "yes",
            **campaign_fields,
        },
    )
    panel_entry = AuditEntry.objects.exclude(pk=entry.pk).get()
    assert panel_entry.after["hashtag"] == "heartmonth"
    assert _shape(panel_entry) == _shape(entry)


def test_the_page_and_the_panel_record_a_group_moderator_alike(
    moderator_client: Client, group: Group
) -> None:
    demoted = MembershipFactory.create(circle=group.circle, role=MembershipRole.MODERATOR)
    moderator_client.post(
        reverse("admin:posts_membership_changelist"),
        {
            "action": "remove_group_moderators",
            "_selected_action": [str(demoted.pk)],
            "apply": "yes",
            "reason": "Deleted members' posts",
        },
    )
    moderator_client.post(
        _membership_url("membership_remove", group.group_moderator),
        {"reason": "Deleted members' posts"},
    )
    panel_entry, page_entry = AuditEntry.objects.order_by("id")
    assert (panel_entry.action, page_entry.action) == (
        "remove_group_moderator",
        "remove_group_member",
    )
    assert panel_entry.target_label == f"@{demoted.member.handle} in Night shift"
    assert page_entry.target_label == f"@{group.group_moderator.member.handle} in Night shift"
    assert panel_entry.target_type_id == page_entry.target_type_id
    assert panel_entry.before == _state(demoted)
    assert page_entry.before == _state(group.group_moderator)
    assert panel_entry.after == _state(demoted, role="member")
    assert panel_entry.reason == page_entry.reason == "Deleted members' posts"


# --- Group moderators: not site moderation ----------------------------------------------

GROUP_ACTIONS: dict[str, Callable[[Group], tuple[str, dict[str, str]]]] = {
    "approve": lambda g: (_membership_url("membership_approve", g.pending), {}),
    "decline": lambda g: (_membership_url("membership_remove", g.pending), {}),
    "remove": lambda g: (_membership_url("membership_remove", g.plain_member), {}),
    "promote": lambda g: (_membership_url("membership_promote", g.plain_member), {}),
    "remove a post": lambda g: (_remove_post_url(g.post), {"reason": "Off topic"}),
}
GROUP_ACTIONS_DONE: dict[str, Callable[[Group], bool]] = {
    "approve": lambda g: Membership.objects.get(pk=g.pending.pk).is_active,
    "decline": lambda g: not Membership.objects.filter(pk=g.pending.pk).exists(),
    "remove": lambda g: not Membership.objects.filter(pk=g.plain_member.pk).exists(),
    "promote": lambda g: Membership.objects.get(pk=g.plain_member.pk).is_moderator,
    "remove a post": lambda g: Post.objects.get(pk=g.post.pk).removed_by_moderators_at is not None,
}


@pytest.mark.parametrize("name", list(GROUP_ACTIONS))
def test_a_groups_own_moderators_act_without_a_reason_or_an_entry(group: Group, name: str) -> None:
    url, data = GROUP_ACTIONS[name](group)
    _signed_in(group.founder).post(url, data)
    assert GROUP_ACTIONS_DONE[name](group)
    assert not AuditEntry.objects.exists()
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize("name", list(GROUP_ACTIONS))
def test_a_site_moderator_who_moderates_the_group_acts_as_its_moderator(
    moderator_client: Client, moderator: User, group: Group, name: str
) -> None:
    MembershipFactory.create(circle=group.circle, member=moderator, role=MembershipRole.MODERATOR)
    url, data = GROUP_ACTIONS[name](group)
    moderator_client.post(url, data)
    assert GROUP_ACTIONS_DONE[name](group)
    assert not AuditEntry.objects.exists()


def test_removing_a_group_moderator_is_site_moderation_even_for_a_fellow_moderator(
    moderator_client: Client, moderator: User, group: Group
) -> None:
    MembershipFactory.create(circle=group.circle, member=moderator, role=MembershipRole.MODERATOR)
    url = _membership_url("membership_remove", group.group_moderator)
    response = moderator_client.post(url, follow=True)
    assert _flash(response) == ["Give a reason: the audit log keeps it."]
    moderator_client.post(url, {"reason": "Deleted members' posts"})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id) == (ActionKind.REMOVE_GROUP_MEMBER, moderator.pk)


def test_a_site_moderator_making_themselves_a_group_moderator_is_audited(
    moderator_client: Client, moderator: User, group: Group
) -> None:
    own = MembershipFactory.create(circle=group.circle, member=moderator)
    moderator_client.post(_membership_url("membership_promote", own))
    assert Membership.objects.get(pk=own.pk).is_moderator
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        ActionKind.MAKE_GROUP_MODERATOR,
        moderator.pk,
        own.pk,
    )


# --- The members page ----------------------------------------------------------------------


def test_the_members_page_asks_site_moderators_for_a_reason(
    moderator_client: Client, group: Group
) -> None:
    members_url = reverse("posts:circle_members", args=[group.circle.slug])
    remove_moderator = _membership_url("membership_remove", group.group_moderator)
    as_site_moderator = moderator_client.get(members_url).content.decode()
    # Decline the request; remove the founder, the group moderator and the plain member.
    assert as_site_moderator.count('name="reason" required') == 4
    assert remove_moderator in as_site_moderator
    as_founder = _signed_in(group.founder).get(members_url).content.decode()
    assert 'name="reason"' not in as_founder
    assert _membership_url("membership_remove", group.plain_member) in as_founder
    # Group moderators cannot remove one another: no button that would only fail.
    assert remove_moderator not in as_founder


@pytest.mark.parametrize("count", [2, 20])
def test_the_members_page_of_a_site_moderator_has_a_fixed_query_count(
    moderator_client: Client,
    group: Group,
    django_assert_max_num_queries: Callable[..., Any],
    count: int,
) -> None:
    for _ in range(count):
        MembershipFactory.create(circle=group.circle)
        MembershipFactory.create(circle=group.circle, status=MembershipStatus.PENDING)
    warm_rail(moderator_client)
    with django_assert_max_num_queries(9):
        response = moderator_client.get(reverse("posts:circle_members", args=[group.circle.slug]))
    assert response.content.decode().count('name="reason" required') == 2 * count + 4


def test_an_outsider_cannot_use_the_reason_to_act(group: Group) -> None:
    response = _signed_in(UserFactory.create()).post(
        _membership_url("membership_remove", group.plain_member), {"reason": "Because"}
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=group.plain_member.pk).exists()
    assert not AuditEntry.objects.exists()
