"""The milestones a new program starts with; coordinators edit them afterwards."""

from __future__ import annotations

from .models import Milestone, MilestoneKind, Program

DEFAULT_MILESTONES: list[tuple[str, str, str, int]] = [
    (MilestoneKind.FIRST_MEETING, "First meeting", "Meet for the first time.", 14),
    (MilestoneKind.GOALS_SET, "Goals set", "Write down what the mentee wants to reach.", 21),
    (
        MilestoneKind.MIDPOINT_SURVEY,
        "Mid-point check-in",
        "Each of you answers the program's short mid-point survey.",
        60,
    ),
    (
        MilestoneKind.CLOSING_SURVEY,
        "Closing reflection",
        "Each of you answers the program's closing survey.",
        110,
    ),
]


def add_default_milestones(program: Program) -> list[Milestone]:
    return Milestone.objects.bulk_create(
        Milestone(
            program=program,
            kind=kind,
            title=title,
            description=description,
            due_after_days=days,
            position=position,
        )
        for position, (kind, title, description, days) in enumerate(DEFAULT_MILESTONES)
    )
