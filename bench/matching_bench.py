"""Benchmark mentor matching: one mentee ranked against 10,000 mentors.

Run from the repository root::

    python bench/matching_bench.py                 # scoring only, in memory
    DATABASE_URL=postgres://... python bench/matching_bench.py --db

Two figures:

* ``memory``: `rank_candidates` over 10,000 candidate rows already in memory, which is
  what `suggest_mentors` does after its one candidate query. No database.
* ``--db``: the whole `suggest_mentors(mentee)` against 10,000 mentor profiles in the
  database named by DATABASE_URL (migrated): the block, in-flight and candidate queries,
  scoring, and loading the 20 cards. The mentors are created inside a transaction that is
  rolled back at the end, so the database is left as it was.

Both print the median and the 95th percentile over the timed runs (after warm-up runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from mentoring.matching import CandidateRow, MenteeWants, rank_candidates  # noqa: E402
from mentoring.vocabulary import Area, MeetingMode, Stage, specialties  # noqa: E402

MENTORS = 10_000
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
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
COMMON_LANGUAGES = ["en", "es", "fr", "hi", "zh", "ar", "tl", "vi", "pt", "yo"]


class _ProfileFields(TypedDict):
    areas: list[str]
    specialties: list[str]
    stages: list[str]
    languages: list[str]
    meeting_modes: list[str]
    time_zone: str
    capacity: int
    background: list[str]
    share_background_for_matching: bool


def _profile_fields(rng: random.Random) -> _ProfileFields:
    """A plausible mentor: a few areas, one or two specialties, English plus maybe more."""
    return {
        "areas": rng.sample(list(Area.values), rng.randint(2, 5)),
        "specialties": rng.sample(list(specialties()), rng.randint(1, 2)),
        "stages": rng.sample(list(Stage.values), rng.randint(1, 4)),
        "languages": ["en", *rng.sample(COMMON_LANGUAGES[1:], rng.randint(0, 2))],
        "meeting_modes": rng.sample(list(MeetingMode.values), rng.randint(1, 3)),
        "time_zone": rng.choice(ZONES),
        "capacity": rng.randint(1, 6),
        "background": rng.choice([[], [], ["first_generation"], ["under_represented"]]),
        "share_background_for_matching": rng.random() < 0.3,
    }


def _tags(fields: _ProfileFields) -> str:
    tagged = {
        "area": fields["areas"],
        "spec": fields["specialties"],
        "stage": fields["stages"],
        "lang": fields["languages"],
        "mode": fields["meeting_modes"],
    }
    tags = [f"{prefix}:{code}" for prefix, codes in tagged.items() for code in codes]
    return " " + " ".join(sorted(tags)) + " "


WANTS = MenteeWants(
    goals=frozenset({"area:mcat", "area:premed_advice", "area:research"}),
    specialties=frozenset({"spec:cardiology", "spec:emergency-medicine"}),
    languages=frozenset({"lang:en", "lang:es"}),
    meeting_modes=frozenset({"mode:video", "mode:messages"}),
    time_zone="America/Chicago",
    background=frozenset({"first_generation"}),
    stage="premed",
)


def _time(run: Callable[[], object], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    print(
        f"{label}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms "
        f"({len(ordered)} runs, {MENTORS:,} mentors)"
    )


def bench_memory(runs: int) -> None:
    rng = random.Random(7)
    rows = []
    for user_id in range(1, MENTORS + 1):
        fields = _profile_fields(rng)
        capacity = fields["capacity"]
        rows.append(
            CandidateRow(
                user_id=user_id,
                search_tags=_tags(fields),
                time_zone=str(fields["time_zone"]),
                capacity=capacity,
                active_mentee_count=rng.randint(0, capacity - 1),
                shared_background=(
                    json.dumps(fields["background"])
                    if fields["share_background_for_matching"]
                    else ""
                ),
            )
        )
    samples = _time(lambda: rank_candidates(WANTS, rows, now=NOW, limit=20), runs, warmup=5)
    _report("memory  rank_candidates", samples)


def bench_database(runs: int) -> None:
    from django.conf import settings
    from django.db import transaction

    from accounts.models import Role, User, VerificationStatus
    from mentoring.matching import suggest_mentors
    from mentoring.models import MenteePreferences, MentorProfile

    class _Rollback(Exception):
        pass

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    rng = random.Random(7)
    try:
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(
                        email=f"bench-mentor-{index}@bench.invalid",
                        handle=f"bench-mentor-{index}",
                        display_name=f"Bench Mentor {index}",
                        role=Role.PHYSICIAN if index % 4 else Role.RESIDENT,
                        verification_status=VerificationStatus.VERIFIED,
                        password="!",
                    )
                    for index in range(MENTORS)
                ],
                batch_size=2000,
            )
            profiles = []
            for user in users:
                fields = _profile_fields(rng)
                profile = MentorProfile(user=user, **fields)
                profile.active_mentee_count = rng.randint(0, profile.capacity - 1)
                profile.refresh_search_tags()
                profiles.append(profile)
            MentorProfile.objects.bulk_create(profiles, batch_size=2000)
            mentee = User.objects.create(
                email="bench-mentee@bench.invalid",
                handle="bench-mentee",
                display_name="Bench Mentee",
                role=Role.PREMED,
                birth_year=2003,
                password="!",
            )
            MenteePreferences.objects.create(
                user=mentee,
                goals=["mcat", "premed_advice", "research"],
                specialties=["cardiology", "emergency-medicine"],
                languages=["en", "es"],
                meeting_modes=["video", "messages"],
                time_zone="America/Chicago",
                background=["first_generation"],
                share_background_for_matching=True,
            )
            if engine == "postgresql":
                from django.db import connection

                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE mentoring_mentorprofile")
                    cursor.execute("ANALYZE accounts_user")
            count = len(suggest_mentors(mentee, now=NOW))
            samples = _time(lambda: suggest_mentors(mentee, now=NOW), runs, warmup=3)
            _report(f"{engine} suggest_mentors ({count} suggestions)", samples)
            raise _Rollback
    except _Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs (default 200)")
    parser.add_argument("--db", action="store_true", help="also time suggest_mentors in the DB")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    bench_memory(args.runs)
    if args.db:
        bench_database(max(args.runs // 4, 20))


if __name__ == "__main__":
    main()
