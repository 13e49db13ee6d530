"""A program's cohort as the solver's input: who may be paired, how well, and why in words.

`load_cohort` reads a program's accepted applications in a few queries (the applications
with their members, profiles and preferences; the blocks among them; their active
mentorships; the mentors' places already taken by published pairs) into plain dataclasses.
`build_problem` turns a `Cohort` into a `programs.solver.Problem` with numpy, so 2,000
mentees by 500 mentors build in a fraction of a second (bench/cohort_matching.py).

Hard filters (a pair that fails one is never proposed), named as the solver reports them:

| Filter      | The pair passes when                                                  |
| ----------- | --------------------------------------------------------------------- |
| `available` | the mentor is a verified, active, unsuspended clinician with a profile |
| `stage`     | the mentor mentors the mentee's stage (students and residents only)   |
| `minors`    | the mentee is an adult, or the mentor accepts high-school mentees      |
| `language`  | the mentee requires no language, or the mentor speaks one they require |
| `walls`     | neither member blocked the other                                       |
| `paired`    | they have no active mentorship together already                        |

The mentee-side score uses the factors and weights of mentoring.matching (`WEIGHTS`):
goals 40, specialty 20, time zone 12, meeting modes 8, language 6, background 6; capacity
(8) is added per slot by the solver. A mentee's answer to the program's ranking question
(a ranking question with no choices ranks the mentoring areas) weighs the goals factor:
the k-th of r ranked areas counts (r - k) / (1 + 2 + ... + r) of it, so the first choice
counts most; without an answer every goal counts the same.

The mentor-side score, which only the stable method reads (mentors rank mentees by it):
| Factor      | Weight | 1.0 means                                                  |
| ----------- | -----: | ---------------------------------------------------------- |
| `specialty` |     35 | the mentee is interested in every specialty the mentor has |
| `goals`     |     25 | the mentee wants help only in areas the mentor offers      |
| `time_zone` |     20 | same UTC offset now                                        |
| `language`  |     10 | they share every language the mentee listed                |
| `background`|     10 | they share a background, both opted in                     |
Stage fit is a hard filter, so every mentee a mentor ranks fits their stages already.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from django.db.models import Count

from accounts.models import Block, VerificationStatus
from mentoring.matching import (
    TIME_ZONE_HORIZON_HOURS,
    WEIGHTS,
    MenteeWants,
    explain_fit,
    utc_offset_hours,
)
from mentoring.models import Mentorship, MentorshipStatus
from mentoring.vocabulary import AREA_LABELS, STAGE_PLURALS, Area, Stage
from mentoring.workflow import mentee_stage

from . import solver
from .models import (
    Application,
    Audience,
    Form,
    Program,
    ProgramPair,
    QuestionKind,
    Side,
)

MENTOR_SIDE_WEIGHTS: dict[str, float] = {
    "specialty": 35.0,
    "goals": 25.0,
    "time_zone": 20.0,
    "language": 10.0,
    "background": 10.0,
}

# The hard filters, in the order they are checked, with what a mentor who fails one is
# (for the coordinators) and what the mentee is told.
FILTER_MENTORS: dict[str, str] = {
    "available": "cannot take mentees right now",
    "stage": "do not mentor {stage}",
    "minors": "do not mentor members under 18",
    "language": "speak none of the languages they require",
    "walls": "cannot be paired with them",
    "paired": "already mentor them",
}
FILTER_MENTEE: dict[str, str] = {
    "available": "no mentor in the program could take mentees",
    "stage": "no mentor in the program mentors {stage}",
    "minors": "no mentor in the program mentors members under 18",
    "language": "no mentor in the program speaks a language you require",
    "walls": "no mentor in the program could be paired with you",
    "paired": "you already work with the mentors who would fit",
}
# What swapping refuses with, naming the filter a pair would break.
FILTER_PAIR: dict[str, str] = {
    "available": "{mentor} cannot take mentees right now",
    "stage": "{mentor} does not mentor {stage}",
    "minors": "{mentor} does not mentor members under 18",
    "language": "{mentor} speaks none of the languages {mentee} requires",
    "walls": "{mentee} and {mentor} cannot be paired",
    "paired": "{mentor} already mentors {mentee}",
}

AREA_CODES: list[str] = list(Area.values)
STAGE_CODES: list[str] = list(Stage.values)


@dataclass(frozen=True)
class MentorSide:
    """What matching reads of one accepted mentor application."""

    application_id: int
    user_id: int
    name: str = ""
    areas: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    meeting_modes: frozenset[str] = frozenset()
    time_zone: str = "UTC"
    # Empty unless the mentor opted in to matching on it.
    background: frozenset[str] = frozenset()
    # Places left in this program (the application's capacity less the active pairs of
    # cohorts already published).
    capacity: int = 1
    available: bool = True

    def tags(self) -> frozenset[str]:
        """The mentor's tags as mentoring.matching writes them ("area:mcat", ...)."""
        return frozenset(
            [f"area:{code}" for code in self.areas]
            + [f"spec:{code}" for code in self.specialties]
            + [f"lang:{code}" for code in self.languages]
            + [f"mode:{code}" for code in self.meeting_modes]
        )


