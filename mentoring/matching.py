"""Explainable mentor suggestions: hard filters in SQL, then a weighted score in Python.

Hard filters (a mentor who fails one is never suggested): the mentor is a verified
physician or resident, active and not suspended, accepting, under capacity, accepts the
mentee's stage (and high-school mentees when the mentee is under 18), speaks a language the
mentee requires, and neither side blocked the other. Mentors the mentee already asked or
already works with are left out too: they are in flight, not suggestions.

The score is a weighted sum of factors, each between 0 and 1. The weights below are the
only place to tune matching:

| Factor          | Weight | 1.0 means                                | 0.0 means              |
| --------------- | -----: | ---------------------------------------- | ---------------------- |
| `goals`         |     40 | mentors in every area the mentee wants   | no shared area         |
| `specialty`     |     20 | practises every specialty of interest    | none of them           |
| `time_zone`     |     12 | same UTC offset now                      | 12 or more hours apart |
| `capacity`      |      8 | every place free (share of places free)  | full (filtered out)    |
| `meeting_modes` |      8 | offers every meeting mode wanted         | none of them           |
| `language`      |      6 | speaks every language the mentee listed  | none of them           |
| `background`    |      6 | shares a background, both opted in       | otherwise              |

Capacity is a factor, not just a filter, so that a few popular mentors are not flooded:
among equally good matches the one with more room ranks first. Ties are broken by spare
places, then by the lower user id (the longer-standing member), so the order is stable.

Speed: the SQL returns one short string of tags per mentor (areas, specialties, stages,
languages, modes) instead of decoding five JSON lists, and reasons are written only for the
mentors that make the list. See bench/matching_bench.py and the README for the figures.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from community.time_zones import zone

from .models import (
    MenteePreferences,
    MentorProfile,
    MentorProfileQuerySet,
    MentorRequest,
    Mentorship,
    tag,
)
from .vocabulary import (
    AREA_LABELS,
    LANGUAGES,
    STAGE_PLURALS,
    Stage,
    specialties,
)
from .workflow import mentee_stage, required_stages

WEIGHTS: dict[str, float] = {
    "goals": 40.0,
    "specialty": 20.0,
    "time_zone": 12.0,
    "capacity": 8.0,
    "meeting_modes": 8.0,
    "language": 6.0,
    "background": 6.0,
}

# Past this many hours apart, time zones score nothing.
TIME_ZONE_HORIZON_HOURS = 12.0

BACKGROUND_REASON = "you share a background you both chose to match on"

_MODE_PHRASES = {"messages": "by messages", "video": "by video", "in_person": "in person"}


@dataclass(frozen=True)
class MenteeWants:
    """A mentee's preferences as sets of tags, ready to intersect with a mentor's tags."""

    goals: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    meeting_modes: frozenset[str] = frozenset()
    time_zone: str = "UTC"
    # Empty unless the mentee opted in to matching on it.
    background: frozenset[str] = frozenset()
    stage: str = ""

    @classmethod
    def from_preferences(
        cls, preferences: MenteePreferences | None, *, stage: str = ""
    ) -> MenteeWants:
        if preferences is None:
            return cls(stage=stage)
        return cls(
            goals=frozenset(f"area:{code}" for code in preferences.goals),
            specialties=frozenset(f"spec:{code}" for code in preferences.specialties),
            languages=frozenset(f"lang:{code}" for code in preferences.languages),
            meeting_modes=frozenset(f"mode:{code}" for code in preferences.meeting_modes),
            time_zone=preferences.time_zone,
            background=(
                frozenset(preferences.background)
                if preferences.share_background_for_matching
                else frozenset()
            ),
            stage=stage,
        )


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """What matching needs of one mentor: the columns of a single values_list() row."""

    user_id: int
    search_tags: str
    time_zone: str
    capacity: int
    active_mentee_count: int
    # The mentor's background as JSON text, and only if they opted in to matching on it
    # (the query leaves it empty otherwise); text, because decoding thousands of JSON
    # lists would cost more than the whole score.
    shared_background: str = ""


@dataclass
class Ranked:
    user_id: int
    score: float
    reasons: list[str]


@dataclass
class Suggestion:
    """A suggested mentor: `mentor` is their MentorProfile with `user` and ratings loaded."""

    mentor: MentorProfile
    score: float
    reasons: list[str] = field(default_factory=list)


def utc_offset_hours(time_zone: str, now: datetime) -> float:
    offset = now.astimezone(zone(time_zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def hours_apart(first: float, second: float) -> float:
    """Clock distance between two UTC offsets: +14 and -10 are the same time of day."""
    difference = abs(first - second) % 24
    return min(difference, 24 - difference)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _lower_first(label: str) -> str:
    # "Residency match" -> "residency match", but keep "MCAT" as it is.
    first_word = label.split(" ", 1)[0]
    return label if first_word.isupper() else label[0].lower() + label[1:]


def _codes(tags: Iterable[str]) -> list[str]:
    return sorted(tag_text.split(":", 1)[1] for tag_text in tags)


def _hours_phrase(hours: float) -> str:
    if hours == 0:
        return "same time zone"
    amount = f"{hours:g}"
    return f"{amount} hour apart" if amount == "1" else f"{amount} hours apart"


def explain(wants: MenteeWants, row: CandidateRow, tags: frozenset[str], hours: float) -> list[str]:
    """The reasons, in words, for one mentor's place in the list."""
    reasons = explain_fit(wants, tags, hours, shares_background=_shares_background(wants, row))
    spare = row.capacity - row.active_mentee_count
    reasons.append(f"has room for {spare} more {'mentee' if spare == 1 else 'mentees'}")
    return reasons


