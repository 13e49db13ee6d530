"""Matching a program's cohort from its applications: runs, review actions, publishing."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from accounts.models import Block, User
from mentoring.models import MentorProfile, MentorRequest, Mentorship
from mentoring.workflow import TransitionRefused, open_program_mentorship
from notifications.models import Notification
from programs.models import (
    ApplicationStatus,
    MatchingMethod,
    MatchRun,
    Program,
    ProgramPair,
    ProgramStatus,
    ProposedPair,
    Question,
    QuestionKind,
    RunStatus,
    Side,
)
from programs.services import matching as services
from programs.workflow import Refused
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
RACE_DEADLINE = 120


def _mentor(program: Program, name: str, capacity: int = 1, **profile: object) -> User:
    user = PhysicianFactory.create(display_name=name)
    make_mentor(user, **profile)
    apply(program, user, side=Side.MENTOR, capacity=capacity)
    return user


def _mentee(program: Program, name: str, user: User | None = None, **preferences: object) -> User:
    user = user or UserFactory.create(display_name=name)
    make_mentee(user, **preferences)
    apply(program, user)
    return user


@pytest.fixture
def coordinator() -> User:
    return PhysicianFactory.create(display_name="Dr. Coordinator")


@pytest.fixture
def program(coordinator: User) -> Program:
    return make_program(coordinator, status=ProgramStatus.MATCHING)


def _pairs(run: MatchRun) -> dict[str, str]:
    return {
        pair.mentee.applicant.display_name: pair.mentor.applicant.display_name
        for pair in run.pairs.select_related("mentee__applicant", "mentor__applicant")
    }


def test_a_run_pairs_the_cohort_with_reasons_and_explains_the_unmatched(
    program: Program, coordinator: User
) -> None:
    _mentor(program, "Dr. Cardio", areas=["mcat"], specialties=["cardiology"])
    _mentor(program, "Dr. Research", areas=["research"], specialties=["neurology"])
    _mentee(program, "Ana", goals=["mcat"], specialties=["cardiology"])
    _mentee(program, "Ben", goals=["research"])
    minor = HighSchoolStudentFactory.create(display_name="Young Kim")
    _mentee(program, "Young Kim", user=minor)
    apply(program, UserFactory.create(), status=ApplicationStatus.SUBMITTED)  # not accepted

    run = services.run_matching(program=program, actor=coordinator, now=NOW)

    assert run.status == RunStatus.PROPOSED and run.method == MatchingMethod.OPTIMAL
    assert _pairs(run) == {"Ana": "Dr. Cardio", "Ben": "Dr. Research"}
    ana = run.pairs.get(mentee__applicant__display_name="Ana")
    assert "helps with your goal: MCAT" in ana.reasons
    assert "works in cardiology, which interests you" in ana.reasons
    # goals, specialty, time zone, language and all the places free; no meeting modes asked.
    assert ana.score == pytest.approx(40 + 20 + 12 + 6 + 8)
    assert run.greedy_score is not None and run.total_score >= run.greedy_score
    (entry,) = run.unmatched
    assert entry["reason"] == (
        "No mentor passes the hard filters: 2 of the 2 mentors do not mentor high-school students."
    )
    assert entry["for_mentee"] == "no mentor in the program mentors high-school students"


def test_hard_filters_minors_languages_blocks_and_existing_mentorships(
    program: Program, coordinator: User
) -> None:
    teen_mentor = _mentor(program, "Dr. Teen", stages=["high_school", "premed"], capacity=3)
    spanish = _mentor(program, "Dr. Spanish", languages=["es"], capacity=3)
    minor = HighSchoolStudentFactory.create(display_name="Teen")
    _mentee(program, "Teen", user=minor)
    _mentee(program, "Habla", languages=["es"], language_required=True)
    blocker = _mentee(program, "Blocker")
    Block.objects.create(blocker=blocker, blocked=teen_mentor)
    known = _mentee(program, "Known")
    make_mentorship(mentor=spanish, mentee=known)

    run = services.run_matching(program=program, actor=coordinator, now=NOW)

    pairs = _pairs(run)
    assert pairs["Teen"] == "Dr. Teen"
    assert pairs["Habla"] == "Dr. Spanish"
    assert pairs["Blocker"] == "Dr. Spanish"
    assert pairs["Known"] == "Dr. Teen"


def test_a_ranking_answer_weighs_the_goals(program: Program, coordinator: User) -> None:
    question = Question.objects.create(
        program=program, kind=QuestionKind.RANKING, prompt="Rank what you want help with"
    )
    _mentor(program, "Dr. MCAT", areas=["mcat"])
    _mentor(program, "Dr. Research", areas=["research"])
    user = UserFactory.create(display_name="Ranker")
    make_mentee(user, goals=["mcat", "research"])
    apply(program, user, answers={str(question.pk): ["research", "mcat", "<b>bogus</b>"]})

    run = services.run_matching(program=program, actor=coordinator, now=NOW)

    pair = run.pairs.get()
    assert pair.mentor.applicant.display_name == "Dr. Research"
    assert pair.reasons[0] == "helps with your first choice: Research and publishing"


def test_rerunning_replaces_the_proposal_and_keeps_locks_and_exclusions(
    program: Program, coordinator: User
) -> None:
    _mentor(program, "Dr. Best", areas=["mcat"])
    other = _mentor(program, "Dr. Other", areas=["research"])
    _mentor(program, "Dr. Third", areas=["career"])
    _mentee(program, "Ana", goals=["mcat"])
    first = services.run_matching(program=program, actor=coordinator, now=NOW)
    # Lock Ana with the weaker mentor by swapping in a second mentee's pair is not possible
    # here; lock the best pair and exclude another mentor instead.
    pair = first.pairs.get()
    services.set_locked(pair=pair, actor=coordinator, locked=True)
    excluded = services.set_mentor_excluded(
        run=first,
        mentor=other.program_applications.get(program=program),
        actor=coordinator,
        excluded=True,
        now=NOW,
    )
    assert not MatchRun.objects.filter(pk=first.pk).exists()
    _mentee(program, "Ben", goals=["research"])

    again = services.run_matching(program=program, actor=coordinator, now=NOW)

    assert MatchRun.objects.filter(program=program, status=RunStatus.PROPOSED).count() == 1
    assert (
        again.excluded_mentors == excluded.excluded_mentors == [other.program_applications.get().pk]
    )
    assert _pairs(again) == {"Ana": "Dr. Best", "Ben": "Dr. Third"}
    assert again.pairs.get(mentee__applicant__display_name="Ana").locked

    included = services.set_mentor_excluded(
        run=again,
        mentor=other.program_applications.get(),
        actor=coordinator,
        excluded=False,
        now=NOW,
    )
    assert included.excluded_mentors == []
    assert _pairs(included) == {"Ana": "Dr. Best", "Ben": "Dr. Other"}


def test_a_locked_pair_that_no_longer_fits_is_released_and_said_so(
    program: Program, coordinator: User
) -> None:
    mentor = _mentor(program, "Dr. Best")
    ana = _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    services.set_locked(pair=run.pairs.get(), actor=coordinator, locked=True)
    Block.objects.create(blocker=mentor, blocked=ana)
    released: list[str] = []

    again = services.run_matching(program=program, actor=coordinator, now=NOW, released=released)

    assert released == ["A locked pair was released: Ana and Dr. Best cannot be paired."]
    assert not again.pairs.exists()
    assert again.unmatched[0]["reason"].startswith("No mentor passes the hard filters: 1 of")


def test_excluding_a_mentor_with_a_locked_pair_is_refused(
    program: Program, coordinator: User
) -> None:
    mentor = _mentor(program, "Dr. Best")
    _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    services.set_locked(pair=run.pairs.get(), actor=coordinator, locked=True)
    with pytest.raises(Refused, match="Unlock the pairs with Dr. Best"):
        services.set_mentor_excluded(
            run=run,
            mentor=mentor.program_applications.get(),
            actor=coordinator,
            excluded=True,
        )
    assert MatchRun.objects.get(pk=run.pk).excluded_mentors == []


def test_swapping_mentors_rescores_both_pairs(program: Program, coordinator: User) -> None:
    _mentor(program, "Dr. MCAT", areas=["mcat"])
    _mentor(program, "Dr. Research", areas=["research"])
    _mentee(program, "Ana", goals=["mcat"])
    _mentee(program, "Ben", goals=["research"])
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    before = run.total_score
    ana = run.pairs.get(mentee__applicant__display_name="Ana")
    ben = run.pairs.get(mentee__applicant__display_name="Ben")

    services.swap_mentors(first=ana, second=ben, actor=coordinator, now=NOW)

    assert _pairs(run) == {"Ana": "Dr. Research", "Ben": "Dr. MCAT"}
    ana.refresh_from_db()
    assert ana.score == pytest.approx(before / 2 - 40)
    assert not any("goal" in reason for reason in ana.reasons)
    run.refresh_from_db()
    assert run.total_score == pytest.approx(before - 80)


def test_a_swap_that_breaks_a_hard_filter_is_refused_naming_it(
    program: Program, coordinator: User
) -> None:
    _mentor(program, "Dr. Teen", stages=["high_school", "premed"])
    _mentor(program, "Dr. Adults")
    _mentee(program, "Teen", user=HighSchoolStudentFactory.create(display_name="Teen"))
    _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    assert _pairs(run) == {"Teen": "Dr. Teen", "Ana": "Dr. Adults"}
    first, second = run.pairs.order_by("pk")

    with pytest.raises(Refused) as refusal:
        services.swap_mentors(first=first, second=second, actor=coordinator, now=NOW)

    assert refusal.value.message == (
        "That swap would break a hard filter: Dr. Adults does not mentor high-school "
        "students. Nothing was changed."
    )
    assert _pairs(run) == {"Teen": "Dr. Teen", "Ana": "Dr. Adults"}
    services.set_locked(pair=first, actor=coordinator, locked=True)
    with pytest.raises(Refused, match="Unlock a pair"):
        services.swap_mentors(first=first, second=second, actor=coordinator, now=NOW)
    with pytest.raises(Refused, match="two different pairs"):
        services.swap_mentors(first=second, second=second, actor=coordinator, now=NOW)


def test_only_coordinators_may_match(program: Program, coordinator: User) -> None:
    _mentor(program, "Dr. Best")
    _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    pair = run.pairs.get()
    other_program = make_program()
    outsider = other_program.coordinators.get().user
    for action in (
        lambda: services.run_matching(program=program, actor=outsider),
        lambda: services.set_locked(pair=pair, actor=outsider, locked=True),
        lambda: services.swap_mentors(first=pair, second=pair, actor=outsider),
        lambda: services.set_mentor_excluded(
            run=run, mentor=pair.mentor, actor=outsider, excluded=True
        ),
        lambda: services.discard(run=run, actor=outsider),
        lambda: services.publish(run=run, actor=outsider),
        lambda: services.set_matching_method(
            program=program, actor=outsider, method=MatchingMethod.STABLE
        ),
    ):
        with pytest.raises(Refused, match="Only the program's coordinators"):
            action()
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.PROPOSED
    assert not ProposedPair.objects.get(pk=pair.pk).locked


def test_a_suspended_coordinator_is_refused(
    program: Program, coordinator: User, suspended: User
) -> None:
    program.coordinators.create(user=suspended)
    with pytest.raises(Refused):
        services.run_matching(program=program, actor=suspended)


def test_matching_a_draft_or_closed_program_is_refused(coordinator: User) -> None:
    for status in (ProgramStatus.DRAFT, ProgramStatus.CLOSED):
        program = make_program(coordinator, status=status)
        with pytest.raises(Refused, match="programs that are open, matching or running"):
            services.run_matching(program=program, actor=coordinator)


def test_the_stable_method_is_used_when_chosen(program: Program, coordinator: User) -> None:
    services.set_matching_method(program=program, actor=coordinator, method=MatchingMethod.STABLE)
    _mentor(program, "Dr. Best")
    _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    assert run.method == MatchingMethod.STABLE
    assert run.pairs.count() == 1
    with pytest.raises(Refused, match="matching methods offered"):
        services.set_matching_method(program=program, actor=coordinator, method="random")


def test_discard(program: Program, coordinator: User) -> None:
    _mentor(program, "Dr. Best")
    _mentee(program, "Ana")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    services.discard(run=run, actor=coordinator)
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.DISCARDED
    with pytest.raises(Refused, match="discarded"):
        services.publish(run=run, actor=coordinator, now=NOW)
    with pytest.raises(Refused, match="discarded already"):
        services.discard(run=run, actor=coordinator)
    assert not Mentorship.objects.exists()


def test_publishing_opens_the_mentorships_and_tells_everyone(
    program: Program, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    best = _mentor(program, "Dr. Best", capacity=2)
    ana = _mentee(program, "Ana")
    ben = _mentee(program, "Ben")
    left = _mentee(program, "Left", languages=["fr"], language_required=True)
    run = services.run_matching(program=program, actor=coordinator, now=NOW)

    # The members are told by a task queued once the publishing commits.
    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish(run=run, actor=coordinator, now=NOW)

    assert published.status == RunStatus.PUBLISHED and published.cohort == "Cohort 1"
    assert published.published_by == coordinator and published.published_at == NOW
    mentorships = Mentorship.objects.filter(mentor=best, status="active")
    assert {m.mentee for m in mentorships} == {ana, ben}
    assert all(m.request.status == "accepted" for m in mentorships)
    assert {m.request.message for m in mentorships} == {f"Matched in {program.name}, Cohort 1."}
    assert MentorProfile.objects.get(user=best).active_mentee_count == 2
    assert ProgramPair.objects.filter(program=program, run=run).count() == 2
    program.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING
    titles = dict(Notification.objects.filter(kind="program").values_list("recipient", "title"))
    assert titles[ana.pk] == f"{program.name}: you are matched with Dr. Best as your mentor"
    assert Notification.objects.filter(recipient=best, kind="program").count() == 2
    assert titles[left.pk] == (
        f"{program.name}: we could not match you with a mentor this time (no mentor in the "
        "program speaks a language you require). You can still find a mentor yourself."
    )

    # A double click publishes once.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.publish(run=run, actor=coordinator, now=NOW)
    assert again.pk == run.pk
    assert Mentorship.objects.count() == 2
    assert Notification.objects.filter(kind="program").count() == 5


def test_a_second_cohort_leaves_out_the_matched_and_uses_the_places_left(
    program: Program, coordinator: User
) -> None:
    _mentor(program, "Dr. Best", capacity=2)
    _mentee(program, "Ana")
    services.publish(
        run=services.run_matching(program=program, actor=coordinator, now=NOW),
        actor=coordinator,
        cohort="  Spring   starters ",
        now=NOW,
    )
    assert MatchRun.objects.get(status=RunStatus.PUBLISHED).cohort == "Spring starters"
    _mentee(program, "Ben")
    _mentee(program, "Cleo")

    run = services.run_matching(program=program, actor=coordinator, now=NOW)

    assert len(_pairs(run)) == 1 and "Ana" not in _pairs(run)
    assert run.unmatched[0]["reason"] == (
        "Every mentor who fits (1) is full: their places went to other mentees."
    )
    assert services.default_cohort_name(program) == "Cohort 2"
    services.publish(run=run, actor=coordinator, now=NOW)
    assert MatchRun.objects.filter(status=RunStatus.PUBLISHED).count() == 2


def test_publishing_is_refused_whole_when_a_pair_no_longer_fits(
    program: Program, coordinator: User
) -> None:
    best = _mentor(program, "Dr. Best", capacity=2)
    _mentee(program, "Ana")
    ben = _mentee(program, "Ben")
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    make_mentorship(mentor=best, mentee=ben)

    with pytest.raises(Refused, match="Dr. Best already mentors Ben"):
        services.publish(run=run, actor=coordinator, now=NOW)

    assert Mentorship.objects.count() == 1  # only the one made by hand
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.PROPOSED
    assert not ProgramPair.objects.exists()
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING

    ben.program_applications.update(status=ApplicationStatus.WITHDRAWN)
    with pytest.raises(Refused, match="Ben is no longer an accepted applicant"):
        services.publish(run=run, actor=coordinator, now=NOW)
    with pytest.raises(Refused, match="under 60 characters"):
        services.publish(run=run, actor=coordinator, cohort="x" * 61, now=NOW)


def test_open_program_mentorship_recounts_and_refuses_an_active_pair() -> None:
    mentor = make_mentor(capacity=1).user
    mentee = make_mentee()
    make_mentorship(mentor=mentor)
    mentorship = open_program_mentorship(mentor=mentor, mentee=mentee, note="Matched", now=NOW)
    assert mentorship.started_at == NOW
    assert MentorProfile.objects.get(user=mentor).active_mentee_count == 2
    assert MentorRequest.objects.get(mentorship=mentorship).decided_at == NOW
    with pytest.raises(TransitionRefused, match="already mentors"):
        open_program_mentorship(mentor=mentor, mentee=mentee, now=NOW)
    with pytest.raises(TransitionRefused, match="no mentor profile"):
        open_program_mentorship(mentor=mentee, mentee=mentor, now=NOW)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_publishes_publish_once() -> None:
    coordinator = PhysicianFactory.create()
    program = make_program(coordinator, status=ProgramStatus.MATCHING)
    _mentor(program, "Dr. Best", capacity=3)
    for name in ("Ana", "Ben", "Cleo"):
        _mentee(program, name)
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def publish() -> None:
        try:
            barrier.wait(timeout=RACE_DEADLINE)
            result = services.publish(run=MatchRun.objects.get(pk=run.pk), actor=coordinator)
            outcome = result.status
        except Refused as refusal:
            outcome = refusal.message
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_DEADLINE)
        assert not thread.is_alive()

    assert outcomes == ["published", "published"]
    assert Mentorship.objects.count() == 3
    assert ProgramPair.objects.count() == 3
    assert Notification.objects.filter(kind="program").count() == 6
    assert MentorProfile.objects.get(user__display_name="Dr. Best").active_mentee_count == 3