@dataclass(frozen=True)
class MenteeSide:
    """What matching reads of one accepted mentee application."""

    application_id: int
    user_id: int
    name: str = ""
    stage: str = ""
    minor: bool = False
    # The goals, first choice first when the mentee ranked them.
    goals: tuple[str, ...] = ()
    ranked: bool = False
    specialties: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    language_required: bool = False
    meeting_modes: frozenset[str] = frozenset()
    time_zone: str = "UTC"
    background: frozenset[str] = frozenset()

    def goal_weights(self) -> list[float]:
        if not self.goals:
            return []
        if not self.ranked:
            return [1 / len(self.goals)] * len(self.goals)
        r = len(self.goals)
        total = r * (r + 1) / 2
        return [(r - k) / total for k in range(r)]

    def wants(self) -> MenteeWants:
        return MenteeWants(
            goals=frozenset(f"area:{code}" for code in self.goals),
            specialties=frozenset(f"spec:{code}" for code in self.specialties),
            languages=frozenset(f"lang:{code}" for code in self.languages),
            meeting_modes=frozenset(f"mode:{code}" for code in self.meeting_modes),
            time_zone=self.time_zone,
            background=self.background,
            stage=self.stage,
        )


@dataclass
class Cohort:
    mentees: list[MenteeSide]
    mentors: list[MentorSide]
    # (user id, user id) for each block, both orders.
    walls: set[tuple[int, int]] = field(default_factory=set)
    # (mentee user id, mentor user id) of active mentorships.
    paired: set[tuple[int, int]] = field(default_factory=set)

    def mentee_index(self) -> dict[int, int]:
        return {mentee.application_id: i for i, mentee in enumerate(self.mentees)}

    def mentor_index(self) -> dict[int, int]:
        return {mentor.application_id: j for j, mentor in enumerate(self.mentors)}


# --- Reading a program ------------------------------------------------------------------


def ranking_question_id(program: Program) -> int | None:
    """The program's question that ranks the mentoring areas for mentees, if any."""
    for question in program.questions.filter(
        form=Form.APPLICATION, kind=QuestionKind.RANKING
    ).exclude(audience=Audience.MENTORS):
        if not question.choices:
            return question.pk
    return None


def _ranked_areas(answer: object) -> list[str]:
    if not isinstance(answer, list):
        return []
    seen: list[str] = []
    for code in answer:
        if isinstance(code, str) and code in AREA_LABELS and code not in seen:
            seen.append(code)
    return seen


def _mentee_side(application: Application, ranking_id: int | None) -> MenteeSide:
    user = application.applicant
    stage = mentee_stage(user)
    ranked = _ranked_areas(application.answers.get(str(ranking_id))) if ranking_id else []
    side = MenteeSide(
        application_id=application.pk,
        user_id=user.pk,
        name=user.display_name,
        stage=str(stage) if stage else "",
        minor=user.is_minor,
        goals=tuple(ranked),
        ranked=bool(ranked),
    )
    preferences = getattr(user, "mentee_preferences", None)
    if preferences is None:
        return side
    return replace(
        side,
        goals=side.goals or tuple(code for code in preferences.goals if code in AREA_LABELS),
        specialties=frozenset(preferences.specialties),
        languages=frozenset(preferences.languages),
        language_required=preferences.language_required,
        meeting_modes=frozenset(preferences.meeting_modes),
        time_zone=preferences.time_zone,
        background=(
            frozenset(preferences.background)
            if preferences.share_background_for_matching
            else frozenset()
        ),
    )


