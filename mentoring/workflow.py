"""The request workflow and the mentorship's life: every transition is in this module.

    requested --accept (mentor)----> accepted   (opens an active mentorship)
    requested --decline (mentor)---> declined   (optional note)
    requested --withdraw (mentee)--> withdrawn
    requested --expire (system)----> expired    (no answer in 14 days; periodic task)
    active ----complete (either)---> completed  (with the actor's feedback)
    active ----end (either)--------> ended      (early, with a reason)

`check_*` functions validate and raise `TransitionRefused` with the sentence the member sees;
`do_*` functions check again inside `transaction.atomic` with the rows locked, perform the
change and notify the other side. A refusal raises before anything is written, and the
transaction rolls back, so a refused transition changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, VerificationStatus
from accounts.permissions import participation_problem
from accounts.selectors import is_walled_off
from community import errors
from notifications.models import Kind
from notifications.services import notify

from .models import (
    Feedback,
    MenteePreferences,
    MentorProfile,
    MentorRequest,
    Mentorship,
    MentorshipStatus,
    RequestStatus,
)
from .vocabulary import ROLE_TO_STAGE, STAGE_PLURALS, Stage

MAX_PENDING_PER_MENTEE = 3
EXPIRE_AFTER = timedelta(days=14)
REMIND_AFTER = timedelta(days=7)
# Rows per INSERT when opening a program's cohort (well under PostgreSQL's 65,535 parameters).
BULK_BATCH_SIZE = 1000

MENTOR = "mentor"
MENTEE = "mentee"
EITHER = "either"
SYSTEM = "system"

ACCEPT = "accept"
DECLINE = "decline"
WITHDRAW = "withdraw"
EXPIRE = "expire"
COMPLETE = "complete"
END = "end"

# (from status, action) -> (to status, who may act). Nothing else is a legal move.
REQUEST_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (RequestStatus.REQUESTED, ACCEPT): (RequestStatus.ACCEPTED, MENTOR),
    (RequestStatus.REQUESTED, DECLINE): (RequestStatus.DECLINED, MENTOR),
    (RequestStatus.REQUESTED, WITHDRAW): (RequestStatus.WITHDRAWN, MENTEE),
    (RequestStatus.REQUESTED, EXPIRE): (RequestStatus.EXPIRED, SYSTEM),
}
MENTORSHIP_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (MentorshipStatus.ACTIVE, COMPLETE): (MentorshipStatus.COMPLETED, EITHER),
    (MentorshipStatus.ACTIVE, END): (MentorshipStatus.ENDED, EITHER),
}

_ACTION_PAST = {
    ACCEPT: "accepted",
    DECLINE: "declined",
    WITHDRAW: "withdrawn",
    EXPIRE: "expired",
    COMPLETE: "marked complete",
    END: "ended",
}
_STATE_PHRASE: dict[str, str] = {
    RequestStatus.ACCEPTED: "it has already been accepted",
    RequestStatus.DECLINED: "it has already been declined",
    RequestStatus.WITHDRAWN: "it has been withdrawn",
    RequestStatus.EXPIRED: "it expired without an answer",
    MentorshipStatus.COMPLETED: "it is already completed",
    MentorshipStatus.ENDED: "it has already ended",
}
_WHO_MAY = {
    MENTOR: "Only the mentor who received this request can answer it.",
    MENTEE: "Only the member who sent this request can withdraw it.",
    EITHER: "Only the mentor and the mentee can change this mentorship.",
    SYSTEM: "Requests expire on their own; nobody can expire one by hand.",
}


class Refused(errors.Refused):
    """A mentoring write was refused; `message` says why, in words for the member."""


class TransitionRefused(Refused):
    """A workflow step was refused; nothing was changed."""


@dataclass(frozen=True)
class _Move:
    to_status: str
    who: str


def _lookup(
    table: dict[tuple[str, str], tuple[str, str]], status: str, action: str, noun: str
) -> _Move:
    for (from_status, table_action), (to_status, who) in table.items():
        if table_action == action:
            if from_status == status:
                return _Move(to_status, who)
            phrase = _STATE_PHRASE.get(status, f"it is {status}")
            raise TransitionRefused(
                f"This {noun} can no longer be {_ACTION_PAST[action]}: {phrase}. "
                "Nothing was changed."
            )
    raise TransitionRefused("That is not something you can do here.")


def _actor_side(actor: User | None, mentor_id: int, mentee_id: int) -> str:
    if actor is None:
        return SYSTEM
    if actor.pk == mentor_id:
        return MENTOR
    if actor.pk == mentee_id:
        return MENTEE
    return "outsider"


def _ensure_participant(actor: User) -> None:
    problem = participation_problem(actor)
    if problem is not None:
        raise TransitionRefused(problem.message)


def check_request_transition(
    *, mentor_request: MentorRequest, action: str, actor: User | None
) -> str:
    """Validate `action` on a request by `actor` (None for the system); return the new status."""
    side = _actor_side(actor, mentor_request.mentor_id, mentor_request.mentee_id)
    who = next((who for (_, act), (_, who) in REQUEST_TRANSITIONS.items() if act == action), None)
    if who is None:
        raise TransitionRefused("That is not something you can do here.")
    if side != who:
        raise TransitionRefused(_WHO_MAY[who])
    if actor is not None:
        _ensure_participant(actor)
    return _lookup(REQUEST_TRANSITIONS, mentor_request.status, action, "request").to_status


def check_mentorship_transition(*, mentorship: Mentorship, action: str, actor: User) -> str:
    """Validate `action` on a mentorship by `actor`; return the new status."""
    side = _actor_side(actor, mentorship.mentor_id, mentorship.mentee_id)
    if side not in (MENTOR, MENTEE):
        raise TransitionRefused(_WHO_MAY[EITHER])
    _ensure_participant(actor)
    return _lookup(MENTORSHIP_TRANSITIONS, mentorship.status, action, "mentorship").to_status


# --- Who may ask whom -------------------------------------------------------------------


def mentee_stage(user: User) -> Stage | None:
    """The mentoring stage of a member, from their role; None if they cannot be mentored."""
    stage = ROLE_TO_STAGE.get(user.role)
    return Stage(stage) if stage is not None else None


def required_stages(mentee: User) -> list[str]:
    """Stages a mentor must accept to mentor `mentee`. Minors need high-school acceptance."""
    stage = mentee_stage(mentee)
    if stage is None:
        return []
    stages = {str(stage)}
    if mentee.is_minor:
        stages.add(Stage.HIGH_SCHOOL)
    return sorted(stages)


def mentor_refusal(
    *,
    mentee: User,
    mentor: User,
    profile: MentorProfile | None,
    preferences: MenteePreferences | None,
    active_count: int | None = None,
) -> str | None:
    """Why `mentee` may not ask `mentor` (the hard filters of matching), or None."""
    if mentee.pk == mentor.pk:
        return "You cannot be your own mentor."
    if profile is None or not mentor.is_clinician:
        return f"{mentor.display_name} does not offer mentoring."
    if mentor.verification_status != VerificationStatus.VERIFIED:
        return f"{mentor.display_name} is not a verified physician, so cannot mentor right now."
    if not mentor.is_active or mentor.is_suspended:
        return f"{mentor.display_name} cannot take mentees right now."
    if not profile.is_accepting:
        return f"{mentor.display_name} is not accepting new mentees at the moment."
    stage = mentee_stage(mentee)
    if stage is None:
        return "Mentor requests are for students and residents."
    if str(stage) not in profile.stages:
        return f"{mentor.display_name} does not mentor {STAGE_PLURALS[stage]}."
    if mentee.is_minor and Stage.HIGH_SCHOOL not in profile.stages:
        return f"{mentor.display_name} does not mentor members under 18."
    if preferences is not None and preferences.language_required and preferences.languages:
        if not set(preferences.languages) & set(profile.languages):
            return f"{mentor.display_name} does not speak a language you require."
    count = profile.active_mentee_count if active_count is None else active_count
    if count >= profile.capacity:
        return f"{mentor.display_name} has no room for another mentee right now."
    if is_walled_off(mentee, mentor):
        return f"You cannot ask {mentor.display_name} for mentoring."
    return None


def check_request_mentor(*, mentee: User, mentor: User) -> MentorProfile:
    """Validate a new request from `mentee` to `mentor`; return the mentor's profile."""
    _ensure_participant(mentee)
    profile = MentorProfile.objects.filter(user=mentor).first()
    preferences = MenteePreferences.objects.filter(user=mentee).first()
    refusal = mentor_refusal(mentee=mentee, mentor=mentor, profile=profile, preferences=preferences)
    if refusal is not None:
        raise TransitionRefused(refusal)
    assert profile is not None
    pending = MentorRequest.objects.pending().filter(mentee=mentee)
    if pending.filter(mentor=mentor).exists():
        raise TransitionRefused(
            f"You have already asked {mentor.display_name}; wait for an answer or withdraw it."
        )
    if pending.count() >= MAX_PENDING_PER_MENTEE:
        raise TransitionRefused(
            f"You can have at most {MAX_PENDING_PER_MENTEE} requests waiting at once. "
            "Withdraw one or wait for answers before asking someone else."
        )
    if Mentorship.objects.active().filter(mentor=mentor, mentee=mentee).exists():
        raise TransitionRefused(f"{mentor.display_name} is already your mentor.")
    return profile


