"""A member's mentoring data, for the accounts app's data export and account deletion."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from notifications.models import Kind
from notifications.services import notify

from .models import (
    Feedback,
    Meeting,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorshipStatus,
    Message,
    RequestStatus,
)
from .workflow import recount_active_mentees, recount_ratings


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_member_data(user: User) -> dict[str, Any]:
    """Everything mentoring holds about `user`, JSON-serialisable.

    Includes the member's own private background (it is theirs); other members appear by
    handle only, and feedback others wrote about them is not included.
    """
    data: dict[str, Any] = {"mentor_profile": None, "mentee_preferences": None}
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is not None:
        data["mentor_profile"] = {
            "areas": profile.areas,
            "specialties": profile.specialties,
            "stages": profile.stages,
            "capacity": profile.capacity,
            "is_accepting": profile.is_accepting,
            "languages": profile.languages,
            "meeting_modes": profile.meeting_modes,
            "time_zone": profile.time_zone,
            "statement": profile.statement,
            "background": profile.background,
            "share_background_for_matching": profile.share_background_for_matching,
        }
    preferences = MenteePreferences.objects.filter(user=user).first()
    if preferences is not None:
        data["mentee_preferences"] = {
            "goals": preferences.goals,
            "specialties": preferences.specialties,
            "languages": preferences.languages,
            "language_required": preferences.language_required,
            "meeting_modes": preferences.meeting_modes,
            "time_zone": preferences.time_zone,
            "introduction": preferences.introduction,
            "background": preferences.background,
            "share_background_for_matching": preferences.share_background_for_matching,
        }
    data["requests"] = [
        {
            "direction": "sent" if item.mentee_id == user.pk else "received",
            "other": (item.mentor if item.mentee_id == user.pk else item.mentee).handle,
            "status": item.status,
            "message": item.message,
            "decline_note": item.decline_note,
            "created_at": _iso(item.created_at),
            "decided_at": _iso(item.decided_at),
        }
        for item in MentorRequest.objects.involving(user)
        .select_related("mentee", "mentor")
        .order_by("created_at", "pk")
    ]
    data["mentorships"] = [
        {
            "role": "mentor" if item.mentor_id == user.pk else "mentee",
            "other": item.other_side(user).handle,
            "status": item.status,
            "started_at": _iso(item.started_at),
            "ended_at": _iso(item.ended_at),
            "end_reason": item.end_reason,
            "goals": [{"title": goal.title, "is_done": goal.is_done} for goal in item.goals.all()],
        }
        for item in Mentorship.objects.for_member(user)
        .select_related("mentor", "mentee")
        .prefetch_related("goals")
        .order_by("started_at", "pk")
    ]
    data["messages_sent"] = [
        {"mentorship": mentorship_id, "body": body, "created_at": _iso(created_at)}
        for mentorship_id, body, created_at in Message.objects.filter(sender=user)
        .order_by("pk")
        .values_list("mentorship_id", "body", "created_at")
    ]
    data["meetings_logged"] = [
        {
            "mentorship": meeting.mentorship_id,
            "occurred_on": meeting.occurred_on.isoformat(),
            "mode": meeting.mode,
            "notes": meeting.notes,
            "next_steps": meeting.next_steps,
        }
        for meeting in Meeting.objects.filter(logged_by=user).order_by("pk")
    ]
    data["feedback_given"] = [
        {"mentorship": mentorship_id, "rating": rating, "comment": comment}
        for mentorship_id, rating, comment in Feedback.objects.filter(author=user)
        .order_by("pk")
        .values_list("mentorship_id", "rating", "comment")
    ]
    return data


@transaction.atomic
def erase_member_data(user: User, *, keep_content: bool) -> None:
    """Take `user` out of mentoring before their account goes.

    Always: pending requests are closed, active mentorships end (the other side is told),
    and both profiles, with the private background, are deleted. With `keep_content` False,
    the messages, meeting notes and feedback they wrote are deleted too; with True they
    stay for the other member, under whatever name the accounts app leaves.
    """
    now = timezone.now()
    pending = MentorRequest.objects.pending().filter(Q(mentee=user) | Q(mentor=user))
    for item in pending.select_related("mentee", "mentor").select_for_update(of=("self",)):
        if item.mentee_id == user.pk:
            item.status = RequestStatus.WITHDRAWN
        else:
            item.status = RequestStatus.DECLINED
            item.decline_note = "This mentor has left Rounds."
            notify(
                recipient=item.mentee,
                kind=Kind.MENTOR_REQUEST,
                title=f"{item.mentor.display_name} is no longer on Rounds; ask another mentor",
                target=item,
            )
        item.decided_at = now
        item.save(update_fields=["status", "decided_at", "decline_note"])
    active = Mentorship.objects.for_member(user).active().select_related("mentor", "mentee")
    for mentorship in active.select_for_update(of=("self",)):
        mentorship.status = MentorshipStatus.ENDED
        mentorship.ended_at = now
        mentorship.end_reason = "The other member left Rounds."
        mentorship.save(update_fields=["status", "ended_at", "end_reason"])
        other = mentorship.other_side(user)
        notify(
            recipient=other,
            kind=Kind.MENTORSHIP,
            title="Your mentorship has ended: the other member left Rounds",
            url=mentorship.get_absolute_url(),
            target=mentorship,
        )
        if mentorship.mentor_id != user.pk:
            MentorProfile.objects.select_for_update().filter(user_id=mentorship.mentor_id).first()
            recount_active_mentees(mentor_id=mentorship.mentor_id)
    MentorProfile.objects.filter(user=user).delete()
    MenteePreferences.objects.filter(user=user).delete()
    if not keep_content:
        Message.objects.filter(sender=user).delete()
        Meeting.objects.filter(logged_by=user).delete()
        rated = list(
            Feedback.objects.filter(author=user, mentorship__mentee=user).values_list(
                "mentorship__mentor_id", flat=True
            )
        )
        Feedback.objects.filter(author=user).delete()
        recount_ratings(mentor_ids=rated)