def _mentor_side(application: Application, places_taken: int, *, now: datetime) -> MentorSide:
    user = application.applicant
    profile = getattr(user, "mentor_profile", None)
    capacity = max(application.capacity - places_taken, 0)
    if profile is None:
        return MentorSide(
            application_id=application.pk,
            user_id=user.pk,
            name=user.display_name,
            capacity=capacity,
            available=False,
        )
    available = (
        user.is_clinician
        and user.verification_status == VerificationStatus.VERIFIED
        and user.is_active
        and not user.is_suspended
    )
    return MentorSide(
        application_id=application.pk,
        user_id=user.pk,
        name=user.display_name,
        areas=frozenset(profile.areas),
        specialties=frozenset(profile.specialties),
        stages=frozenset(profile.stages),
        languages=frozenset(profile.languages),
        meeting_modes=frozenset(profile.meeting_modes),
        time_zone=profile.time_zone,
        background=(
            frozenset(profile.background) if profile.share_background_for_matching else frozenset()
        ),
        capacity=capacity,
        available=available,
    )


def load_cohort(
    program: Program,
    *,
    now: datetime,
    application_ids: Collection[int] | None = None,
) -> Cohort:
    """The program's accepted applicants still to match (mentees without a published pair;
    mentors with the places their published pairs leave), in application order.
    `application_ids` narrows it to those applications (checking a swap)."""
    applications = (
        Application.objects.filter(program=program)
        .accepted()
        .select_related("applicant", "applicant__mentor_profile", "applicant__mentee_preferences")
        .order_by("pk")
    )
    if application_ids is not None:
        applications = applications.filter(pk__in=list(application_ids))
    rows = list(applications)
    published = ProgramPair.objects.filter(program=program)
    matched_mentees = set(published.values_list("mentee_application_id", flat=True))
    taken = dict(
        published.filter(mentorship__status=MentorshipStatus.ACTIVE)
        .values("mentor_application_id")
        .annotate(n=Count("id"))
        .values_list("mentor_application_id", "n")
    )
    ranking_id = ranking_question_id(program)
    mentees = [
        _mentee_side(row, ranking_id)
        for row in rows
        if row.side == Side.MENTEE and row.pk not in matched_mentees
    ]
    mentors = [
        _mentor_side(row, taken.get(row.pk, 0), now=now) for row in rows if row.side == Side.MENTOR
    ]
    mentee_users = [mentee.user_id for mentee in mentees]
    mentor_users = [mentor.user_id for mentor in mentors]
    walls: set[tuple[int, int]] = set()
    paired: set[tuple[int, int]] = set()
    if mentee_users and mentor_users:
        members = mentee_users + mentor_users
        for blocker, blocked in Block.objects.filter(
            blocker_id__in=members, blocked_id__in=members
        ).values_list("blocker_id", "blocked_id"):
            walls.add((blocker, blocked))
            walls.add((blocked, blocker))
        paired = set(
            Mentorship.objects.active()
            .filter(mentee_id__in=mentee_users, mentor_id__in=mentor_users)
            .values_list("mentee_id", "mentor_id")
        )
    return Cohort(mentees=mentees, mentors=mentors, walls=walls, paired=paired)


# --- The solver's input -----------------------------------------------------------------


def _one_hot(groups: Iterable[Iterable[str]], index: dict[str, int]) -> np.ndarray:
    rows = list(groups)
    grid = np.zeros((len(rows), max(len(index), 1)), dtype=np.float32)
    for i, codes in enumerate(rows):
        for code in codes:
            column = index.get(code)
            if column is not None:
                grid[i, column] = 1.0
    return grid


def _vocabulary(*groups: Iterable[Iterable[str]]) -> dict[str, int]:
    codes: set[str] = set()
    for group in groups:
        for item in group:
            codes.update(item)
    return {code: k for k, code in enumerate(sorted(codes))}


def _share(wanted: np.ndarray, offered: np.ndarray) -> np.ndarray:
    """For each mentee row and mentor row: the share of the mentee's wanted codes (each row
    of `wanted` sums to its weights) that the mentor offers."""
    totals = wanted.sum(axis=1, keepdims=True)
    shared = wanted @ offered.T
    return np.divide(shared, totals, out=np.zeros_like(shared), where=totals > 0)


def _offsets(zones: list[str], now: datetime) -> np.ndarray:
    known: dict[str, float] = {}
    values = []
    for name in zones:
        if name not in known:
            try:
                known[name] = utc_offset_hours(name, now)
            except (ValueError, KeyError, LookupError):
                known[name] = 0.0
        values.append(known[name])
    return np.asarray(values, dtype=np.float64)


def hours_apart_grid(cohort: Cohort, now: datetime) -> np.ndarray:
    mentees = _offsets([mentee.time_zone for mentee in cohort.mentees], now)
    mentors = _offsets([mentor.time_zone for mentor in cohort.mentors], now)
    difference = np.abs(mentees[:, None] - mentors[None, :]) % 24
    return np.minimum(difference, 24 - difference)


