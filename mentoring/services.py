"""Writes other than workflow transitions: profiles, messages, goals, meetings, feedback.

Every function checks that the actor may take part and belongs to the mentorship, and
raises `Refused` with the sentence to show otherwise. Workflow transitions live in
`mentoring.workflow`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import User
from accounts.selectors import is_walled_off
from community import events
from community.times import when_text
from notifications.models import Kind
from notifications.services import notify
from privacy.contact import KIND_LABELS as CONTACT_LABELS
from privacy.contact import find_contact_details
from privacy.guard import GuardFinding, confirmation_counts, scan_text
from privacy.services import record_privacy_override

from .models import (
    RATING_FIELDS,
    Feedback,
    Goal,
    Meeting,
    MeetingStatus,
    MenteePreferences,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Message,
    ScheduledMeeting,
)
from .workflow import Refused, _ensure_participant, mentee_stage, recount_ratings

MAX_GOALS = 30


# --- Profiles ----------------------------------------------------------------------------


def ensure_can_mentor(user: User) -> None:
    """Only verified physicians and residents may offer mentoring."""
    if not user.is_clinician:
        raise Refused("Only physicians and residents can offer mentoring.")
    if not user.is_verified:
        raise Refused(
            "Only verified physicians and residents can offer mentoring. "
            "Ask for verification first."
        )


@transaction.atomic
def save_mentor_profile(
    *,
    user: User,
    areas: list[str],
    specialties: list[str],
    stages: list[str],
    capacity: int,
    is_accepting: bool,
    languages: list[str],
    meeting_modes: list[str],
    time_zone: str,
    statement: str,
    background: list[str],
    share_background_for_matching: bool,
) -> MentorProfile:
    """Create or update the member's mentor profile (verified clinicians only)."""
    _ensure_participant(user)
    ensure_can_mentor(user)
    profile, created = MentorProfile.objects.select_for_update().get_or_create(user=user)
    if created:
        # A member who mentored before keeps the rating their mentees gave them.
        recount_ratings(mentor_ids=[user.pk])
        profile.refresh_from_db(fields=list(RATING_FIELDS))
    profile.areas = sorted(set(areas))
    profile.specialties = sorted(set(specialties))
    profile.stages = sorted(set(stages))
    profile.capacity = capacity
    profile.is_accepting = is_accepting
    profile.languages = sorted(set(languages))
    profile.meeting_modes = sorted(set(meeting_modes))
    profile.time_zone = time_zone
    profile.statement = statement.strip()
    profile.background = sorted(set(background))
    profile.share_background_for_matching = share_background_for_matching and bool(background)
    profile.updated_at = timezone.now()
    profile.refresh_search_tags()
    profile.save()
    return profile


@transaction.atomic
def save_mentee_preferences(
    *,
    user: User,
    goals: list[str],
    specialties: list[str],
    languages: list[str],
    language_required: bool,
    meeting_modes: list[str],
    time_zone: str,
    introduction: str,
    background: list[str],
    share_background_for_matching: bool,
) -> MenteePreferences:
    """Create or update what the member looks for in a mentor (students and residents)."""
    _ensure_participant(user)
    if mentee_stage(user) is None:
        raise Refused("Mentor matching is for students and residents.")
    preferences, _created = MenteePreferences.objects.select_for_update().get_or_create(user=user)
    preferences.goals = sorted(set(goals))
    preferences.specialties = sorted(set(specialties))
    preferences.languages = sorted(set(languages))
    preferences.language_required = language_required and bool(languages)
    preferences.meeting_modes = sorted(set(meeting_modes))
    preferences.time_zone = time_zone
    preferences.introduction = introduction.strip()
    preferences.background = sorted(set(background))
    preferences.share_background_for_matching = share_background_for_matching and bool(background)
    preferences.updated_at = timezone.now()
    preferences.save()
    return preferences


# --- Inside a mentorship -----------------------------------------------------------------