def _home_url() -> str:
    return reverse("mentoring:home")


def do_request_mentor(
    *, mentee: User, mentor: User, message: str = "", now: datetime | None = None
) -> MentorRequest:
    """Send a mentor request; notifies the mentor. Serialised per mentee by a row lock."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locking the mentee's row makes the "at most 3 pending" count exact under double
        # submits from two tabs.
        User.objects.select_for_update().filter(pk=mentee.pk).first()
        check_request_mentor(mentee=mentee, mentor=mentor)
        try:
            with transaction.atomic():
                mentor_request = MentorRequest.objects.create(
                    mentee=mentee, mentor=mentor, message=message.strip()[:1000], created_at=now
                )
        except IntegrityError as error:
            raise TransitionRefused(
                f"You have already asked {mentor.display_name}; wait for an answer."
            ) from error
        notify(
            recipient=mentor,
            kind=Kind.MENTOR_REQUEST,
            title=f"{mentee.display_name} asked you to be their mentor",
            url=_home_url() + "#requests",
            actor=mentee,
            target=mentor_request,
        )
    return mentor_request


def _locked_request(mentor_request: MentorRequest) -> MentorRequest:
    locked = MentorRequest.objects.select_for_update().get(pk=mentor_request.pk)
    # The members were loaded by the caller; keep them so notifications need no query.
    locked.mentee = mentor_request.mentee
    locked.mentor = mentor_request.mentor
    return locked


def recount_active_mentees(*, mentor_id: int) -> int:
    """Store the true active count on the profile; call with the profile row locked."""
    count = Mentorship.objects.active().filter(mentor_id=mentor_id).count()
    MentorProfile.objects.filter(user_id=mentor_id).update(active_mentee_count=count)
    return count


def recount_active_mentees_of(*, mentor_ids: Iterable[int]) -> None:
    """`recount_active_mentees` for many mentors in one UPDATE; call with their profile
    rows locked."""
    ids = list(mentor_ids)
    if not ids:
        return
    active = (
        Mentorship.objects.active()
        .filter(mentor_id=OuterRef("user_id"))
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    MentorProfile.objects.filter(user_id__in=ids).update(
        active_mentee_count=Coalesce(Subquery(active), 0)
    )


def recount_ratings(*, mentor_ids: Iterable[int]) -> None:
    """Store each mentor's rating (how many of their mentees rated them, and the sum) from
    the feedback rows; what mentors write about their mentees does not count."""
    ids = list(mentor_ids)
    if not ids:
        return
    from_mentees = (
        Feedback.objects.filter(
            mentorship__mentor_id=OuterRef("user_id"), author_id=F("mentorship__mentee_id")
        )
        .order_by()
        .values("mentorship__mentor_id")
    )
    MentorProfile.objects.filter(user_id__in=ids).update(
        rating_count=Coalesce(Subquery(from_mentees.annotate(n=Count("id")).values("n")), 0),
        rating_total=Coalesce(Subquery(from_mentees.annotate(n=Sum("rating")).values("n")), 0),
    )


def do_accept_request(
    *, mentor_request: MentorRequest, actor: User, now: datetime | None = None
) -> Mentorship:
    """Accept a request and open the mentorship.

    Locks the request row, then the mentor's profile row, and counts active mentorships
    inside that lock: two simultaneous accepts for the last place queue on the profile lock
    and the second one sees the first one's mentorship, so it is refused.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_request(mentor_request)
        status = check_request_transition(mentor_request=locked, action=ACCEPT, actor=actor)
        profile = MentorProfile.objects.select_for_update().filter(user_id=locked.mentor_id).first()
        if profile is None:
            raise TransitionRefused("Turn your mentor profile on before accepting requests.")
        active = Mentorship.objects.active().filter(mentor_id=locked.mentor_id).count()
        if active >= profile.capacity:
            raise TransitionRefused(
                f"You already mentor {active} of the {profile.capacity} mentees you have room "
                "for. Raise your capacity or finish a mentorship first."
            )
        if is_walled_off(locked.mentee, locked.mentor):
            raise TransitionRefused("You cannot mentor a member you are walled off from.")
        if Mentorship.objects.active().filter(mentor=locked.mentor, mentee=locked.mentee).exists():
            raise TransitionRefused("You already mentor this member.")
        locked.status = status
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        mentorship = Mentorship.objects.create(
            request=locked, mentor=locked.mentor, mentee=locked.mentee, started_at=now
        )
        MentorProfile.objects.filter(pk=profile.pk).update(active_mentee_count=active + 1)
        notify(
            recipient=locked.mentee,
            kind=Kind.MENTOR_REQUEST,
            title=f"{locked.mentor.display_name} accepted your mentor request",
            url=mentorship.get_absolute_url(),
            actor=actor,
            target=mentorship,
        )
    mentor_request.status = locked.status
    mentor_request.decided_at = locked.decided_at
    return mentorship


