"""The words mentoring is described in: areas, stages, meeting modes, languages, backgrounds.

Profiles store these as lists of codes (JSON lists, portable between SQLite and PostgreSQL);
labels come from here so that a renamed label never needs a data migration. Specialties and
languages are the accounts app's lists, shared with member profiles.
"""

from __future__ import annotations

from zoneinfo import ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models

from accounts.languages import LANGUAGE_CHOICES, LANGUAGES
from accounts.models import Role
from accounts.specialties import SPECIALTIES, SPECIALTY_CHOICES
from community.time_zones import time_zone_choices, zone


class Area(models.TextChoices):
    SPECIALTY_EXPLORATION = "specialty_exploration", "Specialty exploration"
    PREMED_ADVICE = "premed_advice", "Pre-med and application advice"
    MCAT = "mcat", "MCAT"
    MEDICAL_SCHOOL = "medical_school", "Medical school"
    RESIDENCY_MATCH = "residency_match", "Residency match"
    RESEARCH = "research", "Research and publishing"
    CAREER = "career", "Career and leadership"
    WELLBEING = "wellbeing", "Wellbeing"


class Stage(models.TextChoices):
    HIGH_SCHOOL = "high_school", "High school"
    PREMED = "premed", "Pre-med"
    MEDICAL_STUDENT = "medical_student", "Medical student"
    RESIDENT = "resident", "Resident"


# How a stage reads in a sentence: "mentors pre-med students".
STAGE_PLURALS = {
    Stage.HIGH_SCHOOL: "high-school students",
    Stage.PREMED: "pre-med students",
    Stage.MEDICAL_STUDENT: "medical students",
    Stage.RESIDENT: "residents",
}

# A mentee's stage follows from the role on their account; other roles cannot ask for a mentor.
ROLE_TO_STAGE: dict[str, Stage] = {
    Role.HIGH_SCHOOL: Stage.HIGH_SCHOOL,
    Role.PREMED: Stage.PREMED,
    Role.MEDICAL_STUDENT: Stage.MEDICAL_STUDENT,
    Role.RESIDENT: Stage.RESIDENT,
}


class MeetingMode(models.TextChoices):
    MESSAGES = "messages", "Messages"
    VIDEO = "video", "Video calls"
    IN_PERSON = "in_person", "In person"


class Background(models.TextChoices):
    """Self-described, private, used for matching only when both sides opt in."""

    FIRST_GENERATION = "first_generation", "First-generation college or medical student"
    UNDER_REPRESENTED = "under_represented", "Under-represented in medicine"


def specialties() -> dict[str, str]:
    """Specialty slug -> name, from the curated list the whole site uses."""
    return SPECIALTIES


def specialty_choices() -> list[tuple[str, str]]:
    return SPECIALTY_CHOICES


def validate_time_zone(value: str) -> None:
    """An IANA time-zone name that zoneinfo knows, such as "America/Chicago"."""
    try:
        zone(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            "Choose a time zone from the list, such as America/Chicago.", code="time_zone"
        ) from error


def labels(codes: list[str], vocabulary: dict[str, str]) -> list[str]:
    """Labels for the codes a profile stores, skipping codes no longer in the vocabulary."""
    return [vocabulary[code] for code in codes if code in vocabulary]


AREA_LABELS: dict[str, str] = dict(Area.choices)
STAGE_LABELS: dict[str, str] = dict(Stage.choices)
MODE_LABELS: dict[str, str] = dict(MeetingMode.choices)


__all__ = [
    "AREA_LABELS",
    "LANGUAGES",
    "LANGUAGE_CHOICES",
    "MODE_LABELS",
    "STAGE_LABELS",
    "Area",
    "Background",
    "MeetingMode",
    "Stage",
    "labels",
    "specialties",
    "specialty_choices",
    "time_zone_choices",
    "validate_time_zone",
]