def hard_filters(cohort: Cohort) -> dict[str, np.ndarray]:
    mentees, mentors = cohort.mentees, cohort.mentors
    n, m = len(mentees), len(mentors)
    stage_index = {code: k for k, code in enumerate(STAGE_CODES)}
    mentor_stages = _one_hot((mentor.stages for mentor in mentors), stage_index).astype(bool)
    stage = np.zeros((n, m), dtype=bool)
    for i, mentee in enumerate(mentees):
        if mentee.stage in stage_index:
            stage[i] = mentor_stages[:, stage_index[mentee.stage]]
    high_school = mentor_stages[:, stage_index[Stage.HIGH_SCHOOL]]
    minor = np.asarray([mentee.minor for mentee in mentees], dtype=bool)
    minors = ~minor[:, None] | high_school[None, :]
    language_index = _vocabulary(
        (mentee.languages for mentee in mentees), (mentor.languages for mentor in mentors)
    )
    required = _one_hot(
        (mentee.languages if mentee.language_required else () for mentee in mentees),
        language_index,
    )
    spoken = _one_hot((mentor.languages for mentor in mentors), language_index)
    needs = required.sum(axis=1) > 0
    language = ~needs[:, None] | ((required @ spoken.T) > 0)
    available = np.broadcast_to(
        np.asarray([mentor.available for mentor in mentors], dtype=bool)[None, :], (n, m)
    ).copy()
    walls = np.ones((n, m), dtype=bool)
    paired = np.ones((n, m), dtype=bool)
    if cohort.walls or cohort.paired:
        mentee_at: dict[int, list[int]] = {}
        for i, mentee in enumerate(mentees):
            mentee_at.setdefault(mentee.user_id, []).append(i)
        mentor_at: dict[int, list[int]] = {}
        for j, mentor in enumerate(mentors):
            mentor_at.setdefault(mentor.user_id, []).append(j)
        for grid, pairs in ((walls, cohort.walls), (paired, cohort.paired)):
            for mentee_user, mentor_user in pairs:
                for i in mentee_at.get(mentee_user, ()):
                    for j in mentor_at.get(mentor_user, ()):
                        grid[i, j] = False
    # Nobody mentors themselves (one application per member and program makes it rare).
    same = (
        np.asarray([mentee.user_id for mentee in mentees])[:, None]
        == np.asarray([mentor.user_id for mentor in mentors])[None, :]
    )
    walls &= ~same.reshape(n, m)
    return {
        "available": available,
        "stage": stage,
        "minors": minors,
        "language": language,
        "walls": walls,
        "paired": paired,
    }


def scores(cohort: Cohort, *, now: datetime) -> tuple[np.ndarray, np.ndarray]:
    """(mentee-side quality without capacity, mentor-side score), both mentees x mentors."""
    mentees, mentors = cohort.mentees, cohort.mentors
    n, m = len(mentees), len(mentors)
    if n == 0 or m == 0:
        return np.zeros((n, m)), np.zeros((n, m))
    area_index = {code: k for k, code in enumerate(AREA_CODES)}
    goals = np.zeros((n, len(area_index)), dtype=np.float32)
    for i, mentee in enumerate(mentees):
        for code, weight in zip(mentee.goals, mentee.goal_weights(), strict=True):
            goals[i, area_index[code]] = weight
    areas = _one_hot((mentor.areas for mentor in mentors), area_index)
    goal_share = _share(goals, areas)

    def shared(mentee_codes: list[frozenset[str]], mentor_codes: list[frozenset[str]]) -> tuple:
        index = _vocabulary(mentee_codes, mentor_codes)
        wanted = _one_hot(mentee_codes, index)
        offered = _one_hot(mentor_codes, index)
        return wanted, offered, _share(wanted, offered)

    wanted_specialties, offered_specialties, specialty_share = shared(
        [mentee.specialties for mentee in mentees], [mentor.specialties for mentor in mentors]
    )
    *_, language_share = shared(
        [mentee.languages for mentee in mentees], [mentor.languages for mentor in mentors]
    )
    *_, mode_share = shared(
        [mentee.meeting_modes for mentee in mentees], [mentor.meeting_modes for mentor in mentors]
    )
    *_, background_share = shared(
        [mentee.background for mentee in mentees], [mentor.background for mentor in mentors]
    )
    shares_background = background_share > 0
    closeness = np.maximum(0.0, 1 - hours_apart_grid(cohort, now) / TIME_ZONE_HORIZON_HOURS)
    quality = (
        WEIGHTS["goals"] * goal_share
        + WEIGHTS["specialty"] * specialty_share
        + WEIGHTS["time_zone"] * closeness
        + WEIGHTS["meeting_modes"] * mode_share
        + WEIGHTS["language"] * language_share
        + WEIGHTS["background"] * shares_background
    )
    # The mentor's side: the share of the mentor's specialties the mentee is interested in.
    mentor_specialty = _share(offered_specialties, wanted_specialties).T
    mentor_rank = (
        MENTOR_SIDE_WEIGHTS["specialty"] * mentor_specialty
        + MENTOR_SIDE_WEIGHTS["goals"] * goal_share
        + MENTOR_SIDE_WEIGHTS["time_zone"] * closeness
        + MENTOR_SIDE_WEIGHTS["language"] * language_share
        + MENTOR_SIDE_WEIGHTS["background"] * shares_background
    )
    return quality.astype(np.float64), mentor_rank.astype(np.float64)


