"""Removing a reported item and sanctioning its author in the same step, and the panel's
front page listing the audit log's latest entries as its "Recent actions"."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from moderation.models import ActionKind, AuditEntry, CaseStatus, ModerationAction, ReportCase
from moderation.services import ModerationRefused, remove_and_sanction, warn_member
from notifications.models import Kind, Notification
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory
from tests.moderation.conftest import make_moderator
from tests.moderation.factories import report
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


def _act(client: Client, case: ReportCase, **data: str) -> Any:
    url = reverse("admin:moderation_reportcase_act", args=[case.pk, "remove"])
    return client.post(url, {f"remove-{key}": value for key, value in data.items()})


def _case_page(client: Client, case: ReportCase) -> str:
    return client.get(
        reverse("admin:moderation_reportcase_change", args=[case.pk])
    ).content.decode()


def _moderator_who_may_not_act_on_members() -> User:
    moderator = make_moderator()
    for group in moderator.groups.all():
        moderator.user_permissions.add(*group.permissions.exclude(codename="can_moderate_members"))
    moderator.groups.clear()
    return User.objects.get(pk=moderator.pk)


def test_the_case_page_offers_a_sanction_with_the_removal(moderator_client: Client) -> None:
    case = report(PostFactory.create())
    html = _case_page(moderator_client, case)
    assert 'name="remove-sanction"' in html
    assert "Also suspend the author" in html and "Also warn the author" in html
    assert 'name="remove-suspension_days"' in html


def test_removing_and_suspending_for_some_days_in_one_step(
    moderator_client: Client, moderator: User
) -> None:
    post = PostFactory.create()
    case = report(post, reporters=2)
    before = timezone.now()
    response = _act(
        moderator_client,
        case,
        reason="Patient photo",
        sanction="suspend",
        suspension_days="14",
        sanction_reason="Second patient photo this month",
    )
    assert response.status_code == 302
    post.refresh_from_db()
    author = User.objects.get(pk=post.author_id)
    assert post.removed_by_moderators_at is not None and post.removal_reason == "Patient photo"
    assert author.is_suspended
    assert author.suspension_reason == "Second patient photo this month"
    assert author.suspended_until is not None
    assert (
        before + dt.timedelta(days=14)
        <= author.suspended_until
        <= timezone.now() + dt.timedelta(days=14)
    )
    assert ReportCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    actions = ModerationAction.objects.filter(case=case).order_by("id")
    assert [action.kind for action in actions] == [ActionKind.REMOVE, ActionKind.SUSPEND]
    entries = AuditEntry.objects.order_by("id")
    assert [(entry.action, entry.actor_id) for entry in entries] == [
        ("remove", moderator.pk),
        ("suspend", moderator.pk),
    ]
    assert entries[1].reason == "Second patient photo this month"
    told = Notification.objects.filter(recipient=author, kind=Kind.MODERATION)
    assert sorted(told.values_list("title", flat=True)) == [
        "Moderators removed something you posted.",
        "Your account has been suspended.",
    ]
    # Each reporter is thanked once, not once per decision.
    assert Notification.objects.filter(kind=Kind.REPORT).count() == 2


def test_removing_and_warning_uses_the_removal_reason_when_none_is_given(
    moderator_client: Client,
) -> None:
    post = PostFactory.create()
    case = report(post)
    _act(moderator_client, case, reason="Spam links", sanction="warn")
    warning = ModerationAction.objects.get(kind=ActionKind.WARN)
    assert (warning.subject_id, warning.reason, warning.case_id) == (
        post.author_id,
        "Spam links",
        case.pk,
    )
    assert not User.objects.get(pk=post.author_id).is_suspended


def test_only_removing_sanctions_no_one(moderator_client: Client) -> None:
    post = PostFactory.create()
    case = report(post)
    _act(moderator_client, case, reason="Off topic", sanction="none")
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [ActionKind.REMOVE]


@pytest.mark.parametrize("days", ["", "0", "366", "seven"])
def test_a_suspension_needs_a_sensible_number_of_days(moderator_client: Client, days: str) -> None:
    post = PostFactory.create()
    case = report(post)
    response = _act(
        moderator_client, case, reason="Patient photo", sanction="suspend", suspension_days=days
    )
    assert response.status_code == 400
    assert 'id="id_remove-suspension_days_error"' in response.content.decode()
    post.refresh_from_db()
    assert post.removed_by_moderators_at is None
    assert ModerationAction.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_moderator_who_may_not_act_on_members_removes_without_a_sanction(
    client: Client,
) -> None:
    moderator = _moderator_who_may_not_act_on_members()
    sign_in_with_two_factor(client, moderator)
    post = PostFactory.create()
    case = report(post)
    html = _case_page(client, case)
    assert "Remove the item" in html and 'name="remove-sanction"' not in html
    # A sanction slipped into the form is not taken.
    _act(client, case, reason="Spam", sanction="suspend", suspension_days="7")
    post.refresh_from_db()
    assert post.removed_by_moderators_at is not None
    assert not User.objects.get(pk=post.author_id).is_suspended
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [ActionKind.REMOVE]


def test_the_service_refuses_a_sanction_without_the_right_and_changes_nothing() -> None:
    moderator = _moderator_who_may_not_act_on_members()
    post = PostFactory.create()
    case = report(post)
    with pytest.raises(ModerationRefused, match="permission to warn or suspend"):
        remove_and_sanction(moderator=moderator, case=case, reason="Spam", sanction="warn")
    post.refresh_from_db()
    assert post.removed_by_moderators_at is None
    assert ModerationAction.objects.count() == 0


def test_a_refused_suspension_leaves_the_item_in_place(moderator: User) -> None:
    post = PostFactory.create(author=ModeratorFactory.create())
    case = report(post)
    with pytest.raises(ModerationRefused, match="Staff accounts"):
        remove_and_sanction(
            moderator=moderator,
            case=case,
            reason="Spam",
            sanction="suspend",
            suspended_until=timezone.now() + dt.timedelta(days=3),
        )
    post.refresh_from_db()
    assert post.removed_by_moderators_at is None


def test_the_front_page_lists_the_latest_audit_entries(
    moderator_client: Client, moderator: User, django_assert_max_num_queries: Any
) -> None:
    for index in range(12):
        case = report(PostFactory.create(title=f"Item {index:02d}"))
        remove_and_sanction(
            moderator=moderator, case=case, reason=f"Reason {index}", sanction="none"
        )
    html = moderator_client.get(reverse("admin:index")).content.decode()
    recent = html.split('id="recent-actions-title"', 1)[1].split("</section>", 1)[0]
    assert "None available" not in html
    items = re.findall(r"<li>.*?</li>", recent, re.DOTALL)
    assert len(items) == 10
    assert "Item 11" in items[0] and "Item 02" in items[-1]
    assert moderator.display_name in recent or str(moderator) in recent
    assert reverse("admin:moderation_auditentry_changelist") in recent


def test_the_front_page_before_any_decision(moderator_client: Client) -> None:
    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert "No decisions yet" in html and "None available" not in html


def test_staff_who_may_not_read_the_log_see_no_entries(client: Client, moderator: User) -> None:
    warned = PostFactory.create().author
    warn_member(moderator=moderator, member=warned, reason="Secret reason")
    staff = ModeratorFactory.create()
    staff.user_permissions.add(Permission.objects.get(codename="view_reportcase"))
    TOTP.activate(staff, generate_totp_secret())
    sign_in_with_two_factor(client, User.objects.get(pk=staff.pk))
    html = client.get(reverse("admin:index")).content.decode()
    recent = html.split('id="recent-actions-title"', 1)[1].split("</section>", 1)[0]
    assert "The audit log is for moderators." in recent
    assert "<li>" not in recent and warned.display_name not in recent
