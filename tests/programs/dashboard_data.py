"""Hand-built program data for the dashboard tests: cohorts, pairs, meetings, answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from accounts.models import User
from mentoring.models import Meeting
from programs.models import (
    AlertKind,
    Application,
    Form,
    MatchingMethod,
    MatchRun,
    Milestone,
    MilestoneCompletion,
    MilestoneKind,
    Program,
    ProgramPair,
    RunStatus,
    Side,
    StallAlert,
    SurveyResponse,
)
from tests.mentoring.factories import make_mentorship
from tests.programs.factories import apply, make_program

UTC = dt.UTC
# A Monday: the term's first week starts on it.
TERM_START = dt.date(2025, 3, 3)
MATCHED_AT = dt.datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
TODAY = dt.date(2025, 6, 2)
# When the pairs' members applied: the week before the term.
APPLIED_AT = MATCHED_AT - dt.timedelta(days=7)


def term_program(coordinator: User | None = None, **fields: Any) -> Program:
    """A program whose 120-day term starts on TERM_START (followed week by week)."""
    return make_program(
        coordinator,
        term_starts_on=TERM_START,
        term_ends_on=TERM_START + dt.timedelta(days=120),
        **fields,
    )


def cohort(program: Program, name: str, published_at: dt.datetime = MATCHED_AT) -> MatchRun:
    return MatchRun.objects.create(
        program=program,
        method=MatchingMethod.OPTIMAL,
        status=RunStatus.PUBLISHED,
        cohort=name,
        published_at=published_at,
    )


def pair(
    program: Program,
    run: MatchRun,
    *,
    mentor: Application | None = None,
    matched_at: dt.datetime = MATCHED_AT,
    meetings_after: Sequence[int] = (),
) -> ProgramPair:
    """A pair of `run`: a new accepted mentee with `mentor` (a new one if not given), and
    a meeting logged that many days after the match for each number in `meetings_after`."""
    mentee_application = apply(program, side=Side.MENTEE)
    mentor_application = mentor or apply(program, side=Side.MENTOR)
    Application.objects.filter(
        pk__in=[mentee_application.pk, mentor_application.pk], submitted_at__gt=APPLIED_AT
    ).update(submitted_at=APPLIED_AT, created_at=APPLIED_AT)
    mentorship = make_mentorship(
        mentor=mentor_application.applicant, mentee=mentee_application.applicant
    )
    made = ProgramPair.objects.create(
        program=program,
        run=run,
        mentorship=mentorship,
        mentee_application=mentee_application,
        mentor_application=mentor_application,
        matched_at=matched_at,
    )
    for days in meetings_after:
        meet(made, matched_at.date() + dt.timedelta(days=days))
    return made


def pairs(program: Program, run: MatchRun, count: int, **fields: Any) -> list[ProgramPair]:
    return [pair(program, run, **fields) for _ in range(count)]


def meet(program_pair: ProgramPair, on: dt.date) -> Meeting:
    return Meeting.objects.create(mentorship=program_pair.mentorship, occurred_on=on, mode="video")


def answer(
    program_pair: ProgramPair,
    satisfaction: int,
    *,
    form: str = Form.MIDPOINT,
    respondent: User | None = None,
) -> SurveyResponse:
    return SurveyResponse.objects.create(
        pair=program_pair,
        respondent=respondent or program_pair.mentorship.mentee,
        form=form,
        satisfaction=satisfaction,
    )


def milestone(program: Program, title: str, due_after_days: int = 14) -> Milestone:
    return Milestone.objects.create(
        program=program, kind=MilestoneKind.CUSTOM, title=title, due_after_days=due_after_days
    )


def complete(program_pair: ProgramPair, done: Milestone) -> MilestoneCompletion:
    return MilestoneCompletion.objects.create(pair=program_pair, milestone=done)


def stall(
    program_pair: ProgramPair, kind: str = AlertKind.COORDINATOR, resolved: bool = False
) -> StallAlert:
    return StallAlert.objects.create(
        pair=program_pair,
        kind=kind,
        reason="No message or meeting for three weeks",
        resolved_at=MATCHED_AT + dt.timedelta(days=30) if resolved else None,
    )
