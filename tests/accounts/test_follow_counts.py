"""Follower and following counts are stored on the member and stay equal to the follow
rows through every way a follow starts or ends."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Follow, User
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import PhysicianFactory, UserFactory
from tests.moderation.conftest import make_superuser
from tests.posts.test_posts_reaction_concurrency import _race

pytestmark = pytest.mark.django_db


def _counts(*members: User) -> list[tuple[int, int]]:
    """(followers, following) of each member, as stored."""
    rows = User.objects.filter(pk__in=[member.pk for member in members]).values_list(
        "pk", "follower_count", "following_count"
    )
    stored = {pk: (followers, following) for pk, followers, following in rows}
    return [stored[member.pk] for member in members]


def _assert_exact() -> None:
    """Every member's stored counts equal their rows."""
    for member in User.objects.all():
        assert member.follower_count == Follow.objects.filter(followee=member).count(), member
        assert member.following_count == Follow.objects.filter(follower=member).count(), member


def test_following_counts_once_on_both_sides_however_often_it_is_clicked() -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    services.follow(follower=student, followee=physician)
    services.follow(follower=student, followee=physician)
    assert _counts(student, physician) == [(0, 1), (1, 0)]


def test_unfollowing_takes_one_off_both_sides_once() -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    services.follow(follower=student, followee=physician)
    services.unfollow(follower=student, followee=physician)
    services.unfollow(follower=student, followee=physician)
    assert _counts(student, physician) == [(0, 0), (0, 0)]


def test_the_profile_shows_the_stored_counts(client: Client) -> None:
    physician = PhysicianFactory.create()
    for _ in range(3):
        services.follow(follower=UserFactory.create(), followee=physician)
    services.follow(follower=physician, followee=UserFactory.create())
    html = client.get(physician.get_absolute_url()).content.decode()
    assert "<strong>3</strong> followers" in html
    assert "<strong>1</strong> following" in html


def test_saving_a_copy_read_before_a_follow_keeps_that_follows_count() -> None:
    physician = PhysicianFactory.create()
    stale = User.objects.get(pk=physician.pk)  # read at the start of the member's request
    services.follow(follower=UserFactory.create(), followee=physician)
    services.update_profile(member=stale, bio="Updated after the follow.")
    stale.set_password("a-new-long-password-2026")
    stale.save()
    physician.refresh_from_db()
    assert physician.follower_count == 1 and physician.bio == "Updated after the follow."


def test_blocking_ends_both_follows_and_both_counts() -> None:
    first, second, third = UserFactory.create(), UserFactory.create(), UserFactory.create()
    services.follow(follower=first, followee=second)
    services.follow(follower=second, followee=first)
    services.follow(follower=third, followee=first)
    services.block(blocker=first, blocked=second)
    assert _counts(first, second, third) == [(1, 0), (0, 0), (0, 1)]
    _assert_exact()


@pytest.mark.parametrize("keep_content", [True, False])
def test_a_deleted_member_leaves_every_other_count_exact(keep_content: bool) -> None:
    leaving, star, fan = UserFactory.create(), PhysicianFactory.create(), UserFactory.create()
    services.follow(follower=leaving, followee=star)
    services.follow(follower=fan, followee=star)
    services.follow(follower=fan, followee=leaving)
    services.follow(follower=star, followee=leaving)
    services.delete_account(member=leaving, keep_content=keep_content)
    assert _counts(star, fan) == [(1, 0), (0, 1)]
    _assert_exact()


def test_a_superuser_deleting_a_member_in_the_admin_keeps_the_counts_exact() -> None:
    leaving, star = UserFactory.create(), PhysicianFactory.create()
    services.follow(follower=leaving, followee=star)
    client = Client()
    sign_in_with_two_factor(client, make_superuser())
    response = client.post(
        reverse("admin:accounts_user_delete", args=[leaving.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=leaving.pk).exists()
    assert _counts(star) == [(0, 0)]


def test_a_count_that_drifted_never_goes_below_zero_or_blocks_an_unfollow() -> None:
    student, physician = UserFactory.create(), PhysicianFactory.create()
    Follow.objects.create(follower=student, followee=physician)  # written around the service
    services.unfollow(follower=student, followee=physician)
    assert not Follow.objects.exists()
    assert _counts(student, physician) == [(0, 0), (0, 0)]


def test_recounting_rebuilds_the_counts_from_the_rows() -> None:
    members = [UserFactory.create() for _ in range(4)]
    for follower in members[1:]:
        Follow.objects.create(follower=follower, followee=members[0])
    Follow.objects.create(follower=members[0], followee=members[1])
    User.objects.filter(pk=members[2].pk).update(follower_count=99)
    services.recount_follows()
    assert _counts(*members) == [(3, 1), (1, 1), (0, 1), (0, 1)]


def test_the_migration_fills_the_counts_of_existing_members() -> None:
    members = [UserFactory.create() for _ in range(3)]
    Follow.objects.create(follower=members[1], followee=members[0])
    Follow.objects.create(follower=members[2], followee=members[0])
    migration = importlib.import_module("accounts.migrations.0005_follow_counters")
    migration.fill_counts(apps, connection.schema_editor())
    assert _counts(*members) == [(2, 0), (0, 1), (0, 1)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_follows_and_unfollows_keep_the_counts_exact() -> None:
    star = PhysicianFactory.create()
    fans = [UserFactory.create() for _ in range(8)]

    def work(index: int) -> None:
        # Odd numbers of clicks end following; even numbers end not following.
        for click in range(index % 3 + 1):
            if click % 2 == 0:
                services.follow(follower=fans[index], followee=star)
            else:
                services.unfollow(follower=fans[index], followee=star)
        # The same member clicking "Follow" in two tabs at once.
        services.follow(follower=fans[0], followee=star)

    assert _race(work) == []
    _assert_exact()
