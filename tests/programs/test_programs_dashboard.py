"""The dashboard's figures (programs.outcomes), computed on hand-built data, and the
small-group rule that keeps any one member's answers out of them."""

from __future__ import annotations

import datetime as dt

import pytest

from programs.models import AlertKind, ApplicationStatus, Form, Side
from programs.outcomes import (
    MIN_GROUP,
    NOT_SHOWN,
    Bar,
    merged_bars,
    program_outcomes,
    withheld,
)
from tests.factories import PhysicianFactory
from tests.mentoring.factories import make_mentor
from tests.programs.dashboard_data import (
    MATCHED_AT,
    TERM_START,
    TODAY,
    answer,
    cohort,
    complete,
    meet,
    milestone,
    pair,
    pairs,
    stall,
    term_program,
)
from tests.programs.factories import apply

pytestmark = pytest.mark.django_db


# --- The rule itself --------------------------------------------------------------------


def test_min_group_is_five() -> None:
    assert MIN_GROUP == 5


def test_it_withholds_groups_of_one_to_four_but_not_empty_ones() -> None:
    assert withheld({"a": 10, "b": 4, "c": 0, "d": 5, "e": 1}) == {"b", "e"}
    hidden = withheld({"a": 10, "b": 3, "c": 0, "d": 2})
    # b and d hold 5 between them: nobody can be worked out by subtraction.
    assert hidden == {"b", "d"}


def test_it_hides_the_smallest_shown_group_when_the_hidden_ones_hold_under_five() -> None:
    # b alone (3) would be the whole program minus a: a is hidden too.
    assert withheld({"a": 10, "b": 3}) == {"a", "b"}
    # The smallest shown group goes first (here c, 6), and that is enough.
    assert withheld({"a": 10, "b": 3, "c": 6}) == {"b", "c"}
    # On a tie, the earliest in the order given.
    assert withheld({"a": 6, "b": 3, "c": 6}, ["c", "b", "a"]) == {"b", "c"}


def test_it_hides_nothing_when_every_group_is_big_enough_or_empty() -> None:
    assert withheld({"a": 5, "b": 0, "c": 12}) == set()


