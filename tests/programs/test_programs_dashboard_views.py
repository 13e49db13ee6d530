"""The dashboard page and its CSV export: who sees them, what they show, well-formed SVG
charts with tables beside them, a CSV that holds aggregates only and runs no formula, and a
query count that does not grow with the program."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import Form, Program, ProgramStatus, Side, Visibility
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import PhysicianFactory, UserFactory
from tests.moderation.conftest import make_moderator
from tests.programs.dashboard_data import (
    MATCHED_AT,
    answer,
    cohort,
    complete,
    milestone,
    pair,
    pairs,
    stall,
    term_program,
)
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _page(program: Program) -> str:
    return reverse("programs:dashboard", args=[program.slug])


def _csv(program: Program) -> str:
    return reverse("programs:dashboard_csv", args=[program.slug])


def _client(user: Any, *, two_factor: bool = False) -> Client:
    client = Client()
    if two_factor:
        sign_in_with_two_factor(client, user)
    elif user is not None:
        client.force_login(user)
    return client


# --- Who may see it --------------------------------------------------------------------------


@pytest.fixture
def world() -> dict[str, Any]:
    coordinator = PhysicianFactory.create(display_name="Dr. Coordinator")
    public = term_program(coordinator)
    invite_only = term_program(coordinator, visibility=Visibility.INVITE_ONLY)
    other_coordinator = PhysicianFactory.create()
    make_program(other_coordinator)
    applicants = {}
    pair_members = {}
    for program in (public, invite_only):
        applicants[program.pk] = apply(program, side=Side.MENTEE).applicant
        made = pair(program, cohort(program, "Spring"))
        pair_members[program.pk] = (made.mentorship.mentee, made.mentorship.mentor)
    return {
        "public": public,
        "invite_only": invite_only,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "applicants": applicants,
        "pair_members": pair_members,
    }


# reader -> (status on the public program, status on the invite-only one)
MATRIX = {
    "member": (403, 404),
    "applicant": (403, 403),
    "pair_mentee": (403, 403),
    "pair_mentor": (403, 403),
    "coordinator": (200, 200),
    "coordinator_of_another_program": (403, 404),
    "moderator_with_two_factor": (403, 404),
    "moderator_without_two_factor": (403, 404),
    "suspended_coordinator": (403, 403),
}


def _reader(world: dict[str, Any], name: str, program: Program) -> Client:
    if name == "member":
        return _client(UserFactory.create())
    if name == "applicant":
        return _client(world["applicants"][program.pk])
    if name == "pair_mentee":
        return _client(world["pair_members"][program.pk][0])
    if name == "pair_mentor":
        return _client(world["pair_members"][program.pk][1])
    if name == "coordinator":
        return _client(world["coordinator"])
    if name == "coordinator_of_another_program":
        return _client(world["other_coordinator"])
    if name == "moderator_with_two_factor":
        return _client(make_moderator(), two_factor=True)
    if name == "moderator_without_two_factor":
        return _client(make_moderator(with_mfa=False))
    assert name == "suspended_coordinator"
    coordinator = world["coordinator"]
    coordinator.suspended_at = timezone.now()
    coordinator.save()
    return _client(coordinator)


@pytest.mark.parametrize("reader", sorted(MATRIX))
def test_only_the_programs_coordinators_see_its_dashboard(
    world: dict[str, Any], reader: str
) -> None:
    for program, expected in zip(
        (world["public"], world["invite_only"]), MATRIX[reader], strict=True
    ):
        client = _reader(world, reader, program)
        for url in (_page(program), _csv(program)):
            assert client.get(url).status_code == expected, (reader, program.visibility, url)


def test_visitors_are_sent_to_sign_in(world: dict[str, Any]) -> None:
    for url in (_page(world["public"]), _csv(world["invite_only"])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_draft_programs_dashboard_is_its_coordinators_alone() -> None:
    coordinator = PhysicianFactory.create()
    draft = term_program(coordinator, status=ProgramStatus.DRAFT)
    assert _client(UserFactory.create()).get(_page(draft)).status_code == 404
    assert _client(coordinator).get(_page(draft)).status_code == 200


def test_an_unknown_program_is_a_404() -> None:
    client = _client(PhysicianFactory.create())
    assert client.get(reverse("programs:dashboard", args=["no-such-program"])).status_code == 404


def test_the_dashboard_changes_nothing_and_takes_no_post(world: dict[str, Any]) -> None:
    client = _client(world["coordinator"])
    assert client.post(_page(world["public"])).status_code == 405
    assert client.post(_csv(world["public"])).status_code == 405


# --- What the page shows -----------------------------------------------------------------------


def _svgs(html: str) -> list[ET.Element]:
    """The charts (the site's icons are SVG too, but not charts)."""
    return [
        ET.fromstring(match)
        for match in re.findall(r'<svg\b[^>]*class="chart .*?</svg>', html, re.S)
    ]


def _busy_program() -> tuple[Program, Any]:
    coordinator = PhysicianFactory.create()
    program = term_program(coordinator)
    spring = cohort(program, "Spring <b>2025</b>")
    summer = cohort(program, "Summer", MATCHED_AT.replace(day=10))
    goals = milestone(program, "Goals set")
    for index, made in enumerate(pairs(program, spring, 6, meetings_after=[2, 9])):
        answer(made, 4 if index % 2 else 5)
        answer(made, 3, form=Form.CLOSING)
        complete(made, goals)
    stall(made)
    for made in pairs(program, summer, 3, meetings_after=[1]):
        answer(made, 1)
    apply(program, side=Side.MENTEE)
    return program, coordinator


def test_an_empty_program_says_there_is_nothing_yet() -> None:
    coordinator = PhysicianFactory.create()
    program = term_program(coordinator)
    response = _client(coordinator).get(_page(program))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing to show yet" in html
    assert not _svgs(html)
    rows = list(csv.reader(io.StringIO(_client(coordinator).get(_csv(program)).content.decode())))
    assert rows[0][:4] == ["scope", "cohort", "period", "metric"]


def test_a_program_with_applications_but_no_cohort_says_so() -> None:
    coordinator = PhysicianFactory.create()
    program = term_program(coordinator)
    apply(program, side=Side.MENTEE)
    html = _client(coordinator).get(_page(program)).content.decode()
    assert "No cohort yet" in html
    assert "0%</span> of accepted mentees have a pair: 0 of 1." in html


def test_the_page_shows_the_figures_and_hides_small_groups() -> None:
    program, coordinator = _busy_program()
    response = _client(coordinator).get(_page(program))
    assert response.status_code == 200
    html = response.content.decode()
    # The cohort name is escaped, never markup.
    assert "Spring &lt;b&gt;2025&lt;/b&gt;" in html and "<b>2025</b>" not in html
    assert "90%</span> of accepted mentees have a pair: 9 of 10." in html
    table = html[html.index('id="cohorts-table"') :]
    table = table[: table.index("</table>")]
    spring, summer, whole = (
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>.*?</tr>|<tr class=.*?</tr>", table.split("</thead>")[1], re.S)
    )
    hidden = "fewer than 5: not shown"
    # Summer's 3 pairs are too few; Spring (6) is hidden with it, or the whole program
    # minus Spring would give Summer away. Closing survey: only Spring answered (6).
    assert summer == ["Summer (from 10 Mar 2025)", "3", *[hidden] * 5, "none yet"]
    assert spring[1:] == ["6", *[hidden] * 5, "3.0"]
    assert whole == ["Whole program", "9", "2 days", "0", "1.7", "1 (11%)", "3.3", "3.0"]


def test_the_charts_are_well_formed_labelled_svg_with_tables_beside_them() -> None:
    program, coordinator = _busy_program()
    html = _client(coordinator).get(_page(program)).content.decode()
    svgs = _svgs(html)
    assert len(svgs) >= 4
    ids = set()
    for svg in svgs:
        assert svg.get("role") == "img"
        assert svg.get("aria-label")
        assert svg.get("width") == "100%"
        assert re.fullmatch(r"0 0 360 [\d.]+", svg.get("viewBox") or "")
        title = svg.find(f"{SVG}title")
        desc = svg.find(f"{SVG}desc")
        assert title is not None and title.text
        assert desc is not None and desc.text and any(ch.isdigit() for ch in desc.text)
        assert svg.get("aria-describedby") == desc.get("id")
        ids.add(svg.get("id"))
        # Colours come from the stylesheet (design tokens), never inline.
        assert "style" not in ET.tostring(svg, encoding="unicode")
        assert 'fill="#' not in ET.tostring(svg, encoding="unicode")
    assert {"chart-applications", "chart-meetings", "chart-applications-over-time"} <= ids
    assert html.count("<table") >= len(svgs)
    assert html.count("<caption") == html.count("<table")
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "css/programs-dashboard.css" in html


def test_the_charts_draw_the_tables_numbers() -> None:
    program, coordinator = _busy_program()
    html = _client(coordinator).get(_page(program)).content.decode()
    [meetings] = [svg for svg in _svgs(html) if svg.get("id") == "chart-meetings"]
    values = [
        text.text for text in meetings.iter(f"{SVG}text") if text.get("class") == "chart-value"
    ]
    labels = [
        text.text for text in meetings.iter(f"{SVG}text") if text.get("class") == "chart-label"
    ]
    # 6 pairs met twice, 3 once: the bar of 3 joins its bigger neighbour, the 6.
    assert labels[:3] == ["0 meetings", "1-2 meetings", "3 meetings"]
    assert labels[-1] == "10 or more meetings"
    assert values[:3] == ["0 pairs", "9 pairs", "0 pairs"]
    table = html[html.index('id="meetings-table"') :]
    assert re.findall(r'<th scope="row">(.*?)</th><td class="num">(\d+)</td>', table)[:2] == [
        ("0", "0"),
        ("1-2", "9"),
    ]


# --- The CSV export --------------------------------------------------------------------------


def test_the_csv_holds_the_same_aggregates_and_is_an_attachment() -> None:
    program, coordinator = _busy_program()
    response = _client(coordinator).get(_csv(program))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert program.slug in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by = {(r["scope"], r["cohort"], r["metric"], r["breakdown"]): r for r in rows}
    assert by[("program", "", "pairs", "")]["value"] == "9"
    assert by[("program", "", "applications", "mentee accepted")]["value"] == "10"
    assert by[("program", "", "matched_share", "")]["value"] == "0.9"
    summer = by[("cohort", "Summer", "satisfaction_mean", "midpoint")]
    assert summer["value"] == "" and summer["note"] == "fewer than 5: not shown"
    assert by[("program", "", "satisfaction_mean", "closing")]["value"] == "3"
    # Aggregates only: no member's name, handle or email anywhere.
    text = response.content.decode()
    for made in program.pairs.select_related("mentorship__mentee", "mentorship__mentor"):
        for member in (made.mentorship.mentee, made.mentorship.mentor):
            assert member.display_name not in text
            assert member.handle not in text
            assert member.email not in text


def test_the_csv_runs_no_formula_from_a_cohort_or_milestone_name() -> None:
    coordinator = PhysicianFactory.create()
    program = term_program(coordinator)
    cohort(program, '=HYPERLINK("http://evil.example","Click")')
    cohort(program, "+1+1", MATCHED_AT.replace(day=4))
    cohort(program, "-2", MATCHED_AT.replace(day=5))
    cohort(program, "@SUM(A1)", MATCHED_AT.replace(day=6))
    milestone(program, "=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(_client(coordinator).get(_csv(program)).content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://evil.example","Click")' in cells
    assert "'+1+1" in cells and "'-2" in cells and "'@SUM(A1)" in cells
    assert "'=cmd|' /C calc'!A0" in cells


# --- Speed -------------------------------------------------------------------------------------


def _grow(program: Program, cohorts: int, pairs_each: int) -> None:
    goals = milestone(program, f"Goals {cohorts}")
    for number in range(cohorts):
        run = cohort(program, f"Cohort {number}", MATCHED_AT.replace(day=number + 1))
        for made in pairs(program, run, pairs_each, meetings_after=[number + 1, 8]):
            answer(made, 1 + number % 5)
            answer(made, 4, form=Form.CLOSING)
            complete(made, goals)
            stall(made)


def test_the_query_count_does_not_grow_with_cohorts_or_pairs(
    django_assert_max_num_queries: Any,
) -> None:
    coordinator = PhysicianFactory.create()
    program = term_program(coordinator)
    client = _client(coordinator)
    _grow(program, 2, 5)
    client.get(_page(program))  # the session and the rail, once
    with django_assert_max_num_queries(14) as small:
        assert client.get(_page(program)).status_code == 200
    _grow(program, 2, 8)  # 4 cohorts, more pairs, more milestones
    with django_assert_max_num_queries(14) as big:
        assert client.get(_page(program)).status_code == 200
    assert len(big.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(14):
        assert client.get(_csv(program)).status_code == 200