def open_program_mentorship(
    *, mentor: User, mentee: User, note: str = "", now: datetime | None = None
) -> Mentorship:
    """Open one mentorship a mentoring program matched (`open_program_mentorships` for one
    pair): an accepted request (its message is `note`, e.g. "Matched by Pathways, Cohort 1")
    and the active mentorship. Refused when the pair already has an active mentorship."""
    return open_program_mentorships(pairs=[(mentor, mentee)], note=note, now=now)[0]


def open_program_mentorships(
    *, pairs: Sequence[tuple[User, User]], note: str = "", now: datetime | None = None
) -> list[Mentorship]:
    """Open the mentorships a mentoring program matched, one per (mentor, mentee) pair, in
    a few queries whatever their number: the accepted requests (their message is `note`)
    and the active mentorships in bulk, returned in the order of `pairs`.

    The mentors' profile rows are locked first (in primary key order, so two cohorts
    sharing mentors queue instead of deadlocking), as `do_accept_request` locks the one it
    needs; under those locks no pair may already have an active mentorship, and the
    mentors' active mentees are recounted in one UPDATE. The program's own capacity decides
    how many mentees it gives a mentor, so the profile's is not checked; the count may then
    exceed it, which only keeps the mentor out of one-to-one suggestions. All or nothing: a
    refusal writes nothing. Notifies nobody: the program tells its members."""
    now = now or timezone.now()
    if not pairs:
        return []
    mentors = {mentor.pk: mentor for mentor, _ in pairs}
    with transaction.atomic():
        with_profile = set(
            MentorProfile.objects.select_for_update()
            .filter(user_id__in=list(mentors))
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        for mentor_id, mentor in mentors.items():
            if mentor_id not in with_profile:
                raise TransitionRefused(f"{mentor.display_name} has no mentor profile.")
        seen: set[tuple[int, int]] = set()
        for mentor, mentee in pairs:
            if mentor.pk == mentee.pk:
                raise TransitionRefused("Nobody can be their own mentor.")
            if (mentor.pk, mentee.pk) in seen:
                raise TransitionRefused(
                    f"{mentor.display_name} and {mentee.display_name} are paired twice."
                )
            seen.add((mentor.pk, mentee.pk))
        active = set(
            Mentorship.objects.active()
            .filter(mentor_id__in=list(mentors), mentee_id__in={m.pk for _, m in pairs})
            .values_list("mentor_id", "mentee_id")
        )
        for mentor, mentee in pairs:
            if (mentor.pk, mentee.pk) in active:
                raise TransitionRefused(
                    f"{mentor.display_name} already mentors {mentee.display_name}."
                )
        message = note.strip()[:1000]
        try:
            # A savepoint: a pair opened meanwhile by a path that skipped the profile lock
            # still meets the one-active-mentorship constraint, and is refused in words.
            with transaction.atomic():
                requests = MentorRequest.objects.bulk_create(
                    [
                        MentorRequest(
                            mentee=mentee,
                            mentor=mentor,
                            status=RequestStatus.ACCEPTED,
                            message=message,
                            created_at=now,
                            decided_at=now,
                        )
                        for mentor, mentee in pairs
                    ],
                    batch_size=BULK_BATCH_SIZE,
                )
                mentorships = Mentorship.objects.bulk_create(
                    [
                        Mentorship(
                            request=mentor_request,
                            mentor=mentor_request.mentor,
                            mentee=mentor_request.mentee,
                            started_at=now,
                        )
                        for mentor_request in requests
                    ],
                    batch_size=BULK_BATCH_SIZE,
                )
        except IntegrityError as error:
            raise TransitionRefused(
                "One of these members was paired meanwhile; nothing was opened."
            ) from error
        recount_active_mentees_of(mentor_ids=mentors)
    return mentorships


def do_decline_request(
    *, mentor_request: MentorRequest, actor: User, note: str = "", now: datetime | None = None
) -> MentorRequest:
    """Decline a request, with an optional note the student sees."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_request(mentor_request)
        locked.status = check_request_transition(mentor_request=locked, action=DECLINE, actor=actor)
        locked.decided_at = now
        locked.decline_note = note.strip()[:1000]
        locked.save(update_fields=["status", "decided_at", "decline_note"])
        notify(
            recipient=locked.mentee,
            kind=Kind.MENTOR_REQUEST,
            title=f"{locked.mentor.display_name} cannot mentor you right now",
            url=_home_url() + "#sent-requests",
            actor=actor,
            target=locked,
        )
    return locked


def do_withdraw_request(
    *, mentor_request: MentorRequest, actor: User, now: datetime | None = None
) -> MentorRequest:
    """The student takes back a request that has no answer yet."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_request(mentor_request)
        locked.status = check_request_transition(
            mentor_request=locked, action=WITHDRAW, actor=actor
        )
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        notify(
            recipient=locked.mentor,
            kind=Kind.MENTOR_REQUEST,
            title=f"{locked.mentee.display_name} withdrew their mentor request",
            url=_home_url() + "#requests",
            actor=actor,
            target=locked,
        )
    return locked


def do_expire_request(*, mentor_request: MentorRequest, now: datetime | None = None) -> None:
    """Expire an unanswered request (system step); tells the student so they can ask again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_request(mentor_request)
        locked.status = check_request_transition(mentor_request=locked, action=EXPIRE, actor=None)
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        notify(
            recipient=locked.mentee,
            kind=Kind.MENTOR_REQUEST,
            title=(
                f"Your request to {locked.mentor.display_name} expired without an answer; "
                "you can ask another mentor"
            ),
            url=reverse("mentoring:suggestions"),
            target=locked,
        )


def expire_stale_requests(*, now: datetime | None = None) -> int:
    """Expire every request left unanswered for 14 days; return how many expired."""
    now = now or timezone.now()
    stale = (
        MentorRequest.objects.pending()
        .filter(created_at__lte=now - EXPIRE_AFTER)
        .select_related("mentee", "mentor")
        .order_by("pk")
    )
    expired = 0
    for mentor_request in stale:
        try:
            do_expire_request(mentor_request=mentor_request, now=now)
        except TransitionRefused:
            # Answered between the query and the lock: the answer wins.
            continue
        expired += 1
    return expired


def remind_mentors(*, now: datetime | None = None) -> int:
    """Remind mentors, once per request, of requests waiting 7 days; return how many."""
    now = now or timezone.now()
    waiting = (
        MentorRequest.objects.pending()
        .filter(created_at__lte=now - REMIND_AFTER, reminded_at__isnull=True)
        .select_related("mentee", "mentor")
        .order_by("pk")
    )
    reminded = 0
    for mentor_request in waiting:
        with transaction.atomic():
            # Claim with a conditional UPDATE: two overlapping runs cannot both remind.
            claimed = MentorRequest.objects.filter(
                pk=mentor_request.pk,
                status=RequestStatus.REQUESTED,
                reminded_at__isnull=True,
            ).update(reminded_at=now)
            if not claimed:
                continue
            days_left = max((mentor_request.created_at + EXPIRE_AFTER - now).days, 0)
            notify(
                recipient=mentor_request.mentor,
                kind=Kind.MENTOR_REQUEST,
                title=(
                    f"{mentor_request.mentee.display_name} is still waiting for your answer "
                    f"(the request expires in {days_left} days)"
                ),
                url=_home_url() + "#requests",
                actor=mentor_request.mentee,
                target=mentor_request,
            )
        reminded += 1
    return reminded


# --- The mentorship's end ----------------------------------------------------------------


def _locked_mentorship(mentorship: Mentorship) -> Mentorship:
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    locked.mentor = mentorship.mentor
    locked.mentee = mentorship.mentee
    return locked


def _close_mentorship(
    *,
    mentorship: Mentorship,
    actor: User,
    action: str,
    reason: str,
    now: datetime,
) -> Mentorship:
    locked = _locked_mentorship(mentorship)
    locked.status = check_mentorship_transition(mentorship=locked, action=action, actor=actor)
    locked.ended_at = now
    locked.ended_by = actor
    locked.end_reason = reason
    locked.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
    # Meetings still ahead are cancelled, so the members' calendars drop them too.
    from .meetings import cancel_open_meetings

    cancel_open_meetings(mentorship=locked, actor=actor, now=now)
    # Same lock order as accepting (profile after the row it concerns) avoids deadlocks.
    MentorProfile.objects.select_for_update().filter(user_id=locked.mentor_id).first()
    recount_active_mentees(mentor_id=locked.mentor_id)
    # Keep the caller's instance in step with the row it stands for.
    for name in ("status", "ended_at", "ended_by", "end_reason"):
        setattr(mentorship, name, getattr(locked, name))
    return locked


def do_complete_mentorship(
    *,
    mentorship: Mentorship,
    actor: User,
    rating: int,
    comment: str = "",
    now: datetime | None = None,
) -> Mentorship:
    """Mark a mentorship completed with the actor's feedback; asks the other side for theirs."""
    now = now or timezone.now()
    if not 1 <= rating <= 5:
        raise TransitionRefused("Choose a rating from 1 to 5.")
    with transaction.atomic():
        locked = _close_mentorship(
            mentorship=mentorship, actor=actor, action=COMPLETE, reason="", now=now
        )
        Feedback.objects.create(
            mentorship=locked,
            author=actor,
            rating=rating,
            comment=comment.strip()[:2000],
            created_at=now,
        )
        if actor.pk == locked.mentee_id:
            recount_ratings(mentor_ids=[locked.mentor_id])
        notify(
            recipient=locked.other_side(actor),
            kind=Kind.MENTORSHIP,
            title=(f"{actor.display_name} marked your mentorship complete; tell us how it went"),
            url=reverse("mentoring:feedback", kwargs={"pk": locked.pk}),
            actor=actor,
            target=locked,
        )
    return locked


def do_end_mentorship(
    *, mentorship: Mentorship, actor: User, reason: str, now: datetime | None = None
) -> Mentorship:
    """End a mentorship early with a reason the other side sees."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("Say briefly why the mentorship is ending.")
    with transaction.atomic():
        locked = _close_mentorship(
            mentorship=mentorship, actor=actor, action=END, reason=reason[:1000], now=now
        )
        notify(
            recipient=locked.other_side(actor),
            kind=Kind.MENTORSHIP,
            title=f"{actor.display_name} ended your mentorship",
            url=reverse("mentoring:feedback", kwargs={"pk": locked.pk}),
            actor=actor,
            target=locked,
        )
    return locked
