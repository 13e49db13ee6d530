"""Publishing a cohort at scale: bulk writes whose queries do not grow with the cohort, and
the members told afterwards by a task, each once, even when it runs twice or fails."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from accounts.models import Block, User
from mentoring.models import MentorProfile, MentorRequest, Mentorship
from mentoring.workflow import TransitionRefused, open_program_mentorships
from notifications.models import Notification
from programs import tasks
from programs.models import MatchRun, Program, ProgramPair, ProgramStatus, RunStatus, Side
from programs.services import matching as services
from programs.workflow import Refused
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
PER_MENTOR = 5
RACE_DEADLINE = 120
# Every query of publishing a cohort, whatever its size (29 now, 8 of them savepoints): the
# permission check, the program's and the run's locks, the pairs, the hard filters' six
# reads, the cohort's name, the profile locks and the pairs' active mentorships, the three
# bulk INSERTs, the recount, the run and the program's start.
PUBLISH_QUERIES = 30
# notify_cohort: a few per run, and per notification what `notify` costs (a preference
# read and the row).
NOTIFY_FIXED = 12
NOTIFY_PER_NOTIFICATION = 3


def _cohort(pairs: int, *, unmatched: int = 0) -> tuple[Program, User, MatchRun]:
    """A program whose proposal has `pairs` pairs (mentors of PER_MENTOR places each) and
    `unmatched` mentees nobody in it can take (they require French)."""
    coordinator = PhysicianFactory.create()
    program = make_program(coordinator, status=ProgramStatus.MATCHING)
    for index in range(-(-pairs // PER_MENTOR)):
        mentor = PhysicianFactory.create(display_name=f"Dr. Mentor {index}")
        make_mentor(mentor)
        apply(program, mentor, side=Side.MENTOR, capacity=PER_MENTOR)
    for index in range(pairs):
        apply(program, make_mentee(UserFactory.create(display_name=f"Mentee {index}")))
    for index in range(unmatched):
        user = UserFactory.create(display_name=f"Left {index}")
        apply(program, make_mentee(user, languages=["fr"], language_required=True))
    run = services.run_matching(program=program, actor=coordinator, now=NOW)
    assert run.pairs.count() == pairs and len(run.unmatched) == unmatched
    return program, coordinator, run


def _publish_queries(pairs: int) -> int:
    _, coordinator, run = _cohort(pairs)
    with CaptureQueriesContext(connection) as captured:
        services.publish(run=run, actor=coordinator, now=NOW)
    assert ProgramPair.objects.filter(run=run).count() == pairs
    return len(captured.captured_queries)


def test_publishing_costs_the_same_queries_for_5_and_40_pairs(
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    small, large = _publish_queries(5), _publish_queries(40)
    assert small == large
    _, coordinator, run = _cohort(40)
    with django_assert_max_num_queries(PUBLISH_QUERIES):
        services.publish(run=run, actor=coordinator, now=NOW)


def test_a_published_cohort_is_complete_and_recounted() -> None:
    program, coordinator, run = _cohort(12)
    services.publish(run=run, actor=coordinator, cohort="Spring", now=NOW)

    pairs = ProgramPair.objects.filter(run=run).select_related("mentorship__request")
    assert len(pairs) == 12
    for pair in pairs:
        mentorship = pair.mentorship
        assert mentorship.status == "active" and mentorship.started_at == NOW
        assert mentorship.mentee_id == pair.mentee_application.applicant_id
        assert mentorship.mentor_id == pair.mentor_application.applicant_id
        assert mentorship.request.status == "accepted"
        assert mentorship.request.decided_at == NOW
        assert mentorship.request.message == f"Matched in {program.name}, Spring."
        assert pair.notified_at is None
    counts = dict(
        MentorProfile.objects.filter(user__display_name__startswith="Dr. Mentor").values_list(
            "user_id", "active_mentee_count"
        )
    )
    assert len(counts) == 3
    for mentor_id, count in counts.items():
        assert count == sum(1 for pair in pairs if pair.mentorship.mentor_id == mentor_id)
    # Nobody is told inside the publishing transaction: a task does it after commit.
    assert not Notification.objects.filter(kind="program").exists()


def test_a_block_among_forty_pairs_refuses_the_whole_cohort() -> None:
    program, coordinator, run = _cohort(40)
    last = run.pairs.select_related("mentee__applicant", "mentor__applicant").last()
    assert last is not None
    Block.objects.create(blocker=last.mentee.applicant, blocked=last.mentor.applicant)

    with pytest.raises(Refused, match="cannot be paired. Run the matching again"):
        services.publish(run=run, actor=coordinator, now=NOW)

    assert not Mentorship.objects.exists() and not MentorRequest.objects.exists()
    assert not ProgramPair.objects.exists()
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.PROPOSED
    assert set(MentorProfile.objects.values_list("active_mentee_count", flat=True)) == {0}


def test_publishing_queues_the_notifying_after_commit_and_tells_each_member_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    program, coordinator, run = _cohort(7, unmatched=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(run=run, actor=coordinator, now=NOW)

    notifications = Notification.objects.filter(kind="program")
    # 7 mentees, 2 mentors (one per pair: 7 notifications), 2 unmatched mentees.
    assert notifications.count() == 7 + 7 + 2
    mentees = notifications.filter(title__contains="as your mentor")
    assert mentees.values("recipient").distinct().count() == 7
    left = notifications.filter(title__contains="could not match you")
    assert {n.recipient.display_name for n in left} == {"Left 0", "Left 1"}
    assert not ProgramPair.objects.filter(run=run, notified_at__isnull=True).exists()
    assert MatchRun.objects.get(pk=run.pk).unmatched_notified_at is not None

    # The task running again (a redelivery) tells nobody twice.
    assert tasks.notify_cohort(run.pk) == 0
    assert notifications.count() == 16


def test_notifying_a_cohort_is_bounded_per_member(
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    for size in (5, 40):
        _, coordinator, run = _cohort(size, unmatched=1)
        services.publish(run=run, actor=coordinator, now=NOW)
        written = 2 * size + 1
        with django_assert_max_num_queries(NOTIFY_FIXED + NOTIFY_PER_NOTIFICATION * written):
            assert services.notify_cohort(run_id=run.pk, now=NOW) == written


def test_a_notifying_that_fails_part_way_is_finished_by_the_next_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, coordinator, run = _cohort(6, unmatched=1)
    services.publish(run=run, actor=coordinator, now=NOW)
    monkeypatch.setattr(services, "NOTIFY_BATCH", 2)
    real_notify = services.notify
    calls = {"n": 0}

    def failing_notify(**kwargs: Any) -> Notification | None:
        calls["n"] += 1
        if calls["n"] == 9:  # the first pair of the third batch
            raise ConnectionError("the database went away")
        return real_notify(**kwargs)

    monkeypatch.setattr(services, "notify", failing_notify)
    with pytest.raises(ConnectionError):
        services.notify_cohort(run_id=run.pk, now=NOW)
    # Two batches of two pairs committed; the third rolled back whole.
    assert Notification.objects.filter(kind="program").count() == 8
    assert ProgramPair.objects.filter(run=run, notified_at__isnull=False).count() == 4

    monkeypatch.setattr(services, "notify", real_notify)
    assert services.notify_cohort(run_id=run.pk, now=NOW) == 4 + 1
    notifications = Notification.objects.filter(kind="program")
    assert notifications.count() == 12 + 1
    recipients = list(notifications.filter(title__contains="as your mentor").values("recipient"))
    assert len(recipients) == len({row["recipient"] for row in recipients}) == 6


def test_members_of_a_cohort_whose_task_was_lost_are_told_by_the_sweep(
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, coordinator, run = _cohort(3, unmatched=1)

    def broker_down(*args: object) -> None:
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.notify_cohort, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="programs.services.matching"):
        with django_capture_on_commit_callbacks(execute=True):
            published = services.publish(run=run, actor=coordinator, now=NOW)
    assert published.status == RunStatus.PUBLISHED
    assert "Could not queue notify_cohort" in caplog.text
    assert not Notification.objects.filter(kind="program").exists()

    # Within the grace period the task may still be on its way: the sweep leaves it.
    assert services.notify_waiting_cohorts(now=NOW + services.NOTIFY_GRACE / 2) == 0
    assert services.notify_waiting_cohorts(now=NOW + services.NOTIFY_GRACE) == 3 * 2 + 1
    assert Notification.objects.filter(kind="program").count() == 7
    assert tasks.notify_waiting_cohorts() == 0
    assert Notification.objects.filter(kind="program").count() == 7


def test_a_run_not_published_is_not_notified() -> None:
    _, _, run = _cohort(2)
    assert services.notify_cohort(run_id=run.pk, now=NOW) == 0
    assert services.notify_cohort(run_id=run.pk + 1000, now=NOW) == 0
    assert not Notification.objects.exists()


# --- mentoring.workflow.open_program_mentorships ------------------------------------------


def _pairs(mentors: int, per_mentor: int) -> list[tuple[User, User]]:
    chosen = []
    for _ in range(mentors):
        mentor = make_mentor(capacity=2).user
        chosen += [(mentor, make_mentee()) for _ in range(per_mentor)]
    return chosen


def test_opening_many_mentorships_costs_the_same_queries_for_5_and_40() -> None:
    counts = []
    for mentors in (1, 8):
        pairs = _pairs(mentors, PER_MENTOR)
        with CaptureQueriesContext(connection) as captured:
            opened = open_program_mentorships(pairs=pairs, note="Matched in Pathways", now=NOW)
        counts.append(len(captured.captured_queries))
        assert [(m.mentor, m.mentee) for m in opened] == pairs
        assert all(m.pk and m.request.pk for m in opened)
    assert counts[0] == counts[1]


def test_opening_many_recounts_every_mentor_past_their_profile_capacity() -> None:
    pairs = _pairs(3, 3)
    already = make_mentorship(mentor=pairs[0][0])
    open_program_mentorships(pairs=pairs, note="Matched", now=NOW)
    counts = {
        profile.user_id: profile.active_mentee_count
        for profile in MentorProfile.objects.filter(user__in=[m for m, _ in pairs])
    }
    assert counts == {pairs[0][0].pk: 4, pairs[3][0].pk: 3, pairs[6][0].pk: 3}
    assert already.status == "active"
    assert open_program_mentorships(pairs=[], now=NOW) == []


def test_opening_many_is_refused_whole() -> None:
    pairs = _pairs(2, 2)
    mentor, mentee = pairs[3]
    make_mentorship(mentor=mentor, mentee=mentee)
    before = (Mentorship.objects.count(), MentorRequest.objects.count())

    with pytest.raises(TransitionRefused, match=f"{mentor.display_name} already mentors"):
        open_program_mentorships(pairs=pairs, now=NOW)
    stranger = UserFactory.create(display_name="No Profile")
    with pytest.raises(TransitionRefused, match="No Profile has no mentor profile"):
        open_program_mentorships(pairs=[*pairs[:2], (stranger, pairs[0][1])], now=NOW)
    with pytest.raises(TransitionRefused, match="their own mentor"):
        open_program_mentorships(pairs=[*pairs[:2], (mentor, mentor)], now=NOW)
    with pytest.raises(TransitionRefused, match="paired twice"):
        open_program_mentorships(pairs=[pairs[0], pairs[1], pairs[0]], now=NOW)

    assert (Mentorship.objects.count(), MentorRequest.objects.count()) == before
    assert MentorProfile.objects.get(user=pairs[0][0]).active_mentee_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_notifying_runs_at_once_skip_each_others_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, coordinator, run = _cohort(4)
    monkeypatch.setattr(services, "enqueue_notify_cohort", lambda run_id: False)
    services.publish(run=run, actor=coordinator, now=NOW)
    held = list(ProgramPair.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    locked, release = threading.Event(), threading.Event()

    def other_run_holding_two_pairs() -> None:
        # Another worker in the middle of a batch: the rows are locked, not yet notified.
        try:
            with transaction.atomic():
                list(ProgramPair.objects.select_for_update().filter(pk__in=held[:2]))
                locked.set()
                release.wait(timeout=RACE_DEADLINE)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run_holding_two_pairs)
    thread.start()
    assert locked.wait(timeout=RACE_DEADLINE)
    try:
        assert services.notify_cohort(run_id=run.pk, now=NOW) == 2 * 2
    finally:
        release.set()
        thread.join(timeout=RACE_DEADLINE)
    assert not thread.is_alive()
    assert set(
        ProgramPair.objects.filter(run=run, notified_at__isnull=True).values_list("pk", flat=True)
    ) == set(held[:2])

    # The other worker gave its batch up (it rolled back): the next run finishes it.
    assert services.notify_cohort(run_id=run.pk, now=NOW) == 2 * 2
    assert services.notify_cohort(run_id=run.pk, now=NOW) == 0
    recipients = list(Notification.objects.filter(kind="program").values_list("recipient", "title"))
    assert len(recipients) == len(set(recipients)) == 8
