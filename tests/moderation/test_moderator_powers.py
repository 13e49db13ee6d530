"""Every site-moderator power outside the panel, used by each kind of reader.

Only a moderator signed in with a code from their authenticator app may use one. Staff
whose session has not passed two-factor (no app, or an app but no code this session) and
staff without the power's permission get exactly what an ordinary member gets: the same
answer, no change made, no moderator control on the page (accounts.moderators), and
nothing in the audit log. The moderator's use writes its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, VerificationMethod, VerificationRequest
from mentoring.models import Mentorship, Message
from moderation.models import ActionKind, AuditEntry
from moderation.services import file_report
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
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentorship
from tests.moderation.conftest import make_moderator
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory, public_hashtag

pytestmark = pytest.mark.django_db

LOGIN = "login"
MOVED = "moved"

# The moderator comes last: their use of a power changes what it acts on.
READERS = (
    "anonymous",
    "member",
    "staff_without_an_app",
    "staff_without_a_code",
    "staff_without_permission",
    "moderator",
)


@dataclass
class Scene:
    private_circle: Circle
    pending: Membership
    group_moderator: Membership
    plain_member: Membership
    private_post: Post
    public_circle: Circle
    public_post: Post
    hashtag: Hashtag
    mentorship: Mentorship
    verification_request: VerificationRequest


@pytest.fixture
def scene() -> Scene:
    private_circle = CircleFactory.create(slug="night-shift", is_private=True)
    founder = MembershipFactory.create(circle=private_circle, role=MembershipRole.MODERATOR).member
    public_circle = CircleFactory.create(slug="wards")
    MembershipFactory.create(circle=public_circle, role=MembershipRole.MODERATOR)
    MembershipFactory.create(circle=public_circle)
    mentorship = make_mentorship()
    message = Message.objects.create(
        mentorship=mentorship, sender=mentorship.mentor, body="Call me on my own number"
    )
    file_report(reporter=mentorship.mentee, target=message, reason="harassment")
    return Scene(
        private_circle=private_circle,
        pending=MembershipFactory.create(circle=private_circle, status=MembershipStatus.PENDING),
        group_moderator=MembershipFactory.create(
            circle=private_circle, role=MembershipRole.MODERATOR
        ),
        plain_member=MembershipFactory.create(circle=private_circle),
        private_post=PostFactory.create(
            author=founder, circle=private_circle, visibility=Visibility.GROUP, body="Inside"
        ),
        public_circle=public_circle,
        public_post=PostFactory.create(circle=public_circle, visibility=Visibility.GROUP),
        hashtag=public_hashtag("handhygiene"),
        mentorship=mentorship,
        verification_request=VerificationRequest.objects.create(
            member=UserFactory.create(),
            method=VerificationMethod.NPI,
            npi="1234567893",
            document=SimpleUploadedFile("licence.pdf", b"%PDF-1.4\n%%EOF\n"),
            document_content_type="application/pdf",
        ),
    )


def _staff(*, is_moderator: bool, has_app: bool) -> User:
    staff = make_moderator(with_mfa=has_app) if is_moderator else ModeratorFactory.create()
    if is_moderator:
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
        )
    elif has_app:
        give_totp(staff)
    return User.objects.get(pk=staff.pk)


def _client(reader: str) -> Client:
    client = Client()
    if reader == "member":
        client.force_login(UserFactory.create())
    elif reader == "staff_without_an_app":
        client.force_login(_staff(is_moderator=True, has_app=False))
    elif reader == "staff_without_a_code":
        # An app, but this session was signed in with the password alone.
        client.force_login(_staff(is_moderator=True, has_app=True))
    elif reader == "staff_without_permission":
        sign_in_with_two_factor(client, _staff(is_moderator=False, has_app=True))
    elif reader == "moderator":
        sign_in_with_two_factor(client, _staff(is_moderator=True, has_app=True))
    return client


@dataclass(frozen=True)
class Power:
    """A moderator power: where it is, what an ordinary member and a moderator get there,
    and (for actions) the form it takes and the change it makes, or (for pages every
    reader opens) the control only a moderator is shown."""

    url: Callable[[Scene], str]
    member: int | str
    moderator: int | str
    anonymous: int | str = LOGIN
    data: Callable[[Scene], dict[str, Any]] | None = None
    done: Callable[[Scene], bool] | None = None
    control: str = ""
    # The audit entry the moderator's use writes (none for the others).
    audited: str = ""


def _membership_url(action: str, membership: str) -> Callable[[Scene], str]:
    def url(scene: Scene) -> str:
        target = getattr(scene, membership)
        return reverse(f"posts:{action}", args=[scene.private_circle.slug, target.pk])

    return url


def _gone(membership: str) -> Callable[[Scene], bool]:
    return lambda scene: not Membership.objects.filter(pk=getattr(scene, membership).pk).exists()


def _remove_post_url(scene: Scene) -> str:
    return reverse(
        "posts:circle_remove_post", args=[scene.private_circle.slug, scene.private_post.pk]
    )


def _campaign_form(scene: Scene) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    return {
        "hashtag": scene.hashtag.name,
        "title": "Clean hands week",
        "description": "Five moments.",
        "starts_on": today,
        "ends_on": today,
    }


POWERS: dict[str, Power] = {
    # Pages only a moderator may open
    "a private group's members and requests": Power(
        url=lambda s: reverse("posts:circle_members", args=[s.private_circle.slug]),
        anonymous=404,
        member=404,
        moderator=200,
        control="Requests to join (1)",
    ),
    # Site moderators read any group, to moderate it (Circle.objects.readable_by): its
    # posts on its page and their own pages.
    "a private group's post": Power(
        url=lambda s: reverse("posts:detail", args=[s.private_post.pk]),
        anonymous=404,
        member=404,
        moderator=200,
        control="Remove this post from the group",
    ),
    "the page to remove a private group's post": Power(
        url=_remove_post_url, member=404, moderator=200, control="Inside"
    ),
    "the campaign form": Power(
        url=lambda s: reverse("posts:campaign_create"), member=404, moderator=200
    ),
    "a reported mentorship": Power(
        url=lambda s: reverse("mentoring:mentorship", args=[s.mentorship.pk]),
        member=404,
        moderator=200,
        control="Call me on my own number",
        audited=ActionKind.OPEN_REPORTED_MENTORSHIP,
    ),
    "a reported mentorship's earlier messages": Power(
        url=lambda s: reverse("mentoring:messages", args=[s.mentorship.pk]),
        member=404,
        moderator=200,
        control="Call me on my own number",
        audited=ActionKind.OPEN_REPORTED_MENTORSHIP,
    ),
    "a verification document": Power(
        url=lambda s: reverse("accounts:verification_document", args=[s.verification_request.pk]),
        anonymous=404,
        member=404,
        moderator=200,
    ),
    # Pages every reader opens, with controls only a moderator is shown
    "a private group's page": Power(
        url=lambda s: reverse("posts:circle", args=[s.private_circle.slug]),
        anonymous=200,
        member=200,
        moderator=200,
        control="Inside",
    ),
    "a public group's page": Power(
        url=lambda s: reverse("posts:circle", args=[s.public_circle.slug]),
        anonymous=200,
        member=200,
        moderator=200,
        control="Manage members and requests",
    ),
    # A group's members are inside it, like its posts: not for visitors
    # (Circle.objects.readable_by).
    "a public group's members": Power(
        url=lambda s: reverse("posts:circle_members", args=[s.public_circle.slug]),
        anonymous=404,
        member=200,
        moderator=200,
        control="Make moderator",
    ),
    "a post in a public group": Power(
        url=lambda s: reverse("posts:detail", args=[s.public_post.pk]),
        anonymous=404,
        member=200,
        moderator=200,
        control="Remove this post from the group",
    ),
    "a hashtag's page": Power(
        url=lambda s: reverse("posts:hashtag", args=[s.hashtag.name]),
        anonymous=200,
        member=200,
        moderator=200,
        control="Make this a campaign",
    ),
    # Actions
    "approving a request to join": Power(
        url=_membership_url("membership_approve", "pending"),
        data=lambda s: {},
        member=404,
        moderator=MOVED,
        done=lambda s: Membership.objects.get(pk=s.pending.pk).is_active,
        audited=ActionKind.APPROVE_GROUP_REQUEST,
    ),
    "declining a request to join": Power(
        url=_membership_url("membership_remove", "pending"),
        data=lambda s: {"reason": "Not a night-shift worker"},
        member=404,
        moderator=MOVED,
        done=_gone("pending"),
        audited=ActionKind.DECLINE_GROUP_REQUEST,
    ),
    "removing a group moderator": Power(
        url=_membership_url("membership_remove", "group_moderator"),
        data=lambda s: {"reason": "Deleted members' posts"},
        member=404,
        moderator=MOVED,
        done=_gone("group_moderator"),
        audited=ActionKind.REMOVE_GROUP_MEMBER,
    ),
    "making a member a group moderator": Power(
        url=_membership_url("membership_promote", "plain_member"),
        data=lambda s: {},
        member=404,
        moderator=MOVED,
        done=lambda s: Membership.objects.get(pk=s.plain_member.pk).is_moderator,
        audited=ActionKind.MAKE_GROUP_MODERATOR,
    ),
    "removing a private group's post": Power(
        url=_remove_post_url,
        data=lambda s: {"reason": "Identifiable photo"},
        member=404,
        moderator=MOVED,
        done=lambda s: Post.objects.get(pk=s.private_post.pk).removed_by_moderators_at is not None,
        audited=ActionKind.REMOVE,
    ),
    "starting a campaign": Power(
        url=lambda s: reverse("posts:campaign_create"),
        data=_campaign_form,
        member=404,
        moderator=MOVED,
        done=lambda s: Campaign.objects.filter(hashtag=s.hashtag).exists(),
        audited=ActionKind.MAKE_CAMPAIGN,
    ),
}


def _answer(response: Any) -> int | str:
    if response.status_code != 302:
        return response.status_code
    return LOGIN if response["Location"].startswith("/accounts/login/") else MOVED


def _expected(power: Power, reader: str) -> int | str:
    if reader == "anonymous":
        return power.anonymous
    return power.moderator if reader == "moderator" else power.member


def _shows_control(power: Power, response: Any) -> bool:
    if response.status_code != 200 or not hasattr(response, "content"):
        return False
    return power.control in response.content.decode()


@pytest.mark.parametrize("name", list(POWERS))
def test_only_a_moderator_signed_in_with_a_code_uses_a_moderator_power(
    scene: Scene, name: str
) -> None:
    power = POWERS[name]
    url = power.url(scene)
    mismatches = []
    for reader in READERS:
        client = _client(reader)
        logged_before = AuditEntry.objects.count()
        if power.data is None:
            response = client.get(url)
        else:
            response = client.post(url, power.data(scene))
        logged = list(
            AuditEntry.objects.order_by("id")[logged_before:].values_list("action", flat=True)
        )
        expected_log = [power.audited] if power.audited and reader == "moderator" else []
        if logged != expected_log:
            mismatches.append(f"{reader}: the audit log got {logged}, expected {expected_log}")
        got = _answer(response)
        if got != _expected(power, reader):
            mismatches.append(f"{reader}: expected {_expected(power, reader)}, got {got}")
        if power.done is not None and power.done(scene) != (reader == "moderator"):
            mismatches.append(f"{reader}: the change was {'not ' * (reader == 'moderator')}made")
        if power.control and _shows_control(power, response) != (reader == "moderator"):
            mismatches.append(f"{reader}: the moderator control {power.control!r} is wrong")
    assert mismatches == []
