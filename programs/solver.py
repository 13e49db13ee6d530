"""Matching a whole cohort: pure functions on numpy arrays, no Django.

The input (`Problem`) is a mentees x mentors grid:

- `quality[i, j]`: how well mentor j suits mentee i, from the mentee's side (the factors of
  mentoring.matching without capacity, 0 to 92 points);
- `passes[name][i, j]`: whether the pair passes the hard filter `name` (stage fit, minors,
  language required, blocks, ...); a pair is feasible when it passes every filter;
- `capacity[j]`: how many mentees mentor j takes in the program;
- `mentor_rank[i, j]`: how much mentor j would want mentee i (`stable` only);
- `locked`: pairs fixed in advance (their mentor's slots are taken first) and `excluded`:
  mentors left out of this run.

Capacity counts as it does in mentoring.matching (8 points times the share of places still
free): a mentor's k-th mentee (k = 0, 1, ...) adds `CAPACITY_WEIGHT * (c - k) / c` to the
pair's score, so among equally good matches the mentor with more room gets the mentee and
load spreads. A mentor's slots are filled in order, so the same pairs always score the same.

Three methods, each returning an `Assignment`:

- `optimal`: first the most mentees matched, then the highest total score. Every mentor is
  a row of capacity "slots" in one rectangular assignment problem solved exactly by
  scipy.optimize.linear_sum_assignment (a shortest augmenting path method). A feasible pair
  is worth `BIG + score`, with BIG larger than any total of scores, so one more matched
  mentee always beats any gain in quality; an infeasible one is worth 0 and is dropped
  from the answer. Guarantee: nobody is left unmatched while a mentor with room who passes
  the hard filters exists (that would be an augmenting path of length one).
- `stable`: mentee-proposing deferred acceptance with capacities (Gale and Shapley 1962;
  Roth 1984 for capacities). No mentee and mentor both prefer each other to what they
  got, it is the best stable matching for every mentee, and nobody is left unmatched while
  a fitting mentor has room (a mentor only turns a mentee down when full, and a full mentor
  stays full). It may match fewer mentees, or fewer points, than `optimal`.
- `greedy`: the best pair first, for comparison (a good, fast, but not optimal heuristic).

Why no library for the stable matching: the algorithm is twenty lines, and the packages
that offer it (matching, pygambit) would add a dependency for that, without the hard
filters, locked pairs and excluded mentors this module needs to honour.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

CAPACITY_WEIGHT = 8.0

# Unmatched kinds
FILTERED = "filtered"  # no mentor passes the hard filters
EXCLUDED = "excluded"  # the only mentors who pass were left out of the run
FULL = "full"  # every mentor who passes is full

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass
class Problem:
    quality: FloatArray
    passes: Mapping[str, BoolArray]
    capacity: IntArray
    mentor_rank: FloatArray | None = None
    locked: list[tuple[int, int]] = field(default_factory=list)
    excluded: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.quality = np.asarray(self.quality, dtype=np.float64)
        self.capacity = np.asarray(self.capacity, dtype=np.int64)
        n, m = self.quality.shape
        if self.capacity.shape != (m,):
            raise ValueError("capacity needs one entry per mentor")
        for name, grid in self.passes.items():
            if grid.shape != (n, m):
                raise ValueError(f"filter {name} has the wrong shape")
        if self.mentor_rank is not None and self.mentor_rank.shape != (n, m):
            raise ValueError("mentor_rank has the wrong shape")

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.quality.shape
        return int(n), int(m)

    def feasible(self) -> BoolArray:
        """Pairs that pass every hard filter (excluded mentors included)."""
        n, m = self.shape
        grid = np.ones((n, m), dtype=bool)
        for passing in self.passes.values():
            grid &= passing
        return grid

    def open_mentors(self) -> BoolArray:
        keep = np.ones(self.shape[1], dtype=bool)
        if self.excluded:
            keep[list(self.excluded)] = False
        return keep


@dataclass(frozen=True)
class Unmatched:
    mentee: int
    kind: str
    # FILTERED: the hard filter that ruled out the most mentors, and how many it did.
    filter: str = ""
    ruled_out: int = 0
    # FULL: how many mentors passed every filter (all of them full); EXCLUDED: how many of
    # those the run left out.
    fitting: int = 0


@dataclass
class Assignment:
    # mentee index -> (mentor index, score of the pair)
    pairs: dict[int, tuple[int, float]]
    unmatched: list[Unmatched]

    @property
    def total(self) -> float:
        return float(sum(score for _, score in self.pairs.values()))

    @property
    def matched(self) -> int:
        return len(self.pairs)


def slot_bonus(capacity: int, k: int) -> float:
    """What a mentor's k-th mentee (from 0) adds: the share of places still free."""
    return CAPACITY_WEIGHT * (capacity - k) / capacity