def _ensure_member(mentorship: Mentorship, actor: User) -> None:
    if not mentorship.has_member(actor):
        raise Refused("Only the mentor and the mentee can do this.")
    _ensure_participant(actor)


def _ensure_active(mentorship: Mentorship) -> None:
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise Refused("This mentorship has ended, so it can no longer be changed.")


class MessageNeedsConfirmation(Refused):
    """The guard found something; the sender must confirm before the message is sent."""

    def __init__(self, findings: list[GuardFinding]) -> None:
        super().__init__("Check your message before sending it.")
        self.findings = findings


def involves_minor(mentorship: Mentorship) -> bool:
    return mentorship.mentee.is_minor or mentorship.mentor.is_minor


CONTACT_EXPLANATION = (
    "This mentorship involves a member under 18: keeping contact on Rounds keeps them safe."
)


def check_message(*, mentorship: Mentorship, body: str) -> list[GuardFinding]:
    """What the privacy guard (always) and the contact check (with a minor) find in `body`.

    Contact details come back as low-confidence findings with their own label and reason,
    so they show through the same highlight as patient identifiers.
    """
    findings = scan_text(body)
    if involves_minor(mentorship):
        contacts = [
            GuardFinding(
                field="body",
                kind=f"contact_{item.kind}",
                start=item.start,
                end=item.end,
                text=item.text,
                confidence="low",
                kind_label=CONTACT_LABELS[item.kind],
                kind_explanation=CONTACT_EXPLANATION,
            )
            for item in find_contact_details(body)
        ]
        # A phone number both checks find is shown once, with the reason that matters here.
        findings = [
            finding
            for finding in findings
            if not any(finding.start < c.end and c.start < finding.end for c in contacts)
        ] + contacts
    return sorted(findings, key=lambda finding: finding.start)


def send_message(
    *,
    mentorship: Mentorship,
    sender: User,
    body: str,
    confirmed: bool = False,
    privacy_digest: str | None = None,
    now: datetime | None = None,
) -> Message:
    """Post a message to the pair's conversation and notify the other side.

    Raises MessageNeedsConfirmation when the guard finds something and the sender has not
    confirmed; a confirmed message is kept with a record for moderators to review. With a
    `privacy_digest` posted back by the form, a confirmation counts only for the findings
    the sender was shown. The body is scanned here only, once.
    """
    now = now or timezone.now()
    _ensure_member(mentorship, sender)
    _ensure_active(mentorship)
    body = body.strip()
    if not body:
        raise Refused("Write a message first.")
    if len(body) > 4000:
        raise Refused("Keep a message under 4,000 characters.")
    recipient = mentorship.other_side(sender)
    if is_walled_off(sender, recipient):
        raise Refused("You cannot send messages to this member.")
    findings = check_message(mentorship=mentorship, body=body)
    if findings and privacy_digest is not None:
        confirmed = confirmation_counts(
            findings=findings, confirmed=confirmed, digest=privacy_digest
        )
    if findings and not confirmed:
        raise MessageNeedsConfirmation(findings)
    with transaction.atomic():
        message = Message.objects.create(
            mentorship=mentorship, sender=sender, body=body, created_at=now
        )
        if findings:
            record_privacy_override(author=sender, target=message, findings=findings)
        notify(
            recipient=recipient,
            kind=Kind.MENTORSHIP_MESSAGE,
            title=f"New message from {sender.display_name}",
            url=message.get_absolute_url(),
            actor=sender,
            target=message,
        )
        # Replying is reading: what the other side wrote before counts as seen.
        mark_messages_read(mentorship=mentorship, reader=sender, now=now)
        events.publish(f"mentorship-{mentorship.pk}", "message", {"id": message.pk})
    return message


def mark_messages_read(*, mentorship: Mentorship, reader: User, now: datetime | None = None) -> int:
    """Mark what the other member sent `reader` as read (the sender then sees "Seen");
    returns how many messages changed. A no-op for anyone outside the pair.

    A suspended member still reads their conversation, so this needs no participation.
    """
    if not mentorship.has_member(reader):
        return 0
    changed = (
        Message.objects.filter(mentorship=mentorship, read_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=now or timezone.now())
    )
    if changed:
        events.publish(f"mentorship-{mentorship.pk}", "seen", {"reader_id": reader.pk})
    return changed


