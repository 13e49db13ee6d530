"""The dashboard's charts, drawn on the server as inline SVG.

This module works out the geometry (in a 360-unit-wide viewBox that the page scales to its
width, so a chart reads the same at 360 px as on a desk); the templates
`programs/_chart_bars.html` and `programs/_chart_line.html` draw it. Colours come from the
site's design tokens through the classes in static/css/programs-dashboard.css, so the charts
follow the light and dark themes. Every chart has a title, a description that states its
numbers, and a table beside it with the same figures; series differ by shape and dash as
well as by colour.

The figures are those of `programs.outcomes`, the small-group rule already applied: a chart
draws only what the tables show.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .models import ApplicationStatus, Side
from .outcomes import Outcomes

WIDTH = 360
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 12
VALUE_ROOM = 104  # room right of the longest bar for its value
MAX_LABEL_CHARS = 44

PLOT_LEFT = 40
PLOT_RIGHT = 12
PLOT_TOP = 12
PLOT_HEIGHT = 160
AXIS_ROOM = 40


def _n(value: float) -> str:
    """A coordinate, short and locale-free."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _nice_max(value: float) -> float:
    """The top of an axis: 1, 2, 5 or 10 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


@dataclass(frozen=True)
class LegendItem:
    series: int
    name: str
    x: str
    text_x: str


@dataclass(frozen=True)
class BarMark:
    series: int
    x: str
    y: str
    width: str
    height: str
    value_label: str
    value_x: str
    value_y: str


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_y: str
    bars: list[BarMark]


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    height: str
    groups: list[BarGroup]
    legend: list[LegendItem]
    legend_y: str
    width: int = WIDTH


def _legend(names: Sequence[str]) -> list[LegendItem]:
    if len(names) < 2:
        return []
    items, x = [], 0.0
    for series, name in enumerate(names):
        items.append(LegendItem(series, name, _n(x), _n(x + 18)))
        x += 18 + 8 * len(name) + 20
    return items


def bar_chart(
    *,
    id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    value_format: Callable[[float], str] = lambda value: f"{value:g}",
    max_value: float | None = None,
    desc_intro: str = "",
) -> BarChart:
    """Horizontal bars: for each category its label, then one bar per series."""
    top = max_value or _nice_max(max([0.0, *(v for _, values in series for v in values)]))
    span = WIDTH - VALUE_ROOM
    legend = _legend([name for name, _ in series])
    y = 24.0 if legend else 0.0
    groups = []
    parts = []
    for index, category in enumerate(categories):
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        values = []
        for number, (name, data) in enumerate(series):
            value = data[index]
            width = max(0.0, min(value, top)) / top * span
            text = value_format(value)
            if len(series) > 1:
                # The series is named in the value too: colour is never the only cue.
                text = f"{text} {name.lower()}"
            bars.append(
                BarMark(
                    series=number,
                    x="0",
                    y=_n(y),
                    width=_n(max(width, 1.5)),
                    height=_n(BAR_HEIGHT),
                    value_label=text,
                    value_x=_n(max(width, 1.5) + 6),
                    value_y=_n(y + BAR_HEIGHT - 3),
                )
            )
            values.append(text)
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP - BAR_GAP
        groups.append(BarGroup(_short(category), _n(label_y), bars))
        parts.append(f"{category}: {', '.join(values)}")
    desc = (desc_intro + " " if desc_intro else "") + "; ".join(parts) + "."
    return BarChart(
        id=id,
        title=title,
        desc=desc,
        height=_n(max(y, 1)),
        groups=groups,
        legend=legend,
        legend_y="14",
    )


@dataclass(frozen=True)
class Tick:
    label: str
    y: str
    x: str = "0"
    anchor: str = "middle"


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    left: str  # of the square marker
    top: str


@dataclass(frozen=True)
class Line:
    series: int
    name: str
    path: str
    points: list[Point]


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    desc: str
    height: str
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[LegendItem]
    legend_y: str
    plot_left: str
    plot_right: str
    plot_bottom: str
    width: int = WIDTH


def _point(x: float, y: float) -> Point:
    return Point(_n(x), _n(y), _n(x - 3.5), _n(y - 3.5))


def line_chart(
    *,
    id: str,
    title: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[int, int, float]]]],
    step: bool = False,
    desc_intro: str = "",
    desc_parts: Sequence[str] = (),
) -> LineChart:
    """Values over `periods` (short labels, oldest first). Each series is a list of
    (first period, last period, value): a line through the periods' middles, or with
    `step`, a level held across each range."""
    legend = _legend([name for name, _ in series])
    top_offset = PLOT_TOP + (24 if legend else 0)
    count = max(len(periods), 1)
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    slot = plot_width / count
    bottom = top_offset + PLOT_HEIGHT
    top = _nice_max(max([0.0, *(value for _, data in series for _, _, value in data)]))

    def y_of(value: float) -> float:
        return bottom - value / top * PLOT_HEIGHT

    lines = []
    for number, (name, data) in enumerate(series):
        commands: list[str] = []
        points: list[Point] = []
        for low, high, value in data:
            y = y_of(value)
            if step:
                left, right = PLOT_LEFT + low * slot, PLOT_LEFT + (high + 1) * slot
                commands.append(f"{'L' if commands else 'M'}{_n(left)} {_n(y)}")
                commands.append(f"L{_n(right)} {_n(y)}")
                points.append(_point((left + right) / 2, y))
            else:
                x = PLOT_LEFT + (low + 0.5) * slot
                commands.append(f"{'L' if commands else 'M'}{_n(x)} {_n(y)}")
                points.append(_point(x, y))
        lines.append(Line(number, name, " ".join(commands), points))

    y_ticks = [
        Tick(f"{value:g}", _n(y_of(value)), _n(PLOT_LEFT - 6), "end") for value in (0, top / 2, top)
    ]
    chosen = sorted({0, (len(periods) - 1) // 2, len(periods) - 1}) if periods else []
    anchors = {0: "start", len(periods) - 1: "end"}
    x_ticks = [
        Tick(
            periods[index],
            _n(bottom + 18),
            _n(
                PLOT_LEFT
                if index == 0
                else WIDTH - PLOT_RIGHT
                if index == len(periods) - 1
                else PLOT_LEFT + (index + 0.5) * slot
            ),
            anchors.get(index, "middle") if len(periods) > 1 else "start",
        )
        for index in chosen
    ]
    desc = " ".join(part for part in (desc_intro, "; ".join(desc_parts)) if part)
    return LineChart(
        id=id,
        title=title,
        desc=desc + ("." if desc and not desc.endswith(".") else ""),
        height=_n(bottom + AXIS_ROOM - 10),
        lines=lines,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        legend=legend,
        legend_y="14",
        plot_left=_n(PLOT_LEFT),
        plot_right=_n(WIDTH - PLOT_RIGHT),
        plot_bottom=_n(bottom),
    )


# --- The dashboard's charts ----------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _short_period(label: str) -> str:
    return label.removeprefix("Week of ")


def dashboard_charts(outcomes: Outcomes) -> dict[str, BarChart | LineChart | None]:
    """Each chart of the page, or None where there is nothing (shown) to draw."""
    charts: dict[str, BarChart | LineChart | None] = {}
    statuses = list(ApplicationStatus)
    charts["applications"] = (
        bar_chart(
            id="chart-applications",
            title="Applications by status",
            categories=[status.label for status in statuses],
            series=[
                (
                    side.label + "s",
                    [outcomes.applications_of(side, status) for status in statuses],
                )
                for side in (Side.MENTEE, Side.MENTOR)
            ],
            desc_intro="Applications for each status, mentees and mentors.",
        )
        if outcomes.applications
        else None
    )

    rows = [*outcomes.cohorts, outcomes.whole]
    shown = [row for row in rows if row.first_meeting_days.shown]
    charts["first_meeting"] = (
        bar_chart(
            id="chart-first-meeting",
            title="Median days from match to first meeting",
            categories=[row.name for row in shown],
            series=[("Days", [row.first_meeting_days.value or 0 for row in shown])],
            value_format=lambda value: f"{value:g} days",
            desc_intro="Median days to the first meeting, for each cohort shown.",
        )
        if shown
        else None
    )

    bars = outcomes.meetings_distribution
    charts["meetings"] = (
        bar_chart(
            id="chart-meetings",
            title="Meetings per pair",
            categories=[f"{bar.label} meetings" for bar in bars],
            series=[("Pairs", [bar.count for bar in bars])],
            value_format=lambda value: f"{value:g} pairs",
            desc_intro="How many pairs had each number of meetings.",
        )
        if bars
        else None
    )

    whole = outcomes.whole
    charts["milestones"] = (
        bar_chart(
            id="chart-milestones",
            title="Milestones reached, whole program",
            categories=[milestone.title for milestone in outcomes.milestones],
            series=[
                (
                    "Pairs",
                    [
                        whole.milestones[milestone.id].value or 0
                        for milestone in outcomes.milestones
                    ],
                )
            ],
            value_format=_percent,
            max_value=1,
            desc_intro="The share of pairs that reached each milestone.",
        )
        if outcomes.milestones and any(cell.shown for cell in whole.milestones.values())
        else None
    )

    for item in outcomes.satisfaction:
        charts[f"satisfaction_{item.form}"] = (
            bar_chart(
                id=f"chart-satisfaction-{item.form}",
                title=f"{item.form_label}: satisfaction answers",
                categories=[f"{bar.label} of 5" for bar in item.bars],
                series=[("Answers", [bar.count for bar in item.bars])],
                value_format=lambda value: f"{value:g} answers",
                desc_intro="How many answers gave each rating, from 1 (not at all "
                "satisfied) to 5 (very satisfied).",
            )
            if item.bars
            else None
        )

    periods = [_short_period(point.period.label) for point in outcomes.applications_over_time]
    charts["applications_over_time"] = (
        line_chart(
            id="chart-applications-over-time",
            title=f"Applications by {outcomes.period_kind}",
            periods=periods,
            series=[
                (
                    "Mentees",
                    [(i, i, p.mentees) for i, p in enumerate(outcomes.applications_over_time)],
                ),
                (
                    "Mentors",
                    [(i, i, p.mentors) for i, p in enumerate(outcomes.applications_over_time)],
                ),
            ],
            desc_intro=f"Applications received each {outcomes.period_kind}, mentees and "
            f"mentors, from {outcomes.applications_over_time[0].period.label} to "
            f"{outcomes.applications_over_time[-1].period.label}.",
            desc_parts=[
                f"{p.period.label}: {p.mentees} mentees, {p.mentors} mentors"
                for p in outcomes.applications_over_time
                if p.mentees or p.mentors
            ],
        )
        if outcomes.applications
        else None
    )

    meetings = outcomes.meetings_over_time
    if meetings:
        index = {point.period.start: i for i, point in enumerate(outcomes.applications_over_time)}
        charts["meetings_over_time"] = line_chart(
            id="chart-meetings-over-time",
            title=f"Meetings logged by {outcomes.period_kind}",
            periods=periods,
            series=[
                (
                    "Meetings",
                    [(index[p.period.start], index[p.period.end], p.meetings) for p in meetings],
                )
            ],
            step=True,
            desc_intro=f"Meetings the pairs logged in each {outcomes.period_kind} "
            "(periods with fewer than 5 pairs meeting are joined to a neighbour).",
            desc_parts=[f"{p.period.label}: {p.meetings}" for p in meetings],
        )
    else:
        charts["meetings_over_time"] = None
    return charts
