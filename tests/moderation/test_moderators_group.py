"""The Moderators group: exactly the permissions the job needs, and the demo moderator in it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group

from accounts.demo import seed
from accounts.models import User
from tests.moderation.conftest import moderators_group

pytestmark = pytest.mark.django_db

EXPECTED = {
    "moderation.view_reportcase",
    "moderation.change_reportcase",
    "moderation.view_report",
    "moderation.view_moderationaction",
    "moderation.can_moderate_members",
    "moderation.view_appeal",
    "moderation.change_appeal",
    "moderation.view_auditentry",
    "moderation.view_contactmessage",
    "privacy.view_privacyoverride",
    "privacy.change_privacyoverride",
    "accounts.view_user",
    "accounts.view_verificationrequest",
    "accounts.change_verificationrequest",
    "posts.view_post",
    "posts.view_comment",
    "posts.view_hashtag",
    "posts.view_campaign",
    "posts.add_campaign",
    "posts.change_campaign",
    "posts.view_circle",
    "posts.delete_circle",
    "posts.view_membership",
    "posts.change_membership",
    "mentoring.view_message",
    "programs.view_program",
    "programs.change_program",
    "programs.view_coordinator",
    "programs.add_coordinator",
    "programs.delete_coordinator",
    "programs.view_application",
}


def _codenames(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_group_has_exactly_the_moderation_permissions() -> None:
    assert _codenames(moderators_group()) == EXPECTED


def test_the_group_grants_no_way_to_change_the_audit_log_or_member_records() -> None:
    granted = _codenames(moderators_group())
    for forbidden in [
        "moderation.add_auditentry",
        "moderation.change_auditentry",
        "moderation.delete_auditentry",
        "accounts.change_user",
        "accounts.delete_user",
        "auth.change_group",
        "posts.change_post",
        "posts.delete_post",
    ]:
        assert forbidden not in granted


def test_a_moderator_is_staff_not_superuser_and_holds_the_group_permissions(
    moderator: User,
) -> None:
    assert moderator.is_staff and not moderator.is_superuser
    assert moderator.get_all_permissions() == EXPECTED


def test_the_demo_moderator_is_in_the_group() -> None:
    moderators_group()
    seed(io.StringIO())
    moderator = User.objects.get(email="moderator@rounds.test")
    assert moderator.groups.filter(name="Moderators").exists()
    assert moderator.has_perm("moderation.change_reportcase")
    assert not moderator.is_superuser