def _check_locked(problem: Problem, feasible: BoolArray) -> IntArray:
    """The number of each mentor's slots the locked pairs take; refuses impossible locks."""
    taken = np.zeros(problem.shape[1], dtype=np.int64)
    seen: set[int] = set()
    for mentee, mentor in problem.locked:
        if mentee in seen:
            raise ValueError(f"mentee {mentee} is locked twice")
        seen.add(mentee)
        if not feasible[mentee, mentor]:
            raise ValueError(f"locked pair {mentee}-{mentor} fails a hard filter")
        if mentor in problem.excluded:
            raise ValueError(f"locked pair {mentee}-{mentor} has an excluded mentor")
        taken[mentor] += 1
    if np.any(taken > problem.capacity):
        raise ValueError("locked pairs exceed a mentor's capacity")
    return taken


def _locked_pairs(problem: Problem) -> dict[int, tuple[int, float]]:
    pairs: dict[int, tuple[int, float]] = {}
    load: dict[int, int] = {}
    for mentee, mentor in problem.locked:
        k = load.get(mentor, 0)
        load[mentor] = k + 1
        score = problem.quality[mentee, mentor] + slot_bonus(int(problem.capacity[mentor]), k)
        pairs[mentee] = (mentor, float(score))
    return pairs


def explain_unmatched(problem: Problem, matched: set[int]) -> list[Unmatched]:
    """Why each mentee outside `matched` has no mentor."""
    n, m = problem.shape
    if n == 0:
        return []
    feasible = problem.feasible()
    open_mentors = problem.open_mentors()
    fitting_all = feasible.sum(axis=1)
    fitting_open = (feasible & open_mentors[None, :]).sum(axis=1)
    reasons = []
    for mentee in range(n):
        if mentee in matched:
            continue
        if fitting_all[mentee] == 0:
            worst, ruled_out = "", 0
            for name, passing in problem.passes.items():
                count = int(m - passing[mentee].sum())
                if count > ruled_out:
                    worst, ruled_out = name, count
            reasons.append(Unmatched(mentee, FILTERED, filter=worst, ruled_out=ruled_out))
        elif fitting_open[mentee] == 0:
            reasons.append(Unmatched(mentee, EXCLUDED, fitting=int(fitting_all[mentee])))
        else:
            reasons.append(Unmatched(mentee, FULL, fitting=int(fitting_open[mentee])))
    return reasons


def _free_part(problem: Problem) -> tuple[BoolArray, IntArray, list[int]]:
    """Feasible pairs among open mentors, the slots left after locks, and the free mentees."""
    feasible = problem.feasible()
    taken = _check_locked(problem, feasible)
    usable = feasible & problem.open_mentors()[None, :]
    locked_mentees = {mentee for mentee, _ in problem.locked}
    free = [i for i in range(problem.shape[0]) if i not in locked_mentees]
    return usable, taken, free


def optimal(problem: Problem) -> Assignment:
    """Most mentees matched, then the highest total score (see the module docstring)."""
    usable, taken, free = _free_part(problem)
    pairs = _locked_pairs(problem)
    # One column per free slot: mentor j's slots taken[j] .. capacity[j] - 1.
    slot_mentor: list[int] = []
    slot_bonuses: list[float] = []
    for mentor in np.flatnonzero(problem.open_mentors()):
        capacity = int(problem.capacity[mentor])
        for k in range(int(taken[mentor]), capacity):
            slot_mentor.append(int(mentor))
            slot_bonuses.append(slot_bonus(capacity, k))
    rows = [i for i in free if usable[i].any()]
    if rows and slot_mentor:
        columns = np.asarray(slot_mentor, dtype=np.int64)
        grid = np.ix_(np.asarray(rows, dtype=np.int64), columns)
        sub_usable = usable[grid]
        score = problem.quality[grid] + np.asarray(slot_bonuses)[None, :]
        # One more pair must outweigh any total of scores: BIG > rows x the largest score.
        big = (float(score.max(initial=0.0)) + 1.0) * (len(rows) + 1)
        value = np.where(sub_usable, big + score, 0.0)
        row_index, column_index = linear_sum_assignment(value, maximize=True)
        for r, c in zip(row_index, column_index, strict=True):
            if sub_usable[r, c]:
                pairs[rows[r]] = (int(columns[c]), float(score[r, c]))
        pairs = _renumber_slots(problem, pairs)
    return Assignment(pairs=pairs, unmatched=explain_unmatched(problem, set(pairs)))


def _renumber_slots(
    problem: Problem, pairs: dict[int, tuple[int, float]]
) -> dict[int, tuple[int, float]]:
    """Give each mentor's mentees the mentor's slots in order of the mentee-side score (the
    locked ones first), so a pair's score does not depend on which column the solver chose.
    The total is unchanged: a mentor's bonuses add up the same whoever holds them."""
    locked = {mentee for mentee, _ in problem.locked}
    by_mentor: dict[int, list[int]] = {}
    for mentee, (mentor, _) in pairs.items():
        by_mentor.setdefault(mentor, []).append(mentee)
    renumbered: dict[int, tuple[int, float]] = {}
    for mentor, mentees in by_mentor.items():
        mentees.sort(key=lambda i: (i not in locked, -problem.quality[i, mentor], i))
        capacity = int(problem.capacity[mentor])
        for k, mentee in enumerate(mentees):
            score = problem.quality[mentee, mentor] + slot_bonus(capacity, k)
            renumbered[mentee] = (mentor, float(score))
    return renumbered


