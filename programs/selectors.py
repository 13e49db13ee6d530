"""Reads for the program pages. Who may see a program is `Program.objects.visible_to`
(or, for an invite-only program, its link's token); every list here is bounded, on a fixed
number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count

from accounts.models import User
from accounts.moderators import Actor

from .models import (
    Application,
    ApplicationStatus,
    Coordinator,
    Program,
    ProgramStatus,
    Question,
    QuestionKind,
    Side,
)
from .permissions import is_coordinator
from .services.programs import (
    eligibility_problem,
    questions_for,
    ranking_options,
    token_matches,
)
from .workflow import Refused

LIST_LIMIT = 100
APPLICATIONS_PAGE_SIZE = 25


def program_by_slug(viewer: User, slug: str, *, token: str | None = None) -> Program | None:
    """The program `slug` if `viewer` may see it (or holds its invitation link's token)."""
    program = Program.objects.visible_to(viewer).filter(slug=slug).first()
    if program is None and token and viewer.is_authenticated:
        candidate = Program.objects.filter(slug=slug).exclude(status=ProgramStatus.DRAFT).first()
        if candidate is not None and token_matches(candidate, token):
            return candidate
    return program


def program_by_token(token: str) -> Program | None:
    """The program whose invitation link carries `token` (drafts are not reachable yet)."""
    program = Program.objects.filter(invite_token=token).exclude(status=ProgramStatus.DRAFT).first()
    return program if program is not None and token_matches(program, token) else None


@dataclass
class ProgramList:
    listed: list[Program]
    coordinating: list[Program]
    applications: list[Application]


def program_list(viewer: User) -> ProgramList:
    """Public programs, and the member's own: those they run and those they applied to or
    were invited to. Three queries."""
    return ProgramList(
        listed=list(
            Program.objects.listed().order_by("status", "term_starts_on", "id")[:LIST_LIMIT]
        ),
        coordinating=list(
            Program.objects.coordinated_by(viewer).order_by("-created_at")[:LIST_LIMIT]
        ),
        applications=list(
            Application.objects.filter(applicant=viewer)
            .select_related("program")
            .order_by("-created_at", "-id")[:LIST_LIMIT]
        ),
    )


@dataclass
class SideOffer:
    """Joining one side, as the program page offers it to the viewer."""

    side: str
    label: str
    refusal: Refused | None


@dataclass
class Counts:
    """Applications by side and status: counts[side][status]."""

    by_side: dict[str, dict[str, int]] = field(default_factory=dict)

    def get(self, side: str, status: str) -> int:
        return self.by_side.get(side, {}).get(status, 0)

    def total(self, side: str) -> int:
        return sum(self.by_side.get(side, {}).values())


def application_counts(program: Program) -> Counts:
    counts = Counts({str(side): {} for side in Side})
    rows = (
        Application.objects.filter(program=program)
        .values_list("side", "status")
        .annotate(count=Count("id"))
        .order_by()
    )
    for side, status, count in rows:
        counts.by_side.setdefault(side, {})[status] = count
    return counts


@dataclass
class ProgramPage:
    program: Program
    is_coordinator: bool
    may_manage_coordinators: bool
    my_application: Application | None
    coordinators: list[Coordinator]
    offers: list[SideOffer]
    counts: Counts | None
    question_count: int
    places_left: int


def program_page(
    actor: Actor, program: Program, *, coordinating: bool | None = None
) -> ProgramPage:
    """What the program page shows `actor`: the program, who runs it, how they may join
    (or why not), their application, and for coordinators the counts of the panel."""
    from .permissions import may_appoint_coordinators

    viewer = actor.member
    coordinating = is_coordinator(viewer, program) if coordinating is None else coordinating
    mine = (
        Application.objects.filter(program=program, applicant=viewer).first()
        if viewer.is_authenticated
        else None
    )
    offers = []
    # Coordinators run the program: they do not apply to it.
    if mine is None and not coordinating and program.status == ProgramStatus.OPEN:
        for side in Side:
            offers.append(
                SideOffer(
                    side=side,
                    label=f"Apply as a {side.label.lower()}",
                    refusal=eligibility_problem(program, viewer, side),
                )
            )
    counts = application_counts(program) if coordinating else None
    accepted_mentees = (
        counts.get(Side.MENTEE, ApplicationStatus.ACCEPTED)
        if counts is not None
        else Application.objects.filter(
            program=program, side=Side.MENTEE, status=ApplicationStatus.ACCEPTED
        ).count()
    )
    return ProgramPage(
        program=program,
        is_coordinator=coordinating,
        may_manage_coordinators=coordinating or may_appoint_coordinators(actor, program),
        my_application=mine,
        coordinators=list(
            Coordinator.objects.filter(program=program)
            .select_related("user")
            .order_by("created_at", "id")
        ),
        offers=offers,
        counts=counts,
        question_count=Question.objects.filter(program=program).count() if coordinating else 0,
        places_left=max(program.mentee_capacity - accepted_mentees, 0),
    )


@dataclass
class AnsweredQuestion:
    prompt: str
    answer: str | list[str]
    is_ranking: bool


@dataclass
class ApplicationRow:
    application: Application
    answers: list[AnsweredQuestion]


@dataclass
class ApplicationList:
    side: str
    status: str
    counts: Counts
    page: Page[Application]
    rows: list[ApplicationRow]


def answered(questions: list[Question], answers: dict[str, Any]) -> list[AnsweredQuestion]:
    """The application's answers to `questions`, in their order, with labels for rankings."""
    shown = []
    for question in questions:
        value = answers.get(str(question.pk))
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.RANKING and isinstance(value, list):
            options = ranking_options(question)
            shown.append(
                AnsweredQuestion(
                    question.prompt, [options.get(str(item), str(item)) for item in value], True
                )
            )
        else:
            shown.append(AnsweredQuestion(question.prompt, str(value), False))
    return shown


def application_list(
    program: Program, *, side: str, status: str, page_number: str | int | None
) -> ApplicationList:
    """One page of the program's applications on `side` in `status`, with their answers;
    five queries whatever the page holds."""
    questions = questions_for(program, side)
    applications = (
        Application.objects.filter(program=program, side=side, status=status)
        .select_related("applicant")
        .order_by("submitted_at", "created_at", "id")
    )
    page = Paginator(applications, APPLICATIONS_PAGE_SIZE).get_page(page_number)
    return ApplicationList(
        side=side,
        status=status,
        counts=application_counts(program),
        page=page,
        rows=[
            ApplicationRow(application=item, answers=answered(questions, item.answers))
            for item in page.object_list
        ],
    )


def question_lists(program: Program) -> dict[str, list[Question]]:
    """The program's questions, by form, in order: one query."""
    grouped: dict[str, list[Question]] = {}
    for question in Question.objects.filter(program=program).order_by("form", "position", "id"):
        grouped.setdefault(question.form, []).append(question)
    return grouped


__all__ = [
    "APPLICATIONS_PAGE_SIZE",
    "ApplicationList",
    "ProgramList",
    "ProgramPage",
    "answered",
    "application_counts",
    "application_list",
    "program_by_slug",
    "program_by_token",
    "program_list",
    "program_page",
    "question_lists",
]
