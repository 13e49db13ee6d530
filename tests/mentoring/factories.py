"""Mentoring test data: profiles built the way the services build them."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from mentoring.models import MenteePreferences, MentorProfile, MentorRequest, Mentorship
from tests.factories import PhysicianFactory, UserFactory

MENTOR_DEFAULTS: dict[str, Any] = {
    "areas": ["mcat", "premed_advice"],
    "specialties": ["cardiology"],
    "stages": ["premed", "medical_student"],
    "capacity": 3,
    "languages": ["en"],
    "meeting_modes": ["messages", "video"],
    "time_zone": "America/New_York",
    "statement": "I mentor pre-meds.",
}


def make_mentor(user: User | None = None, **fields: Any) -> MentorProfile:
    """A verified physician with a mentor profile (tags refreshed, as the service does)."""
    user = user or PhysicianFactory.create()
    profile = MentorProfile(user=user, **{**MENTOR_DEFAULTS, **fields})
    profile.refresh_search_tags()
    profile.save()
    return profile


def make_mentee(user: User | None = None, **fields: Any) -> User:
    """A pre-med student with preferences."""
    user = user or UserFactory.create()
    defaults: dict[str, Any] = {
        "goals": ["mcat"],
        "languages": ["en"],
        "time_zone": "America/New_York",
    }
    MenteePreferences.objects.create(user=user, **{**defaults, **fields})
    return user


def make_mentorship(mentor: User | None = None, mentee: User | None = None) -> Mentorship:
    """An active mentorship, with the accepted request it came from."""
    mentor = mentor or make_mentor().user
    if not hasattr(mentor, "mentor_profile"):
        make_mentor(mentor)
    mentee = mentee or UserFactory.create()
    request = MentorRequest.objects.create(mentee=mentee, mentor=mentor, status="accepted")
    mentorship = Mentorship.objects.create(request=request, mentor=mentor, mentee=mentee)
    MentorProfile.objects.filter(user=mentor).update(
        active_mentee_count=Mentorship.objects.filter(mentor=mentor, status="active").count()
    )
    return mentorship
