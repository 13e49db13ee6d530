"""The coordinators' outcomes dashboard: how a program's cohorts are doing, in aggregates.

Reads only. `program_outcomes(program)` gathers every figure of the dashboard in a fixed
number of queries, however many cohorts, pairs, meetings or answers the program holds (the
aggregates are computed in SQL: grouped counts, conditional counts, `Subquery` for each
pair's first meeting and meeting count); `csv_rows` lays the same figures out in a long
format for the CSV export.

What is measured
----------------
- Applications, by side and status, for the whole program and over time (by the week, or for
  terms longer than 26 weeks the month, in which each was submitted).
- Matched share: accepted mentees with a pair, out of all accepted mentees.
- Per cohort (a published match run) and for the whole program:
  time to first meeting (median days from a pair's `matched_at` date to the first meeting
  logged on or after it; pairs with none yet are counted apart), meetings per pair (meetings
  logged on or after the match: mean, and the distribution for the whole program), stalled
  pairs (pairs with an open alert to the coordinators, and their share of the pairs),
  milestone completion (for each milestone, the share of pairs with a `MilestoneCompletion`)
  and satisfaction (mean of `SurveyResponse.satisfaction` for each survey form, and the
  distribution of the answers for the whole program).
- Meetings logged over time, by the same weeks or months.

The small-group rule (no singling out)
--------------------------------------
Counts of what the coordinators already handle one by one (applications, by side and
status and over time; accepted and matched mentees; the number of pairs in each cohort) are
shown as they are: they say how many, not what anyone did or answered.

Every other figure is computed over a group of people, and is shown only when that group
holds at least `MIN_GROUP` (5):

1. The group. For a figure about pairs (meetings per pair, pairs without a first meeting,
   stalled pairs, milestone completion) it is the pairs of the cohort or of the program (each
   pair has its own mentee). For the median time to first meeting it is the pairs that have
   had one. For a satisfaction figure it is the distinct members who answered that survey
   form in that cohort or in the program.
2. Primary rule. A group of 1 to 4 gets no figure: the page says "fewer than 5: not shown",
   and the whole program's figure, which includes them, is the one that counts them. A
   group of 0 has nothing to show ("none yet"), never a division by zero.
3. No working it out by subtraction. The whole program's figure minus the shown cohorts'
   figures describes the hidden cohorts together, so the hidden cohorts of a figure must hold
   at least 5 people between them, or none: while they hold 1 to 4, the smallest shown cohort
   (the earliest published on a tie) is hidden too.
4. Distributions (meetings per pair, satisfaction answers) are shown for the whole program
   only (for each survey form), never per cohort or per week, so no bar can be found by
   subtracting one distribution from another. Each bar must hold 0 or at least 5 people:
   starting from the lowest value, a bar of 1 to 4 is merged with its neighbour (the one
   holding more people; the lower one on a tie) into a range such as "1-2", until every bar
   passes. When the whole group holds fewer than 5, no bar is shown.
5. Over time, meetings are counted in weeks (or months) and each period must hold the
   meetings of at least 5 different pairs. Periods that do not are merged with a neighbour
   into a longer period, by the same steps as bars; as pairs may meet in more than one week,
   a merged period counts as passing only when one of its weeks has 5 pairs on its own
   (a lower bound on the pairs in the range, so the rule can only hide more, never less).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any, TypeVar

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Trunc, TruncDate
from django.utils import timezone

from mentoring.models import Meeting

from .models import (
    AlertKind,
    Application,
    ApplicationStatus,
    Form,
    MatchRun,
    Milestone,
    MilestoneCompletion,
    Program,
    ProgramPair,
    RunStatus,
    Side,
    StallAlert,
    SurveyResponse,
)

MIN_GROUP = 5
NOT_SHOWN = "fewer than 5: not shown"
SURVEY_FORMS = (Form.MIDPOINT, Form.CLOSING)
SATISFACTION_VALUES = (1, 2, 3, 4, 5)
# Meetings per pair: 0 to 9 each, then "10 or more".
MEETINGS_TOP = 10
# Terms up to this many days are followed by the week, longer ones by the month.
WEEKLY_UP_TO_DAYS = 26 * 7

K = TypeVar("K", bound=Hashable)


# --- Figures that may be withheld ---------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure over a group of `group` people: `value` is None when the group is empty,
    and `hidden` when the small-group rule withholds it."""

    value: float | None
    group: int
    hidden: bool = False

    @property
    def shown(self) -> bool:
        return not self.hidden and self.value is not None

    @property
    def note(self) -> str:
        if self.hidden:
            return NOT_SHOWN
        if self.value is None:
            return "none yet"
        return ""


