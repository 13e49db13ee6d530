"""Reads about a program's pairs after the match: when they last spoke, where each stands
on the program's milestones, when their surveys open, and the coordinators' survey
aggregates. Nothing here writes: "done" is computed from the pair's own data (a logged
meeting, a goal, both members' survey answers) beside the completion rows that
`programs.services.pairs` writes from a POST or from the periodic task.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from mentoring.models import Goal, Meeting, Message, ScheduledMeeting
from mentoring.vocabulary import AREA_LABELS

from .models import (
    Audience,
    Form,
    Milestone,
    MilestoneCompletion,
    MilestoneKind,
    Program,
    ProgramPair,
    ProgramStatus,
    Question,
    QuestionKind,
    StallAlert,
    SurveyResponse,
)

SURVEY_FORMS: tuple[str, ...] = (Form.MIDPOINT, Form.CLOSING)
# The closing survey opens this long before the term ends.
CLOSING_SURVEY_LEAD = dt.timedelta(days=7)
# Aggregates of a form are shown only from this many respondents: fewer could single one out.
SURVEY_MINIMUM_RESPONDENTS = 5
SATISFACTION_LABELS: dict[int, str] = {
    1: "Not at all satisfied",
    2: "Slightly satisfied",
    3: "Moderately satisfied",
    4: "Very satisfied",
    5: "Completely satisfied",
}
SATISFACTION_QUESTION = "How satisfied are you with your mentorship so far?"

DONE, OVERDUE, UPCOMING = "done", "overdue", "upcoming"


# --- Last contact ------------------------------------------------------------------------

# One source of contact: mentorship ids -> {mentorship id: the latest contact it knows of}.
ContactSource = Callable[[Collection[int]], dict[int, dt.datetime]]


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _last_message_at(mentorship_ids: Collection[int]) -> dict[int, dt.datetime]:
    rows = (
        Message.objects.filter(mentorship_id__in=mentorship_ids)
        .values("mentorship_id")
        .annotate(latest=Max("created_at"))
    )
    return {row["mentorship_id"]: row["latest"] for row in rows}


def _last_logged_meeting_at(mentorship_ids: Collection[int]) -> dict[int, dt.datetime]:
    # A meeting log has a day, not a time: it counts from the start of that day.
    rows = (
        Meeting.objects.filter(mentorship_id__in=mentorship_ids)
        .values("mentorship_id")
        .annotate(latest=Max("occurred_on"))
    )
    return {row["mentorship_id"]: _start_of_day(row["latest"]) for row in rows}


def _last_meeting_planned_at(mentorship_ids: Collection[int]) -> dict[int, dt.datetime]:
    # Proposing a meeting, and answering a proposal, are contact between the two.
    rows = (
        ScheduledMeeting.objects.filter(mentorship_id__in=mentorship_ids)
        .values("mentorship_id")
        .annotate(proposed=Max("created_at"), answered=Max("decided_at"))
    )
    return {
        row["mentorship_id"]: max(filter(None, (row["proposed"], row["answered"]))) for row in rows
    }


# Every kind of contact a pair can have. Append a source (one query for any number of
# mentorships) and the stall checks and the coordinators' list count it too.
CONTACT_SOURCES: list[ContactSource] = [
    _last_message_at,
    _last_logged_meeting_at,
    _last_meeting_planned_at,
]


def last_contact_at(mentorship_ids: Collection[int]) -> dict[int, dt.datetime]:
    """The latest contact of each mentorship (a message, a logged meeting, a meeting proposed
    or answered), by mentorship
    id; a mentorship with none is absent. One query per source in CONTACT_SOURCES,
    whatever the number of mentorships."""
    ids = list(mentorship_ids)
    latest: dict[int, dt.datetime] = {}
    if not ids:
        return latest
    for source in CONTACT_SOURCES:
        for mentorship_id, moment in source(ids).items():
            if moment is not None and (
                mentorship_id not in latest or moment > latest[mentorship_id]
            ):
                latest[mentorship_id] = moment
    return latest


# --- Milestones --------------------------------------------------------------------------


def program_milestones(program: Program | int) -> QuerySet[Milestone]:
    """The program's milestones in the order its coordinators gave them."""
    return Milestone.objects.filter(program=program).order_by("position", "due_after_days", "id")


