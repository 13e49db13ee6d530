"""Who may do what in a program: the one place these rules live.

- Coordinators (`is_coordinator`) run their own program: its settings, questions,
  applications, matching, pairs' progress, survey aggregates and dashboard. A coordinator of
  another program is an ordinary member here.
- A site moderator (accounts.moderators: staff, the permission, a session that passed
  two-factor) may appoint and remove coordinators of any program; reading survey answers or
  the dashboard is the coordinators' alone.
- Members see what `Program.objects.visible_to` lets them see, and apply where
  `programs.services` finds them eligible.
- A pair's mentor and mentee see their own milestones and surveys, never other pairs'.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.moderators import Actor, may_moderate
from accounts.permissions import participation_problem

from .models import Coordinator, Program

APPOINT_PERMISSION = "programs.add_coordinator"


def is_coordinator(user: User | AnonymousUser, program: Program) -> bool:
    """True when `user` coordinates `program` and may take part at all (not suspended, not
    deactivated)."""
    if not user.is_authenticated or participation_problem(user) is not None:
        return False
    return Coordinator.objects.filter(program=program, user=user).exists()


def may_appoint_coordinators(actor: Actor, program: Program) -> bool:
    """Coordinators of the program and site moderators appoint its coordinators."""
    return may_moderate(actor, APPOINT_PERMISSION) or is_coordinator(actor.user, program)