def too_small(people: int) -> bool:
    return 0 < people < MIN_GROUP


def withheld(sizes: dict[K, int], order: Sequence[K] | None = None) -> set[K]:
    """The groups whose figure is withheld: rules 2 and 3 of the module docstring. `order`
    breaks ties between equally small groups (earliest first); it defaults to `sizes`'."""
    order = list(order if order is not None else sizes)
    hidden = {key for key, size in sizes.items() if too_small(size)}
    while too_small(sum(sizes[key] for key in hidden)):
        shown = [key for key in order if key not in hidden and sizes[key] > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda key: (sizes[key], order.index(key))))
    return hidden


@dataclass(frozen=True)
class Bar:
    """A bar of a distribution: the values `low` to `high` (one value when equal)."""

    low: int
    high: int
    count: int
    label: str


def merged_bars(
    counts: Sequence[int],
    people: Callable[[int, int], int],
    label: Callable[[int, int], str],
) -> list[Bar] | None:
    """Rule 4 (and 5): bars over the indexes of `counts`, adjacent ones merged until each
    holds 0 or at least MIN_GROUP people (`people(low, high)` for the range), or None when
    the whole range holds fewer than MIN_GROUP."""
    if not counts or people(0, len(counts) - 1) < MIN_GROUP:
        return None
    ranges = [[index, index] for index in range(len(counts))]
    while True:
        small = next(
            (i for i, (low, high) in enumerate(ranges) if too_small(people(low, high))), None
        )
        if small is None:
            break
        neighbours = [i for i in (small - 1, small + 1) if 0 <= i < len(ranges)]
        other = min(neighbours, key=lambda i: (-people(*ranges[i]), i))
        first, second = sorted((small, other))
        ranges[first : second + 1] = [[ranges[first][0], ranges[second][1]]]
    return [Bar(low, high, sum(counts[low : high + 1]), label(low, high)) for low, high in ranges]


# --- What the dashboard shows ---------------------------------------------------------------


@dataclass(frozen=True)
class CohortFigures:
    """A cohort's row, or the whole program's (`run_id` None)."""

    run_id: int | None
    name: str
    published_on: dt.date | None
    pairs: int
    first_meeting_days: Cell
    without_first_meeting: Cell
    meetings_per_pair: Cell
    stalled: Cell
    stalled_share: Cell
    milestones: dict[int, Cell]
    satisfaction: dict[str, Cell]


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    title: str
    due_after_days: int


@dataclass(frozen=True)
class Period:
    """A week (or month) of the timeline, or a merged range of them."""

    start: dt.date
    end: dt.date  # the first day of the last period in it
    label: str


@dataclass(frozen=True)
class ApplicationsPoint:
    period: Period
    mentees: int
    mentors: int


@dataclass(frozen=True)
class MeetingsPoint:
    period: Period
    meetings: int


@dataclass(frozen=True)
class Satisfaction:
    form: str
    form_label: str
    mean: Cell
    bars: list[Bar] | None


@dataclass
class Outcomes:
    program: Program
    applications: dict[tuple[str, str], int]
    accepted_mentees: int
    matched_mentees: int
    cohorts: list[CohortFigures]
    whole: CohortFigures
    milestones: list[MilestoneRow]
    meetings_distribution: list[Bar] | None
    satisfaction: list[Satisfaction]
    period_kind: str  # "week" or "month"
    applications_over_time: list[ApplicationsPoint]
    meetings_over_time: list[MeetingsPoint] | None
    any_meetings: bool = False
    application_statuses: list[tuple[str, str]] = field(
        default_factory=lambda: list(ApplicationStatus.choices)
    )

    @property
    def is_empty(self) -> bool:
        return not self.applications and not self.cohorts

    @property
    def total_applications(self) -> int:
        return sum(self.applications.values())

    def applications_of(self, side: str, status: str) -> int:
        return self.applications.get((side, status), 0)

    @property
    def matched_share(self) -> float | None:
        if not self.accepted_mentees:
            return None
        return self.matched_mentees / self.accepted_mentees