def with_progress(pairs: QuerySet[ProgramPair], *, viewer: User | None = None) -> Any:
    """`pairs` annotated with what their milestones are computed from, in the same query:
    a meeting logged on or after the match, a goal, how many of the pair answered each
    survey (and, with `viewer`, whether the viewer did)."""
    annotated = pairs.annotate(matched_on=TruncDate("matched_at")).annotate(
        has_meeting=Exists(
            Meeting.objects.filter(
                mentorship_id=OuterRef("mentorship_id"), occurred_on__gte=OuterRef("matched_on")
            )
        ),
        has_goal=Exists(Goal.objects.filter(mentorship_id=OuterRef("mentorship_id"))),
        **{f"{form}_answers": _answer_count(form) for form in SURVEY_FORMS},
    )
    if viewer is not None:
        annotated = annotated.annotate(
            **{
                f"viewer_{form}": Exists(
                    SurveyResponse.objects.filter(
                        pair_id=OuterRef("pk"), respondent_id=viewer.pk, form=form
                    )
                )
                for form in SURVEY_FORMS
            }
        )
    return annotated


def _answer_count(form: str) -> Subquery:
    return Subquery(
        SurveyResponse.objects.filter(pair_id=OuterRef("pk"), form=form)
        .values("pair_id")
        .annotate(count=Count("respondent_id", distinct=True))
        .values("count")[:1]
    )


@dataclass(frozen=True)
class MilestoneState:
    milestone: Milestone
    due_on: dt.date
    status: str
    completed_at: dt.datetime | None = None

    @property
    def is_done(self) -> bool:
        return self.status == DONE

    @property
    def is_overdue(self) -> bool:
        return self.status == OVERDUE

    @property
    def may_be_marked(self) -> bool:
        """A member marks a custom milestone done; the others are done by what they do."""
        return self.milestone.kind == MilestoneKind.CUSTOM and not self.is_done

    def overdue_days(self, today: dt.date) -> int:
        return max((today - self.due_on).days, 0) if self.is_overdue else 0


def matched_on(pair: ProgramPair) -> dt.date:
    return timezone.localdate(pair.matched_at)


def is_reached(pair: Any, kind: str) -> bool:
    """Whether the pair's own data says a milestone of `kind` is reached (custom ones are
    reached only by being marked). `pair` comes annotated from `with_progress`."""
    if kind == MilestoneKind.FIRST_MEETING:
        return bool(pair.has_meeting)
    if kind == MilestoneKind.GOALS_SET:
        return bool(pair.has_goal)
    if kind == MilestoneKind.MIDPOINT_SURVEY:
        return (pair.midpoint_answers or 0) >= 2
    if kind == MilestoneKind.CLOSING_SURVEY:
        return (pair.closing_answers or 0) >= 2
    return False


def milestone_states(
    pair: Any,
    milestones: Iterable[Milestone],
    completions: dict[int, dt.datetime],
    *,
    today: dt.date,
) -> list[MilestoneState]:
    """Each milestone of an annotated pair (`with_progress`): done (marked, recorded, or
    reached), overdue (its due day has passed) or upcoming. `completions` maps milestone
    ids to when their completion row was written."""
    start = matched_on(pair)
    states = []
    for milestone in milestones:
        due_on = start + dt.timedelta(days=milestone.due_after_days)
        completed_at = completions.get(milestone.pk)
        if completed_at is not None or is_reached(pair, milestone.kind):
            status = DONE
        elif today > due_on:
            status = OVERDUE
        else:
            status = UPCOMING
        states.append(MilestoneState(milestone, due_on, status, completed_at))
    return states


def completions_by_pair(pair_ids: Collection[int]) -> dict[int, dict[int, dt.datetime]]:
    """{pair id: {milestone id: completed at}}; one query."""
    found: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    rows = MilestoneCompletion.objects.filter(pair_id__in=list(pair_ids)).values_list(
        "pair_id", "milestone_id", "completed_at"
    )
    for pair_id, milestone_id, completed_at in rows:
        found[pair_id][milestone_id] = completed_at
    return found


# --- The pair's progress in the mentorship space -----------------------------------------