def _label(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _additive(counts: list[int]):  # type: ignore[no-untyped-def]
    return lambda low, high: sum(counts[low : high + 1])


def test_a_bar_of_two_answers_is_merged_with_its_bigger_neighbour() -> None:
    counts = [0, 6, 2, 9, 5]
    bars = merged_bars(counts, _additive(counts), _label)
    assert bars == [
        Bar(0, 0, 0, "0"),
        Bar(1, 1, 6, "1"),
        Bar(2, 3, 11, "2-3"),
        Bar(4, 4, 5, "4"),
    ]


def test_small_bars_merge_until_each_holds_five() -> None:
    counts = [3, 0, 1, 0, 8]
    # 3, then 1: whatever lies between them is swallowed on the way to the bar of 8.
    assert merged_bars(counts, _additive(counts), _label) == [Bar(0, 4, 12, "0-4")]
    counts = [7, 0, 1, 0, 8]
    # The 1 joins an empty neighbour (the lower on a tie), then the bigger one, the 7.
    assert merged_bars(counts, _additive(counts), _label) == [
        Bar(0, 2, 8, "0-2"),
        Bar(3, 3, 0, "3"),
        Bar(4, 4, 8, "4"),
    ]


def test_a_distribution_of_fewer_than_five_is_not_shown_at_all() -> None:
    counts = [1, 1, 2, 0, 0]
    assert merged_bars(counts, _additive(counts), _label) is None
    assert merged_bars([], _additive([]), _label) is None


# --- An empty program ----------------------------------------------------------------------


def test_an_empty_program_has_nothing_and_divides_by_nothing() -> None:
    program = term_program()
    outcomes = program_outcomes(program, today=TODAY)
    assert outcomes.is_empty
    assert outcomes.total_applications == 0
    assert outcomes.matched_share is None
    assert outcomes.cohorts == []
    whole = outcomes.whole
    assert whole.pairs == 0
    for cell in (
        whole.first_meeting_days,
        whole.meetings_per_pair,
        whole.stalled_share,
        *whole.satisfaction.values(),
    ):
        assert cell.value is None and not cell.hidden and cell.note == "none yet"
    assert outcomes.meetings_distribution is None
    assert outcomes.meetings_over_time is None
    assert all(item.bars is None for item in outcomes.satisfaction)


def test_a_cohort_with_no_pairs_yet_has_no_figures_and_no_error() -> None:
    program = term_program()
    cohort(program, "Spring")
    milestone(program, "Goals set")
    outcomes = program_outcomes(program, today=TODAY)
    [spring] = outcomes.cohorts
    assert spring.pairs == 0
    assert spring.meetings_per_pair.value is None
    assert all(cell.value is None for cell in spring.milestones.values())


# --- Each figure --------------------------------------------------------------------------


def test_it_counts_applications_by_side_and_status_and_the_matched_share() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    pair(program, run)
    pair(program, run)
    apply(program, side=Side.MENTEE)  # accepted, not matched
    apply(program, side=Side.MENTEE)  # accepted, not matched
    apply(program, side=Side.MENTEE, status=ApplicationStatus.DECLINED)
    apply(program, side=Side.MENTEE, status=ApplicationStatus.SUBMITTED)
    apply(program, side=Side.MENTOR, status=ApplicationStatus.WITHDRAWN)

    outcomes = program_outcomes(program, today=TODAY)
    assert outcomes.applications_of(Side.MENTEE, ApplicationStatus.ACCEPTED) == 4
    assert outcomes.applications_of(Side.MENTEE, ApplicationStatus.DECLINED) == 1
    assert outcomes.applications_of(Side.MENTEE, ApplicationStatus.SUBMITTED) == 1
    assert outcomes.applications_of(Side.MENTOR, ApplicationStatus.ACCEPTED) == 2
    assert outcomes.applications_of(Side.MENTOR, ApplicationStatus.WITHDRAWN) == 1
    assert outcomes.total_applications == 9
    assert (outcomes.accepted_mentees, outcomes.matched_mentees) == (4, 2)
    assert outcomes.matched_share == 0.5


def test_time_to_first_meeting_is_the_median_and_pairs_without_one_are_apart() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    for days in (1, 2, 3, 4, 10):
        # The earliest meeting on or after the match counts; later ones do not.
        pair(program, run, meetings_after=[days + 20, days])
    early = pair(program, run)
    meet(early, MATCHED_AT.date() - dt.timedelta(days=3))  # before the match: ignored
    pair(program, run)

    [spring] = program_outcomes(program, today=TODAY).cohorts
    assert spring.pairs == 7
    assert spring.first_meeting_days.value == 3
    assert spring.first_meeting_days.group == 5
    assert spring.without_first_meeting.value == 2
    # Same-day meetings count as day 0.
    same_day = pair(program, run, meetings_after=[0])
    assert same_day
    [spring] = program_outcomes(program, today=TODAY).cohorts
    assert spring.first_meeting_days.value == 2.5


def test_meetings_per_pair_mean_and_distribution() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    for _ in range(5):
        pair(program, run, meetings_after=[1, 8])
    for _ in range(5):
        pair(program, run, meetings_after=[])
    pair(program, run, meetings_after=list(range(1, 13)))  # 12 meetings: "10 or more"

    outcomes = program_outcomes(program, today=TODAY)
    [spring] = outcomes.cohorts
    assert spring.meetings_per_pair.value == pytest.approx((5 * 2 + 12) / 11)
    assert outcomes.whole.meetings_per_pair.value == spring.meetings_per_pair.value
    # The lone pair with 12 meetings is a bar of one: merged with the bar of two meetings.
    assert outcomes.meetings_distribution == [
        Bar(0, 0, 5, "0"),
        Bar(1, 1, 0, "1"),
        Bar(2, 10, 6, "2 or more"),
    ]


def test_stalled_pairs_are_those_with_an_open_alert_to_the_coordinators() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    made = pairs(program, run, 8)
    stall(made[0])
    stall(made[1])
    stall(made[1], kind=AlertKind.NUDGE)  # the same pair twice: still one pair
    stall(made[2], resolved=True)
    stall(made[3], kind=AlertKind.NUDGE)

    [spring] = program_outcomes(program, today=TODAY).cohorts
    assert spring.stalled.value == 2
    assert spring.stalled_share.value == 0.25


def test_milestone_completion_is_the_share_of_pairs_done() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    goals = milestone(program, "Goals set", 14)
    closing = milestone(program, "Closing reflection", 100)
    made = pairs(program, run, 5)
    for done in made[:4]:
        complete(done, goals)
    complete(made[0], closing)

    outcomes = program_outcomes(program, today=TODAY)
    [spring] = outcomes.cohorts
    assert [m.title for m in outcomes.milestones] == ["Goals set", "Closing reflection"]
    assert spring.milestones[goals.id].value == 0.8
    assert spring.milestones[closing.id].value == 0.2
    assert outcomes.whole.milestones[goals.id].value == 0.8


def test_satisfaction_mean_and_distribution_per_form() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    made = pairs(program, run, 6)
    for program_pair, value in zip(made, (5, 5, 4, 4, 4, 2), strict=True):
        answer(program_pair, value, form=Form.MIDPOINT)
    for program_pair in made[:5]:
        answer(program_pair, 3, form=Form.CLOSING)

    outcomes = program_outcomes(program, today=TODAY)
    [spring] = outcomes.cohorts
    assert spring.satisfaction[Form.MIDPOINT].value == pytest.approx(24 / 6)
    assert spring.satisfaction[Form.CLOSING].value == 3
    midpoint, closing = outcomes.satisfaction
    assert midpoint.form == Form.MIDPOINT and midpoint.mean.group == 6
    # 2 (one answer) and 4 (three) and 5 (two) are under five: merged into ranges.
    assert midpoint.bars is not None
    assert all(bar.count == 0 or bar.count >= MIN_GROUP for bar in midpoint.bars)
    assert sum(bar.count for bar in midpoint.bars) == 6
    assert closing.bars == [
        Bar(0, 0, 0, "1"),
        Bar(1, 1, 0, "2"),
        Bar(2, 2, 5, "3"),
        Bar(3, 3, 0, "4"),
        Bar(4, 4, 0, "5"),
    ]


# --- Fewer than five: not shown ------------------------------------------------------------


def test_a_cohort_of_four_shows_no_satisfaction_or_pair_figure() -> None:
    program = term_program()
    big = cohort(program, "Spring", MATCHED_AT)
    small = cohort(program, "Summer", MATCHED_AT + dt.timedelta(days=1))
    first = milestone(program, "First meeting")
    for program_pair in pairs(program, big, 6, meetings_after=[2]):
        answer(program_pair, 4)
        complete(program_pair, first)
    for program_pair in pairs(program, small, 4, meetings_after=[5]):
        answer(program_pair, 1)
        complete(program_pair, first)
    other_small = cohort(program, "Autumn", MATCHED_AT + dt.timedelta(days=2))
    for program_pair in pairs(program, other_small, 1, meetings_after=[9]):
        answer(program_pair, 2)

    outcomes = program_outcomes(program, today=TODAY)
    spring, summer, autumn = outcomes.cohorts
    # Summer (4) and Autumn (1) hold 5 between them: Spring can be shown.
    for hidden in (summer, autumn):
        assert hidden.satisfaction[Form.MIDPOINT].hidden
        assert hidden.satisfaction[Form.MIDPOINT].note == NOT_SHOWN
        assert hidden.meetings_per_pair.hidden
        assert hidden.first_meeting_days.hidden
        assert hidden.stalled.hidden and hidden.stalled_share.hidden
        assert hidden.without_first_meeting.hidden
        assert all(cell.hidden for cell in hidden.milestones.values())
        assert not hidden.satisfaction[Form.MIDPOINT].shown
    assert summer.pairs == 4  # how many pairs is a count the coordinators already know
    assert spring.satisfaction[Form.MIDPOINT].value == 4
    # The whole program counts everyone.
    assert outcomes.whole.satisfaction[Form.MIDPOINT].value == pytest.approx(
        (6 * 4 + 4 * 1 + 2) / 11
    )
    assert outcomes.whole.first_meeting_days.value == 2


def test_one_small_cohort_beside_a_big_one_hides_both_so_no_subtraction_finds_it() -> None:
    program = term_program()
    big = cohort(program, "Spring", MATCHED_AT)
    small = cohort(program, "Summer", MATCHED_AT + dt.timedelta(days=1))
    for program_pair in pairs(program, big, 7):
        answer(program_pair, 5)
    for program_pair in pairs(program, small, 2):
        answer(program_pair, 1)

    outcomes = program_outcomes(program, today=TODAY)
    spring, summer = outcomes.cohorts
    assert summer.satisfaction[Form.MIDPOINT].hidden
    assert spring.satisfaction[Form.MIDPOINT].hidden
    assert spring.meetings_per_pair.hidden
    whole = outcomes.whole.satisfaction[Form.MIDPOINT]
    assert whole.shown and whole.value == pytest.approx((7 * 5 + 2) / 9)


def test_a_program_of_four_pairs_shows_no_figure_about_them() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    for program_pair in pairs(program, run, 4, meetings_after=[3]):
        answer(program_pair, 5)
        stall(program_pair)

    outcomes = program_outcomes(program, today=TODAY)
    whole = outcomes.whole
    assert whole.pairs == 4
    for cell in (
        whole.first_meeting_days,
        whole.meetings_per_pair,
        whole.stalled,
        whole.stalled_share,
        whole.satisfaction[Form.MIDPOINT],
    ):
        assert cell.hidden and not cell.shown
    assert outcomes.meetings_distribution is None
    assert outcomes.satisfaction[0].bars is None
    assert outcomes.meetings_over_time is None and outcomes.any_meetings


def test_the_median_needs_five_pairs_that_have_met() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    pair(program, run, meetings_after=[6])
    pairs(program, run, 9)

    [spring] = program_outcomes(program, today=TODAY).cohorts
    assert spring.meetings_per_pair.shown  # over the 10 pairs
    assert spring.without_first_meeting.value == 9
    assert spring.first_meeting_days.hidden  # it would be that one pair's six days


def test_survey_groups_count_members_not_answers() -> None:
    """One mentor answering for five mentees is one person: no figure."""
    program = term_program()
    run = cohort(program, "Spring")
    mentor = apply(program, make_mentor(PhysicianFactory.create()).user, side=Side.MENTOR)
    for program_pair in pairs(program, run, 5, mentor=mentor):
        answer(program_pair, 2, respondent=mentor.applicant)

    outcomes = program_outcomes(program, today=TODAY)
    [spring] = outcomes.cohorts
    cell = spring.satisfaction[Form.MIDPOINT]
    assert cell.group == 1 and cell.hidden
    assert outcomes.whole.satisfaction[Form.MIDPOINT].hidden
    assert outcomes.satisfaction[0].bars is None


def test_satisfaction_bars_count_members_so_one_members_answers_never_make_a_bar() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    mentor = apply(program, make_mentor(PhysicianFactory.create()).user, side=Side.MENTOR)
    made = pairs(program, run, 10, mentor=mentor)
    for program_pair in made[:5]:
        answer(program_pair, 2, respondent=mentor.applicant)  # five answers, one member
    for program_pair in made:
        answer(program_pair, 4)  # ten mentees

    [midpoint, _] = program_outcomes(program, today=TODAY).satisfaction
    assert midpoint.bars is not None
    # Five answers of 2, but from one member: that bar joins the mentees' answers of 4.
    assert midpoint.bars == [Bar(0, 3, 15, "1-4"), Bar(4, 4, 0, "5")]


# --- Over time ------------------------------------------------------------------------------


def test_applications_are_counted_by_week_of_the_term() -> None:
    program = term_program()
    for days, side in ((-5, Side.MENTEE), (0, Side.MENTEE), (1, Side.MENTOR), (9, Side.MENTEE)):
        when = dt.datetime.combine(TERM_START + dt.timedelta(days=days), dt.time(12), tzinfo=dt.UTC)
        application = apply(program, side=side)
        application.submitted_at = when
        application.save()

    outcomes = program_outcomes(program, today=TERM_START + dt.timedelta(days=20))
    assert outcomes.period_kind == "week"
    points = {p.period.start: (p.mentees, p.mentors) for p in outcomes.applications_over_time}
    assert points[dt.date(2025, 2, 24)] == (1, 0)  # the week before the term
    assert points[TERM_START] == (1, 1)
    assert points[dt.date(2025, 3, 10)] == (1, 0)
    assert points[dt.date(2025, 3, 17)] == (0, 0)  # an empty week is still there
    assert outcomes.applications_over_time[0].period.label == "Week of 24 Feb 2025"


def test_a_long_term_is_followed_by_the_month() -> None:
    program = term_program()
    program.term_ends_on = TERM_START + dt.timedelta(days=300)
    program.save()
    apply(program)
    outcomes = program_outcomes(program, today=TODAY)
    assert outcomes.period_kind == "month"
    assert outcomes.applications_over_time[0].period.start == dt.date(2025, 3, 1)


def test_weeks_with_meetings_of_fewer_than_five_pairs_join_a_neighbour() -> None:
    program = term_program()
    run = cohort(program, "Spring")
    # Week 1 (3 Mar): six pairs meet. Week 2 (10 Mar): two pairs. Week 4 (24 Mar): five.
    made = pairs(program, run, 6, meetings_after=[1])
    for program_pair in made[:2]:
        meet(program_pair, dt.date(2025, 3, 11))
    for program_pair in made[:5]:
        meet(program_pair, dt.date(2025, 3, 25))

    outcomes = program_outcomes(program, today=dt.date(2025, 3, 30))
    assert outcomes.meetings_over_time is not None
    # The timeline starts with the applications, the week before the term.
    assert [(p.period.start, p.period.end, p.meetings) for p in outcomes.meetings_over_time] == [
        (dt.date(2025, 2, 24), dt.date(2025, 2, 24), 0),
        (dt.date(2025, 3, 3), dt.date(2025, 3, 10), 8),
        (dt.date(2025, 3, 17), dt.date(2025, 3, 17), 0),
        (dt.date(2025, 3, 24), dt.date(2025, 3, 24), 5),
    ]
    assert outcomes.meetings_over_time[1].period.label == (
        "Week of 3 Mar 2025 to week of 10 Mar 2025"
    )
