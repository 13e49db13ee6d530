"""The request workflow and the mentorship's life: every rule and transition."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Block, User, VerificationStatus
from mentoring import workflow
from mentoring.models import (
    Feedback,
    MentorProfile,
    MentorRequest,
    Mentorship,
    RequestStatus,
)
from mentoring.workflow import TransitionRefused
from notifications.models import Kind, Notification
from tests.factories import (
    HighSchoolStudentFactory,
    PhysicianFactory,
    ResidentFactory,
    UserFactory,
)
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db
# How long a racing thread may take to reach the start line or to finish: generous, as the
# machine may be busy, and only a stuck thread waits that long.
RACE_DEADLINE = 120


@pytest.fixture
def mentor() -> MentorProfile:
    return make_mentor()


@pytest.fixture
def mentee() -> User:
    return make_mentee()


def _request(mentee: User, mentor_profile: MentorProfile) -> MentorRequest:
    return workflow.do_request_mentor(
        mentee=mentee, mentor=mentor_profile.user, message="Hello, I'd like help with the MCAT."
    )


# --- Asking ---------------------------------------------------------------------------------


def test_it_sends_a_request_and_notifies_the_mentor(mentor: MentorProfile, mentee: User) -> None:
    mentor_request = _request(mentee, mentor)
    assert mentor_request.status == RequestStatus.REQUESTED
    note = Notification.objects.get(recipient=mentor.user)
    assert note.kind == Kind.MENTOR_REQUEST
    assert mentee.display_name in note.title


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_accepting": False}, "not accepting new mentees"),
        ({"stages": ["medical_student"]}, "does not mentor pre-med students"),
        ({"capacity": 1, "active_mentee_count": 1}, "no room for another mentee"),
    ],
)
def test_it_refuses_a_mentor_who_fails_a_hard_filter(
    mentor: MentorProfile, mentee: User, change: dict[str, object], message: str
) -> None:
    for field, value in change.items():
        setattr(mentor, field, value)
    mentor.refresh_search_tags()
    mentor.save()
    with pytest.raises(TransitionRefused, match=message):
        _request(mentee, mentor)
    assert not MentorRequest.objects.exists()
    assert not Notification.objects.exists()


def test_it_refuses_a_mentor_who_lost_verification(mentor: MentorProfile, mentee: User) -> None:
    mentor.user.verification_status = VerificationStatus.PENDING
    mentor.user.save()
    with pytest.raises(TransitionRefused, match="not a verified physician"):
        _request(mentee, mentor)


def test_it_refuses_a_member_without_a_mentor_profile(mentee: User) -> None:
    with pytest.raises(TransitionRefused, match="does not offer mentoring"):
        workflow.do_request_mentor(mentee=mentee, mentor=PhysicianFactory.create())


def test_it_refuses_a_student_with_a_mentor_profile_as_mentor(mentee: User) -> None:
    student_profile = make_mentor(UserFactory.create())
    with pytest.raises(TransitionRefused, match="does not offer mentoring"):
        _request(mentee, student_profile)


@pytest.mark.parametrize("blocker_is_mentor", [True, False])
def test_it_refuses_when_either_side_blocked_the_other(
    mentor: MentorProfile, mentee: User, blocker_is_mentor: bool
) -> None:
    if blocker_is_mentor:
        Block.objects.create(blocker=mentor.user, blocked=mentee)
    else:
        Block.objects.create(blocker=mentee, blocked=mentor.user)
    with pytest.raises(TransitionRefused, match="cannot ask"):
        _request(mentee, mentor)


def test_it_refuses_a_suspended_mentee(mentor: MentorProfile, mentee: User) -> None:
    mentee.suspended_at = timezone.now()
    mentee.save()
    with pytest.raises(TransitionRefused, match="suspended"):
        _request(mentee, mentor)


def test_it_refuses_a_mentee_with_an_unverified_email(mentor: MentorProfile) -> None:
    with pytest.raises(TransitionRefused, match="confirm your email"):
        _request(UserFactory.create(email_verified=False), mentor)


def test_it_refuses_a_physician_as_mentee(mentor: MentorProfile) -> None:
    with pytest.raises(TransitionRefused, match="for students and residents"):
        _request(PhysicianFactory.create(), mentor)


def test_a_minor_needs_a_mentor_who_accepts_high_school_mentees(mentor: MentorProfile) -> None:
    # A 17-year-old pre-med: their role's stage is accepted, but they are a minor.
    minor = UserFactory.create(birth_year=timezone.now().year - 17)
    assert minor.is_minor
    with pytest.raises(TransitionRefused, match="under 18"):
        _request(minor, mentor)
    mentor.stages = ["high_school", "premed"]
    mentor.refresh_search_tags()
    mentor.save()
    assert _request(minor, mentor).status == RequestStatus.REQUESTED


def test_a_high_school_student_needs_high_school_acceptance(mentor: MentorProfile) -> None:
    student = HighSchoolStudentFactory.create()
    with pytest.raises(TransitionRefused, match="high-school students"):
        _request(student, mentor)


def test_a_required_language_must_be_spoken(mentor: MentorProfile) -> None:
    mentee = make_mentee(languages=["es"], language_required=True)
    with pytest.raises(TransitionRefused, match="language you require"):
        _request(mentee, mentor)
    mentor.languages = ["en", "es"]
    mentor.save()
    assert _request(mentee, mentor)


def test_an_unrequired_language_does_not_filter(mentor: MentorProfile) -> None:
    mentee = make_mentee(languages=["es"], language_required=False)
    assert _request(mentee, mentor)


def test_a_mentee_has_at_most_three_pending_requests(mentee: User) -> None:
    for _ in range(3):
        _request(mentee, make_mentor())
    with pytest.raises(TransitionRefused, match="at most 3 requests"):
        _request(mentee, make_mentor())
    assert MentorRequest.objects.filter(mentee=mentee).count() == 3


def test_answered_requests_do_not_count_towards_the_limit(mentee: User) -> None:
    requests = [_request(mentee, make_mentor()) for _ in range(3)]
    workflow.do_withdraw_request(mentor_request=requests[0], actor=mentee)
    assert _request(mentee, make_mentor())


def test_one_pending_request_per_mentor(mentor: MentorProfile, mentee: User) -> None:
    _request(mentee, mentor)
    with pytest.raises(TransitionRefused, match="already asked"):
        _request(mentee, mentor)
    assert MentorRequest.objects.count() == 1


def test_the_database_refuses_a_second_pending_request_for_a_pair(
    mentor: MentorProfile, mentee: User
) -> None:
    MentorRequest.objects.create(mentee=mentee, mentor=mentor.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorRequest.objects.create(mentee=mentee, mentor=mentor.user)
    # Once answered, the pair may try again.
    MentorRequest.objects.update(status=RequestStatus.DECLINED)
    MentorRequest.objects.create(mentee=mentee, mentor=mentor.user)


def test_the_database_refuses_a_request_to_oneself() -> None:
    user = ResidentFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorRequest.objects.create(mentee=user, mentor=user)


def test_it_refuses_asking_ones_current_mentor(mentor: MentorProfile, mentee: User) -> None:
    make_mentorship(mentor.user, mentee)
    with pytest.raises(TransitionRefused, match="already your mentor"):
        _request(mentee, mentor)


def test_it_refuses_asking_oneself() -> None:
    resident = ResidentFactory.create()
    profile = make_mentor(resident, stages=["resident"])
    with pytest.raises(TransitionRefused, match="your own mentor"):
        _request(resident, profile)


# --- Answering ------------------------------------------------------------------------------


def test_accepting_opens_a_mentorship_and_notifies_the_mentee(
    mentor: MentorProfile, mentee: User
) -> None:
    mentor_request = _request(mentee, mentor)
    mentorship = workflow.do_accept_request(mentor_request=mentor_request, actor=mentor.user)
    mentor_request.refresh_from_db()
    mentor.refresh_from_db()
    assert mentor_request.status == RequestStatus.ACCEPTED
    assert mentor_request.decided_at is not None
    assert mentorship.status == "active"
    assert (mentorship.mentor, mentorship.mentee) == (mentor.user, mentee)
    assert mentor.active_mentee_count == 1
    note = Notification.objects.get(recipient=mentee)
    assert note.kind == Kind.MENTOR_REQUEST
    assert note.url == mentorship.get_absolute_url()


@pytest.mark.parametrize(
    "step", [workflow.do_accept_request, workflow.do_decline_request, workflow.do_withdraw_request]
)
def test_each_answer_writes_the_status_its_check_returns(
    mentor: MentorProfile, mentee: User, monkeypatch: pytest.MonkeyPatch, step: Any
) -> None:
    """The table decides the new status: no step sets it by hand."""
    mentor_request = _request(mentee, mentor)
    returned: list[str] = []
    check = workflow.check_request_transition

    def spy(**kwargs: Any) -> str:
        returned.append(check(**kwargs))
        # A status no step would write by itself: only the check's answer can put it there.
        return RequestStatus.EXPIRED

    monkeypatch.setattr(workflow, "check_request_transition", spy)
    actor = mentee if step is workflow.do_withdraw_request else mentor.user
    step(mentor_request=mentor_request, actor=actor)
    mentor_request.refresh_from_db()
    assert len(returned) == 1
    assert mentor_request.status == RequestStatus.EXPIRED


def test_declining_keeps_the_note_and_notifies_the_mentee(
    mentor: MentorProfile, mentee: User
) -> None:
    mentor_request = _request(mentee, mentor)
    workflow.do_decline_request(
        mentor_request=mentor_request, actor=mentor.user, note="  I'm full this term.  "
    )
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.DECLINED
    assert mentor_request.decline_note == "I'm full this term."
    assert Notification.objects.filter(recipient=mentee, kind=Kind.MENTOR_REQUEST).exists()
    assert not Mentorship.objects.exists()


def test_withdrawing_notifies_the_mentor(mentor: MentorProfile, mentee: User) -> None:
    mentor_request = _request(mentee, mentor)
    workflow.do_withdraw_request(mentor_request=mentor_request, actor=mentee)
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=mentor.user, title__contains="withdrew").exists()


@pytest.mark.parametrize(
    ("action", "who", "message"),
    [
        ("accept", "mentee", "Only the mentor"),
        ("decline", "mentee", "Only the mentor"),
        ("withdraw", "mentor", "Only the member who sent"),
        ("accept", "outsider", "Only the mentor"),
        ("decline", "outsider", "Only the mentor"),
        ("withdraw", "outsider", "Only the member who sent"),
    ],
)
def test_only_the_right_side_may_act(
    mentor: MentorProfile, mentee: User, action: str, who: str, message: str
) -> None:
    mentor_request = _request(mentee, mentor)
    actor = {"mentor": mentor.user, "mentee": mentee, "outsider": PhysicianFactory.create()}[who]
    actions: dict[str, Callable[..., object]] = {
        "accept": workflow.do_accept_request,
        "decline": workflow.do_decline_request,
        "withdraw": workflow.do_withdraw_request,
    }
    do = actions[action]
    with pytest.raises(TransitionRefused, match=message):
        do(mentor_request=mentor_request, actor=actor)
    mentor_request.refresh_from_db()
    assert mentor_request.status == RequestStatus.REQUESTED
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ("withdraw", "accept", "no longer be accepted: it has been withdrawn"),
        ("decline", "accept", "no longer be accepted: it has already been declined"),
        ("accept", "accept", "no longer be accepted: it has already been accepted"),
        ("accept", "decline", "no longer be declined: it has already been accepted"),
        ("accept", "withdraw", "no longer be withdrawn: it has already been accepted"),
        ("decline", "decline", "no longer be declined"),
        ("withdraw", "withdraw", "no longer be withdrawn"),
        ("expire", "accept", "it expired without an answer"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    mentor: MentorProfile, mentee: User, first: str, then: str, message: str
) -> None:
    mentor_request = _request(mentee, mentor)
    actors = {"accept": mentor.user, "decline": mentor.user, "withdraw": mentee}
    steps: dict[str, Callable[..., object]] = {
        "accept": workflow.do_accept_request,
        "decline": workflow.do_decline_request,
        "withdraw": workflow.do_withdraw_request,
    }
    if first == "expire":
        workflow.do_expire_request(mentor_request=mentor_request)
    else:
        steps[first](mentor_request=mentor_request, actor=actors[first])
    mentor_request.refresh_from_db()
    before = (mentor_request.status, mentor_request.decided_at, mentor_request.decline_note)
    mentorships = Mentorship.objects.count()
    notifications = Notification.objects.count()
    with pytest.raises(TransitionRefused, match=message):
        steps[then](mentor_request=mentor_request, actor=actors[then])
    mentor_request.refresh_from_db()
    assert (mentor_request.status, mentor_request.decided_at, mentor_request.decline_note) == before
    assert Mentorship.objects.count() == mentorships
    assert Notification.objects.count() == notifications


def test_the_transitions_table_is_the_whole_state_machine() -> None:
    assert set(workflow.REQUEST_TRANSITIONS.values()) == {
        (RequestStatus.ACCEPTED, "mentor"),
        (RequestStatus.DECLINED, "mentor"),
        (RequestStatus.WITHDRAWN, "mentee"),
        (RequestStatus.EXPIRED, "system"),
    }
    assert {from_status for from_status, _ in workflow.REQUEST_TRANSITIONS} == {"requested"}
    assert {from_status for from_status, _ in workflow.MENTORSHIP_TRANSITIONS} == {"active"}


def test_a_member_cannot_expire_a_request_by_hand(mentor: MentorProfile, mentee: User) -> None:
    mentor_request = _request(mentee, mentor)
    with pytest.raises(TransitionRefused, match="expire on their own"):
        workflow.check_request_transition(
            mentor_request=mentor_request, action="expire", actor=mentor.user
        )


def test_a_suspended_mentor_cannot_accept(mentor: MentorProfile, mentee: User) -> None:
    mentor_request = _request(mentee, mentor)
    mentor.user.suspended_at = timezone.now()
    mentor.user.save()
    with pytest.raises(TransitionRefused, match="suspended"):
        workflow.do_accept_request(mentor_request=mentor_request, actor=mentor.user)
    assert not Mentorship.objects.exists()


def test_a_mentor_cannot_accept_past_capacity(mentee: User) -> None:
    mentor = make_mentor(capacity=1)
    first = _request(mentee, mentor)
    second = _request(make_mentee(), mentor)
    workflow.do_accept_request(mentor_request=first, actor=mentor.user)
    with pytest.raises(TransitionRefused, match="1 of the 1 mentees"):
        workflow.do_accept_request(mentor_request=second, actor=mentor.user)
    second.refresh_from_db()
    assert second.status == RequestStatus.REQUESTED
    assert Mentorship.objects.filter(mentor=mentor.user).count() == 1


def test_capacity_counts_real_mentorships_not_the_stored_counter(mentee: User) -> None:
    mentor = make_mentor(capacity=1)
    pending = _request(mentee, mentor)
    make_mentorship(mentor.user, UserFactory.create())
    # A stale counter must not let a mentor past capacity.
    MentorProfile.objects.filter(pk=mentor.pk).update(active_mentee_count=0)
    with pytest.raises(TransitionRefused, match="1 of the 1"):
        workflow.do_accept_request(mentor_request=pending, actor=mentor.user)


def test_a_mentor_cannot_accept_a_member_who_blocked_them_since(
    mentor: MentorProfile, mentee: User
) -> None:
    mentor_request = _request(mentee, mentor)
    Block.objects.create(blocker=mentee, blocked=mentor.user)
    with pytest.raises(TransitionRefused, match="walled off"):
        workflow.do_accept_request(mentor_request=mentor_request, actor=mentor.user)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_cannot_both_take_the_last_place() -> None:
    mentor = make_mentor(capacity=1)
    requests = [
        workflow.do_request_mentor(mentee=make_mentee(), mentor=mentor.user) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(mentor_request: MentorRequest) -> None:
        try:
            barrier.wait(timeout=RACE_DEADLINE)
            workflow.do_accept_request(mentor_request=mentor_request, actor=mentor.user)
            result = "accepted"
        except TransitionRefused as refusal:
            result = refusal.message
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(item,)) for item in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_DEADLINE)
        assert not thread.is_alive()

    assert outcomes.count("accepted") == 1
    assert any("1 of the 1 mentees" in outcome for outcome in outcomes)
    assert Mentorship.objects.filter(mentor=mentor.user, status="active").count() == 1
    mentor.refresh_from_db()
    assert mentor.active_mentee_count == 1
    statuses = sorted(MentorRequest.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "requested"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_cannot_exceed_three_pending() -> None:
    mentee = make_mentee()
    for _ in range(2):
        workflow.do_request_mentor(mentee=mentee, mentor=make_mentor().user)
    mentors = [make_mentor().user for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask(mentor_user: User) -> None:
        try:
            barrier.wait(timeout=RACE_DEADLINE)
            workflow.do_request_mentor(mentee=mentee, mentor=mentor_user)
            outcomes.append("sent")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(mentor_user,)) for mentor_user in mentors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_DEADLINE)
        assert not thread.is_alive()
    assert sorted(outcomes) == ["refused", "sent"]
    assert MentorRequest.objects.filter(mentee=mentee, status="requested").count() == 3


# --- The mentorship's end -------------------------------------------------------------------


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_either_side_completes_with_feedback(side: str) -> None:
    mentorship = make_mentorship()
    actor = getattr(mentorship, side)
    workflow.do_complete_mentorship(mentorship=mentorship, actor=actor, rating=5, comment="Great")
    mentorship.refresh_from_db()
    assert mentorship.status == "completed"
    assert mentorship.ended_by == actor
    assert Feedback.objects.get(mentorship=mentorship, author=actor).rating == 5
    other = mentorship.other_side(actor)
    note = Notification.objects.get(recipient=other)
    assert note.kind == Kind.MENTORSHIP
    assert "/feedback/" in note.url
    assert MentorProfile.objects.get(user=mentorship.mentor).active_mentee_count == 0


@pytest.mark.parametrize("side", ["mentor", "mentee"])
def test_either_side_ends_early_with_a_reason(side: str) -> None:
    mentorship = make_mentorship()
    actor = getattr(mentorship, side)
    workflow.do_end_mentorship(mentorship=mentorship, actor=actor, reason="Moving abroad")
    mentorship.refresh_from_db()
    assert mentorship.status == "ended"
    assert mentorship.end_reason == "Moving abroad"
    assert Notification.objects.filter(
        recipient=mentorship.other_side(actor), kind=Kind.MENTORSHIP
    ).exists()
    assert MentorProfile.objects.get(user=mentorship.mentor).active_mentee_count == 0


def test_ending_needs_a_reason() -> None:
    mentorship = make_mentorship()
    with pytest.raises(TransitionRefused, match="why"):
        workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentor, reason="  ")
    mentorship.refresh_from_db()
    assert mentorship.status == "active"


def test_completing_needs_a_rating_from_one_to_five() -> None:
    mentorship = make_mentorship()
    with pytest.raises(TransitionRefused, match="1 to 5"):
        workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentee, rating=6)
    mentorship.refresh_from_db()
    assert mentorship.status == "active"


def test_a_third_party_cannot_end_a_mentorship() -> None:
    mentorship = make_mentorship()
    with pytest.raises(TransitionRefused, match="Only the mentor and the mentee"):
        workflow.do_end_mentorship(
            mentorship=mentorship, actor=PhysicianFactory.create(), reason="x"
        )
    mentorship.refresh_from_db()
    assert mentorship.status == "active"


def test_a_mentorship_cannot_be_closed_twice() -> None:
    mentorship = make_mentorship()
    workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentor, rating=4)
    with pytest.raises(TransitionRefused, match="already completed"):
        workflow.do_end_mentorship(mentorship=mentorship, actor=mentorship.mentee, reason="x")
    with pytest.raises(TransitionRefused, match="already completed"):
        workflow.do_complete_mentorship(mentorship=mentorship, actor=mentorship.mentee, rating=4)
    assert Feedback.objects.count() == 1


def test_a_finished_mentorship_frees_a_place() -> None:
    mentor = make_mentor(capacity=1)
    waiting = _request(make_mentee(), mentor)
    mentorship = make_mentorship(mentor.user)
    with pytest.raises(TransitionRefused):
        workflow.do_accept_request(mentor_request=waiting, actor=mentor.user)
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentor.user, reason="Graduated")
    assert workflow.do_accept_request(mentor_request=waiting, actor=mentor.user)


def test_a_pair_can_start_again_after_a_mentorship_ends(
    mentor: MentorProfile, mentee: User
) -> None:
    mentorship = workflow.do_accept_request(
        mentor_request=_request(mentee, mentor), actor=mentor.user
    )
    workflow.do_end_mentorship(mentorship=mentorship, actor=mentee, reason="Busy term")
    again = workflow.do_accept_request(mentor_request=_request(mentee, mentor), actor=mentor.user)
    assert again.status == "active"
    assert timezone.now() - again.started_at < timedelta(minutes=1)
