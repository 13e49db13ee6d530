"""Demo mentoring data for `manage.py seed_demo`: two mentors, one student, one mentorship."""

from __future__ import annotations

from typing import TextIO

from django.contrib.auth.models import Permission

from accounts.models import User

from .models import Goal, MenteePreferences, MentorProfile, MentorRequest, Mentorship, Message
from .workflow import recount_active_mentees

MENTORS = {
    "dr-amara-okafor": {
        "areas": ["specialty_exploration", "medical_school", "career", "wellbeing"],
        "specialties": ["family-medicine", "pediatrics"],
        "stages": ["high_school", "premed", "medical_student"],
        "capacity": 3,
        "languages": ["en", "fr", "yo"],
        "meeting_modes": ["messages", "video"],
        "time_zone": "America/Chicago",
        "statement": "Family physician, first in my family to go to college. Happy to talk "
        "through whether medicine is for you and how to get there.",
    },
    "dr-luis-romero": {
        "areas": ["premed_advice", "mcat", "residency_match", "research"],
        "specialties": ["emergency-medicine"],
        "stages": ["premed", "medical_student"],
        "capacity": 2,
        "languages": ["en", "es"],
        "meeting_modes": ["messages", "video", "in_person"],
        "time_zone": "America/New_York",
        "statement": "Emergency medicine resident. I mentor on the MCAT, applications and "
        "research; hablo español.",
    },
}


def seed(stdout: TextIO) -> None:
    members = {
        user.handle: user for user in User.objects.filter(handle__in=[*MENTORS, "demo-student"])
    }
    for handle, fields in MENTORS.items():
        if handle not in members:
            continue
        profile, _created = MentorProfile.objects.get_or_create(
            user=members[handle], defaults=fields
        )
        profile.refresh_search_tags()
        profile.save(update_fields=["search_tags"])
    # Moderators may open a mentorship only while one of its messages is reported.
    moderator = User.objects.filter(handle="demo-moderator").first()
    if moderator is not None:
        moderator.user_permissions.add(
            Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
        )
    student = members.get("demo-student")
    if student is None:
        return
    MenteePreferences.objects.get_or_create(
        user=student,
        defaults={
            "goals": ["premed_advice", "mcat", "specialty_exploration"],
            "specialties": ["emergency-medicine", "pediatrics"],
            "languages": ["en", "es"],
            "meeting_modes": ["messages", "video"],
            "time_zone": "America/Denver",
            "introduction": "Sophomore, biology major, thinking about emergency medicine.",
        },
    )
    mentor = members.get("dr-luis-romero")
    if mentor is None or Mentorship.objects.filter(mentor=mentor, mentee=student).exists():
        stdout.write("Mentoring demo data is in place.")
        return
    request = MentorRequest.objects.create(
        mentee=student,
        mentor=mentor,
        status="accepted",
        message="I'd love help planning for the MCAT next year.",
    )
    mentorship = Mentorship.objects.create(request=request, mentor=mentor, mentee=student)
    Goal.objects.create(mentorship=mentorship, title="Draft an MCAT study plan", position=1)
    Goal.objects.create(mentorship=mentorship, title="Find a research position", position=2)
    Message.objects.create(
        mentorship=mentorship, sender=mentor, body="Welcome! What does your spring look like?"
    )
    recount_active_mentees(mentor_id=mentor.pk)
    stdout.write("Created demo mentor profiles and a mentorship (Dana Student and Dr. Romero).")