@dataclass
class PairProgress:
    pair: Any
    program: Program
    milestones: list[MilestoneState]
    surveys: list[SurveyWindow]

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.milestones if state.is_done)


@dataclass(frozen=True)
class SurveyWindow:
    form: str
    label: str
    opens_on: dt.date
    is_open: bool
    answered: bool


def survey_opens_on(pair: ProgramPair, form: str) -> dt.date:
    """When a pair's survey opens: the mid-point one at the term's mid-point, or halfway
    through the pair's own time when it was matched after the term began; the closing one
    a week before the term ends."""
    program = pair.program
    if form == Form.CLOSING:
        return program.term_ends_on - CLOSING_SURVEY_LEAD
    start = matched_on(pair)
    own_halfway = start + (program.term_ends_on - start) / 2
    return max(program.term_midpoint, own_halfway)


def survey_is_open(pair: ProgramPair, form: str, *, today: dt.date) -> bool:
    return (
        form in SURVEY_FORMS
        and pair.program.status in (ProgramStatus.RUNNING, ProgramStatus.CLOSED)
        and today >= survey_opens_on(pair, form)
    )


def pair_progress(
    mentorship_id: int, viewer: User, *, today: dt.date | None = None
) -> PairProgress | None:
    """The program progress of a mentorship for one of its members, or None outside
    programs. Two queries for a program pair (the pair with everything its milestones are
    computed from; the milestones with their completions), one otherwise."""
    today = today or timezone.localdate()
    pair = (
        with_progress(ProgramPair.objects.filter(mentorship_id=mentorship_id), viewer=viewer)
        .select_related("program")
        .first()
    )
    if pair is None:
        return None
    milestones = list(
        program_milestones(pair.program_id).annotate(
            completed_at=Subquery(
                MilestoneCompletion.objects.filter(
                    pair_id=pair.pk, milestone_id=OuterRef("pk")
                ).values("completed_at")[:1]
            )
        )
    )
    completions = {m.pk: m.completed_at for m in milestones if m.completed_at is not None}
    surveys = [
        SurveyWindow(
            form=form,
            label=Form(form).label,
            opens_on=survey_opens_on(pair, form),
            is_open=survey_is_open(pair, form, today=today),
            answered=bool(getattr(pair, f"viewer_{form}")),
        )
        for form in SURVEY_FORMS
    ]
    return PairProgress(
        pair=pair,
        program=pair.program,
        milestones=milestone_states(pair, milestones, completions, today=today),
        surveys=surveys,
    )


# --- The coordinators' list of pairs -------------------------------------------------------


@dataclass
class PairRow:
    pair: Any
    last_contact: dt.datetime | None
    milestones: list[MilestoneState]
    open_alerts: list[StallAlert]

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.milestones if state.is_done)

    @property
    def overdue(self) -> list[MilestoneState]:
        return [state for state in self.milestones if state.is_overdue]

    @property
    def is_stalled(self) -> bool:
        return bool(self.open_alerts)


def program_pair_rows(program: Program, *, today: dt.date | None = None) -> list[PairRow]:
    """Every pair of the program with its last contact, milestone progress and open
    alerts; stalled pairs first. A fixed number of queries, whatever the number of pairs."""
    today = today or timezone.localdate()
    pairs = list(
        with_progress(ProgramPair.objects.filter(program=program))
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by("matched_at", "pk")
    )
    milestones = list(program_milestones(program))
    completions = completions_by_pair([pair.pk for pair in pairs])
    contacts = last_contact_at([pair.mentorship_id for pair in pairs])
    alerts: dict[int, list[StallAlert]] = defaultdict(list)
    for alert in StallAlert.objects.filter(
        pair__program=program, resolved_at__isnull=True
    ).order_by("created_at", "pk"):
        alerts[alert.pair_id].append(alert)
    rows = [
        PairRow(
            pair=pair,
            last_contact=contacts.get(pair.mentorship_id),
            milestones=milestone_states(
                pair, milestones, completions.get(pair.pk, {}), today=today
            ),
            open_alerts=alerts.get(pair.pk, []),
        )
        for pair in pairs
    ]
    rows.sort(key=lambda row: not row.is_stalled)
    return rows


# --- Survey questions and aggregates -----------------------------------------------------


