"""Every state change of a program and of an application, in two tables.

    Program:
    draft ----open (coordinator)------------> open      (listed, taking applications)
    open -----close_applications (coord.)---> matching
    matching -reopen (coordinator)----------> open
    open, matching --start (coordinator)----> running   (publishing the first cohort)
    running --close (coordinator)-----------> closed

    Application:
    invited ---answer (applicant)-----------> accepted  (a coordinator chose them already)
    invited ---turn_down (applicant)--------> withdrawn
    submitted -accept / decline (coord.)----> accepted / declined
    submitted, accepted --withdraw (appl.)--> withdrawn (an accepted one only until matched)

`check_*` validate and raise `Refused` with the sentence the member sees; `do_program_transition`
changes a program's status under its row lock. Application changes that notify are written in
programs.services, through `check_application_transition`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import participation_problem
from community import errors

from .models import Application, ApplicationStatus, Program, ProgramStatus
from .permissions import is_coordinator

COORDINATOR = "coordinator"
APPLICANT = "applicant"

# Program actions
OPEN = "open"
CLOSE_APPLICATIONS = "close_applications"
REOPEN = "reopen"
START = "start"
CLOSE = "close"

# Application actions
ANSWER = "answer"
TURN_DOWN = "turn_down"
ACCEPT = "accept"
DECLINE = "decline"
WITHDRAW = "withdraw"

PROGRAM_TRANSITIONS: dict[tuple[str, str], str] = {
    (ProgramStatus.DRAFT, OPEN): ProgramStatus.OPEN,
    (ProgramStatus.OPEN, CLOSE_APPLICATIONS): ProgramStatus.MATCHING,
    (ProgramStatus.MATCHING, REOPEN): ProgramStatus.OPEN,
    (ProgramStatus.OPEN, START): ProgramStatus.RUNNING,
    (ProgramStatus.MATCHING, START): ProgramStatus.RUNNING,
    (ProgramStatus.RUNNING, CLOSE): ProgramStatus.CLOSED,
}

# (from status, action) -> (to status, who may act)
APPLICATION_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (ApplicationStatus.INVITED, ANSWER): (ApplicationStatus.ACCEPTED, APPLICANT),
    (ApplicationStatus.INVITED, TURN_DOWN): (ApplicationStatus.WITHDRAWN, APPLICANT),
    (ApplicationStatus.SUBMITTED, ACCEPT): (ApplicationStatus.ACCEPTED, COORDINATOR),
    (ApplicationStatus.SUBMITTED, DECLINE): (ApplicationStatus.DECLINED, COORDINATOR),
    (ApplicationStatus.SUBMITTED, WITHDRAW): (ApplicationStatus.WITHDRAWN, APPLICANT),
    (ApplicationStatus.ACCEPTED, WITHDRAW): (ApplicationStatus.WITHDRAWN, APPLICANT),
}

# The actions a coordinator takes with the program's status buttons. START is not one: a
# program starts when its first cohort is published (programs.services.matching.publish).
PROGRAM_ACTION_LABELS = {
    OPEN: "Open applications",
    CLOSE_APPLICATIONS: "Close applications",
    REOPEN: "Reopen applications",
    CLOSE: "Close the program",
}

_WHO_MAY = {
    COORDINATOR: "Only the program's coordinators can do that.",
    APPLICANT: "Only the member who applied can do that.",
}


class Refused(errors.Refused):
    """A program write was refused; `message` says why, in words for the member."""


@dataclass(frozen=True)
class Move:
    to_status: str
    who: str


def _refuse_state(noun: str, status: str, action: str) -> Refused:
    return Refused(
        f"This {noun} cannot do that now: it is {status.replace('_', ' ')}. Nothing was changed."
    )


def program_actions(program: Program) -> list[str]:
    """The status buttons the program's current status allows, in table order."""
    return [
        action
        for (status, action) in PROGRAM_TRANSITIONS
        if status == program.status and action in PROGRAM_ACTION_LABELS
    ]


def check_program_transition(*, program: Program, action: str, actor: User) -> str:
    """Validate `action` on `program` by `actor`; return the new status."""
    if not is_coordinator(actor, program):
        raise Refused(_WHO_MAY[COORDINATOR])
    to_status = PROGRAM_TRANSITIONS.get((program.status, action))
    if to_status is None:
        raise _refuse_state("program", program.get_status_display().lower(), action)
    return to_status


def do_program_transition(
    *, program: Program, action: str, actor: User, now: datetime | None = None
) -> Program:
    """Perform `action` under the program's row lock (two coordinators clicking at once
    change it once; the second is refused with the reason)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        locked.status = check_program_transition(program=locked, action=action, actor=actor)
        locked.updated_at = now
        locked.save(update_fields=["status", "updated_at"])
    program.status, program.updated_at = locked.status, locked.updated_at
    return program


def check_application_transition(*, application: Application, action: str, actor: User) -> Move:
    """Validate `action` on `application` by `actor`; return the move."""
    who = next(
        (who for (_, act), (_, who) in APPLICATION_TRANSITIONS.items() if act == action), None
    )
    if who is None:
        raise Refused("That is not something you can do here.")
    if who == COORDINATOR and not is_coordinator(actor, application.program):
        raise Refused(_WHO_MAY[COORDINATOR])
    if who == APPLICANT:
        if actor.pk != application.applicant_id:
            raise Refused(_WHO_MAY[APPLICANT])
        problem = participation_problem(actor)
        if problem is not None:
            raise Refused(problem.message)
    move = APPLICATION_TRANSITIONS.get((application.status, action))
    if move is None:
        raise _refuse_state("application", application.get_status_display().lower(), action)
    return Move(*move)