@transaction.atomic
def add_goal(*, mentorship: Mentorship, actor: User, title: str) -> Goal:
    """Add a shared goal at the end of the pair's checklist."""
    _ensure_member(mentorship, actor)
    _ensure_active(mentorship)
    title = title.strip()
    if not title:
        raise Refused("Name the goal.")
    # Lock the mentorship so two goals added at once get distinct positions.
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    existing = mentorship.goals.aggregate(last=Max("position"), total=Count("id"))
    if existing["total"] >= MAX_GOALS:
        raise Refused(f"A mentorship can have at most {MAX_GOALS} goals.")
    position = (existing["last"] or 0) + 1
    return Goal.objects.create(
        mentorship=mentorship, title=title[:200], position=position, created_by=actor
    )


@transaction.atomic
def set_goal_done(*, goal: Goal, actor: User, is_done: bool, now: datetime | None = None) -> Goal:
    """Tick or untick a shared goal."""
    _ensure_member(goal.mentorship, actor)
    _ensure_active(goal.mentorship)
    goal.is_done = is_done
    goal.done_at = (now or timezone.now()) if is_done else None
    goal.save(update_fields=["is_done", "done_at"])
    return goal


@transaction.atomic
def log_meeting(
    *,
    mentorship: Mentorship,
    actor: User,
    occurred_on: date,
    mode: str,
    notes: str = "",
    next_steps: str = "",
    scheduled: ScheduledMeeting | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Add a meeting to the pair's log; the other side is told. With `scheduled`, the entry
    records that confirmed meeting, once its time has come; each is logged once."""
    _ensure_member(mentorship, actor)
    _ensure_active(mentorship)
    if occurred_on > timezone.localdate():
        raise Refused("Log meetings that have happened; the date is in the future.")
    if scheduled is not None:
        if (
            scheduled.mentorship_id != mentorship.pk
            or scheduled.status != MeetingStatus.ACCEPTED
            or scheduled.starts_at > (now or timezone.now())
        ):
            raise Refused("Only a confirmed meeting whose time has come can be logged.")
        if Meeting.objects.filter(scheduled=scheduled).exists():
            raise Refused("This meeting is already in your log.")
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                mentorship=mentorship,
                occurred_on=occurred_on,
                mode=mode,
                notes=notes.strip(),
                next_steps=next_steps.strip(),
                logged_by=actor,
                scheduled=scheduled,
            )
    except IntegrityError as error:
        # Both members logged it at the same moment: the first entry stands.
        raise Refused("This meeting is already in your log.") from error
    notify(
        recipient=mentorship.other_side(actor),
        kind=Kind.MENTORSHIP,
        title=f"{actor.display_name} logged your meeting of {when_text(occurred_on, 'date')}",
        url=mentorship.get_absolute_url() + "#meetings",
        actor=actor,
        target=mentorship,
    )
    return meeting


def give_feedback(
    *,
    mentorship: Mentorship,
    author: User,
    rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Feedback once the mentorship is over: one per side, rating 1 to 5."""
    _ensure_member(mentorship, author)
    if mentorship.status == MentorshipStatus.ACTIVE:
        raise Refused("Feedback opens when the mentorship is completed or ended.")
    if not 1 <= rating <= 5:
        raise Refused("Choose a rating from 1 to 5.")
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                mentorship=mentorship,
                author=author,
                rating=rating,
                comment=comment.strip()[:2000],
                created_at=now or timezone.now(),
            )
            if author.pk == mentorship.mentee_id:
                recount_ratings(mentor_ids=[mentorship.mentor_id])
    except IntegrityError as error:
        raise Refused("You have already given feedback on this mentorship.") from error
    return feedback