# --- Reading the program -------------------------------------------------------------------


def _cohort_name(name: str, number: int) -> str:
    return name.strip() or f"Cohort {number}"


def _pair_rows(program: Program) -> list[dict[str, Any]]:
    """One row per (cohort, meetings, days to first meeting, stalled) with its pair count."""
    meetings = Meeting.objects.filter(
        mentorship=OuterRef("mentorship_id"), occurred_on__gte=OuterRef("matched_on")
    ).order_by()
    count = meetings.values("mentorship").annotate(n=Count("id")).values("n")
    first = meetings.values("mentorship").annotate(first=Min("occurred_on")).values("first")
    open_alert = StallAlert.objects.filter(
        pair=OuterRef("pk"), kind=AlertKind.COORDINATOR, resolved_at__isnull=True
    )
    rows = (
        ProgramPair.objects.filter(program=program, run__status=RunStatus.PUBLISHED)
        .annotate(matched_on=TruncDate("matched_at"))
        .annotate(
            meetings=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
            first_on=Subquery(first, output_field=DateField()),
            stalled=Exists(open_alert),
        )
        .values("run_id", "matched_on", "first_on", "meetings", "stalled")
        .annotate(n=Count("id"))
        .order_by()
    )
    return list(rows)


def _figures(
    *,
    run_id: int | None,
    name: str,
    published_on: dt.date | None,
    rows: list[dict[str, Any]],
    milestones: list[MilestoneRow],
    done: dict[int, int],
    answers: dict[str, tuple[int, float | None]],
    hide_pairs: bool,
    hide_first: bool,
    hide_forms: dict[str, bool],
) -> CohortFigures:
    pairs = sum(row["n"] for row in rows)
    days: list[int] = []
    for row in rows:
        if row["first_on"] is not None:
            days += [(row["first_on"] - row["matched_on"]).days] * row["n"]
    with_first = len(days)
    meetings = sum(row["meetings"] * row["n"] for row in rows)
    stalled = sum(row["n"] for row in rows if row["stalled"])

    def over_pairs(value: float | None) -> Cell:
        return Cell(value if pairs else None, pairs, hide_pairs)

    return CohortFigures(
        run_id=run_id,
        name=name,
        published_on=published_on,
        pairs=pairs,
        first_meeting_days=Cell(median(days) if days else None, with_first, hide_first),
        without_first_meeting=over_pairs(pairs - with_first),
        meetings_per_pair=over_pairs(meetings / pairs if pairs else None),
        stalled=over_pairs(stalled),
        stalled_share=over_pairs(stalled / pairs if pairs else None),
        milestones={
            milestone.id: over_pairs(done.get(milestone.id, 0) / pairs if pairs else None)
            for milestone in milestones
        },
        satisfaction={
            form: Cell(
                answers.get(form, (0, None))[1], answers.get(form, (0, None))[0], hide_forms[form]
            )
            for form in SURVEY_FORMS
        },
    )


def _period_start(day: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_period(start: dt.date, kind: str) -> dt.date:
    if kind == "week":
        return start + dt.timedelta(days=7)
    return (start + dt.timedelta(days=32)).replace(day=1)


def _period_label(start: dt.date, kind: str) -> str:
    if kind == "week":
        return f"Week of {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def _timeline(
    program: Program, kind: str, seen: Iterable[dt.date], today: dt.date
) -> list[dt.date]:
    """The first days of the periods from the earlier of the term's start and the first
    data to the later of today (within the term) and the last data."""
    seen = list(seen)
    first = min([program.term_starts_on, *seen])
    last = max([min(max(today, program.term_starts_on), program.term_ends_on), *seen])
    starts = []
    current = _period_start(first, kind)
    while current <= last:
        starts.append(current)
        current = _next_period(current, kind)
    return starts


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _satisfaction_bars(row: dict[str, Any]) -> list[Bar] | None:
    """The bars of one form's answers (values 1 to 5 are indexes 0 to 4)."""

    def people(low: int, high: int) -> int:
        return int(row[f"people_{low + 1}_{high + 1}"])

    def label(low: int, high: int) -> str:
        return str(low + 1) if low == high else f"{low + 1}-{high + 1}"

    return merged_bars([row[f"answers_{value}"] for value in SATISFACTION_VALUES], people, label)


