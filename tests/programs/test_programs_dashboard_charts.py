"""The dashboard's SVG charts (programs.charts and its two templates): well-formed, labelled,
scaled to the page's width, drawing the numbers they are given in colours of the design
tokens that stand out in both themes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from programs.charts import WIDTH, bar_chart, line_chart
from tests.test_design_tokens import SURFACES, _themes, contrast

SVG = "{http://www.w3.org/2000/svg}"
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "programs-dashboard.css"


def _parse(html: str) -> ET.Element:
    return ET.fromstring(html)


def test_a_bar_chart_is_well_formed_and_draws_each_value_to_scale() -> None:
    chart = bar_chart(
        id="chart-test",
        title="Answers & <ratings>",
        categories=["1 of 5", "2-3 of 5", "A very long milestone title that goes on and on and on"],
        series=[("Answers", [5, 10, 0])],
        value_format=lambda value: f"{value:g} answers",
    )
    svg = _parse(render_to_string("programs/_chart_bars.html", {"chart": chart}))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Answers & <ratings>"
    assert svg.find(f"{SVG}title").text == "Answers & <ratings>"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "1 of 5: 5 answers; 2-3 of 5: 10 answers; A very long milestone title that goes on "
        "and on and on: 0 answers."
    )
    assert svg.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert svg.get("width") == "100%"
    bars = [rect for rect in svg.iter(f"{SVG}rect") if "chart-bar" in rect.get("class", "")]
    widths = [float(rect.get("width", "0")) for rect in bars]
    assert widths[1] == pytest.approx(2 * widths[0])  # to scale
    assert widths[2] < 2  # a zero is a sliver, still visible as "0 answers"
    assert max(widths) < WIDTH
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    assert labels[2] is not None and labels[2].endswith("…") and len(labels[2]) <= 44


def test_two_series_are_told_apart_by_name_as_well_as_colour() -> None:
    chart = bar_chart(
        id="chart-two",
        title="Applications",
        categories=["Accepted"],
        series=[("Mentees", [3]), ("Mentors", [2])],
    )
    svg = _parse(render_to_string("programs/_chart_bars.html", {"chart": chart}))
    values = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["3 mentees", "2 mentors"]
    legend = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") is None]
    assert legend == ["Mentees", "Mentors"]


def test_a_step_chart_holds_each_level_across_its_range() -> None:
    chart = line_chart(
        id="chart-steps",
        title="Meetings logged by week",
        periods=["3 Mar 2025", "10 Mar 2025", "17 Mar 2025", "24 Mar 2025"],
        series=[("Meetings", [(0, 1, 8), (2, 2, 0), (3, 3, 5)])],
        step=True,
        desc_intro="Meetings the pairs logged in each week.",
        desc_parts=["Weeks of 3 and 10 Mar: 8", "17 Mar: 0", "24 Mar: 5"],
    )
    svg = _parse(render_to_string("programs/_chart_line.html", {"chart": chart}))
    assert svg.get("role") == "img" and svg.get("aria-label") == "Meetings logged by week"
    assert "24 Mar: 5." in (svg.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    [path] = [p for p in svg.iter(f"{SVG}path")]
    points = [
        tuple(map(float, pair.split())) for pair in re.findall(r"[ML]([\d. ]+)", path.get("d", ""))
    ]
    # Two points per range: the first range spans two of the four slots, at one level.
    assert len(points) == 6
    (x0, y0), (x1, y1) = points[0], points[1]
    assert y0 == y1
    assert x1 - x0 == pytest.approx(2 * (points[5][0] - points[4][0]))
    assert points[2][1] > y0  # 0 is lower than 8 (SVG's y grows downwards)
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-axis"]
    assert "3 Mar 2025" in ticks and "24 Mar 2025" in ticks
    assert {"0", "10"} <= set(ticks)  # the y axis: 0 to a round top above 8


def test_a_line_chart_marks_its_second_series_with_another_shape() -> None:
    chart = line_chart(
        id="chart-lines",
        title="Applications by week",
        periods=["3 Mar", "10 Mar"],
        series=[("Mentees", [(0, 0, 2), (1, 1, 4)]), ("Mentors", [(0, 0, 1), (1, 1, 0)])],
    )
    svg = _parse(render_to_string("programs/_chart_line.html", {"chart": chart}))
    assert len(list(svg.iter(f"{SVG}circle"))) == 2  # the mentees' points
    squares = [r for r in svg.iter(f"{SVG}rect") if "chart-point" in r.get("class", "")]
    assert len(squares) == 2  # the mentors'


def test_chart_colours_are_design_tokens_that_stand_out_in_both_themes() -> None:
    css = CSS.read_text()
    used = set(re.findall(r"\.chart-series-\d \{ fill: var\((--color-[\w-]+)\)", css))
    assert used == {"--color-primary", "--color-accent"}
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", css)  # no colour outside the tokens
    for theme, colours in _themes().items():
        for token in used:
            for surface in SURFACES:
                # WCAG 1.4.11: graphics at least 3:1 against what is around them.
                assert contrast(colours[token], colours[surface]) >= 3, (theme, token, surface)
