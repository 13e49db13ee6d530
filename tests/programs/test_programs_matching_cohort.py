"""Cohort matching on generated cohorts (no database): the guarantees at 200 x 50, and the
full 2,000 x 500 inside the time budget (bench/cohort_matching.py prints the figures)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from bench.cohort_matching import NOW, left_with_room, match, random_cohort
from programs import matching, solver


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_cohort_of_200_keeps_the_guarantees(seed: int) -> None:
    cohort = random_cohort(200, 50, seed=seed)
    problem = matching.build_problem(cohort, now=NOW)
    greedy = solver.greedy(problem)
    results = {method: match(cohort, method)[1] for method in ("optimal", "stable")}
    feasible = problem.feasible()
    for result in results.values():
        assert left_with_room(problem, result) == 0
        assert all(feasible[i, j] for i, (j, _) in result.pairs.items())
        load = np.bincount([j for j, _ in result.pairs.values()], minlength=50)
        assert np.all(load <= problem.capacity)
    best = results["optimal"]
    assert (best.matched, best.total) >= (greedy.matched, greedy.total)
    assert best.matched >= results["stable"].matched
    assert solver.blocking_pairs(problem, results["stable"]) == []
    # Every unmatched mentee has a reason in words, and every pair its reasons.
    hours = matching.hours_apart_grid(cohort, NOW)
    for i, (j, _) in best.pairs.items():
        assert matching.reasons_for(cohort, i, j, hours=float(hours[i, j]))
    for item in best.unmatched:
        for_coordinators, for_mentee = matching.unmatched_words(cohort, item)
        assert for_coordinators.endswith(".") and for_mentee


def test_hard_filters_on_a_generated_cohort() -> None:
    cohort = random_cohort(200, 50, seed=4)
    passes = matching.hard_filters(cohort)
    for i, mentee in enumerate(cohort.mentees):
        for j, mentor in enumerate(cohort.mentors):
            assert passes["stage"][i, j] == (mentee.stage in mentor.stages)
            assert passes["minors"][i, j] == (not mentee.minor or "high_school" in mentor.stages)
            assert passes["language"][i, j] == (
                not (mentee.language_required and mentee.languages)
                or bool(mentee.languages & mentor.languages)
            )
            assert passes["walls"][i, j] == ((mentee.user_id, mentor.user_id) not in cohort.walls)
            assert passes["paired"][i, j] == ((mentee.user_id, mentor.user_id) not in cohort.paired)


def test_the_full_cohort_matches_within_the_budget() -> None:
    cohort = random_cohort(2000, 500)
    for method in ("optimal", "stable"):
        started = time.perf_counter()
        problem, result = match(cohort, method)
        assert time.perf_counter() - started < 10
        assert left_with_room(problem, result) == 0
