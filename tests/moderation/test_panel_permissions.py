"""Who reaches each page and action of the moderation panel.

Personas: a visitor, a member, a staff member outside the Moderators group, a moderator
without an authenticator app, a moderator with one whose session was signed in without a
code, a moderator, and a superuser.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring.models import Message
from moderation.models import Appeal, AuditEntry, CaseStatus, ReportCase
from moderation.services import file_appeal, file_report, warn_member
from posts.models import Hashtag
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentorship
from tests.moderation.conftest import make_moderator, make_superuser
from tests.moderation.factories import (
    make_comment,
    pending_verification,
    privacy_override,
    report,
    reported_post,
)
from tests.posts.factories import CircleFactory, MembershipFactory
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "member",
    "staff_outsider",
    "moderator_without_mfa",
    "moderator_without_code",
    "moderator",
    "superuser",
]


def _persona(name: str) -> User | None:
    if name == "anonymous":
        return None
    if name == "member":
        return UserFactory.create()
    if name == "staff_outsider":
        staff = ModeratorFactory.create()
        TOTP.activate(staff, generate_totp_secret())
        return staff
    if name == "moderator_without_mfa":
        return make_moderator(with_mfa=False)
    if name in ("moderator", "moderator_without_code"):
        return make_moderator()
    return make_superuser()


def _client(name: str) -> Client:
    """Staff with an authenticator app sign in with a code from it, except the moderator
    whose session was signed in with the password alone."""
    client = Client()
    user = _persona(name)
    if user is None:
        return client
    if name in ("staff_outsider", "moderator", "superuser"):
        sign_in_with_two_factor(client, user)
    else:
        client.force_login(user)
    return client


def _assert_refused(name: str, response: Any) -> None:
    """Everyone but moderators and superusers is kept out, each in their own way."""
    if name in ("anonymous", "member"):
        # The admin sends them to sign in (through allauth, with its second step).
        assert response.status_code == 302
        assert "login" in response["Location"]
    elif name == "moderator_without_mfa":
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    elif name == "moderator_without_code":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('mfa_reauthenticate')}?next=")
    else:
        assert response.status_code == 403


def report_by(reporter: User, target: Any) -> ReportCase:
    file_report(reporter=reporter, target=target, reason="harassment")
    return ReportCase.objects.get(target_id=target.pk, status="open", reports__reporter=reporter)


def _pages() -> dict[str, Callable[[], str]]:
    """Every moderation page, each building what it shows."""

    def case_page() -> str:
        _, case = reported_post()
        return reverse("admin:moderation_reportcase_change", args=[case.pk])

    def comment_case_page() -> str:
        case = report(make_comment(), reason="harassment")
        return reverse("admin:moderation_reportcase_change", args=[case.pk])

    def profile_case_page() -> str:
        case = report(UserFactory.create(bio="Buy pills", bio_html="<p>Buy pills</p>"))
        return reverse("admin:moderation_reportcase_change", args=[case.pk])

    def message_case_page() -> str:
        mentorship = make_mentorship()
        message = Message.objects.create(
            mentorship=mentorship, sender=mentorship.mentor, body="Meet me off the site"
        )
        case = report_by(mentorship.mentee, message)
        return reverse("admin:moderation_reportcase_change", args=[case.pk])

    def appeal_page() -> str:
        member = UserFactory.create()
        action = warn_member(moderator=ModeratorFactory.create(), member=member, reason="Be kind")
        appeal = file_appeal(member=member, action=action, text="I was kind")
        return reverse("admin:moderation_appeal_change", args=[appeal.pk])

    def audit_page() -> str:
        warn_member(moderator=ModeratorFactory.create(), member=UserFactory.create(), reason="x")
        return reverse("admin:moderation_auditentry_change", args=[AuditEntry.objects.get().pk])

    def verification_page() -> str:
        return reverse(
            "admin:accounts_verificationrequest_change", args=[pending_verification().pk]
        )

    def override_page() -> str:
        return reverse("admin:privacy_privacyoverride_change", args=[privacy_override().pk])

    def user_page() -> str:
        return reverse("admin:accounts_user_change", args=[UserFactory.create().pk])

    def program_page() -> str:
        return reverse("admin:programs_program_change", args=[make_program().pk])

    def application_page() -> str:
        application = apply(make_program())
        return reverse("admin:programs_application_change", args=[application.pk])

    pages: dict[str, Callable[[], str]] = {
        "dashboard": lambda: reverse("admin:index"),
        "case": case_page,
        "comment case": comment_case_page,
        "profile case": profile_case_page,
        "message case": message_case_page,
        "appeal": appeal_page,
        "audit entry": audit_page,
        "verification": verification_page,
        "privacy override": override_page,
        "member": user_page,
        "program": program_page,
        "program application": application_page,
    }
    for name in [
        "moderation_reportcase",
        "moderation_report",
        "moderation_moderationaction",
        "moderation_appeal",
        "privacy_privacyoverride",
        "moderation_auditentry",
        "accounts_verificationrequest",
        "accounts_user",
        "posts_post",
        "posts_comment",
        "posts_hashtag",
        "posts_campaign",
        "posts_circle",
        "posts_membership",
        "mentoring_message",
        "programs_program",
        "programs_application",
    ]:
        pages[name] = partial(reverse, f"admin:{name}_changelist")
    return pages


PAGES = _pages()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_moderation_pages_are_for_moderators_and_superusers(persona: str, page: str) -> None:
    url = PAGES[page]()
    response = _client(persona).get(url)
    if persona in ("moderator", "superuser"):
        assert response.status_code == 200, response.content[:500]
    elif persona == "staff_outsider" and page == "dashboard":
        # Django shows staff an empty index; without the group there is nothing on it.
        assert response.status_code == 200
        assert b"Moderation dashboard" not in response.content
    else:
        _assert_refused(persona, response)


UNRELATED = ["auth_group", "posts_reaction", "posts_bookmark", "mentoring_mentorprofile"]


@pytest.mark.parametrize("page", UNRELATED)
def test_moderators_cannot_open_the_rest_of_the_admin(page: str) -> None:
    url = reverse(f"admin:{page}_changelist")
    assert _client("moderator").get(url).status_code == 403
    assert _client("superuser").get(url).status_code == 200


def test_the_moderator_index_lists_only_moderation_things() -> None:
    html = _client("moderator").get(reverse("admin:index")).content.decode()
    assert "Moderation dashboard" in html
    assert reverse("admin:moderation_reportcase_changelist") in html
    assert reverse("admin:accounts_verificationrequest_changelist") in html
    assert reverse("admin:auth_group_changelist") not in html
    assert reverse("admin:posts_reaction_changelist") not in html


def test_moderators_cannot_add_edit_or_delete_records_through_forms() -> None:
    client = _client("moderator")
    _, case = reported_post()
    member = UserFactory.create()
    refused = [
        reverse("admin:moderation_reportcase_add"),
        reverse("admin:moderation_reportcase_delete", args=[case.pk]),
        reverse("admin:accounts_user_delete", args=[member.pk]),
        reverse("admin:posts_circle_delete", args=[CircleFactory.create().pk]),
        reverse("admin:posts_campaign_add"),
    ]
    for url in refused:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {"email": "changed@example.org", "handle": member.handle},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.email != "changed@example.org"


# --- Actions (POST) ------------------------------------------------------------------------


def _case_action(name: str) -> Callable[[], tuple[str, dict[str, str], Callable[[], bool]]]:
    def build() -> tuple[str, dict[str, str], Callable[[], bool]]:
        post, case = reported_post()
        if name == "reinstate":
            from moderation.services import suspend_member

            suspend_member(
                moderator=ModeratorFactory.create(), member=post.author, reason="x", until=None
            )
        url = reverse("admin:moderation_reportcase_act", args=[case.pk, name])
        data = {f"{name}-reason": "Against the rules", f"{name}-duration": "7"}

        def done() -> bool:
            post.author.refresh_from_db()
            case.refresh_from_db()
            return {
                "dismiss": case.status == CaseStatus.CLOSED,
                "remove": case.status == CaseStatus.CLOSED,
                "warn": case.status == CaseStatus.CLOSED,
                "suspend": post.author.is_suspended,
                "reinstate": not post.author.is_suspended,
            }[name]

        return url, data, done

    return build


def _bulk_case_action(name: str) -> Callable[[], tuple[str, dict[str, Any], Callable[[], bool]]]:
    def build() -> tuple[str, dict[str, Any], Callable[[], bool]]:
        _, case = reported_post()
        data = {
            "action": name,
            "_selected_action": [str(case.pk)],
            "apply": "yes",
            "reason": "Against the rules",
            "duration": "1",
        }

        def done() -> bool:
            return ReportCase.objects.get(pk=case.pk).status == CaseStatus.CLOSED

        return reverse("admin:moderation_reportcase_changelist"), data, done

    return build


def _decide_appeal() -> tuple[str, dict[str, str], Callable[[], bool]]:
    member = UserFactory.create()
    action = warn_member(moderator=ModeratorFactory.create(), member=member, reason="Be kind")
    appeal = file_appeal(member=member, action=action, text="I was kind")
    url = reverse("admin:moderation_appeal_decide", args=[appeal.pk])
    return (
        url,
        {"note": "Fair warning", "decision": "uphold"},
        lambda: Appeal.objects.get(pk=appeal.pk).status == "upheld",
    )


def _changelist_action(
    admin_name: str, action: str, make: Callable[[], Any], extra: dict[str, str], check: Any
) -> Callable[[], tuple[str, dict[str, Any], Callable[[], bool]]]:
    def build() -> tuple[str, dict[str, Any], Callable[[], bool]]:
        obj = make()
        data = {"action": action, "_selected_action": [str(obj.pk)], "apply": "yes", **extra}
        return reverse(f"admin:{admin_name}_changelist"), data, lambda: check(obj)

    return build


def _refetch(obj: Any) -> Any:
    return type(obj).objects.filter(pk=obj.pk).first()


ACTIONS: dict[str, Callable[[], tuple[str, dict[str, Any], Callable[[], bool]]]] = {
    **{f"case {name}": _case_action(name) for name in ["dismiss", "remove", "warn", "suspend"]},
    "case reinstate": _case_action("reinstate"),
    **{
        f"bulk {name}": _bulk_case_action(name)
        for name in ["dismiss_cases", "remove_items", "warn_members", "suspend_members"]
    },
    "decide appeal": _decide_appeal,
    "bulk uphold appeal": _changelist_action(
        "moderation_appeal",
        "uphold",
        lambda: file_appeal(
            member=(member := UserFactory.create()),
            action=warn_member(moderator=ModeratorFactory.create(), member=member, reason="x"),
            text="No",
        ),
        {"note": "Stands"},
        lambda appeal: _refetch(appeal).status == "upheld",
    ),
    "mark override reviewed": _changelist_action(
        "privacy_privacyoverride",
        "mark_reviewed",
        privacy_override,
        {},
        lambda override: _refetch(override).reviewed_at is not None,
    ),
    "approve verification": _changelist_action(
        "accounts_verificationrequest",
        "approve",
        pending_verification,
        {},
        lambda request: _refetch(request).status == "verified",
    ),
    "reject verification": _changelist_action(
        "accounts_verificationrequest",
        "reject",
        pending_verification,
        {"reason": "The NPI belongs to someone else"},
        lambda request: _refetch(request).status == "rejected",
    ),
    "warn member": _changelist_action(
        "accounts_user",
        "warn_members",
        UserFactory,
        {"reason": "Mind the tone"},
        lambda user: user.moderation_actions.filter(kind="warn").exists(),
    ),
    "suspend member": _changelist_action(
        "accounts_user",
        "suspend_members",
        UserFactory,
        {"reason": "Spam", "duration": "30"},
        lambda user: _refetch(user).is_suspended,
    ),
    "make campaign": _changelist_action(
        "posts_hashtag",
        "turn_into_campaign",
        lambda: Hashtag.objects.create(name="stopthebleed"),
        {
            "title": "Stop the Bleed",
            "description": "Learn to stop bleeding.",
            "starts_on": "2030-05-01",
            "ends_on": "2030-05-31",
        },
        lambda hashtag: hasattr(_refetch(hashtag), "campaign"),
    ),
    "remove group": _changelist_action(
        "posts_circle",
        "remove_groups",
        CircleFactory,
        {"reason": "Spam group"},
        lambda circle: _refetch(circle) is None,
    ),
    "remove group moderator": _changelist_action(
        "posts_membership",
        "remove_group_moderators",
        lambda: MembershipFactory.create(role="moderator"),
        {"reason": "Abused the role"},
        lambda membership: _refetch(membership).role == "member",
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_moderation_actions_are_for_moderators_and_superusers(persona: str, action: str) -> None:
    url, data, done = ACTIONS[action]()
    client = _client(persona)
    response = client.post(url, data)
    if persona in ("moderator", "superuser"):
        assert response.status_code == 302, response.content[:3000]
        assert done(), action
    else:
        _assert_refused(persona, response)
        assert not done(), action
