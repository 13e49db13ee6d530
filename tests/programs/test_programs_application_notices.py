"""Coordinators hear of new applications: one notification per coordinator and program,
which a burst of applications joins and counts while it is unread; its email follows the
coordinator's preference; it links to the applications waiting for review. Invitations
answered are not announced this way (the inviter gets their own notice)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, User
from notifications.models import Delivery, EmailStatus, Kind, Notification
from notifications.services import mark_read, set_preferences
from programs.models import Coordinator, Program, Side, Visibility
from programs.services import programs as services
from programs.workflow import Refused
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.programs.factories import make_program
from tests.programs.program_personas import program_kind_has_a_delivery, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _program_kind_delivery(monkeypatch: Any) -> None:
    program_kind_has_a_delivery(monkeypatch)


def _program(**fields: Any) -> tuple[Program, User, User]:
    """A program run by two coordinators."""
    program = make_program(name="Cardiology Pathways", **fields)
    second = PhysicianFactory.create(display_name="Dr. Lena Park")
    Coordinator.objects.create(program=program, user=second, appointed_by=program.created_by)
    return program, program.created_by, second  # type: ignore[return-value]


def _mentee(name: str) -> User:
    return make_mentee(UserFactory.create(display_name=name))


def _apply(program: Program, member: User, side: str = Side.MENTEE) -> None:
    services.apply(program=program, member=member, side=side, answers={})


def _notices(user: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=Kind.PROGRAM))


def _waiting(program: Program, side: str) -> str:
    return (
        reverse("programs:applications", kwargs={"slug": program.slug})
        + f"?side={side}&status=submitted"
    )


def test_each_coordinator_hears_of_an_application_with_a_link_to_those_waiting() -> None:
    program, first, second = _program()
    ana = _mentee("Ana Ruiz")
    _apply(program, ana)
    for coordinator in (first, second):
        [notice] = _notices(coordinator)
        assert notice.title == "Ana Ruiz applied to Cardiology Pathways as a mentee"
        assert notice.url == _waiting(program, "mentee")
        assert notice.actor == ana and notice.target == program
        # Program news is emailed at once by default.
        assert notice.email_status == EmailStatus.PENDING
    # The applicant is not told of their own application.
    assert not Notification.objects.filter(recipient=ana).exists()


def test_the_link_opens_the_waiting_applications_for_a_coordinator_only() -> None:
    program, first, _ = _program()
    mentor = make_mentor(PhysicianFactory.create(display_name="Dr. Omar Haddad")).user
    _apply(program, mentor, Side.MENTOR)
    [notice] = _notices(first)
    assert notice.title == "Dr. Omar Haddad applied to Cardiology Pathways as a mentor"
    assert notice.url == _waiting(program, "mentor")
    page = signed_in(first).get(notice.url)
    assert page.status_code == 200
    assert "Dr. Omar Haddad" in page.content.decode()
    assert signed_in(mentor).get(notice.url).status_code in (403, 404)


def test_a_burst_of_applications_makes_one_notification_per_coordinator_that_counts_them() -> None:
    program, first, second = _program()
    for name in ("Ana Ruiz", "Ben Osei", "Chloé Martin"):
        _apply(program, _mentee(name))
    for coordinator in (first, second):
        [notice] = _notices(coordinator)
        assert notice.title == "Chloé Martin and 2 others applied to Cardiology Pathways"
        assert notice.group_size == 3
        assert notice.read_at is None
        # One email for the group, sent when it opened: the others joined it silently.
        assert notice.email_status == EmailStatus.PENDING
    assert Notification.objects.filter(kind=Kind.PROGRAM).count() == 2


def test_one_other_reads_in_the_singular() -> None:
    program, first, _ = _program()
    _apply(program, _mentee("Ana Ruiz"))
    _apply(program, _mentee("Ben Osei"))
    [notice] = _notices(first)
    assert notice.title == "Ben Osei and 1 other applied to Cardiology Pathways"


def test_once_read_the_next_application_opens_a_new_notification() -> None:
    program, first, second = _program()
    _apply(program, _mentee("Ana Ruiz"))
    [read] = _notices(first)
    mark_read(user=first, notification_id=read.pk)
    _apply(program, _mentee("Ben Osei"))
    titles = sorted(notice.title for notice in _notices(first))
    assert titles == [
        "Ana Ruiz applied to Cardiology Pathways as a mentee",
        "Ben Osei applied to Cardiology Pathways as a mentee",
    ]
    # The coordinator who had not read theirs still has one that counts both.
    [unread] = _notices(second)
    assert unread.title == "Ben Osei and 1 other applied to Cardiology Pathways"


def test_each_program_has_its_own_group() -> None:
    coordinator = PhysicianFactory.create()
    cardiology = make_program(coordinator, name="Cardiology Pathways")
    surgery = make_program(coordinator, name="Surgery Pathways")
    ana = _mentee("Ana Ruiz")
    _apply(cardiology, ana)
    _apply(surgery, ana)
    _apply(surgery, _mentee("Ben Osei"))
    assert sorted(notice.title for notice in _notices(coordinator)) == [
        "Ana Ruiz applied to Cardiology Pathways as a mentee",
        "Ben Osei and 1 other applied to Surgery Pathways",
    ]


def test_a_coordinator_who_applies_is_not_told_of_their_own_application() -> None:
    program, first, second = _program()
    make_mentor(second)
    _apply(program, second, Side.MENTOR)
    assert _notices(second) == []
    [notice] = _notices(first)
    assert notice.title == "Dr. Lena Park applied to Cardiology Pathways as a mentor"


def test_the_email_follows_the_coordinators_preference() -> None:
    program, first, second = _program()
    set_preferences(user=first, choices={Kind.PROGRAM: Delivery.OFF})
    set_preferences(user=second, choices={Kind.PROGRAM: Delivery.DIGEST})
    _apply(program, _mentee("Ana Ruiz"))
    [off] = _notices(first)
    [digest] = _notices(second)
    assert off.email_status == EmailStatus.SKIPPED
    assert digest.email_status == EmailStatus.DIGEST


def test_a_coordinator_walled_off_from_the_applicant_hears_nothing() -> None:
    program, first, second = _program()
    ana = _mentee("Ana Ruiz")
    Block.objects.create(blocker=first, blocked=ana)
    _apply(program, ana)
    assert _notices(first) == []
    assert len(_notices(second)) == 1


def test_a_suspended_coordinator_still_hears_as_notify_does_for_every_member() -> None:
    """`notify` records notifications for suspended members (they read them, and clear
    them, while suspended): a suspended coordinator is told like the others."""
    program, first, second = _program()
    User.objects.filter(pk=second.pk).update(suspended_at=timezone.now())
    _apply(program, _mentee("Ana Ruiz"))
    assert len(_notices(first)) == 1
    assert len(_notices(second)) == 1


def test_a_refused_application_tells_no_one() -> None:
    program, first, _ = _program()
    ana = _mentee("Ana Ruiz")
    _apply(program, ana)
    with pytest.raises(Refused, match="already applied"):
        _apply(program, ana)
    [notice] = _notices(first)
    assert notice.group_size == 1
    closed = make_program(first, status="draft")
    with pytest.raises(Refused):
        _apply(closed, _mentee("Ben Osei"))
    assert len(_notices(first)) == 1


def test_an_answered_invitation_is_a_single_notice_to_the_inviter() -> None:
    program, inviter, other = _program(visibility=Visibility.INVITE_ONLY)
    ana = _mentee("Ana Ruiz")
    services.invite_member(program=program, actor=inviter, member=ana, side=Side.MENTEE)
    _apply(program, ana)
    [notice] = _notices(inviter)
    assert notice.title == (
        "Ana Ruiz joined Cardiology Pathways through your invitation, as a mentee"
    )
    assert notice.group_key == ""
    # The other coordinator is not told of an application: there was none to review.
    assert _notices(other) == []


def test_applying_through_the_page_tells_the_coordinators() -> None:
    program, first, second = _program()
    ana = _mentee("Ana Ruiz")
    url = reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentee"})
    assert signed_in(ana).post(url, {}).status_code == 302
    assert [n.title for n in _notices(first)] == [
        "Ana Ruiz applied to Cardiology Pathways as a mentee"
    ]
    assert len(_notices(second)) == 1
