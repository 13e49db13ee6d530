"""Benchmark cohort matching: 2,000 mentees and 500 mentors matched as a whole.

Run from the repository root::

    python bench/cohort_matching.py              # in memory: input build + solve
    python bench/cohort_matching.py --mentees 200 --mentors 50

The cohort is random but seeded (the same profiles every run): mentees with a stage, goals
(a third of them ranked), specialties, languages (some required), meeting modes, a time
zone and sometimes a background they opted to match on, some under 18; mentors with the
fields of a mentor profile and 1 to 6 places. A few blocks and existing mentorships too.

For each method (optimal, stable) it times the whole matching after the database reads,
as programs.services.matching does it: `build_problem` (scores and hard filters with
numpy), the solve, and the reasons in words for every proposed pair; and it prints the
total quality beside the greedy one (best pair first) on the same input. It asserts each
method finishes under 10 seconds and that nobody is left unmatched while a mentor with
room who passes the hard filters exists.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from mentoring.vocabulary import Area, MeetingMode, Stage, specialties  # noqa: E402
from programs import matching, solver  # noqa: E402

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
BUDGET_SECONDS = 10.0
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Paris",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Tokyo",
    "Australia/Sydney",
]
LANGUAGES = ["en", "es", "fr", "hi", "zh", "ar", "tl", "vi", "pt", "yo"]
BACKGROUNDS = ["first_generation", "under_represented"]


def random_cohort(mentees: int, mentors: int, *, seed: int = 7) -> matching.Cohort:
    """A seeded random cohort of plain data, as `matching.load_cohort` would read it."""
    rng = random.Random(seed)
    areas = list(Area.values)
    specialty_codes = list(specialties())[:30]
    stages = [Stage.PREMED, Stage.MEDICAL_STUDENT, Stage.RESIDENT, Stage.HIGH_SCHOOL]
    mentor_rows = []
    for j in range(mentors):
        mentor_stages = set(rng.sample(stages[:3], rng.randint(1, 3)))
        if rng.random() < 0.2:
            mentor_stages.add(Stage.HIGH_SCHOOL)
        mentor_rows.append(
            matching.MentorSide(
                application_id=100_000 + j,
                user_id=100_000 + j,
                name=f"Mentor {j}",
                areas=frozenset(rng.sample(areas, rng.randint(2, 5))),
                specialties=frozenset(rng.sample(specialty_codes, rng.randint(1, 2))),
                stages=frozenset(str(stage) for stage in mentor_stages),
                languages=frozenset(["en", *rng.sample(LANGUAGES[1:], rng.randint(0, 2))]),
                meeting_modes=frozenset(rng.sample(list(MeetingMode.values), rng.randint(1, 3))),
                time_zone=rng.choice(ZONES),
                background=(
                    frozenset([rng.choice(BACKGROUNDS)]) if rng.random() < 0.3 else frozenset()
                ),
                capacity=rng.randint(1, 6),
            )
        )
    mentee_rows = []
    for i in range(mentees):
        stage = rng.choices(stages, weights=[5, 4, 2, 1])[0]
        goals = tuple(rng.sample(areas, rng.randint(1, 4)))
        languages = ["en"] if rng.random() < 0.8 else [rng.choice(LANGUAGES[1:])]
        mentee_rows.append(
            matching.MenteeSide(
                application_id=i + 1,
                user_id=i + 1,
                name=f"Mentee {i}",
                stage=str(stage),
                minor=stage == Stage.HIGH_SCHOOL,
                goals=goals,
                ranked=rng.random() < 0.33,
                specialties=frozenset(rng.sample(specialty_codes, rng.randint(0, 3))),
                languages=frozenset(languages),
                language_required=rng.random() < 0.15,
                meeting_modes=frozenset(rng.sample(list(MeetingMode.values), rng.randint(0, 2))),
                time_zone=rng.choice(ZONES),
                background=(
                    frozenset([rng.choice(BACKGROUNDS)]) if rng.random() < 0.3 else frozenset()
                ),
            )
        )
    walls = set()
    paired = set()
    for _ in range(mentees // 50):
        mentee, mentor = rng.randint(1, mentees), 100_000 + rng.randrange(mentors)
        walls |= {(mentee, mentor), (mentor, mentee)}
        paired.add((rng.randint(1, mentees), 100_000 + rng.randrange(mentors)))
    return matching.Cohort(mentees=mentee_rows, mentors=mentor_rows, walls=walls, paired=paired)


def match(cohort: matching.Cohort, method: str) -> tuple[solver.Problem, solver.Assignment]:
    """What the service does after its reads: build, solve, write the reasons."""
    problem = matching.build_problem(cohort, now=NOW)
    result = solver.solve(problem, method)
    hours = matching.hours_apart_grid(cohort, NOW)
    for i, (j, _) in result.pairs.items():
        matching.reasons_for(cohort, i, j, hours=float(hours[i, j]))
    for item in result.unmatched:
        matching.unmatched_words(cohort, item)
    return problem, result


def left_with_room(problem: solver.Problem, result: solver.Assignment) -> int:
    """Unmatched mentees for whom a fitting mentor still has a free place (must be 0)."""
    feasible = problem.feasible() & problem.open_mentors()[None, :]
    load = np.bincount([j for j, _ in result.pairs.values()], minlength=problem.shape[1])
    room = problem.capacity - load > 0
    return sum(
        1
        for i in range(problem.shape[0])
        if i not in result.pairs and bool(np.any(feasible[i] & room))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    cohort = random_cohort(args.mentees, args.mentors, seed=args.seed)
    places = sum(mentor.capacity for mentor in cohort.mentors)
    print(
        f"cohort: {args.mentees:,} mentees, {args.mentors:,} mentors, {places:,} places "
        f"(generated in {time.perf_counter() - started:.2f} s)"
    )
    started = time.perf_counter()
    problem = matching.build_problem(cohort, now=NOW)
    build = time.perf_counter() - started
    fitting = int(problem.feasible().sum())
    print(f"input build alone: {build:.2f} s ({fitting:,} feasible pairs)")
    started = time.perf_counter()
    greedy = solver.greedy(problem)
    print(
        f"greedy (best pair first): {greedy.matched:,} matched, total quality "
        f"{greedy.total:,.1f} ({time.perf_counter() - started:.2f} s)"
    )
    for method in ("optimal", "stable"):
        started = time.perf_counter()
        problem, result = match(cohort, method)
        elapsed = time.perf_counter() - started
        gain = (result.total - greedy.total) / greedy.total * 100 if greedy.total else 0.0
        print(
            f"{method}: {elapsed:.2f} s end to end (build + solve + reasons); "
            f"{result.matched:,} matched, {len(result.unmatched):,} unmatched; total quality "
            f"{result.total:,.1f} ({gain:+.1f}% vs greedy)"
        )
        assert elapsed < BUDGET_SECONDS, f"{method} took {elapsed:.2f} s"
        assert left_with_room(problem, result) == 0
        if method == "stable":
            assert solver.blocking_pairs(problem, result) == []
            print("stable: no blocking pair")
    print(f"both methods under the {BUDGET_SECONDS:.0f} s budget")


if __name__ == "__main__":
    main()