def explain_fit(
    wants: MenteeWants, tags: frozenset[str], hours: float, *, shares_background: bool
) -> list[str]:
    """The reasons, in words, that a mentor with `tags` suits `wants`, whatever their room:
    shared goals, specialties and languages, the stage, the time zones, meeting modes and
    a shared background. Mentoring programs use it for the pairs they propose."""
    reasons = []
    shared_goals = wants.goals & tags
    if shared_goals:
        goal_names = "; ".join(AREA_LABELS[code] for code in _codes(shared_goals))
        if len(shared_goals) == len(wants.goals):
            prefix = (
                "helps with your goal" if len(shared_goals) == 1 else "helps with all your goals"
            )
        else:
            prefix = f"helps with {len(shared_goals)} of your {len(wants.goals)} goals"
        reasons.append(f"{prefix}: {goal_names}")
    shared_specialties = wants.specialties & tags
    if shared_specialties:
        names_by_slug = specialties()
        names = [_lower_first(names_by_slug.get(code, code)) for code in _codes(shared_specialties)]
        verb = "interests" if len(names) == 1 else "interest"
        reasons.append(f"works in {_join(names)}, which {verb} you")
    shared_languages = wants.languages & tags
    if shared_languages:
        names = [LANGUAGES.get(code, code) for code in _codes(shared_languages)]
        reasons.append(f"you both speak {_join(names)}")
    if wants.stage:
        reasons.append(f"mentors {STAGE_PLURALS[Stage(wants.stage)]}")
    reasons.append(_hours_phrase(hours))
    shared_modes = wants.meeting_modes & tags
    if shared_modes:
        phrases = [_MODE_PHRASES.get(code, code) for code in _codes(shared_modes)]
        reasons.append(f"can meet {' or '.join(phrases)}, as you prefer")
    if shares_background:
        reasons.append(BACKGROUND_REASON)
    return reasons


def _shares_background(wants: MenteeWants, row: CandidateRow) -> bool:
    text = row.shared_background
    return bool(text) and any(f'"{code}"' in text for code in wants.background)


_SPARE_SHIFT = 40
_SCORE_SHIFT = 48
_ID_MASK = (1 << _SPARE_SHIFT) - 1


