"""Benchmark cohort matching: 2,000 mentees and 500 mentors matched as a whole.

Run from the repository root::

    python bench/cohort_matching.py              # in memory: input build + solve
    python bench/cohort_matching.py --mentees 200 --mentors 50
    DATABASE_URL=postgres://... python bench/cohort_matching.py --db

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

``--db`` then does it in the PostgreSQL database named by DATABASE_URL (migrated): the
same cohort is written in bulk as members (mentees with their preferences, the mentors as
verified physicians with mentor profiles), one program with a ranking question and every
member's accepted application, the blocks and the existing mentorships, all inside a
transaction that is rolled back at the end, so the database is left as it was. It times
`programs.services.matching.run_matching` end to end for each method (reading the
applications, building, solving, saving the proposal; the second run replaces the first's
proposal, as a re-run does), asserting each under 10 seconds, then `publish` of the optimal
proposal (the request's part: the checks and the bulk writes), then the `notify_cohort`
task's part on its own (writing the notifications; the emails, pushes and live events they
queue after commit are not counted, since the transaction never commits).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from mentoring.vocabulary import Area, MeetingMode, Stage, specialties  # noqa: E402
from programs import matching, solver  # noqa: E402

if TYPE_CHECKING:
    from accounts.models import User
    from programs.models import Program

T = TypeVar("T")

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


STAGE_ROLES = {
    Stage.PREMED: "premed",
    Stage.MEDICAL_STUDENT: "medical_student",
    Stage.RESIDENT: "resident",
    Stage.HIGH_SCHOOL: "high_school",
}


class _Rollback(Exception):
    pass


def _timed(label: str, step: Callable[[], T]) -> tuple[T, float]:
    """Run `step`, print its time and how many queries it made; return its result and time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = step()
        elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s, {len(captured.captured_queries):,} queries")
    return result, elapsed


def write_cohort(cohort: matching.Cohort) -> tuple[Program, User]:
    """The cohort as rows, written in bulk: members, profiles and preferences, one program
    (with a ranking question) and an accepted application for each member, the blocks and
    the existing mentorships. Returns the program and its coordinator."""
    from allauth.account.models import EmailAddress

    from accounts.models import Block, Role, User, VerificationStatus
    from mentoring.models import MenteePreferences, MentorProfile, MentorRequest, Mentorship
    from programs.models import (
        Application,
        ApplicationStatus,
        Audience,
        Coordinator,
        Program,
        ProgramStatus,
        Question,
        QuestionKind,
        Side,
    )

    coordinator = User.objects.create(
        email="bench-coordinator@bench.invalid",
        handle="bench-coordinator",
        display_name="Bench Coordinator",
        role=Role.PHYSICIAN,
        verification_status=VerificationStatus.VERIFIED,
        birth_year=1975,
        password="!",
    )
    program = Program.objects.create(
        name="Bench Pathways",
        slug="bench-pathways",
        organisation="Bench School of Medicine",
        term_starts_on=NOW.date(),
        term_ends_on=NOW.date().replace(year=NOW.year + 1),
        status=ProgramStatus.MATCHING,
        mentee_capacity=max(len(cohort.mentees), 1),
        created_by=coordinator,
    )
    Coordinator.objects.create(program=program, user=coordinator, appointed_by=coordinator)
    EmailAddress.objects.create(
        user=coordinator, email=coordinator.email, verified=True, primary=True
    )
    ranking = Question.objects.create(
        program=program,
        audience=Audience.MENTEES,
        kind=QuestionKind.RANKING,
        prompt="Rank what you want help with, most important first.",
        required=False,
    )
    mentor_users = User.objects.bulk_create(
        [
            User(
                email=f"bench-mentor-{j}@bench.invalid",
                handle=f"bench-mentor-{j}",
                display_name=mentor.name,
                role=Role.PHYSICIAN,
                verification_status=VerificationStatus.VERIFIED,
                birth_year=1980,
                password="!",
            )
            for j, mentor in enumerate(cohort.mentors)
        ],
        batch_size=1000,
    )
    mentee_users = User.objects.bulk_create(
        [
            User(
                email=f"bench-mentee-{i}@bench.invalid",
                handle=f"bench-mentee-{i}",
                display_name=mentee.name,
                role=STAGE_ROLES[Stage(mentee.stage)],
                birth_year=None if mentee.minor else 2002,
                password="!",
            )
            for i, mentee in enumerate(cohort.mentees)
        ],
        batch_size=1000,
    )
    profiles = []
    for user, mentor in zip(mentor_users, cohort.mentors, strict=True):
        profile = MentorProfile(
            user=user,
            areas=sorted(mentor.areas),
            specialties=sorted(mentor.specialties),
            stages=sorted(mentor.stages),
            languages=sorted(mentor.languages),
            meeting_modes=sorted(mentor.meeting_modes),
            time_zone=mentor.time_zone,
            capacity=10,
            background=sorted(mentor.background),
            share_background_for_matching=bool(mentor.background),
        )
        profile.refresh_search_tags()
        profiles.append(profile)
    MentorProfile.objects.bulk_create(profiles, batch_size=1000)
    MenteePreferences.objects.bulk_create(
        [
            MenteePreferences(
                user=user,
                goals=list(mentee.goals),
                specialties=sorted(mentee.specialties),
                languages=sorted(mentee.languages),
                language_required=mentee.language_required,
                meeting_modes=sorted(mentee.meeting_modes),
                time_zone=mentee.time_zone,
                background=sorted(mentee.background),
                share_background_for_matching=bool(mentee.background),
            )
            for user, mentee in zip(mentee_users, cohort.mentees, strict=True)
        ],
        batch_size=1000,
    )
    applications = [
        Application(
            program=program,
            applicant=user,
            side=Side.MENTOR,
            status=ApplicationStatus.ACCEPTED,
            capacity=mentor.capacity,
            submitted_at=NOW,
            decided_at=NOW,
        )
        for user, mentor in zip(mentor_users, cohort.mentors, strict=True)
    ] + [
        Application(
            program=program,
            applicant=user,
            side=Side.MENTEE,
            status=ApplicationStatus.ACCEPTED,
            answers={str(ranking.pk): list(mentee.goals)} if mentee.ranked else {},
            submitted_at=NOW,
            decided_at=NOW,
        )
        for user, mentee in zip(mentee_users, cohort.mentees, strict=True)
    ]
    Application.objects.bulk_create(applications, batch_size=1000)
    # The cohort's ids (user ids of the in-memory cohort) mapped to the rows' ids.
    user_ids = {
        mentor.user_id: user.pk for user, mentor in zip(mentor_users, cohort.mentors, strict=True)
    }
    user_ids |= {
        mentee.user_id: user.pk for user, mentee in zip(mentee_users, cohort.mentees, strict=True)
    }
    Block.objects.bulk_create(
        [
            Block(blocker_id=user_ids[mentee], blocked_id=user_ids[mentor])
            for mentee, mentor in cohort.walls
            if mentee < mentor
        ],
        ignore_conflicts=True,
    )
    requests = MentorRequest.objects.bulk_create(
        [
            MentorRequest(
                mentee_id=user_ids[mentee],
                mentor_id=user_ids[mentor],
                status="accepted",
                created_at=NOW,
                decided_at=NOW,
            )
            for mentee, mentor in sorted(cohort.paired)
        ]
    )
    Mentorship.objects.bulk_create(
        [
            Mentorship(request=r, mentor_id=r.mentor_id, mentee_id=r.mentee_id, started_at=NOW)
            for r in requests
        ]
    )
    return program, coordinator


