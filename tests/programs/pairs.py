"""Test data for pairs after the match: a running program's pair, made directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import User
from mentoring.models import Meeting, Message
from programs.models import (
    MatchingMethod,
    MatchRun,
    Program,
    ProgramPair,
    ProgramStatus,
    RunStatus,
    Side,
)
from tests.accounts.conftest import sign_in_with_two_factor
from tests.mentoring.factories import make_mentorship
from tests.programs.factories import apply, make_program


def running_program(**fields: Any) -> Program:
    return make_program(**{"status": ProgramStatus.RUNNING, **fields})


def make_pair(
    program: Program | None = None,
    *,
    matched_at: dt.datetime | None = None,
    mentor: User | None = None,
    mentee: User | None = None,
) -> ProgramPair:
    """A pair of `program` (a new running one if not given): both applications accepted,
    the mentorship open, and a published run behind it."""
    program = program or running_program()
    mentee_application = apply(program, mentee, side=Side.MENTEE)
    if mentor is not None and program.applications.filter(applicant=mentor).exists():
        mentor_application = program.applications.get(applicant=mentor)
    else:
        mentor_application = apply(program, mentor, side=Side.MENTOR)
    mentorship = make_mentorship(mentor_application.applicant, mentee_application.applicant)
    run = MatchRun.objects.filter(program=program, status=RunStatus.PUBLISHED).first()
    if run is None:
        run = MatchRun.objects.create(
            program=program,
            method=MatchingMethod.OPTIMAL,
            status=RunStatus.PUBLISHED,
            published_at=timezone.now(),
        )
    return ProgramPair.objects.create(
        program=program,
        run=run,
        mentorship=mentorship,
        mentee_application=mentee_application,
        mentor_application=mentor_application,
        matched_at=matched_at or timezone.now(),
    )


def message(pair: ProgramPair, at: dt.datetime) -> Message:
    return Message.objects.create(
        mentorship=pair.mentorship, sender=pair.mentorship.mentee, body="Hello", created_at=at
    )


def meeting(pair: ProgramPair, on: dt.date) -> Meeting:
    return Meeting.objects.create(
        mentorship=pair.mentorship, occurred_on=on, mode="video", logged_by=pair.mentorship.mentor
    )


def sign_in_as_moderator(client: Client, moderator: User) -> None:
    """Signed in with a code from the app (`moderator` has one: tests.moderation)."""
    sign_in_with_two_factor(client, moderator)
