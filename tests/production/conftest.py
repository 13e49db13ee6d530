"""The world the CSRF and URL-matrix tests visit: one of each object, and seven readers."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import User, VerificationMethod, VerificationRequest
from deploy.local_nginx import nginx_binary
from mentoring.models import (
    AvailabilitySlot,
    Goal,
    MentorRequest,
    Mentorship,
    Message,
    ScheduledMeeting,
)
from moderation.models import ActionKind, ModerationAction
from moderation.services import file_report
from notifications.models import Kind, Notification, PushSubscription
from notifications.services import unsubscribe_token
from posts.models import (
    Circle,
    Comment,
    Hashtag,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    PostHashtag,
    PostKind,
)
from posts.models import Visibility as PostVisibility
from programs.milestones import add_default_milestones
from programs.models import (
    Application,
    Coordinator,
    MatchRun,
    Milestone,
    Program,
    ProgramPair,
    ProgramStatus,
    ProposedPair,
    Question,
    RunStatus,
    Side,
)
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.moderation.conftest import moderators_group
from tests.notifications.helpers import make_notification

# The fault tests start their own Redis and SMTP server, as the delivery tests do.
from tests.notifications.test_delivery_integration import (  # noqa: F401
    broker,
    redis_server,
    smtp,
)
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

READERS = (
    "anonymous",
    "member",
    "other_member",
    "suspended",
    "staff_without_two_factor",
    "staff_without_permission",
    "moderator",
)
# Readers whose session passed two-factor authentication (signed in with a code).
TWO_FACTOR_READERS = ("staff_without_permission", "moderator")


@dataclass
class World:
    """`owner` is the "member" reader: the author, group moderator, mentee and recipient
    of everything below; `other` is a member who owns none of it. One of the mentorship's
    messages is reported, so a site moderator may read it."""

    owner: User
    other: User
    suspended: User
    staff_without_two_factor: User
    staff_without_permission: User
    moderator: User
    mentor: User
    second_mentor: User
    free_mentor: User
    post: Post
    comment: Comment
    event: Post
    mentor_post: Post
    circle: Circle
    circle_post: Post
    pending_membership: Membership
    mentorship: Mentorship
    mentor_request: MentorRequest
    goal: Goal
    meeting: ScheduledMeeting
    availability_slot: AvailabilitySlot
    program: Program
    program_pair: ProgramPair
    milestone: Milestone
    question: Question
    application: Application
    proposed_pair: ProposedPair
    mentor_application: Application
    notification: Notification
    push_device: PushSubscription
    verification_request: VerificationRequest
    decision: ModerationAction
    unsubscribe_token: str
    email_confirmation_key: str
    reset_uidb36: str
    reset_key: str

    def reader(self, name: str) -> User | None:
        return {
            "anonymous": None,
            "member": self.owner,
            "other_member": self.other,
            "suspended": self.suspended,
            "staff_without_two_factor": self.staff_without_two_factor,
            "staff_without_permission": self.staff_without_permission,
            "moderator": self.moderator,
        }[name]

    def client_for(self, name: str, **options: Any) -> Client:
        """A fresh client signed in as the reader (some pages sign a different member out:
        allauth's email confirmation link does, for one)."""
        client = Client(**options)
        user = self.reader(name)
        if name in TWO_FACTOR_READERS:
            assert user is not None  # Each two-factor reader is a member.
            sign_in_with_two_factor(client, user)
        elif user is not None:
            client.force_login(user)
        return client


def _staff(handle: str, *, is_moderator: bool, has_app: bool) -> User:
    """Staff; a moderator is in the Moderators group and may read reported mentorships."""
    staff = ModeratorFactory.create(handle=handle)
    if is_moderator:
        staff.groups.add(moderators_group())
        staff.user_permissions.add(
            Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
        )
    if has_app:
        give_totp(staff)
    return User.objects.get(pk=staff.pk)


@pytest.fixture
def world(db: None) -> World:
    owner = make_mentee(UserFactory.create(handle="owner"))
    other = UserFactory.create(handle="other")
    suspended = UserFactory.create(
        handle="suspended", suspended_at=timezone.now(), suspension_reason="Spam."
    )
    mentor = make_mentor().user
    second_mentor = make_mentor().user
    free_mentor = make_mentor().user

    post = PostFactory.create(author=owner, body="A #rounds pearl about fluid balance.")
    PostHashtag.objects.create(
        post=post, hashtag=Hashtag.objects.create(name="rounds"), created_at=post.created_at
    )
    circle = CircleFactory.create(slug="night-shift", is_private=True)
    MembershipFactory.create(circle=circle, member=owner, role=MembershipRole.MODERATOR)
    applicant = UserFactory.create()
    pending = MembershipFactory.create(
        circle=circle, member=applicant, status=MembershipStatus.PENDING
    )
    circle_post = PostFactory.create(author=owner, circle=circle, visibility=PostVisibility.GROUP)

    mentorship = make_mentorship(mentor=mentor, mentee=owner)
    message = Message.objects.create(mentorship=mentorship, sender=mentor, body="Call me")
    file_report(reporter=owner, target=message, reason="harassment")
    # A running program the owner coordinates, whose published cohort holds the owner's
    # mentorship, with a proposal of a later cohort waiting for review.
    program = Program.objects.create(
        name="Pathways",
        slug="pathways",
        organisation="Riverside School of Medicine",
        term_starts_on=timezone.localdate(),
        term_ends_on=timezone.localdate() + datetime.timedelta(days=120),
        status=ProgramStatus.RUNNING,
        created_by=owner,
    )
    Coordinator.objects.create(program=program, user=owner)
    add_default_milestones(program)
    accepted = {"status": "accepted", "submitted_at": timezone.now()}
    program_pair = ProgramPair.objects.create(
        program=program,
        run=MatchRun.objects.create(program=program, method="optimal", status=RunStatus.PUBLISHED),
        mentorship=mentorship,
        mentee_application=Application.objects.create(
            program=program, applicant=owner, side=Side.MENTEE, **accepted
        ),
        mentor_application=Application.objects.create(
            program=program, applicant=mentor, side=Side.MENTOR, **accepted
        ),
    )
    applicant = make_mentee(UserFactory.create(handle="applicant"))
    application = Application.objects.create(
        program=program, applicant=applicant, side=Side.MENTEE, **accepted
    )
    mentor_application = Application.objects.create(
        program=program, applicant=second_mentor, side=Side.MENTOR, **accepted
    )
    proposed_pair = ProposedPair.objects.create(
        run=MatchRun.objects.create(program=program, method="optimal"),
        mentee=application,
        mentor=mentor_application,
        score=50.0,
    )
    starts_at = timezone.now() + datetime.timedelta(days=3)
    unconfirmed = EmailAddress.objects.create(
        user=owner, email="owner.second@example.org", verified=False
    )
    return World(
        owner=owner,
        other=other,
        suspended=suspended,
        # A moderator who signed in with the password alone, and has no app to give a code.
        staff_without_two_factor=_staff("staff-no-app", is_moderator=True, has_app=False),
        staff_without_permission=_staff("staff-outsider", is_moderator=False, has_app=True),
        moderator=_staff("moderator", is_moderator=True, has_app=True),
        mentor=mentor,
        second_mentor=second_mentor,
        free_mentor=free_mentor,
        post=post,
        comment=CommentFactory.create(post=post, author=owner),
        event=PostFactory.create(
            author=owner,
            kind=PostKind.EVENT,
            title="Ask a nephrologist",
            starts_at=timezone.now() + datetime.timedelta(hours=2),
            duration_minutes=60,
        ),
        mentor_post=PostFactory.create(author=mentor),
        circle=circle,
        circle_post=circle_post,
        pending_membership=pending,
        mentorship=mentorship,
        mentor_request=MentorRequest.objects.create(mentee=owner, mentor=second_mentor),
        goal=Goal.objects.create(mentorship=mentorship, title="Draft a personal statement"),
        meeting=ScheduledMeeting.objects.create(
            mentorship=mentorship,
            proposed_by=mentor,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=30),
            mode="messages",
            status="accepted",
            first_accepted_at=timezone.now(),
            decided_at=timezone.now(),
        ),
        availability_slot=AvailabilitySlot.objects.create(
            user=owner, weekday=1, start_time=datetime.time(18), end_time=datetime.time(20)
        ),
        program=program,
        program_pair=program_pair,
        milestone=Milestone.objects.filter(program=program).earliest("pk"),
        question=Question.objects.create(program=program, prompt="Why do you want to join?"),
        application=application,
        proposed_pair=proposed_pair,
        mentor_application=mentor_application,
        notification=make_notification(owner, kind=Kind.COMMENT, url=post.get_absolute_url()),
        push_device=PushSubscription.objects.create(
            member=owner,
            endpoint="https://push.example.org/send/owner-device",
            p256dh="B" + "A" * 86,
            auth="A" * 22,
        ),
        verification_request=VerificationRequest.objects.create(
            member=owner,
            method=VerificationMethod.NPI,
            npi="1234567893",
            document=SimpleUploadedFile("licence.pdf", b"%PDF-1.4\n%%EOF\n"),
            document_content_type="application/pdf",
        ),
        decision=ModerationAction.objects.create(
            kind=ActionKind.WARN, subject=owner, reason="Please keep case details de-identified."
        ),
        unsubscribe_token=unsubscribe_token(user=owner, scope=Kind.COMMENT),
        email_confirmation_key=EmailConfirmationHMAC(unconfirmed).key,
        reset_uidb36=user_pk_to_url_str(owner),
        reset_key=default_token_generator.make_token(owner),
    )


@pytest.fixture(scope="module")
def nginx_installed() -> None:
    """The proxy tests run the compose stack's nginx: without it they are skipped, or fail
    when REQUIRE_SERVICES=1 says every service must be there."""
    if nginx_binary() is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but nginx is not installed (apt-get install nginx)")
        pytest.skip("needs nginx (apt-get install nginx)")