def bench_database(mentees: int, mentors: int, seed: int) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from programs.models import MatchingMethod, ProgramPair
    from programs.services import matching as services

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine != "postgresql":
        raise SystemExit("--db needs DATABASE_URL=postgres://... (a migrated database)")
    cohort = random_cohort(mentees, mentors, seed=seed)
    try:
        with transaction.atomic():
            (program, coordinator), _ = _timed(
                f"--db: writing {mentees:,} mentees and {mentors:,} mentors with their "
                "profiles and accepted applications",
                lambda: write_cohort(cohort),
            )
            with connection.cursor() as cursor:
                for table in (
                    "accounts_user",
                    "programs_application",
                    "mentoring_mentorprofile",
                    "mentoring_menteepreferences",
                    "mentoring_mentorship",
                ):
                    cursor.execute(f"ANALYZE {table}")
            proposal = None
            for method in (MatchingMethod.STABLE, MatchingMethod.OPTIMAL):
                program.matching_method = method
                program.save(update_fields=["matching_method"])
                run, elapsed = _timed(
                    f"run_matching ({method}, read + build + solve + save the proposal)",
                    lambda: services.run_matching(program=program, actor=coordinator, now=NOW),
                )
                print(
                    f"  {run.pairs.count():,} pairs proposed, {len(run.unmatched):,} unmatched; "
                    f"total quality {run.total_score:,.1f} (greedy {run.greedy_score:,.1f})"
                )
                assert elapsed < BUDGET_SECONDS, f"run_matching ({method}) took {elapsed:.2f} s"
                proposal = run
            assert proposal is not None
            published, _ = _timed(
                "publish (the request: checks, bulk requests, mentorships, pairs, recount)",
                lambda: services.publish(run=proposal, actor=coordinator, now=NOW),
            )
            opened = ProgramPair.objects.filter(run=published).count()
            print(f"  {opened:,} mentorships opened; notifications not included (a task)")
            written, _ = _timed(
                "notify_cohort (the task: the notifications' rows; emails and pushes are "
                "queued after commit, never here)",
                lambda: services.notify_cohort(run_id=published.pk, now=NOW),
            )
            print(f"  {written:,} notifications written")
            raise _Rollback
    except _Rollback:
        print("--db: rolled back; the database is as it was")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--db", action="store_true", help="also match and publish in the database (PostgreSQL)"
    )
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
    if args.db:
        bench_database(args.mentees, args.mentors, args.seed)


if __name__ == "__main__":
    main()