def build_problem(
    cohort: Cohort,
    *,
    now: datetime,
    locked: Iterable[tuple[int, int]] = (),
    excluded: Iterable[int] = (),
) -> solver.Problem:
    """The solver's input; `locked` are (mentee, mentor) application ids, `excluded` mentor
    application ids. Locks naming applications no longer in the cohort are dropped."""
    quality, mentor_rank = scores(cohort, now=now)
    mentee_at, mentor_at = cohort.mentee_index(), cohort.mentor_index()
    return solver.Problem(
        quality=quality,
        passes=hard_filters(cohort),
        capacity=np.asarray([mentor.capacity for mentor in cohort.mentors], dtype=np.int64),
        mentor_rank=mentor_rank,
        locked=[
            (mentee_at[mentee], mentor_at[mentor])
            for mentee, mentor in locked
            if mentee in mentee_at and mentor in mentor_at
        ],
        excluded=frozenset(mentor_at[app] for app in excluded if app in mentor_at),
    )


# --- Words ------------------------------------------------------------------------------


def reasons_for(cohort: Cohort, i: int, j: int, *, hours: float) -> list[str]:
    """Why mentor j suits mentee i, in the words of mentoring.matching."""
    mentee, mentor = cohort.mentees[i], cohort.mentors[j]
    reasons = explain_fit(
        mentee.wants(),
        mentor.tags(),
        hours,
        shares_background=bool(mentee.background & mentor.background),
    )
    if mentee.ranked and mentee.goals and mentee.goals[0] in mentor.areas:
        reasons.insert(0, f"helps with your first choice: {AREA_LABELS[mentee.goals[0]]}")
    return reasons


def failed_filter(passes: dict[str, np.ndarray], i: int, j: int) -> str | None:
    for name, grid in passes.items():
        if not grid[i, j]:
            return name
    return None


def pair_refusal(cohort: Cohort, passes: dict[str, np.ndarray], i: int, j: int) -> str | None:
    """The sentence naming the hard filter mentee i and mentor j fail, or None."""
    name = failed_filter(passes, i, j)
    if name is None:
        return None
    mentee, mentor = cohort.mentees[i], cohort.mentors[j]
    return FILTER_PAIR[name].format(
        mentee=mentee.name or "the mentee",
        mentor=mentor.name or "the mentor",
        stage=_stage_plural(mentee.stage),
    )


def _stage_plural(stage: str) -> str:
    return STAGE_PLURALS[Stage(stage)] if stage in STAGE_CODES else "members at their stage"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def unmatched_words(cohort: Cohort, item: solver.Unmatched) -> tuple[str, str]:
    """(what the coordinators read, what the mentee is told) about an unmatched mentee."""
    mentee = cohort.mentees[item.mentee]
    stage = _stage_plural(mentee.stage)
    total = len(cohort.mentors)
    if item.kind == solver.FILTERED:
        if total == 0:
            return (
                "The program has no accepted mentors yet.",
                "the program had no mentors for this round",
            )
        verb = FILTER_MENTORS.get(item.filter, "do not fit").format(stage=stage)
        return (
            f"No mentor passes the hard filters: {item.ruled_out} of the "
            f"{_count(total, 'mentor')} {verb}.",
            FILTER_MENTEE.get(item.filter, "no mentor in the program fit").format(stage=stage),
        )
    if item.kind == solver.EXCLUDED:
        return (
            f"The {_count(item.fitting, 'mentor')} who would fit "
            f"{'was' if item.fitting == 1 else 'were'} left out of this run.",
            "the mentors who would fit you are not taking part in this round",
        )
    return (
        f"Every mentor who fits ({item.fitting}) is full: their places went to other mentees.",
        "every mentor who fits you had their places taken",
    )
