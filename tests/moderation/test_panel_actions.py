"""Each panel action's effect: on the content, the member, the reports, the notifications
(and email), and the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from moderation.models import (
    ActionKind,
    Appeal,
    AppealStatus,
    AuditEntry,
    CaseStatus,
    ModerationAction,
    ReportCase,
    ReportStatus,
)
from moderation.services import file_appeal, remove_content, suspend_member
from notifications.models import Kind, Notification
from posts.models import Campaign, Circle, Comment, Hashtag, Membership, Post
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.factories import (
    make_comment,
    pending_verification,
    privacy_override,
    report,
    reported_post,
)
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _act(client: Client, case: ReportCase, name: str, **data: str) -> Any:
    url = reverse("admin:moderation_reportcase_act", args=[case.pk, name])
    return client.post(url, {f"{name}-{key}": value for key, value in data.items()})


def _reporters(case: ReportCase) -> list[User]:
    return [report.reporter for report in case.reports.select_related("reporter")]


def _told(member: User) -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=member, kind__in=[Kind.MODERATION, Kind.REPORT]
        ).values_list("title", flat=True)
    )


def test_removing_a_post_from_its_case_page(moderator_client: Client, moderator: User) -> None:
    post = PostFactory.create()
    case = report(post, reporters=2)
    response = _act(moderator_client, case, "remove", reason="Medical misinformation")
    assert response.status_code == 302
    post.refresh_from_db()
    case.refresh_from_db()
    assert post.removed_by_moderators_at is not None
    assert post.removal_reason == "Medical misinformation"
    assert case.status == CaseStatus.CLOSED
    assert set(case.reports.values_list("status", flat=True)) == {ReportStatus.ACTIONED}
    for reporter in _reporters(case):
        assert _told(reporter) == ["Thank you for your report: moderators acted on it."]
    action = ModerationAction.objects.get(kind=ActionKind.REMOVE)
    assert _told(post.author) == ["Moderators removed something you posted."]
    notification = Notification.objects.get(recipient=post.author)
    assert notification.url == reverse("moderation:decision", args=[action.pk])
    entry = AuditEntry.objects.get()
    assert (entry.actor_id, entry.action, entry.target_id) == (moderator.pk, "remove", post.pk)
    assert entry.before == {"removed_at": None, "removal_reason": ""}
    assert entry.after["removal_reason"] == "Medical misinformation"


def test_removing_a_comment_takes_it_out_of_the_count(moderator_client: Client) -> None:
    comment = make_comment()
    case = report(comment, reason="harassment")
    _act(moderator_client, case, "remove", reason="Personal attack")
    comment.refresh_from_db()
    assert comment.removed_by_moderators_at is not None
    assert Post.objects.get(pk=comment.post_id).comment_count == 0


def test_a_profile_cannot_be_removed_only_acted_on(moderator_client: Client) -> None:
    case = report(UserFactory.create())
    response = moderator_client.get(reverse("admin:moderation_reportcase_change", args=[case.pk]))
    assert b"Remove the item" not in response.content
    response = _act(moderator_client, case, "remove", reason="x")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert not AuditEntry.objects.exists()


def test_dismissing_tells_the_reporters_not_the_author(moderator_client: Client) -> None:
    post, case = reported_post()
    _act(moderator_client, case, "dismiss", reason="Within the rules")
    case.refresh_from_db()
    post.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert post.removed_by_moderators_at is None
    assert case.reports.get().status == ReportStatus.DISMISSED
    assert _told(_reporters(case)[0]) == ["Thank you for your report: no action was needed."]
    assert _told(post.author) == []
    assert AuditEntry.objects.get().action == ActionKind.DISMISS


def test_a_warning_is_a_message_and_an_email(
    moderator_client: Client, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    post, case = reported_post()
    with django_capture_on_commit_callbacks(execute=True):
        _act(moderator_client, case, "warn", reason="Cite your sources")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert _told(post.author) == ["A warning from the moderators."]
    action = ModerationAction.objects.get(kind=ActionKind.WARN)
    assert action.reason == "Cite your sources"
    emails = [email for email in mailoutbox if email.to == [post.author.email]]
    assert len(emails) == 1
    link = reverse("moderation:decision", args=[action.pk])
    assert link in emails[0].body
    assert link in emails[0].alternatives[0][0]
    assert AuditEntry.objects.get().action == ActionKind.WARN


@pytest.mark.parametrize(
    ("duration", "days"), [("1", 1), ("7", 7), ("30", 30), ("indefinite", None)]
)
def test_suspending_for_a_duration_or_indefinitely(
    moderator_client: Client, duration: str, days: int | None
) -> None:
    post, case = reported_post()
    _act(moderator_client, case, "suspend", reason="Repeated spam", duration=duration)
    author = User.objects.get(pk=post.author_id)
    assert author.is_suspended
    assert author.suspension_reason == "Repeated spam"
    if days is None:
        assert author.suspended_until is None
    else:
        expected = timezone.now() + timedelta(days=days)
        assert abs((author.suspended_until - expected).total_seconds()) < 60
    assert ReportCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert _told(post.author) == ["Your account has been suspended."]
    entry = AuditEntry.objects.get()
    assert entry.before["suspended_at"] is None and entry.after["suspended_at"] is not None


def test_reinstating_from_a_case_page(moderator_client: Client) -> None:
    post, case = reported_post()
    suspend_member(
        moderator=ModeratorFactory.create(), member=post.author, reason="Spam", until=None
    )
    _act(moderator_client, case, "reinstate", reason="Suspended by mistake")
    assert not User.objects.get(pk=post.author_id).is_suspended
    assert "Your account has been reinstated." in _told(post.author)
    assert AuditEntry.objects.filter(action=ActionKind.REINSTATE).count() == 1


def test_an_action_without_a_reason_shows_the_form_again(moderator_client: Client) -> None:
    post, case = reported_post()
    response = _act(moderator_client, case, "remove", reason="   ")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    post.refresh_from_db()
    assert post.removed_by_moderators_at is None
    assert not AuditEntry.objects.exists()


def test_acting_twice_is_refused_with_a_message(moderator_client: Client) -> None:
    post, case = reported_post()
    _act(moderator_client, case, "remove", reason="Spam")
    response = _act(moderator_client, case, "remove", reason="Spam")
    assert response.status_code == 302
    html = moderator_client.get(response["Location"]).content.decode()
    assert "already been removed" in html
    assert AuditEntry.objects.count() == 1


def test_actions_must_be_posted(moderator_client: Client) -> None:
    _, case = reported_post()
    url = reverse("admin:moderation_reportcase_act", args=[case.pk, "dismiss"])
    assert moderator_client.get(url).status_code == 405
    bogus = reverse("admin:moderation_reportcase_act", args=[case.pk, "delete"])
    assert moderator_client.post(bogus).status_code == 404


def test_actions_need_the_csrf_token(moderator: User) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_with_two_factor(client, moderator)
    _, case = reported_post()
    response = _act(client, case, "dismiss", reason="x")
    assert response.status_code == 403
    assert ReportCase.objects.get(pk=case.pk).status == CaseStatus.OPEN


# --- Bulk actions --------------------------------------------------------------------------


def _bulk(client: Client, url: str, action: str, objects: list[Any], **data: Any) -> Any:
    return client.post(
        url, {"action": action, "_selected_action": [str(obj.pk) for obj in objects], **data}
    )


def test_a_bulk_action_asks_for_the_reason_first(moderator_client: Client) -> None:
    cases = [reported_post()[1] for _ in range(3)]
    url = reverse("admin:moderation_reportcase_changelist")
    response = _bulk(moderator_client, url, "remove_items", cases)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_reason">Reason' in html
    assert 'name="apply"' in html
    assert not Post.objects.filter(removed_by_moderators_at__isnull=False).exists()
    response = _bulk(moderator_client, url, "remove_items", cases, apply="yes", reason="Spam wave")
    assert response.status_code == 302
    assert Post.objects.filter(removed_by_moderators_at__isnull=False).count() == 3
    assert not ReportCase.objects.filter(status=CaseStatus.OPEN).exists()
    assert AuditEntry.objects.filter(action=ActionKind.REMOVE).count() == 3


def test_bulk_suspension_with_a_duration(moderator_client: Client) -> None:
    cases = [reported_post()[1] for _ in range(2)]
    url = reverse("admin:moderation_reportcase_changelist")
    _bulk(
        moderator_client,
        url,
        "suspend_members",
        cases,
        apply="yes",
        reason="Spam ring",
        duration="indefinite",
    )
    for case in cases:
        assert User.objects.get(pk=case.subject_id).is_suspended
        assert User.objects.get(pk=case.subject_id).suspended_until is None


def test_bulk_refusals_are_reported_one_by_one(moderator_client: Client) -> None:
    profile_case = report(UserFactory.create())
    _, post_case = reported_post()
    url = reverse("admin:moderation_reportcase_changelist")
    response = _bulk(
        moderator_client,
        url,
        "remove_items",
        [profile_case, post_case],
        apply="yes",
        reason="Spam",
        follow=True,
    )
    response = moderator_client.get(url)
    html = response.content.decode()
    assert "cannot be removed" in html
    assert ReportCase.objects.get(pk=post_case.pk).status == CaseStatus.CLOSED
    assert ReportCase.objects.get(pk=profile_case.pk).status == CaseStatus.OPEN


def test_a_bulk_action_without_a_reason_changes_nothing(moderator_client: Client) -> None:
    _, case = reported_post()
    url = reverse("admin:moderation_reportcase_changelist")
    response = _bulk(moderator_client, url, "dismiss_cases", [case], apply="yes", reason="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ReportCase.objects.get(pk=case.pk).status == CaseStatus.OPEN


# --- Appeals -------------------------------------------------------------------------------


def test_overturning_a_removal_restores_the_item(moderator_client: Client) -> None:
    post, _ = reported_post()
    action = remove_content(moderator=ModeratorFactory.create(), target=post, reason="Misread")
    appeal = file_appeal(member=post.author, action=action, text="It was a joke")
    response = moderator_client.post(
        reverse("admin:moderation_appeal_decide", args=[appeal.pk]),
        {"note": "Agreed, restored", "decision": "overturn"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED
    assert post.removed_by_moderators_at is None
    assert "Your appeal was decided: action overturned." in _told(post.author)
    assert AuditEntry.objects.filter(action=ActionKind.DECIDE_APPEAL).count() == 1
    assert AuditEntry.objects.filter(action=ActionKind.RESTORE).count() == 1


def test_an_appeal_decision_needs_a_choice_and_a_note(moderator_client: Client) -> None:
    member = UserFactory.create()
    action = suspend_member(
        moderator=ModeratorFactory.create(), member=member, reason="x", until=None
    )
    appeal = file_appeal(member=member, action=action, text="Please")
    url = reverse("admin:moderation_appeal_decide", args=[appeal.pk])
    assert moderator_client.post(url, {"note": "", "decision": "overturn"}).status_code == 400
    assert moderator_client.post(url, {"note": "ok"}).status_code == 400
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.OPEN


def test_the_appeal_page_shows_the_decision_and_the_text(moderator_client: Client) -> None:
    member = UserFactory.create()
    action = suspend_member(
        moderator=ModeratorFactory.create(), member=member, reason="Spam", until=None
    )
    appeal = file_appeal(member=member, action=action, text="I am a real doctor")
    html = moderator_client.get(
        reverse("admin:moderation_appeal_change", args=[appeal.pk])
    ).content.decode()
    assert "I am a real doctor" in html
    assert "Spam" in html
    assert "Overturn the decision" in html


# --- Verification, campaigns, groups, privacy overrides ----------------------------------


def test_approving_a_verification_is_audited(moderator_client: Client, moderator: User) -> None:
    request = pending_verification()
    url = reverse("admin:accounts_verificationrequest_changelist")
    response = _bulk(moderator_client, url, "approve", [request])
    assert response.status_code == 200 and b"Approve" in response.content
    _bulk(moderator_client, url, "approve", [request], apply="yes")
    request.refresh_from_db()
    assert request.status == "verified"
    assert User.objects.get(pk=request.member_id).is_verified
    entry = AuditEntry.objects.get()
    assert entry.action == ActionKind.APPROVE_VERIFICATION
    assert entry.after["identifier"] == "NPI 1234567893"
    assert Notification.objects.filter(recipient=request.member, kind=Kind.VERIFICATION).exists()


def test_rejecting_a_verification_needs_a_reason(moderator_client: Client) -> None:
    request = pending_verification()
    url = reverse("admin:accounts_verificationrequest_changelist")
    _bulk(moderator_client, url, "reject", [request], apply="yes", reason="")
    assert type(request).objects.get(pk=request.pk).status == "pending"
    _bulk(moderator_client, url, "reject", [request], apply="yes", reason="Blurred scan")
    request.refresh_from_db()
    assert (request.status, request.reason) == ("rejected", "Blurred scan")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason) == (ActionKind.REJECT_VERIFICATION, "Blurred scan")


def test_the_verification_queue_lists_pending_first_with_the_document(
    moderator_client: Client,
) -> None:
    decided = pending_verification()
    type(decided).objects.filter(pk=decided.pk).update(status="rejected")
    pending = pending_verification()
    html = moderator_client.get(
        reverse("admin:accounts_verificationrequest_changelist")
    ).content.decode()
    document = reverse("accounts:verification_document", kwargs={"pk": pending.pk})
    assert document in html
    assert html.index(f"/{pending.pk}/change/") < html.index(f"/{decided.pk}/change/")
    assert "NPI 1234567893" in html


def test_a_moderator_opens_the_private_document(moderator_client: Client) -> None:
    request = pending_verification()
    response = moderator_client.get(
        reverse("accounts:verification_document", kwargs={"pk": request.pk})
    )
    assert response.status_code == 200


def test_turning_a_hashtag_into_a_campaign(moderator_client: Client) -> None:
    hashtag = Hashtag.objects.create(name="heartmonth")
    url = reverse("admin:posts_hashtag_changelist")
    response = _bulk(moderator_client, url, "turn_into_campaign", [hashtag])
    assert b'enctype="multipart/form-data"' in response.content
    _bulk(
        moderator_client,
        url,
        "turn_into_campaign",
        [hashtag],
        apply="yes",
        title="Heart Month",
        description="Know your numbers.",
        starts_on="2030-02-01",
        ends_on="2030-02-28",
    )
    campaign = Campaign.objects.get(hashtag=hashtag)
    assert campaign.title == "Heart Month"
    entry = AuditEntry.objects.get()
    assert entry.action == ActionKind.MAKE_CAMPAIGN
    assert entry.after["hashtag"] == "heartmonth"


def test_editing_a_campaign_is_audited(moderator_client: Client) -> None:
    hashtag = Hashtag.objects.create(name="flu")
    campaign = Campaign.objects.create(
        hashtag=hashtag,
        title="Flu shots",
        description="Get one.",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    response = moderator_client.post(
        reverse("admin:posts_campaign_change", args=[campaign.pk]),
        {
            "title": "Flu shots now",
            "description": "Get one.",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "banner_alt": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get()
    assert entry.action == ActionKind.CHANGE_CAMPAIGN
    assert entry.before == {"title": "Flu shots"}
    assert entry.after == {"title": "Flu shots now"}


def test_removing_a_group_tells_its_moderators(moderator_client: Client) -> None:
    circle = CircleFactory.create(name="Miracle cures")
    owner = MembershipFactory.create(circle=circle, role="moderator").member
    PostFactory.create(circle=circle, visibility="group", author=owner)
    url = reverse("admin:posts_circle_changelist")
    _bulk(moderator_client, url, "remove_groups", [circle], apply="yes", reason="Quackery")
    assert not Circle.objects.filter(pk=circle.pk).exists()
    assert not Post.objects.filter(circle_id=circle.pk).exists()
    assert Notification.objects.get(recipient=owner).title == (
        "Moderators removed the group Miracle cures: Quackery"
    )
    entry = AuditEntry.objects.get()
    assert entry.action == ActionKind.REMOVE_GROUP
    assert entry.before["name"] == "Miracle cures"
    assert entry.before["post_count"] == 1
    assert entry.before["moderators"] == [owner.handle]


def test_removing_a_group_moderator_keeps_them_in_the_group(moderator_client: Client) -> None:
    membership = MembershipFactory.create(role="moderator")
    url = reverse("admin:posts_membership_changelist")
    _bulk(
        moderator_client,
        url,
        "remove_group_moderators",
        [membership],
        apply="yes",
        reason="Deleted members' posts",
    )
    membership = Membership.objects.get(pk=membership.pk)
    assert (membership.role, membership.status) == ("member", "active")
    assert Notification.objects.filter(recipient=membership.member, kind=Kind.GROUP).exists()
    assert AuditEntry.objects.get().action == ActionKind.REMOVE_GROUP_MODERATOR


def test_marking_privacy_overrides_reviewed(moderator_client: Client) -> None:
    override = privacy_override()
    html = moderator_client.get(
        reverse("admin:privacy_privacyoverride_changelist") + "?reviewed=no"
    ).content.decode()
    assert "Mrs Jane Roe" in html
    _bulk(
        moderator_client,
        reverse("admin:privacy_privacyoverride_changelist"),
        "mark_reviewed",
        [override],
    )
    override.refresh_from_db()
    assert override.reviewed_at is not None
    assert AuditEntry.objects.get().action == ActionKind.REVIEW_PRIVACY_OVERRIDE


def test_warning_and_suspending_from_the_member_list(moderator_client: Client) -> None:
    member = UserFactory.create()
    url = reverse("admin:accounts_user_changelist")
    _bulk(moderator_client, url, "warn_members", [member], apply="yes", reason="Tone")
    _bulk(moderator_client, url, "suspend_members", [member], apply="yes", reason="x", duration="7")
    member.refresh_from_db()
    assert member.is_suspended
    assert [entry.action for entry in AuditEntry.objects.order_by("id")] == ["warn", "suspend"]


def test_staff_cannot_be_suspended_from_the_member_list(moderator_client: Client) -> None:
    staff = ModeratorFactory.create()
    url = reverse("admin:accounts_user_changelist")
    _bulk(moderator_client, url, "suspend_members", [staff], apply="yes", reason="x", duration="7")
    staff.refresh_from_db()
    assert not staff.is_suspended


def test_the_removed_comment_keeps_its_place_in_the_queue_history(
    moderator_client: Client,
) -> None:
    comment = make_comment()
    case = report(comment)
    _act(moderator_client, case, "remove", reason="Spam")
    report(make_comment(author=comment.author))
    newest = ReportCase.objects.get(status="open")
    html = moderator_client.get(
        reverse("admin:moderation_reportcase_change", args=[newest.pk])
    ).content.decode()
    assert "Earlier decisions" in html
    assert "Remove content" in html
    assert Comment.objects.get(pk=comment.pk).removal_reason == "Spam"