def score_pairs(problem: Problem, assignment: dict[int, int]) -> dict[int, tuple[int, float]]:
    """Score a mentee -> mentor assignment as the methods do (slots in order, locked pairs
    first): for checking a coordinator's swap."""
    return _renumber_slots(problem, {i: (j, 0.0) for i, j in assignment.items()})


def stable(problem: Problem) -> Assignment:
    """Mentee-proposing deferred acceptance with capacities, over feasible pairs only.

    Mentees propose in order of `quality` (their side), mentors keep the mentees they rank
    highest by `mentor_rank` up to their free places (locked pairs hold theirs); ties go to
    the lower index. The result has no blocking pair among the free mentees and the open
    mentors: no mentee i and feasible mentor j where i prefers j to its mentor (or to none)
    and j has a free place or ranks i above one of its mentees.
    """
    if problem.mentor_rank is None:
        raise ValueError("stable matching needs the mentors' side (mentor_rank)")
    usable, taken, free = _free_part(problem)
    room = problem.capacity - taken
    quality, rank = problem.quality, problem.mentor_rank
    # Each mentee's list of acceptable mentors, best first (ties: lower index).
    proposals: dict[int, list[int]] = {}
    for mentee in free:
        options = np.flatnonzero(usable[mentee])
        order = np.lexsort((options, -quality[mentee, options]))
        proposals[mentee] = [int(x) for x in options[order]]
    next_choice = dict.fromkeys(free, 0)
    # Each mentor holds a min-heap of (rank, -mentee) so the worst held mentee is on top.
    held: dict[int, list[tuple[float, int]]] = {}
    waiting = list(reversed(free))
    while waiting:
        mentee = waiting.pop()
        choices = proposals[mentee]
        if next_choice[mentee] >= len(choices):
            continue  # turned down by every acceptable mentor
        mentor = choices[next_choice[mentee]]
        next_choice[mentee] += 1
        heap = held.setdefault(mentor, [])
        entry = (float(rank[mentee, mentor]), -mentee)
        if len(heap) < room[mentor]:
            heapq.heappush(heap, entry)
        elif heap and entry > heap[0]:
            _, bumped = heapq.heapreplace(heap, entry)
            waiting.append(-bumped)
        else:
            waiting.append(mentee)
    pairs = _locked_pairs(problem)
    for mentor, heap in held.items():
        for _, negative in heap:
            pairs[-negative] = (mentor, 0.0)
    pairs = _renumber_slots(problem, pairs)
    return Assignment(pairs=pairs, unmatched=explain_unmatched(problem, set(pairs)))


def greedy(problem: Problem) -> Assignment:
    """The best remaining pair first (by the mentee-side score), for comparison."""
    usable, taken, free = _free_part(problem)
    room = problem.capacity - taken
    pairs = _locked_pairs(problem)
    free_rows = np.asarray(free, dtype=np.int64)
    if free_rows.size:
        sub = usable[free_rows]
        rows, mentors = np.nonzero(sub)
        scores = problem.quality[free_rows[rows], mentors]
        # Best score first; ties to the lower mentee, then the lower mentor.
        order = np.lexsort((mentors, rows, -scores))
        done: set[int] = set()
        for index in order.tolist():
            mentee, mentor = int(free_rows[rows[index]]), int(mentors[index])
            if mentee in done or room[mentor] <= 0:
                continue
            done.add(mentee)
            room[mentor] -= 1
            pairs[mentee] = (mentor, 0.0)
        pairs = _renumber_slots(problem, pairs)
    return Assignment(pairs=pairs, unmatched=explain_unmatched(problem, set(pairs)))


METHODS = {"optimal": optimal, "stable": stable, "greedy": greedy}


def solve(problem: Problem, method: str) -> Assignment:
    return METHODS[method](problem)


def blocking_pairs(problem: Problem, assignment: Assignment) -> list[tuple[int, int]]:
    """Pairs (mentee, mentor) that would both rather have each other: empty when stable.
    Locked mentees and excluded mentors are left out, as the stable method leaves them."""
    if problem.mentor_rank is None:
        raise ValueError("stability needs the mentors' side (mentor_rank)")
    usable, taken, free = _free_part(problem)
    room = problem.capacity - taken
    held: dict[int, list[int]] = {}
    locked = {mentee for mentee, _ in problem.locked}
    for mentee, (mentor, _) in assignment.pairs.items():
        if mentee not in locked:
            held.setdefault(mentor, []).append(mentee)
    blocking = []
    for mentee in free:
        current = assignment.pairs.get(mentee)
        for mentor in np.flatnonzero(usable[mentee]).tolist():
            if current is not None and (
                current[0] == mentor
                or problem.quality[mentee, current[0]] >= problem.quality[mentee, mentor]
            ):
                continue
            mine = held.get(mentor, [])
            if len(mine) < room[mentor]:
                blocking.append((mentee, mentor))
                continue
            worst = min(problem.mentor_rank[other, mentor] for other in mine)
            if problem.mentor_rank[mentee, mentor] > worst:
                blocking.append((mentee, mentor))
    return blocking
