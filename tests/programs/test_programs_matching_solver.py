"""The cohort solver on plain arrays: optimality against brute force, stability, the
no-one-left-behind guarantee, locks, exclusions and the reasons for the unmatched."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from programs import solver
from programs.solver import Problem

SEEDS = range(60)


def _random_problem(seed: int, *, n: int | None = None, m: int | None = None) -> Problem:
    rng = np.random.default_rng(seed)
    n = n if n is not None else int(rng.integers(1, 6))
    m = m if m is not None else int(rng.integers(1, 4))
    # Coarse scores so that ties happen too.
    quality = rng.integers(0, 5, size=(n, m)).astype(float) * 10
    passes = {
        "stage": rng.random((n, m)) < 0.75,
        "language": rng.random((n, m)) < 0.85,
    }
    capacity = rng.integers(1, 3, size=m)
    mentor_rank = rng.integers(0, 4, size=(n, m)).astype(float)
    return Problem(quality=quality, passes=passes, capacity=capacity, mentor_rank=mentor_rank)


def _objective(problem: Problem, assignment: dict[int, int]) -> tuple[int, float]:
    """(pairs, total score) of a mentee -> mentor assignment, slots in order."""
    load: dict[int, int] = {}
    total = 0.0
    for mentee, mentor in assignment.items():
        k = load.get(mentor, 0)
        load[mentor] = k + 1
        total += problem.quality[mentee, mentor] + solver.slot_bonus(
            int(problem.capacity[mentor]), k
        )
    return len(assignment), total


def _brute_force(problem: Problem) -> tuple[int, float]:
    n, m = problem.shape
    feasible = problem.feasible() & problem.open_mentors()[None, :]
    locked = dict(problem.locked)
    best = (-1, -1.0)
    options = [
        [locked[i]] if i in locked else [None, *[j for j in range(m) if feasible[i, j]]]
        for i in range(n)
    ]
    for choice in itertools.product(*options):
        counts = np.bincount([j for j in choice if j is not None], minlength=m)
        if np.any(counts > problem.capacity):
            continue
        value = _objective(problem, {i: j for i, j in enumerate(choice) if j is not None})
        if (value[0], round(value[1], 6)) > (best[0], round(best[1], 6)):
            best = value
    return best


def _room_left_for_unmatched(problem: Problem, result: solver.Assignment) -> list[int]:
    """Unmatched mentees for whom an open, fitting mentor still has a place."""
    feasible = problem.feasible() & problem.open_mentors()[None, :]
    load = np.bincount([j for j, _ in result.pairs.values()], minlength=problem.shape[1])
    room = problem.capacity - load
    return [
        i
        for i in range(problem.shape[0])
        if i not in result.pairs and np.any(feasible[i] & (room > 0))
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_optimal_matches_brute_force_on_small_cohorts(seed: int) -> None:
    problem = _random_problem(seed)
    result = solver.optimal(problem)
    matched, total = _brute_force(problem)
    assert result.matched == matched
    assert result.total == pytest.approx(total)
    assert result.total == pytest.approx(_objective(problem, _as_map(result))[1])


@pytest.mark.parametrize("seed", SEEDS)
def test_optimal_with_locks_and_exclusions_matches_brute_force(seed: int) -> None:
    problem = _random_problem(seed, n=5, m=3)
    feasible = problem.feasible()
    options = list(zip(*np.nonzero(feasible), strict=True))
    if options:
        mentee, mentor = options[seed % len(options)]
        problem.locked = [(int(mentee), int(mentor))]
        others = [j for j in range(3) if j != mentor]
        problem.excluded = frozenset(others[:1])
    result = solver.optimal(problem)
    matched, total = _brute_force(problem)
    assert result.matched == matched
    assert result.total == pytest.approx(total)
    for mentee, mentor in problem.locked:
        assert result.pairs[mentee][0] == mentor
    assert not {j for j, _ in result.pairs.values()} & problem.excluded


@pytest.mark.parametrize("method", ["optimal", "stable", "greedy"])
@pytest.mark.parametrize("seed", SEEDS)
def test_no_mentee_is_left_while_a_fitting_mentor_has_room(method: str, seed: int) -> None:
    problem = _random_problem(seed + 1000, n=8, m=3)
    result = solver.solve(problem, method)
    assert _room_left_for_unmatched(problem, result) == []
    # Capacities and hard filters hold.
    load = np.bincount([j for j, _ in result.pairs.values()], minlength=3)
    assert np.all(load <= problem.capacity)
    feasible = problem.feasible()
    assert all(feasible[i, j] for i, (j, _) in result.pairs.items())


@pytest.mark.parametrize("seed", SEEDS)
def test_stable_has_no_blocking_pair(seed: int) -> None:
    problem = _random_problem(seed + 2000, n=7, m=3)
    result = solver.stable(problem)
    assert solver.blocking_pairs(problem, result) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_optimal_is_never_worse_than_greedy_or_stable(seed: int) -> None:
    problem = _random_problem(seed + 3000, n=9, m=4)
    best = solver.optimal(problem)
    for other in (solver.greedy(problem), solver.stable(problem)):
        assert (best.matched, round(best.total, 6)) >= (other.matched, round(other.total, 6))


def _as_map(result: solver.Assignment) -> dict[int, int]:
    return {i: j for i, (j, _) in result.pairs.items()}


def test_the_blocking_pair_check_finds_an_unstable_matching() -> None:
    # Mentee 0 prefers mentor 1, and mentor 1 prefers mentee 0 to mentee 1.
    problem = Problem(
        quality=np.array([[10.0, 50.0], [10.0, 50.0]]),
        passes={"stage": np.ones((2, 2), dtype=bool)},
        capacity=np.array([1, 1]),
        mentor_rank=np.array([[1.0, 9.0], [1.0, 2.0]]),
    )
    unstable = solver.Assignment(pairs={0: (0, 18.0), 1: (1, 58.0)}, unmatched=[])
    assert solver.blocking_pairs(problem, unstable) == [(0, 1)]
    assert _as_map(solver.stable(problem)) == {0: 1, 1: 0}


def test_optimal_prefers_one_more_mentee_to_a_better_pair() -> None:
    # Greedy gives mentor 0 to mentee 0 (the best pair) and leaves mentee 1, who fits only
    # mentor 0, with nobody.
    problem = Problem(
        quality=np.array([[90.0, 10.0], [85.0, 0.0]]),
        passes={"stage": np.array([[True, True], [True, False]])},
        capacity=np.array([1, 1]),
        mentor_rank=np.zeros((2, 2)),
    )
    greedy = solver.greedy(problem)
    assert _as_map(greedy) == {0: 0}
    assert greedy.unmatched == [solver.Unmatched(1, solver.FULL, fitting=1)]
    best = solver.optimal(problem)
    assert _as_map(best) == {0: 1, 1: 0}
    assert best.total == pytest.approx(10 + 85 + 2 * solver.CAPACITY_WEIGHT)


def test_capacity_spreads_load_among_equal_mentors() -> None:
    problem = Problem(
        quality=np.full((2, 2), 50.0),
        passes={"stage": np.ones((2, 2), dtype=bool)},
        capacity=np.array([2, 2]),
        mentor_rank=np.zeros((2, 2)),
    )
    result = solver.optimal(problem)
    assert sorted(j for j, _ in result.pairs.values()) == [0, 1]
    assert result.total == pytest.approx(2 * (50 + solver.CAPACITY_WEIGHT))


def test_unmatched_reasons_name_the_filter_that_ruled_out_most() -> None:
    passes = {
        "stage": np.array([[False, False, True], [True, True, True], [True, True, True]]),
        "language": np.array([[True, True, False], [True, True, True], [False, False, False]]),
    }
    problem = Problem(
        quality=np.zeros((3, 3)),
        passes=passes,
        capacity=np.array([1, 1, 1]),
        mentor_rank=np.zeros((3, 3)),
        excluded=frozenset({0, 1, 2}),
    )
    problem.excluded = frozenset({2})
    reasons = {item.mentee: item for item in solver.optimal(problem).unmatched}
    assert reasons[0] == solver.Unmatched(0, solver.FILTERED, filter="stage", ruled_out=2)
    assert reasons[2] == solver.Unmatched(2, solver.FILTERED, filter="language", ruled_out=3)
    assert 1 not in reasons

    problem.excluded = frozenset({0, 1})
    reasons = {item.mentee: item for item in solver.optimal(problem).unmatched}
    assert reasons[0].kind == solver.FILTERED
    assert 1 not in reasons  # mentor 2 is open and fits

    problem.excluded = frozenset({0, 1, 2})
    reasons = {item.mentee: item for item in solver.optimal(problem).unmatched}
    assert reasons[1] == solver.Unmatched(1, solver.EXCLUDED, fitting=3)


def test_unmatched_because_every_fitting_mentor_is_full() -> None:
    problem = Problem(
        quality=np.array([[10.0], [20.0], [30.0]]),
        passes={"stage": np.ones((3, 1), dtype=bool)},
        capacity=np.array([2]),
        mentor_rank=np.zeros((3, 1)),
    )
    for method in ("optimal", "stable", "greedy"):
        result = solver.solve(problem, method)
        assert result.matched == 2
        (left,) = result.unmatched
        assert left.kind == solver.FULL and left.fitting == 1


def test_impossible_locks_are_refused() -> None:
    problem = Problem(
        quality=np.zeros((2, 1)),
        passes={"stage": np.array([[True], [False]])},
        capacity=np.array([1]),
        mentor_rank=np.zeros((2, 1)),
        locked=[(1, 0)],
    )
    with pytest.raises(ValueError, match="fails a hard filter"):
        solver.optimal(problem)
    problem.passes = {"stage": np.ones((2, 1), dtype=bool)}
    problem.locked = [(0, 0), (1, 0)]
    with pytest.raises(ValueError, match="capacity"):
        solver.optimal(problem)
    with pytest.raises(ValueError, match="shape"):
        Problem(
            quality=np.zeros((2, 2)),
            passes={"x": np.ones((2, 1), dtype=bool)},
            capacity=np.array([1, 1]),
        )


def test_empty_inputs() -> None:
    for n, m in ((0, 3), (3, 0), (0, 0)):
        problem = Problem(
            quality=np.zeros((n, m)),
            passes={"stage": np.ones((n, m), dtype=bool)},
            capacity=np.ones(m, dtype=np.int64),
            mentor_rank=np.zeros((n, m)),
        )
        for method in ("optimal", "stable", "greedy"):
            result = solver.solve(problem, method)
            assert result.matched == 0
            assert len(result.unmatched) == n


def test_full_size_solve_is_fast() -> None:
    """2,000 mentees and 500 mentors, both methods and greedy, well under 10 seconds."""
    rng = np.random.default_rng(42)
    n, m = 2000, 500
    problem = Problem(
        quality=rng.random((n, m)) * 92,
        passes={"stage": rng.random((n, m)) < 0.5, "language": rng.random((n, m)) < 0.9},
        capacity=rng.integers(1, 7, size=m),
        mentor_rank=rng.random((n, m)) * 100,
    )
    started = time.perf_counter()
    best = solver.optimal(problem)
    stable = solver.stable(problem)
    greedy = solver.greedy(problem)
    elapsed = time.perf_counter() - started
    assert elapsed < 10
    assert best.matched == min(n, int(problem.capacity.sum())) or best.matched >= stable.matched
    assert (best.matched, best.total) >= (greedy.matched, greedy.total)
    assert _room_left_for_unmatched(problem, best) == []
    assert _room_left_for_unmatched(problem, stable) == []