def rank_candidates(
    wants: MenteeWants,
    rows: Sequence[CandidateRow],
    *,
    now: datetime,
    limit: int = 20,
) -> list[Ranked]:
    """Score every candidate and return the best `limit`, best first, with reasons.

    Pure Python over precomputed sets: no database access, so it can be timed on its own.
    """
    # Scores are summed in integer millionths of a point: exact whatever the order of the
    # sum, so equal matches tie exactly, and cheaper than rounding floats.
    unit = 1_000_000
    # Each wanted tag carries its share of its factor's weight, so one set intersection
    # and one sum score goals, specialties, languages and modes together.
    tag_weights: dict[str, int] = {}
    for tags, factor in (
        (wants.goals, "goals"),
        (wants.specialties, "specialty"),
        (wants.languages, "language"),
        (wants.meeting_modes, "meeting_modes"),
    ):
        for tag_text in tags:
            tag_weights[tag_text] = round(WEIGHTS[factor] * unit / len(tags))
    wanted = frozenset(tag_weights)
    weight_of = tag_weights.__getitem__
    capacity_weight = round(WEIGHTS["capacity"] * unit)
    background_weight = round(WEIGHTS["background"] * unit)
    background_tokens = [f'"{code}"' for code in wants.background]
    mentee_offset = utc_offset_hours(wants.time_zone, now)
    # Few distinct zones among thousands of mentors: score each zone once.
    zone_scores: dict[str, tuple[float, int]] = {}

    # One plain int per mentor, ordered like (score, spare places, -user id): ints are not
    # tracked by the garbage collector, so ten thousand of them cost no collection pauses.
    keys: list[int] = []
    append = keys.append
    for row in rows:
        zone = zone_scores.get(row.time_zone)
        if zone is None:
            hours = hours_apart(mentee_offset, utc_offset_hours(row.time_zone, now))
            closeness = max(0.0, 1 - hours / TIME_ZONE_HORIZON_HOURS)
            zone = zone_scores[row.time_zone] = (
                hours,
                round(WEIGHTS["time_zone"] * unit * closeness),
            )
        spare = row.capacity - row.active_mentee_count
        score = zone[1] + capacity_weight * spare // row.capacity
        if wanted:
            common = wanted.intersection(row.search_tags.split())
            if common:
                score += sum(map(weight_of, common))
        if background_tokens and row.shared_background:
            if any(token in row.shared_background for token in background_tokens):
                score += background_weight
        # Ties go to more spare places, then to the lower user id.
        append((score << _SCORE_SHIFT) | (spare << _SPARE_SHIFT) | (_ID_MASK - row.user_id))

    best = heapq.nlargest(limit, keys)
    order = {_ID_MASK - (key & _ID_MASK): position for position, key in enumerate(best)}
    chosen = sorted(
        (row for row in rows if row.user_id in order), key=lambda row: order[row.user_id]
    )
    return [
        Ranked(
            user_id=row.user_id,
            score=(key >> _SCORE_SHIFT) / unit,
            reasons=explain(
                wants, row, frozenset(row.search_tags.split()), zone_scores[row.time_zone][0]
            ),
        )
        for key, row in zip(best, chosen, strict=True)
    ]


def candidate_queryset(
    mentee: User, preferences: MenteePreferences | None, *, now: datetime
) -> MentorProfileQuerySet:
    """Mentor profiles that pass every hard filter for `mentee`, as a QuerySet."""
    stages = required_stages(mentee)
    if not stages:
        return MentorProfile.objects.none()
    queryset = (
        MentorProfile.objects.visible_to(mentee, now=now)
        .filter(is_accepting=True, active_mentee_count__lt=F("capacity"))
        .exclude(user_id=mentee.pk)
    )
    for stage in stages:
        queryset = queryset.filter(search_tags__contains=tag("stage", stage))
    if preferences is not None and preferences.language_required and preferences.languages:
        spoken = Q()
        for code in preferences.languages:
            spoken |= Q(search_tags__contains=tag("lang", code))
        queryset = queryset.filter(spoken)
    return queryset


def _in_flight_mentor_ids(mentee: User) -> set[int]:
    asked = MentorRequest.objects.pending().filter(mentee=mentee).values_list("mentor_id")
    working = Mentorship.objects.active().filter(mentee=mentee).values_list("mentor_id")
    return {mentor_id for (mentor_id,) in asked.union(working)}


def load_candidates(
    mentee: User, wants: MenteeWants, preferences: MenteePreferences | None, *, now: datetime
) -> list[CandidateRow]:
    queryset = candidate_queryset(mentee, preferences, now=now)
    in_flight = _in_flight_mentor_ids(mentee)
    if in_flight:
        queryset = queryset.exclude(user_id__in=in_flight)
    columns = ["user_id", "search_tags", "time_zone", "capacity", "active_mentee_count"]
    if not wants.background:
        return [CandidateRow(*values) for values in queryset.values_list(*columns)]
    queryset = queryset.annotate(
        shared_background_text=Case(
            When(share_background_for_matching=True, then=Cast("background", TextField())),
            default=Value(""),
            output_field=TextField(),
        )
    )
    return [
        CandidateRow(*values) for values in queryset.values_list(*columns, "shared_background_text")
    ]


def suggest_mentors(
    mentee: User,
    *,
    limit: int = 20,
    now: datetime | None = None,
    preferences: MenteePreferences | None = None,
) -> list[Suggestion]:
    """Mentors for `mentee`, best first, each with a score and its reasons in words.

    `preferences` are the mentee's own, when the caller has read them already.
    """
    now = now or timezone.now()
    if preferences is None:
        preferences = MenteePreferences.objects.filter(user=mentee).first()
    stage = mentee_stage(mentee)
    wants = MenteeWants.from_preferences(preferences, stage=str(stage) if stage else "")
    rows = load_candidates(mentee, wants, preferences, now=now)
    ranked = rank_candidates(wants, rows, now=now, limit=limit)
    profiles = MentorProfile.objects.for_card_list().in_bulk(
        [item.user_id for item in ranked], field_name="user_id"
    )
    return [
        Suggestion(mentor=profiles[item.user_id], score=item.score, reasons=item.reasons)
        for item in ranked
        if item.user_id in profiles
    ]
