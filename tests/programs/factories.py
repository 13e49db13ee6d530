"""Programs test data: a program with its creator as coordinator, applications, pairs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accounts.models import User
from programs.models import (
    Application,
    ApplicationStatus,
    Coordinator,
    Program,
    ProgramStatus,
    Side,
)
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor

_count = 0


def make_program(coordinator: User | None = None, **fields: Any) -> Program:
    """An open public program run by `coordinator` (a new physician if not given)."""
    global _count
    _count += 1
    coordinator = coordinator or PhysicianFactory.create()
    today = timezone.localdate()
    defaults: dict[str, Any] = {
        "name": f"Pathways {_count}",
        "slug": f"pathways-{_count}",
        "organisation": "Riverside School of Medicine",
        "term_starts_on": today,
        "term_ends_on": today + dt.timedelta(days=120),
        "status": ProgramStatus.OPEN,
        "created_by": coordinator,
    }
    program = Program.objects.create(**{**defaults, **fields})
    Coordinator.objects.create(program=program, user=coordinator, appointed_by=coordinator)
    return program


def apply(
    program: Program,
    user: User | None = None,
    *,
    side: str = Side.MENTEE,
    status: str = ApplicationStatus.ACCEPTED,
    **fields: Any,
) -> Application:
    """An application on `side` (accepted unless told), with a mentor profile or mentee
    preferences behind it, as matching reads them."""
    if user is None:
        user = make_mentor().user if side == Side.MENTOR else make_mentee()
    elif side == Side.MENTOR and not hasattr(user, "mentor_profile"):
        make_mentor(user)
    elif side == Side.MENTEE and not hasattr(user, "mentee_preferences"):
        make_mentee(user)
    now = timezone.now()
    return Application.objects.create(
        program=program,
        applicant=user,
        side=side,
        status=status,
        submitted_at=now,
        decided_at=now
        if status in (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED)
        else None,
        **fields,
    )


def new_mentee() -> User:
    return make_mentee(UserFactory.create())
