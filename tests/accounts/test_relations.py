"""Follow, mute and block: services, views (with and without htmx), and the block wall."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Block, Follow, Mute, User
from accounts.permissions import ParticipationDenied
from accounts.selectors import follow_page, is_walled_off, walled_off_ids
from notifications.models import Kind, Notification
from tests.conftest import warm_rail
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(name: str, member: User) -> str:
    return reverse(f"accounts:{name}", kwargs={"handle": member.handle})


# --- Follow ---------------------------------------------------------------------------


def test_following_notifies_the_followee_once() -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    services.follow(follower=student, followee=physician)
    services.follow(follower=student, followee=physician)
    assert Follow.objects.filter(follower=student, followee=physician).count() == 1
    notifications = Notification.objects.filter(recipient=physician, kind=Kind.FOLLOW)
    assert notifications.count() == 1
    assert notifications.get().actor == student


def test_one_cannot_follow_oneself() -> None:
    member = UserFactory.create()
    with pytest.raises(services.AccountActionError):
        services.follow(follower=member, followee=member)


def test_an_unverified_email_cannot_follow() -> None:
    with pytest.raises(ParticipationDenied):
        services.follow(
            follower=UserFactory.create(email_verified=False), followee=UserFactory.create()
        )


def test_follow_and_unfollow_work_without_javascript(client: Client) -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    client.force_login(student)
    response = client.post(_url("follow", physician), {"next": _url("profile", physician)})
    assert response.status_code == 302
    assert response["Location"] == _url("profile", physician)
    assert Follow.objects.filter(follower=student, followee=physician).exists()
    page = client.get(_url("profile", physician)).content.decode()
    assert "<strong>1</strong> follower" in page
    client.post(_url("unfollow", physician))
    assert not Follow.objects.exists()


def test_follow_with_htmx_returns_the_button_partial(client: Client) -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    client.force_login(student)
    response = client.post(_url("follow", physician), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="relation-buttons"' in html
    assert "<html" not in html
    assert "Following" in html
    assert 'role="status"' in html


def test_follow_ignores_an_offsite_next(client: Client) -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    client.force_login(student)
    response = client.post(_url("follow", physician), {"next": "https://evil.example/"})
    assert response["Location"] == _url("profile", physician)


def test_follow_needs_post_and_sign_in(client: Client) -> None:
    physician = PhysicianFactory.create()
    assert client.post(_url("follow", physician)).status_code == 302  # to sign in
    client.force_login(UserFactory.create())
    assert client.get(_url("follow", physician)).status_code == 405


def test_following_an_unknown_member_is_404(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.post("/@nobody-here/follow/").status_code == 404


def test_follower_lists_keep_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    physician = PhysicianFactory.create()
    client.force_login(UserFactory.create())
    warm_rail(client)
    counts = []
    for extra in (2, 12):
        for _ in range(extra):
            Follow.objects.create(follower=UserFactory.create(), followee=physician)
        with django_assert_max_num_queries(6) as captured:
            response = client.get(_url("followers", physician))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_follower_lists_are_keyset_paginated() -> None:
    physician = PhysicianFactory.create()
    followers = [UserFactory.create() for _ in range(5)]
    for follower in followers:
        Follow.objects.create(follower=follower, followee=physician)
    viewer = UserFactory.create()
    first, cursor = follow_page(viewer, physician, direction="followers", size=3)
    assert [row.follower for row in first] == followers[::-1][:3]
    second, end = follow_page(viewer, physician, direction="followers", before=cursor, size=3)
    assert [row.follower for row in second] == followers[::-1][3:]
    assert end is None


def test_follower_lists_hide_minors_from_visitors(client: Client) -> None:
    physician = PhysicianFactory.create()
    minor = HighSchoolStudentFactory.create(display_name="Young Student")
    Follow.objects.create(follower=minor, followee=physician)
    assert "Young Student" not in client.get(_url("followers", physician)).content.decode()
    client.force_login(UserFactory.create())
    assert "Young Student" in client.get(_url("followers", physician)).content.decode()


# --- Mute -------------------------------------------------------------------------------


def test_mute_and_unmute(client: Client) -> None:
    member, other = UserFactory.create(), UserFactory.create()
    client.force_login(member)
    client.post(_url("mute", other))
    assert Mute.objects.filter(muter=member, muted=other).exists()
    # Muting changes nothing else: the profile is still there, follows stay possible.
    assert client.get(_url("profile", other)).status_code == 200
    client.post(_url("unmute", other))
    assert not Mute.objects.exists()


# --- Block ------------------------------------------------------------------------------


@pytest.fixture
def blocker() -> User:
    return PhysicianFactory.create(display_name="Dr. Blocker")


@pytest.fixture
def blocked(blocker: User) -> User:
    member = UserFactory.create(display_name="Blocked Person")
    services.block(blocker=blocker, blocked=member)
    return member


@pytest.mark.parametrize("direction", ["none", "first blocked", "second blocked"])
def test_the_three_forms_of_the_wall_give_the_same_answer(direction: str) -> None:
    """`walled_off_ids`, `is_walled_off` and `User.objects.visible_to` each write the rule."""
    first, second = UserFactory.create(), UserFactory.create()
    if direction == "first blocked":
        services.block(blocker=first, blocked=second)
    elif direction == "second blocked":
        services.block(blocker=second, blocked=first)
    walled = direction != "none"
    for viewer, other in ((first, second), (second, first)):
        assert (other.pk in walled_off_ids(viewer)) is walled
        assert is_walled_off(viewer, other) is walled
        assert User.objects.visible_to(viewer).filter(pk=other.pk).exists() is not walled


def test_block_removes_follows_both_ways() -> None:
    first, second = UserFactory.create(), UserFactory.create()
    Follow.objects.create(follower=first, followee=second)
    Follow.objects.create(follower=second, followee=first)
    services.block(blocker=first, blocked=second)
    assert not Follow.objects.exists()
    assert Block.objects.filter(blocker=first, blocked=second).exists()


def test_a_blocked_member_sees_the_blockers_profile_as_404(
    client: Client, blocker: User, blocked: User
) -> None:
    client.force_login(blocked)
    assert client.get(_url("profile", blocker)).status_code == 404
    assert client.get(_url("followers", blocker)).status_code == 404


def test_the_blocker_no_longer_sees_the_blocked_profile(
    client: Client, blocker: User, blocked: User
) -> None:
    client.force_login(blocker)
    assert client.get(_url("profile", blocked)).status_code == 404


def test_a_blocked_member_cannot_follow_the_blocker(
    client: Client, blocker: User, blocked: User
) -> None:
    with pytest.raises(services.MemberUnavailable):
        services.follow(follower=blocked, followee=blocker)
    client.force_login(blocked)
    assert client.post(_url("follow", blocker)).status_code == 404
    assert not Follow.objects.exists()


def test_the_blocker_cannot_follow_the_blocked_member_either(blocker: User, blocked: User) -> None:
    with pytest.raises(services.MemberUnavailable):
        services.follow(follower=blocker, followee=blocked)


def test_a_blocked_member_cannot_mute_their_way_around_the_wall(
    blocker: User, blocked: User
) -> None:
    with pytest.raises(services.MemberUnavailable):
        services.mute(muter=blocked, muted=blocker)


def test_blocked_members_vanish_from_follower_lists(blocker: User, blocked: User) -> None:
    third = UserFactory.create()
    Follow.objects.create(follower=third, followee=blocked)
    rows, _cursor = follow_page(blocker, third, direction="following")
    assert rows == []


def test_blocking_works_even_while_suspended_or_unverified(client: Client) -> None:
    from django.utils import timezone

    victim = UserFactory.create(email_verified=False, suspended_at=timezone.now())
    harasser = UserFactory.create()
    client.force_login(victim)
    response = client.post(_url("block", harasser))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:blocked")
    assert Block.objects.filter(blocker=victim, blocked=harasser).exists()


def test_the_blocked_page_lists_and_lifts_blocks(
    client: Client, blocker: User, blocked: User
) -> None:
    client.force_login(blocker)
    page = client.get(reverse("accounts:blocked")).content.decode()
    assert "Blocked Person" in page
    client.post(_url("unblock", blocked), {"next": reverse("accounts:blocked")})
    assert not Block.objects.exists()
    assert client.get(_url("profile", blocked)).status_code == 200


def test_the_blocked_member_cannot_lift_the_block(
    client: Client, blocker: User, blocked: User
) -> None:
    client.force_login(blocked)
    client.post(_url("unblock", blocker))
    assert Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def test_one_cannot_block_oneself() -> None:
    member = UserFactory.create()
    with pytest.raises(services.AccountActionError):
        services.block(blocker=member, blocked=member)


def test_visitors_cannot_block(client: Client) -> None:
    member = UserFactory.create()
    response = client.post(_url("block", member))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Block.objects.exists()