def side_in(pair: ProgramPair, user: User) -> str:
    """Audience value for `user` in the pair: mentees or mentors."""
    return Audience.MENTEES if user.pk == pair.mentorship.mentee_id else Audience.MENTORS


def survey_questions(program: Program, form: str, audience: str | None = None) -> list[Question]:
    """The program's questions of `form` for `audience` (mentees or mentors; all when
    None), in order. Choice questions without choices are left out: there is nothing to
    pick."""
    questions = Question.objects.filter(program=program, form=form)
    if audience is not None:
        questions = questions.filter(audience__in=[audience, Audience.BOTH])
    return [
        question
        for question in questions.order_by("position", "id")
        if question.kind != QuestionKind.CHOICE or question.choices
    ]


def ranking_choices(question: Question) -> list[str]:
    """What a ranking question ranks: its choices, or the mentoring areas without them."""
    return list(question.choices) or list(AREA_LABELS.values())


@dataclass
class QuestionSummary:
    question: Question
    counts: list[tuple[str, int]] = field(default_factory=list)
    # Ranking: (choice, mean position, 1 = first) best first.
    mean_ranks: list[tuple[str, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass
class FormSummary:
    form: str
    label: str
    respondents: int
    enough: bool
    mean_satisfaction: float | None = None
    distribution: list[tuple[int, str, int]] = field(default_factory=list)
    questions: list[QuestionSummary] = field(default_factory=list)


def survey_summaries(program: Program) -> list[FormSummary]:
    """Each survey's answers, aggregated for the program's coordinators: how many answered,
    the mean and spread of satisfaction, choice counts, rankings, and free-text answers
    without names in alphabetical order. A form with fewer than
    SURVEY_MINIMUM_RESPONDENTS respondents shows its count and nothing else. Two queries."""
    responses_by_form: dict[str, list[SurveyResponse]] = defaultdict(list)
    for response in SurveyResponse.objects.filter(pair__program=program).only(
        "form", "satisfaction", "answers"
    ):
        responses_by_form[response.form].append(response)
    questions_by_form: dict[str, list[Question]] = defaultdict(list)
    for question in survey_questions_all(program):
        questions_by_form[question.form].append(question)
    summaries = []
    for form in SURVEY_FORMS:
        responses = responses_by_form.get(form, [])
        summary = FormSummary(
            form=form,
            label=Form(form).label,
            respondents=len(responses),
            enough=len(responses) >= SURVEY_MINIMUM_RESPONDENTS,
        )
        if summary.enough:
            _fill(summary, responses, questions_by_form.get(form, []))
        summaries.append(summary)
    return summaries


def survey_questions_all(program: Program) -> list[Question]:
    """Every survey question of the program, both forms and audiences, in order."""
    return list(
        Question.objects.filter(program=program, form__in=SURVEY_FORMS).order_by(
            "form", "position", "id"
        )
    )


def _fill(summary: FormSummary, responses: list[SurveyResponse], questions: list[Question]) -> None:
    scores = [response.satisfaction for response in responses]
    summary.mean_satisfaction = statistics.fmean(scores)
    tally = Counter(scores)
    summary.distribution = [
        (value, SATISFACTION_LABELS[value], tally.get(value, 0)) for value in range(1, 6)
    ]
    for question in questions:
        key = str(question.pk)
        given = [response.answers.get(key) for response in responses]
        given = [answer for answer in given if answer not in (None, "", [])]
        item = QuestionSummary(question=question)
        if question.kind == QuestionKind.CHOICE:
            counted = Counter(answer for answer in given if isinstance(answer, str))
            item.counts = [(choice, counted.get(choice, 0)) for choice in question.choices]
        elif question.kind == QuestionKind.RANKING:
            positions: dict[str, list[int]] = defaultdict(list)
            for answer in given:
                if isinstance(answer, list):
                    for position, choice in enumerate(answer, start=1):
                        positions[str(choice)].append(position)
            item.mean_ranks = sorted(
                (
                    (choice, statistics.fmean(positions[choice]))
                    for choice in ranking_choices(question)
                    if positions.get(choice)
                ),
                key=lambda pair: (pair[1], pair[0]),
            )
        else:
            # Alphabetical, not in the order given: the order must not hint at who wrote what.
            item.texts = sorted(str(answer) for answer in given)
        summary.questions.append(item)
