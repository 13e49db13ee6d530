"""Matching a program's cohort, the coordinators' review of the proposal, and publishing it.

A program has at most one proposal (a `MatchRun` in status proposed; a database constraint
says so). Running the matching again replaces it and keeps its locked pairs and excluded
mentors. Coordinators lock pairs, swap the mentors of two pairs (refused when it would
break a hard filter, saying which), exclude or include a mentor (the matching runs again),
discard the proposal, or publish it: every pair becomes a mentorship, the program starts if
it has not, and every member the run concerns is told.

Every write takes the program's row lock first, then the run's, so two coordinators
clicking at once act one after the other: publishing twice publishes once.

Publishing writes in bulk (the requests, mentorships, pairs and the mentors' recount in a
few queries, however large the cohort: mentoring.workflow.open_program_mentorships) and
leaves telling the members to a task queued once it commits (`notify_cohort`), which
notifies each member once even if it runs twice; `notify_waiting_cohorts` (periodic) takes
over when that task was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from mentoring.workflow import BULK_BATCH_SIZE, TransitionRefused, open_program_mentorships
from notifications.models import Kind
from notifications.services import notify

from .. import matching, solver
from ..models import (
    Application,
    ApplicationStatus,
    MatchingMethod,
    MatchRun,
    Program,
    ProgramPair,
    ProgramStatus,
    ProposedPair,
    RunStatus,
    Side,
)
from ..permissions import is_coordinator
from ..workflow import START, Refused, do_program_transition

logger = logging.getLogger(__name__)

MATCHABLE = (ProgramStatus.OPEN, ProgramStatus.MATCHING, ProgramStatus.RUNNING)
MAX_COHORT_NAME = 60
# Pairs notified per transaction by `notify_cohort`.
NOTIFY_BATCH = 200
# How long after publishing `notify_waiting_cohorts` takes over a cohort's notifications.
NOTIFY_GRACE = timedelta(minutes=10)


def _ensure_coordinator(actor: User, program: Program) -> None:
    if not is_coordinator(actor, program):
        raise Refused("Only the program's coordinators can do that.")


def _ensure_matchable(program: Program) -> None:
    if program.status not in MATCHABLE:
        raise Refused(
            "Matching is for programs that are open, matching or running; this one is "
            f"{program.get_status_display().lower()}. Nothing was changed."
        )


def _locked_program(program: Program) -> Program:
    return Program.objects.select_for_update().get(pk=program.pk)


def current_proposal(program: Program) -> MatchRun | None:
    return MatchRun.objects.filter(program=program, status=RunStatus.PROPOSED).first()


def _locked_proposal(run: MatchRun) -> MatchRun:
    """The run under its row lock, refused unless it is still the proposal."""
    locked = MatchRun.objects.select_for_update().get(pk=run.pk)
    if locked.status != RunStatus.PROPOSED:
        raise Refused(
            f"This proposal was {locked.get_status_display().lower()} already; "
            "run the matching again to get a new one. Nothing was changed."
        )
    return locked


# --- Running ----------------------------------------------------------------------------


def set_matching_method(
    *, program: Program, actor: User, method: str, now: datetime | None = None
) -> Program:
    """Choose how the program matches (MatchingMethod)."""
    _ensure_coordinator(actor, program)
    if method not in MatchingMethod.values:
        raise Refused("Choose one of the matching methods offered.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_program(program)
        locked.matching_method = method
        locked.updated_at = now
        locked.save(update_fields=["matching_method", "updated_at"])
    program.matching_method, program.updated_at = method, now
    return program


def run_matching(
    *,
    program: Program,
    actor: User,
    now: datetime | None = None,
    released: list[str] | None = None,
) -> MatchRun:
    """Match the program's accepted applicants with its matching method and store the
    proposal, replacing the current one but keeping its locked pairs and excluded mentors.
    A locked pair that no longer fits (a member withdrew, a block, a full mentor) is
    released; when `released` is given, a sentence for each is appended to it."""
    _ensure_coordinator(actor, program)
    now = now or timezone.now()
    with transaction.atomic():
        locked_program = _locked_program(program)
        _ensure_matchable(locked_program)
        previous = (
            MatchRun.objects.select_for_update()
            .filter(program=locked_program, status=RunStatus.PROPOSED)
            .first()
        )
        locks: list[tuple[int, int]] = []
        excluded: list[int] = []
        if previous is not None:
            locks = list(
                previous.pairs.filter(locked=True)
                .order_by("pk")
                .values_list("mentee_id", "mentor_id")
            )
            excluded = [int(pk) for pk in previous.excluded_mentors]
        run = _match(
            program=locked_program,
            actor=actor,
            now=now,
            locks=locks,
            excluded=excluded,
            previous=previous,
            released=released,
        )
    program.matching_method = locked_program.matching_method
    return run


def _valid_locks(
    cohort: matching.Cohort,
    problem: solver.Problem,
    locks: list[tuple[int, int]],
    released: list[str] | None,
) -> list[tuple[int, int]]:
    """The locks (as grid indices) that still fit; the others are described in `released`."""
    mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
    feasible = problem.feasible()
    load: dict[int, int] = {}
    kept: list[tuple[int, int]] = []
    for mentee_id, mentor_id in locks:
        i, j = mentee_at.get(mentee_id), mentor_at.get(mentor_id)
        if i is None or j is None:
            why = "one of them is no longer an accepted applicant waiting for a match"
        elif j in problem.excluded:
            why = "the mentor is excluded from this run"
        elif not feasible[i, j]:
            why = matching.pair_refusal(cohort, dict(problem.passes), i, j) or ""
        elif load.get(j, 0) >= problem.capacity[j]:
            why = "the mentor has no places left"
        else:
            load[j] = load.get(j, 0) + 1
            kept.append((i, j))
            continue
        if released is not None:
            released.append(f"A locked pair was released: {why}.")
    return kept


def _match(
    *,
    program: Program,
    actor: User,
    now: datetime,
    locks: list[tuple[int, int]],
    excluded: list[int],
    previous: MatchRun | None,
    released: list[str] | None,
) -> MatchRun:
    cohort = matching.load_cohort(program, now=now)
    problem = matching.build_problem(cohort, now=now, excluded=excluded)
    problem.locked = _valid_locks(cohort, problem, locks, released)
    method = program.matching_method
    result = solver.solve(problem, method)
    greedy = solver.greedy(problem)
    if previous is not None:
        previous.delete()
    mentor_ids = {mentor.application_id for mentor in cohort.mentors}
    run = MatchRun.objects.create(
        program=program,
        method=method,
        total_score=round(result.total, 3),
        greedy_score=round(greedy.total, 3),
        excluded_mentors=sorted(pk for pk in excluded if pk in mentor_ids),
        unmatched=[_unmatched_entry(cohort, item) for item in result.unmatched],
        created_by=actor,
        created_at=now,
    )
    locked_mentees = {i for i, _ in problem.locked}
    hours = matching.hours_apart_grid(cohort, now)
    ProposedPair.objects.bulk_create(
        ProposedPair(
            run=run,
            mentee_id=cohort.mentees[i].application_id,
            mentor_id=cohort.mentors[j].application_id,
            score=round(score, 3),
            reasons=matching.reasons_for(cohort, i, j, hours=float(hours[i, j])),
            locked=i in locked_mentees,
        )
        for i, (j, score) in sorted(result.pairs.items())
    )
    return run


def _unmatched_entry(cohort: matching.Cohort, item: solver.Unmatched) -> dict[str, object]:
    for_coordinators, for_mentee = matching.unmatched_words(cohort, item)
    return {
        "application": cohort.mentees[item.mentee].application_id,
        "reason": for_coordinators,
        "for_mentee": for_mentee,
        "kind": item.kind,
    }


# --- Reviewing --------------------------------------------------------------------------


def set_locked(*, pair: ProposedPair, actor: User, locked: bool) -> ProposedPair:
    """Lock a proposed pair (re-runs keep it) or unlock it."""
    run = pair.run
    _ensure_coordinator(actor, run.program)
    with transaction.atomic():
        _locked_program(run.program)
        _locked_proposal(run)
        ProposedPair.objects.filter(pk=pair.pk).update(locked=locked)
    pair.locked = locked
    return pair


def swap_mentors(
    *, first: ProposedPair, second: ProposedPair, actor: User, now: datetime | None = None
) -> tuple[ProposedPair, ProposedPair]:
    """Give each of two pairs the other's mentor; refused if a locked pair is involved, or
    if a new pair would break a hard filter (the refusal names it)."""
    run = first.run
    _ensure_coordinator(actor, run.program)
    if second.run_id != first.run_id:
        raise Refused("Choose two pairs of the same proposal.")
    if first.pk == second.pk:
        raise Refused("Choose two different pairs to swap.")
    now = now or timezone.now()
    with transaction.atomic():
        _locked_program(run.program)
        locked_run = _locked_proposal(run)
        pairs = {
            pair.pk: pair
            for pair in ProposedPair.objects.select_for_update().filter(
                pk__in=[first.pk, second.pk]
            )
        }
        one, two = pairs[first.pk], pairs[second.pk]
        if one.locked or two.locked:
            raise Refused("Unlock a pair before swapping its mentor. Nothing was changed.")
        if one.mentor_id == two.mentor_id:
            raise Refused("These two pairs have the same mentor already. Nothing was changed.")
        affected = list(
            ProposedPair.objects.select_for_update()
            .filter(run=locked_run, mentor_id__in=[one.mentor_id, two.mentor_id])
            .order_by("pk")
        )
        cohort = matching.load_cohort(
            run.program,
            now=now,
            application_ids={p.mentee_id for p in affected} | {one.mentor_id, two.mentor_id},
        )
        mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
        if not {one.mentee_id, two.mentee_id} <= set(mentee_at) or len(mentor_at) < 2:
            raise Refused(
                "A member of these pairs is no longer an accepted applicant waiting for a "
                "match. Run the matching again. Nothing was changed."
            )
        passes = matching.hard_filters(cohort)
        one.mentor_id, two.mentor_id = two.mentor_id, one.mentor_id
        for pair in (one, two):
            refusal = matching.pair_refusal(
                cohort, passes, mentee_at[pair.mentee_id], mentor_at[pair.mentor_id]
            )
            if refusal is not None:
                raise Refused(
                    f"That swap would break a hard filter: {refusal}. Nothing was changed."
                )
        by_pk = {pair.pk: pair for pair in affected}
        by_pk[one.pk], by_pk[two.pk] = one, two
        _rescore(cohort, list(by_pk.values()), now=now)
        before = sum(pair.score for pair in affected)
        ProposedPair.objects.bulk_update(by_pk.values(), ["mentor", "score", "reasons"])
        after = sum(pair.score for pair in by_pk.values())
        MatchRun.objects.filter(pk=locked_run.pk).update(
            total_score=round(locked_run.total_score - before + after, 3)
        )
    first.mentor_id, first.score, first.reasons = one.mentor_id, one.score, one.reasons
    second.mentor_id, second.score, second.reasons = two.mentor_id, two.score, two.reasons
    return first, second


def _rescore(cohort: matching.Cohort, pairs: list[ProposedPair], *, now: datetime) -> None:
    """Score and explain `pairs` (all the pairs of their mentors) as the solver would."""
    mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
    quality, _ = matching.scores(cohort, now=now)
    hours = matching.hours_apart_grid(cohort, now)
    problem = solver.Problem(
        quality=quality,
        passes={},
        capacity=np.asarray([mentor.capacity for mentor in cohort.mentors], dtype=np.int64),
        locked=[(mentee_at[p.mentee_id], mentor_at[p.mentor_id]) for p in pairs if p.locked],
    )
    scored = solver.score_pairs(
        problem, {mentee_at[p.mentee_id]: mentor_at[p.mentor_id] for p in pairs}
    )
    for pair in pairs:
        i = mentee_at[pair.mentee_id]
        j, score = scored[i]
        pair.score = round(score, 3)
        pair.reasons = matching.reasons_for(cohort, i, j, hours=float(hours[i, j]))


def set_mentor_excluded(
    *,
    run: MatchRun,
    mentor: Application,
    actor: User,
    excluded: bool,
    now: datetime | None = None,
    released: list[str] | None = None,
) -> MatchRun:
    """Leave a mentor out of the proposal (or take them back) and run the matching again."""
    program = run.program
    _ensure_coordinator(actor, program)
    if mentor.program_id != program.pk or mentor.side != Side.MENTOR:
        raise Refused("That is not a mentor of this program.")
    now = now or timezone.now()
    with transaction.atomic():
        locked_program = _locked_program(program)
        locked_run = _locked_proposal(run)
        if excluded and locked_run.pairs.filter(mentor=mentor, locked=True).exists():
            raise Refused(
                f"Unlock the pairs with {mentor.applicant.display_name} before leaving them "
                "out. Nothing was changed."
            )
        chosen = {int(pk) for pk in locked_run.excluded_mentors}
        chosen = chosen | {mentor.pk} if excluded else chosen - {mentor.pk}
        locks = list(
            locked_run.pairs.filter(locked=True)
            .order_by("pk")
            .values_list("mentee_id", "mentor_id")
        )
        return _match(
            program=locked_program,
            actor=actor,
            now=now,
            locks=locks,
            excluded=sorted(chosen),
            previous=locked_run,
            released=released,
        )


def discard(*, run: MatchRun, actor: User) -> MatchRun:
    """Set the proposal aside; the next run starts without its locks and exclusions."""
    _ensure_coordinator(actor, run.program)
    with transaction.atomic():
        _locked_program(run.program)
        locked = _locked_proposal(run)
        locked.status = RunStatus.DISCARDED
        locked.save(update_fields=["status"])
    run.status = locked.status
    return run


# --- Publishing -------------------------------------------------------------------------


def default_cohort_name(program: Program) -> str:
    published = MatchRun.objects.filter(program=program, status=RunStatus.PUBLISHED).count()
    return f"Cohort {published + 1}"


def publish(
    *, run: MatchRun, actor: User, cohort: str = "", now: datetime | None = None
) -> MatchRun:
    """Open a mentorship for every pair of the proposal, in one transaction: either every
    pair becomes a mentorship or none does. Names the cohort ("Cohort N" unless given) and
    starts the program if it is not running yet. The writes are in bulk, so the queries do
    not grow with the cohort. Once it commits, a task tells every matched member and every
    unmatched mentee (`notify_cohort`). A run already published is returned as it is (a
    double click publishes once)."""
    program = run.program
    _ensure_coordinator(actor, program)
    name = " ".join(cohort.split())
    if len(name) > MAX_COHORT_NAME:
        raise Refused(f"Keep the cohort's name under {MAX_COHORT_NAME} characters.")
    now = now or timezone.now()
    with transaction.atomic():
        locked_program = _locked_program(program)
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == RunStatus.PUBLISHED:
            return locked
        if locked.status != RunStatus.PROPOSED:
            raise Refused(
                "This proposal was discarded; run the matching again. Nothing was changed."
            )
        _ensure_matchable(locked_program)
        pairs = list(
            locked.pairs.select_related("mentee__applicant", "mentor__applicant").order_by("pk")
        )
        if not pairs:
            raise Refused("This proposal has no pairs to publish. Nothing was changed.")
        _check_still_fits(locked_program, pairs, now=now)
        name = name or default_cohort_name(locked_program)
        try:
            mentorships = open_program_mentorships(
                pairs=[(pair.mentor.applicant, pair.mentee.applicant) for pair in pairs],
                note=f"Matched in {locked_program.name}, {name}.",
                now=now,
            )
        except TransitionRefused as refusal:
            raise Refused(
                f"{refusal.message} Run the matching again. Nothing was published."
            ) from refusal
        ProgramPair.objects.bulk_create(
            [
                ProgramPair(
                    program=locked_program,
                    run=locked,
                    mentorship=mentorship,
                    mentee_application=pair.mentee,
                    mentor_application=pair.mentor,
                    score=pair.score,
                    reasons=pair.reasons,
                    matched_at=now,
                )
                for pair, mentorship in zip(pairs, mentorships, strict=True)
            ],
            batch_size=BULK_BATCH_SIZE,
        )
        locked.status = RunStatus.PUBLISHED
        locked.cohort = name
        locked.published_at = now
        locked.published_by = actor
        locked.save(update_fields=["status", "cohort", "published_at", "published_by"])
        if locked_program.status != ProgramStatus.RUNNING:
            do_program_transition(program=locked_program, action=START, actor=actor, now=now)
        run_id = locked.pk
        # robust: the cohort is published even when the broker is down; the periodic
        # `notify_waiting_cohorts` then tells its members.
        transaction.on_commit(lambda: enqueue_notify_cohort(run_id), robust=True)
    run.status, run.cohort, run.published_at = locked.status, locked.cohort, locked.published_at
    program.status = locked_program.status
    return locked


def _check_still_fits(program: Program, pairs: list[ProposedPair], *, now: datetime) -> None:
    """Refuse when a pair no longer fits: a member withdrew, a block, a new mentorship."""
    for pair in pairs:
        for application in (pair.mentee, pair.mentor):
            if application.status != ApplicationStatus.ACCEPTED:
                raise Refused(
                    f"{application.applicant.display_name} is no longer an accepted applicant. "
                    "Run the matching again. Nothing was published."
                )
    cohort = matching.load_cohort(
        program,
        now=now,
        application_ids={p.mentee_id for p in pairs} | {p.mentor_id for p in pairs},
    )
    mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
    passes = matching.hard_filters(cohort)
    load: dict[int, int] = {}
    for pair in pairs:
        i, j = mentee_at.get(pair.mentee_id), mentor_at.get(pair.mentor_id)
        if i is None or j is None:
            raise Refused(
                f"{pair.mentee.applicant.display_name} has been matched already. "
                "Run the matching again. Nothing was published."
            )
        refusal = matching.pair_refusal(cohort, passes, i, j)
        if refusal is not None:
            raise Refused(
                f"A pair no longer fits: {refusal}. Run the matching again. Nothing was published."
            )
        load[j] = load.get(j, 0) + 1
        if load[j] > cohort.mentors[j].capacity:
            raise Refused(
                f"{cohort.mentors[j].name} has no places left for all their pairs. "
                "Run the matching again. Nothing was published."
            )


# --- Telling the members ------------------------------------------------------------------


def enqueue_notify_cohort(run_id: int) -> bool:
    """Queue the task that tells a published run's members; a broker outage is logged,
    never raised (`notify_waiting_cohorts` picks the run up later)."""
    from ..tasks import notify_cohort

    try:
        notify_cohort.delay(run_id)
    except (BrokerError, OSError) as error:
        logger.warning("Could not queue notify_cohort(%s); the sweep will: %s", run_id, error)
        return False
    return True


def notify_cohort(*, run_id: int, now: datetime | None = None) -> int:
    """Tell each member of a published run, once, what it means for them: both members of
    every pair that they are matched, and every mentee it left unmatched (and still
    accepted) why. Returns how many notifications were written.

    Safe to run twice, or twice at once: pairs are taken NOTIFY_BATCH at a time under their
    row locks (rows another run holds are skipped), notified and marked `notified_at` in
    one transaction, and the unmatched mentees are claimed by a conditional UPDATE of the
    run's `unmatched_notified_at` in the transaction that notifies them. A run that fails
    part way keeps what it committed; the rest is done by the next one."""
    now = now or timezone.now()
    run = (
        MatchRun.objects.filter(pk=run_id, status=RunStatus.PUBLISHED)
        .select_related("program")
        .first()
    )
    if run is None:
        return 0
    program = run.program
    written = 0
    while True:
        with transaction.atomic():
            batch = list(
                ProgramPair.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(run=run, notified_at__isnull=True)
                .select_related("mentorship__mentor", "mentorship__mentee")
                .order_by("pk")[:NOTIFY_BATCH]
            )
            if not batch:
                break
            for pair in batch:
                written += _notify_pair(program, pair)
            ProgramPair.objects.filter(pk__in=[pair.pk for pair in batch]).update(notified_at=now)
    with transaction.atomic():
        claimed = MatchRun.objects.filter(pk=run.pk, unmatched_notified_at__isnull=True).update(
            unmatched_notified_at=now
        )
        if claimed:
            written += _notify_unmatched(program, run)
    return written


def notify_waiting_cohorts(*, now: datetime | None = None, grace: timedelta = NOTIFY_GRACE) -> int:
    """Tell the members of every run published more than `grace` ago whose members were
    not all told (the task was lost to a broker outage or a dead worker). Returns how many
    notifications were written."""
    now = now or timezone.now()
    waiting = (
        MatchRun.objects.filter(status=RunStatus.PUBLISHED, published_at__lte=now - grace)
        .filter(
            Q(unmatched_notified_at__isnull=True) | Q(published_pairs__notified_at__isnull=True)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(notify_cohort(run_id=run_id, now=now) for run_id in list(waiting))


def _notify_pair(program: Program, pair: ProgramPair) -> int:
    mentorship = pair.mentorship
    mentor, mentee = mentorship.mentor, mentorship.mentee
    written = [
        notify(
            recipient=mentee,
            kind=Kind.PROGRAM,
            title=f"{program.name}: you are matched with {mentor.display_name} as your mentor",
            url=mentorship.get_absolute_url(),
            target=mentorship,
        ),
        notify(
            recipient=mentor,
            kind=Kind.PROGRAM,
            title=f"{program.name}: you are matched with {mentee.display_name} as their mentor",
            url=mentorship.get_absolute_url(),
            target=mentorship,
        ),
    ]
    return sum(1 for notification in written if notification is not None)


def _notify_unmatched(program: Program, run: MatchRun) -> int:
    reasons = {
        int(entry["application"]): str(entry.get("for_mentee", ""))
        for entry in run.unmatched
        if isinstance(entry, dict) and "application" in entry
    }
    if not reasons:
        return 0
    unmatched = Application.objects.filter(
        program=program, pk__in=list(reasons), status=ApplicationStatus.ACCEPTED
    ).select_related("applicant")
    written = 0
    for application in unmatched:
        reason = reasons[application.pk]
        notification = notify(
            recipient=application.applicant,
            kind=Kind.PROGRAM,
            title=(
                f"{program.name}: we could not match you with a mentor this time"
                + (f" ({reason})" if reason else "")
                + ". You can still find a mentor yourself."
            ),
            url=reverse("mentoring:suggestions"),
            target=application,
        )
        written += notification is not None
    return written