def program_outcomes(program: Program, *, today: dt.date | None = None) -> Outcomes:
    """Every figure of `program`'s dashboard, the small-group rule applied."""
    today = today or timezone.localdate()

    # Applications by side and status, with the accepted mentees that have a pair.
    applications: dict[tuple[str, str], int] = {}
    matched = 0
    for row in (
        Application.objects.filter(program=program)
        .values("side", "status")
        .annotate(n=Count("id"), paired=Count("pair"))
        .order_by()
    ):
        applications[(row["side"], row["status"])] = row["n"]
        if row["side"] == Side.MENTEE and row["status"] == ApplicationStatus.ACCEPTED:
            matched = row["paired"]
    accepted = applications.get((Side.MENTEE, ApplicationStatus.ACCEPTED), 0)

    runs = list(
        MatchRun.objects.filter(program=program, status=RunStatus.PUBLISHED)
        .order_by("published_at", "id")
        .values("id", "cohort", "published_at")
    )
    run_ids = [run["id"] for run in runs]
    milestones = [
        MilestoneRow(m["id"], m["title"], m["due_after_days"])
        for m in Milestone.objects.filter(program=program).values("id", "title", "due_after_days")
    ]

    pair_rows = _pair_rows(program)
    rows_by_run: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in pair_rows:
        rows_by_run[row["run_id"]].append(row)

    done_by_run: dict[int, dict[int, int]] = defaultdict(dict)
    done_whole: dict[int, int] = defaultdict(int)
    for row in (
        MilestoneCompletion.objects.filter(
            pair__program=program, pair__run__status=RunStatus.PUBLISHED
        )
        .values("pair__run_id", "milestone_id")
        .annotate(n=Count("pair", distinct=True))
        .order_by()
    ):
        done_by_run[row["pair__run_id"]][row["milestone_id"]] = row["n"]
        done_whole[row["milestone_id"]] += row["n"]

    surveys = SurveyResponse.objects.filter(
        pair__program=program, pair__run__status=RunStatus.PUBLISHED, form__in=SURVEY_FORMS
    )
    answers_by_run: dict[int, dict[str, tuple[int, float | None]]] = defaultdict(dict)
    for row in (
        surveys.values("pair__run_id", "form")
        .annotate(people=Count("respondent", distinct=True), mean=Avg("satisfaction"))
        .order_by()
    ):
        answers_by_run[row["pair__run_id"]][row["form"]] = (row["people"], row["mean"])
    ranges = [
        (low, high) for low in SATISFACTION_VALUES for high in SATISFACTION_VALUES if low <= high
    ]
    whole_answers: dict[str, dict[str, Any]] = {
        row["form"]: row
        for row in surveys.values("form")
        .annotate(
            mean=Avg("satisfaction"),
            **{
                f"answers_{value}": Count("id", filter=Q(satisfaction=value))
                for value in SATISFACTION_VALUES
            },
            **{
                f"people_{low}_{high}": Count(
                    "respondent", distinct=True, filter=Q(satisfaction__range=(low, high))
                )
                for low, high in ranges
            },
        )
        .order_by()
    }

    # The small-group rule across cohorts, one figure family at a time.
    def sizes(measure: Callable[[int], int]) -> dict[int, int]:
        return {run_id: measure(run_id) for run_id in run_ids}

    pair_sizes = sizes(lambda run_id: sum(row["n"] for row in rows_by_run[run_id]))
    first_sizes = sizes(
        lambda run_id: sum(row["n"] for row in rows_by_run[run_id] if row["first_on"])
    )
    hidden_pairs = withheld(pair_sizes, run_ids)
    hidden_first = withheld(first_sizes, run_ids)
    hidden_forms = {
        form: withheld(
            {run_id: answers_by_run[run_id].get(form, (0, None))[0] for run_id in run_ids},
            run_ids,
        )
        for form in SURVEY_FORMS
    }

    cohorts = [
        _figures(
            run_id=run["id"],
            name=_cohort_name(run["cohort"], number),
            published_on=timezone.localdate(run["published_at"]) if run["published_at"] else None,
            rows=rows_by_run[run["id"]],
            milestones=milestones,
            done=done_by_run[run["id"]],
            answers=answers_by_run[run["id"]],
            hide_pairs=run["id"] in hidden_pairs,
            hide_first=run["id"] in hidden_first,
            hide_forms={form: run["id"] in hidden_forms[form] for form in SURVEY_FORMS},
        )
        for number, run in enumerate(runs, start=1)
    ]
    whole_people = {
        form: whole_answers[form]["people_1_5"] if form in whole_answers else 0
        for form in SURVEY_FORMS
    }
    whole_pairs = sum(row["n"] for row in pair_rows)
    whole_first = sum(row["n"] for row in pair_rows if row["first_on"])
    whole = _figures(
        run_id=None,
        name="Whole program",
        published_on=None,
        rows=pair_rows,
        milestones=milestones,
        done=done_whole,
        answers={
            form: (whole_people[form], whole_answers[form]["mean"])
            for form in SURVEY_FORMS
            if form in whole_answers
        },
        hide_pairs=too_small(whole_pairs),
        hide_first=too_small(whole_first),
        hide_forms={form: too_small(whole_people[form]) for form in SURVEY_FORMS},
    )

    # Distributions, for the whole program only.
    per_meetings = [0] * (MEETINGS_TOP + 1)
    for row in pair_rows:
        per_meetings[min(row["meetings"], MEETINGS_TOP)] += row["n"]

    def meetings_label(low: int, high: int) -> str:
        top = f"{MEETINGS_TOP} or more"
        if high == MEETINGS_TOP:
            return top if low == high else f"{low} or more"
        return str(low) if low == high else f"{low}-{high}"

    meetings_distribution = (
        merged_bars(
            per_meetings,
            lambda low, high: sum(per_meetings[low : high + 1]),
            meetings_label,
        )
        if whole_pairs
        else None
    )

    satisfaction = []
    for form in SURVEY_FORMS:
        bars = _satisfaction_bars(whole_answers[form]) if form in whole_answers else None
        satisfaction.append(Satisfaction(form, Form(form).label, whole.satisfaction[form], bars))

    # Over time.
    kind = (
        "week"
        if (program.term_ends_on - program.term_starts_on).days <= WEEKLY_UP_TO_DAYS
        else "month"
    )
    applied = Coalesce("submitted_at", "created_at")
    by_period: dict[tuple[dt.date, str], int] = {}
    for row in (
        Application.objects.filter(program=program)
        .annotate(period=Trunc(applied, kind, output_field=DateField()))
        .values("period", "side")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_period[(_as_date(row["period"]), row["side"])] = row["n"]
    met: dict[dt.date, tuple[int, int]] = {}
    for row in (
        Meeting.objects.filter(
            mentorship__program_pair__program=program,
            mentorship__program_pair__run__status=RunStatus.PUBLISHED,
            occurred_on__gte=TruncDate("mentorship__program_pair__matched_at"),
        )
        .annotate(period=Trunc("occurred_on", kind, output_field=DateField()))
        .values("period")
        .annotate(meetings=Count("id"), pairs=Count("mentorship", distinct=True))
        .order_by()
    ):
        met[_as_date(row["period"])] = (row["meetings"], row["pairs"])

    starts = _timeline(program, kind, [day for day, _ in by_period] + list(met), today)
    applications_over_time = [
        ApplicationsPoint(
            Period(start, start, _period_label(start, kind)),
            by_period.get((start, Side.MENTEE), 0),
            by_period.get((start, Side.MENTOR), 0),
        )
        for start in starts
    ]
    meetings_over_time = None
    meeting_counts = [met.get(start, (0, 0))[0] for start in starts]
    pair_counts = [met.get(start, (0, 0))[1] for start in starts]

    def period_range_label(low: int, high: int) -> str:
        if low == high:
            return _period_label(starts[low], kind)
        last = _period_label(starts[high], kind)
        if kind == "week":
            last = "w" + last[1:]
        return f"{_period_label(starts[low], kind)} to {last}"

    merged = merged_bars(
        meeting_counts,
        lambda low, high: max(pair_counts[low : high + 1]),
        period_range_label,
    )
    if merged is not None:
        meetings_over_time = [
            MeetingsPoint(Period(starts[bar.low], starts[bar.high], bar.label), bar.count)
            for bar in merged
        ]

    return Outcomes(
        program=program,
        applications=applications,
        accepted_mentees=accepted,
        matched_mentees=matched,
        cohorts=cohorts,
        whole=whole,
        milestones=milestones,
        meetings_distribution=meetings_distribution,
        satisfaction=satisfaction,
        period_kind=kind,
        applications_over_time=applications_over_time,
        meetings_over_time=meetings_over_time,
        any_meetings=any(meeting_counts),
    )


# --- The CSV export ------------------------------------------------------------------------

CSV_HEADER = ["scope", "cohort", "period", "metric", "breakdown", "value", "note"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula: one starting with =, +, -, @, a
    tab or a carriage return gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def csv_rows(outcomes: Outcomes) -> list[list[str]]:
    """The dashboard's figures in a long format, one figure a row (header first): the
    same aggregates as the page, the small-group rule applied, never a row per person."""
    rows: list[list[str]] = [CSV_HEADER]

    def add(
        scope: str,
        metric: str,
        value: float | None,
        *,
        cohort: str = "",
        period: str = "",
        breakdown: str = "",
        note: str = "",
    ) -> None:
        rows.append(
            [
                scope,
                csv_safe(cohort),
                csv_safe(period),
                metric,
                csv_safe(breakdown),
                _number(value),
                note,
            ]
        )

    def add_cell(scope: str, metric: str, cell: Cell, **labels: str) -> None:
        add(scope, metric, cell.value if cell.shown else None, note=cell.note, **labels)

    for side in Side:
        for status in ApplicationStatus:
            add(
                "program",
                "applications",
                outcomes.applications_of(side, status),
                breakdown=f"{side.value} {status.value}",
            )
    add("program", "accepted_mentees", outcomes.accepted_mentees)
    add("program", "matched_mentees", outcomes.matched_mentees)
    share = outcomes.matched_share
    add("program", "matched_share", share, note="" if share is not None else "none yet")

    milestone_titles = {milestone.id: milestone.title for milestone in outcomes.milestones}
    for figures in [*outcomes.cohorts, outcomes.whole]:
        scope = "program" if figures.run_id is None else "cohort"
        name = "" if figures.run_id is None else figures.name
        add(scope, "pairs", figures.pairs, cohort=name)
        add_cell(scope, "first_meeting_median_days", figures.first_meeting_days, cohort=name)
        add_cell(scope, "pairs_without_first_meeting", figures.without_first_meeting, cohort=name)
        add_cell(scope, "meetings_per_pair_mean", figures.meetings_per_pair, cohort=name)
        add_cell(scope, "stalled_pairs", figures.stalled, cohort=name)
        add_cell(scope, "stalled_share", figures.stalled_share, cohort=name)
        for milestone_id, cell in figures.milestones.items():
            add_cell(
                scope,
                "milestone_share",
                cell,
                cohort=name,
                breakdown=milestone_titles[milestone_id],
            )
        for form, cell in figures.satisfaction.items():
            add_cell(scope, "satisfaction_mean", cell, cohort=name, breakdown=form)

    if outcomes.meetings_distribution is None:
        if outcomes.whole.pairs:
            add("program", "meetings_per_pair_distribution", None, note=NOT_SHOWN)
    else:
        for bar in outcomes.meetings_distribution:
            add("program", "meetings_per_pair_distribution", bar.count, breakdown=bar.label)
    for item in outcomes.satisfaction:
        if item.bars is None:
            if item.mean.group:
                add(
                    "program",
                    "satisfaction_distribution",
                    None,
                    breakdown=item.form,
                    note=NOT_SHOWN,
                )
            continue
        for bar in item.bars:
            add(
                "program",
                "satisfaction_distribution",
                bar.count,
                breakdown=f"{item.form} {bar.label}",
            )

    for point in outcomes.applications_over_time:
        add(
            "over_time",
            "applications",
            point.mentees,
            period=point.period.label,
            breakdown="mentee",
        )
        add(
            "over_time",
            "applications",
            point.mentors,
            period=point.period.label,
            breakdown="mentor",
        )
    if outcomes.meetings_over_time is None:
        if outcomes.any_meetings:
            add("over_time", "meetings", None, note=NOT_SHOWN)
    else:
        for meetings in outcomes.meetings_over_time:
            add("over_time", "meetings", meetings.meetings, period=meetings.period.label)
    return rows
