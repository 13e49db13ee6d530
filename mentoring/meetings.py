"""Meetings a mentorship schedules ahead: weekly availability, the times both members are
free, proposals and their answers, calendar invitations and reminders.

    proposed --accept (the other member)--> accepted   (both get the calendar invitation)
    proposed --decline (the other member)-> declined
    proposed, accepted --reschedule (either)--> proposed (a new time; SEQUENCE grows)
    proposed, accepted --cancel (either)------> cancelled (a CANCEL for calendars)

Every change of status goes through MEETING_TRANSITIONS. `check_meeting_transition`
refuses with the sentence the member sees; the `do_*` functions check again inside
`transaction.atomic` with the pair's rows and the meeting's row locked (always in that
order: the two members by id, then the mentorship, then the meeting), so a double submit
or an accept racing a cancel finds the other's result and is refused, changing nothing.

Availability is a list of weekly slots in each member's own zone; free times are computed
in UTC through the real zones (zoneinfo), so summer time on either side moves them as it
should. The log of meetings that happened stays `Meeting`; `last_met_on` reads it.

Every write that changes the board (a proposal, an answer, a move, a cancellation)
announces it on the mentorship's live stream once it commits (`MEETINGS_EVENT`): the
pair's open pages then ask for their own view of the board again (views.meeting_board).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import User
from accounts.selectors import is_walled_off
from community import events
from community.time_zones import zone_or_utc
from notifications.models import Kind
from notifications.services import notify
from privacy.contact import KIND_LABELS as CONTACT_LABELS
from privacy.contact import find_contact_details

from .models import (
    MAX_AVAILABILITY_SLOTS,
    MEETING_LENGTHS,
    WEEKDAY_NAMES,
    AvailabilitySlot,
    MeetingStatus,
    MenteePreferences,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    ScheduledMeeting,
)
from .vocabulary import MeetingMode, validate_time_zone
from .workflow import Refused, TransitionRefused, _ensure_participant

# How far ahead free times are offered, the notice a proposal needs, and the grid of starts.
HORIZON = timedelta(days=21)
MIN_NOTICE = timedelta(hours=1)
STEP = timedelta(minutes=30)
MAX_CHOICES = 340
MAX_OPEN_PROPOSALS = 5
MAX_PLACE_LENGTH = 200
# The reminders: (the column that claims it, how long before the start).
REMINDERS: tuple[tuple[str, timedelta], ...] = (
    ("reminded_day_at", timedelta(hours=24)),
    ("reminded_hour_at", timedelta(hours=1)),
)

ACCEPT = "accept"
DECLINE = "decline"
RESCHEDULE = "reschedule"
CANCEL = "cancel"

ANSWERER = "answerer"  # the member who did not propose the current time
EITHER = "either"

# (from status, action) -> (to status, who may act). Nothing else is a legal move.
MEETING_TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (MeetingStatus.PROPOSED, ACCEPT): (MeetingStatus.ACCEPTED, ANSWERER),
    (MeetingStatus.PROPOSED, DECLINE): (MeetingStatus.DECLINED, ANSWERER),
    (MeetingStatus.PROPOSED, RESCHEDULE): (MeetingStatus.PROPOSED, EITHER),
    (MeetingStatus.ACCEPTED, RESCHEDULE): (MeetingStatus.PROPOSED, EITHER),
    (MeetingStatus.PROPOSED, CANCEL): (MeetingStatus.CANCELLED, EITHER),
    (MeetingStatus.ACCEPTED, CANCEL): (MeetingStatus.CANCELLED, EITHER),
}
# The moves that need the mentorship to be active; a decline or a cancel is always possible.
NEEDS_ACTIVE = frozenset({ACCEPT, RESCHEDULE})

_ACTION_PAST = {
    ACCEPT: "accepted",
    DECLINE: "declined",
    RESCHEDULE: "moved",
    CANCEL: "cancelled",
}
_STATE_PHRASE: dict[str, str] = {
    MeetingStatus.PROPOSED: "it is waiting for an answer",
    MeetingStatus.ACCEPTED: "it has already been accepted",
    MeetingStatus.DECLINED: "it has been declined",
    MeetingStatus.CANCELLED: "it has been cancelled",
}


# --- Zones and availability --------------------------------------------------------------


def member_zone_name(user: User) -> str:
    """The zone a member's availability is in: their account's zone, else that of their
    mentor profile or mentee preferences, else UTC."""
    candidates: list[object] = [user.time_zone]
    if not user.time_zone:
        for related in ("mentor_profile", "mentee_preferences"):
            # A missing profile raises RelatedObjectDoesNotExist, an AttributeError.
            candidates.append(getattr(getattr(user, related, None), "time_zone", ""))
    for name in candidates:
        if name and zone_or_utc(name).key == name:
            return str(name)
    return "UTC"


def zoned_text(value: datetime, zone_name: str) -> str:
    """ "Tue 14 Oct, 18:00" as the clock shows it in `zone_name`."""
    return dateformat.format(value.astimezone(zone_or_utc(zone_name)), "D j M, H:i")


@transaction.atomic
def set_availability_zone(*, user: User, time_zone: str) -> None:
    """Set the member's own zone: on the account, and on their mentor profile and mentee
    preferences, so every mentoring page reads the same one."""
    _ensure_participant(user)
    try:
        validate_time_zone(time_zone)
    except Exception as error:
        raise Refused("Choose a time zone from the list, such as America/Chicago.") from error
    User.objects.filter(pk=user.pk).update(time_zone=time_zone)
    user.time_zone = time_zone
    MentorProfile.objects.filter(user=user).update(time_zone=time_zone)
    MenteePreferences.objects.filter(user=user).update(time_zone=time_zone)


def _slot_text(weekday: int, start: time, end: time) -> str:
    return f"{WEEKDAY_NAMES[weekday]} {start:%H:%M}–{end:%H:%M}"


def add_availability_slot(*, user: User, weekday: int, start: time, end: time) -> AvailabilitySlot:
    """Add a weekly slot; refuses overlaps with the member's other slots. Serialised per
    member by a lock on their row, so two tabs cannot add overlapping slots."""
    _ensure_participant(user)
    if not 0 <= weekday <= 6:
        raise Refused("Choose a day of the week.")
    if end <= start:
        raise Refused("The end comes after the start, on the same day.")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        slots = list(AvailabilitySlot.objects.filter(user=user))
        if len(slots) >= MAX_AVAILABILITY_SLOTS:
            raise Refused(f"You can have at most {MAX_AVAILABILITY_SLOTS} weekly slots.")
        for slot in slots:
            if slot.weekday == weekday and slot.start_time < end and start < slot.end_time:
                raise Refused(
                    f"This overlaps your slot {slot}. Change that one or choose another time."
                )
        try:
            with transaction.atomic():
                return AvailabilitySlot.objects.create(
                    user=user, weekday=weekday, start_time=start, end_time=end
                )
        except IntegrityError as error:
            raise Refused(
                f"You already have a slot starting {_slot_text(weekday, start, end)}."
            ) from error


def remove_availability_slot(*, user: User, slot_id: int) -> bool:
    """Remove one of the member's slots; False if it was not theirs or is already gone."""
    deleted, _ = AvailabilitySlot.objects.filter(user=user, pk=slot_id).delete()
    return bool(deleted)


# --- Free times ------------------------------------------------------------------------


Span = tuple[datetime, datetime]


def weekly_spans(
    slots: Iterable[AvailabilitySlot], zone_name: str, start: datetime, end: datetime
) -> list[Span]:
    """The weekly `slots`, as wall-clock times in `zone_name`, laid on the calendar between
    `start` and `end` and given in UTC (merged, in order). Each day's times are converted
    with that day's offset, so summer time moves them in UTC and not on the clock."""
    tz: ZoneInfo = zone_or_utc(zone_name)
    by_day: dict[int, list[AvailabilitySlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    spans: list[Span] = []
    day = start.astimezone(tz).date() - timedelta(days=1)
    last: date = end.astimezone(tz).date() + timedelta(days=1)
    while day <= last:
        for slot in by_day.get(day.weekday(), []):
            opens = datetime.combine(day, slot.start_time, tzinfo=tz).astimezone(UTC)
            closes = datetime.combine(day, slot.end_time, tzinfo=tz).astimezone(UTC)
            opens, closes = max(opens, start), min(closes, end)
            if opens < closes:
                spans.append((opens, closes))
        day += timedelta(days=1)
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def intersect(first: list[Span], second: list[Span]) -> list[Span]:
    """The stretches in both lists (each merged and in order)."""
    both: list[Span] = []
    i = j = 0
    while i < len(first) and j < len(second):
        opens = max(first[i][0], second[j][0])
        closes = min(first[i][1], second[j][1])
        if opens < closes:
            both.append((opens, closes))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return both


def subtract(spans: list[Span], busy: list[Span]) -> list[Span]:
    """`spans` without the `busy` stretches."""
    free: list[Span] = []
    for opens, closes in spans:
        cursor = opens
        for busy_opens, busy_closes in sorted(busy):
            if busy_closes <= cursor or busy_opens >= closes:
                continue
            if busy_opens > cursor:
                free.append((cursor, busy_opens))
            cursor = max(cursor, busy_closes)
        if cursor < closes:
            free.append((cursor, closes))
    return free


def _first_step_at_or_after(value: datetime, step_length: timedelta) -> datetime:
    step = int(step_length.total_seconds())
    seconds = -(-int(value.timestamp()) // step) * step
    return datetime.fromtimestamp(seconds, tz=UTC)


def free_starts(
    *,
    mentorship: Mentorship,
    length_minutes: int,
    now: datetime | None = None,
    exclude: ScheduledMeeting | None = None,
) -> list[datetime]:
    """The starts (UTC, on the half hour) of `length_minutes` meetings both members are
    free for, from MIN_NOTICE to HORIZON ahead: both weekly availabilities, minus the
    confirmed meetings either of them has in any mentorship (but `exclude`, the meeting
    being moved). Two queries, plus one per member without an account zone."""
    now = now or timezone.now()
    start, end = now + MIN_NOTICE, now + HORIZON
    length = timedelta(minutes=length_minutes)
    members = (mentorship.mentor, mentorship.mentee)
    slots: dict[int, list[AvailabilitySlot]] = {member.pk: [] for member in members}
    for slot in AvailabilitySlot.objects.filter(user_id__in=list(slots)):
        slots[slot.user_id].append(slot)
    mentor_spans, mentee_spans = (
        weekly_spans(slots[member.pk], member_zone_name(member), start, end) for member in members
    )
    both = intersect(mentor_spans, mentee_spans)
    if not both:
        return []
    busy_rows = (
        ScheduledMeeting.objects.accepted()
        .involving_any(list(slots))
        .filter(starts_at__lt=end, ends_at__gt=start)
    )
    if exclude is not None:
        busy_rows = busy_rows.exclude(pk=exclude.pk)
    busy = list(busy_rows.values_list("starts_at", "ends_at"))
    free = subtract(both, busy)
    starts = _grid(free, length, STEP)
    if len(starts) > MAX_CHOICES:
        # Wide availability: on the hour only, so the choice still spans the whole horizon.
        starts = _grid(free, length, timedelta(hours=1))
    return starts[:MAX_CHOICES]


def _grid(free: list[Span], length: timedelta, step: timedelta) -> list[datetime]:
    starts: list[datetime] = []
    for opens, closes in free:
        candidate = _first_step_at_or_after(opens, step)
        while candidate + length <= closes:
            starts.append(candidate)
            candidate += step
    return starts


@dataclass(frozen=True)
class TimeChoice:
    """A free start as each member reads it."""

    starts_at: datetime
    mine: str
    theirs: str

    @property
    def value(self) -> str:
        return self.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def time_choices(
    *,
    mentorship: Mentorship,
    viewer: User,
    length_minutes: int,
    now: datetime | None = None,
    exclude: ScheduledMeeting | None = None,
) -> list[TimeChoice]:
    """`free_starts`, each written in the viewer's zone and in the other member's."""
    mine = member_zone_name(viewer)
    theirs = member_zone_name(mentorship.other_side(viewer))
    return [
        TimeChoice(starts_at=start, mine=zoned_text(start, mine), theirs=zoned_text(start, theirs))
        for start in free_starts(
            mentorship=mentorship, length_minutes=length_minutes, now=now, exclude=exclude
        )
    ]


def parse_choice(value: str) -> datetime | None:
    """The start a TimeChoice.value names, or None."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


# --- Checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    """What a proposal says besides its time; `check_details` makes one."""

    length_minutes: int
    mode: str
    video_url: str = ""
    place: str = ""


def check_details(
    *, length_minutes: int, mode: str, video_url: str = "", place: str = ""
) -> MeetingDetails:
    """Validate a proposal's length, mode, link and place; return them normalised."""
    if length_minutes not in MEETING_LENGTHS:
        raise Refused("Choose a length of 30, 45 or 60 minutes.")
    if mode not in MeetingMode.values:
        raise Refused("Choose how you will meet.")
    video_url, place = video_url.strip(), " ".join(place.split())
    if mode == MeetingMode.VIDEO:
        if not video_url:
            raise Refused("Add the link to the video call.")
        if not video_url.lower().startswith("https://") or len(video_url) > 500:
            raise Refused("The video link must be a secure address starting with https://.")
        return MeetingDetails(length_minutes, mode, video_url=video_url)
    if mode == MeetingMode.IN_PERSON:
        if not place:
            raise Refused("Say where you will meet.")
        if len(place) > MAX_PLACE_LENGTH:
            raise Refused(f"Keep the place under {MAX_PLACE_LENGTH} characters.")
        contacts = find_contact_details(place)
        if contacts:
            label = CONTACT_LABELS[contacts[0].kind].lower()
            raise Refused(
                f"The place seems to include a {label}. Keep contact details in your "
                "conversation on Rounds and name only the place here."
            )
        return MeetingDetails(length_minutes, mode, place=place)
    return MeetingDetails(length_minutes, mode)


def _side(meeting: ScheduledMeeting, actor: User) -> str | None:
    mentorship = meeting.mentorship
    if not mentorship.has_member(actor):
        return None
    return "proposer" if actor.pk == meeting.proposed_by_id else ANSWERER


def check_meeting_transition(*, meeting: ScheduledMeeting, action: str, actor: User) -> str:
    """Validate `action` on `meeting` by `actor`; return the status it moves to."""
    who = next((who for (_, act), (_, who) in MEETING_TRANSITIONS.items() if act == action), None)
    if who is None:
        raise TransitionRefused("That is not something you can do here.")
    side = _side(meeting, actor)
    if side is None:
        raise TransitionRefused("Only the mentor and the mentee can change this meeting.")
    _ensure_participant(actor)
    move = MEETING_TRANSITIONS.get((meeting.status, action))
    if move is None:
        phrase = _STATE_PHRASE.get(meeting.status, f"it is {meeting.status}")
        raise TransitionRefused(
            f"This meeting can no longer be {_ACTION_PAST[action]}: {phrase}. Nothing was changed."
        )
    to_status, who = move
    if who == ANSWERER and side != ANSWERER:
        raise TransitionRefused(
            "You proposed this time, so the other member answers it. You can move or "
            "cancel it instead."
        )
    if action in NEEDS_ACTIVE and meeting.mentorship.status != MentorshipStatus.ACTIVE:
        raise TransitionRefused("This mentorship has ended, so no meetings can be planned.")
    return to_status


def _check_can_plan(mentorship: Mentorship, actor: User) -> None:
    if not mentorship.has_member(actor):
        raise TransitionRefused("Only the mentor and the mentee can plan meetings here.")
    _ensure_participant(actor)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise TransitionRefused("This mentorship has ended, so no meetings can be planned.")
    if is_walled_off(mentorship.mentor, mentorship.mentee):
        raise TransitionRefused("You cannot plan meetings with this member.")


def _check_time(
    *,
    mentorship: Mentorship,
    starts_at: datetime,
    length_minutes: int,
    now: datetime,
    exclude: ScheduledMeeting | None = None,
) -> None:
    free = free_starts(
        mentorship=mentorship, length_minutes=length_minutes, now=now, exclude=exclude
    )
    if starts_at not in free:
        raise Refused("That time is no longer free for both of you. Choose one of the times shown.")


def _lock_pair(mentorship: Mentorship) -> Mentorship:
    """Lock both members' rows (by id) and then the mentorship's; return it fresh, with the
    members the caller loaded. Confirmed meetings of either member, in any mentorship,
    change only under these locks, so an overlap check made under them holds."""
    list(
        User.objects.select_for_update()
        .filter(pk__in=[mentorship.mentor_id, mentorship.mentee_id])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    locked.mentor, locked.mentee = mentorship.mentor, mentorship.mentee
    return locked


def _locked_meeting(meeting: ScheduledMeeting) -> ScheduledMeeting:
    mentorship = _lock_pair(meeting.mentorship)
    locked = ScheduledMeeting.objects.select_for_update().get(pk=meeting.pk)
    locked.mentorship = mentorship
    return locked


def _sync(target: ScheduledMeeting, source: ScheduledMeeting) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# --- Notifications -----------------------------------------------------------------------


def _name(user: User) -> str:
    return user.display_name or user.handle


def _when_for(user: User, meeting: ScheduledMeeting) -> str:
    zone_name = member_zone_name(user)
    return f"{zoned_text(meeting.starts_at, zone_name)} ({zone_name.replace('_', ' ')})"


def _tell(
    meeting: ScheduledMeeting, *, recipient: User, title: str, actor: User | None = None
) -> None:
    notify(
        recipient=recipient,
        kind=Kind.MEETING,
        title=title,
        url=meeting.get_absolute_url(),
        actor=actor,
        target=meeting,
    )


# The live event a change of the board sends on `mentorship-<id>` (community/live.py).
MEETINGS_EVENT = "meetings"


def _announce(meeting: ScheduledMeeting) -> None:
    """Tell the pair's open pages, once the caller's transaction commits, that a meeting
    changed. Only the meeting's id and status travel: each page fetches its own view."""
    events.publish(
        f"mentorship-{meeting.mentorship_id}",
        MEETINGS_EVENT,
        {"meeting_id": meeting.pk, "status": str(meeting.status)},
    )


# --- Writes ------------------------------------------------------------------------------


def propose_meeting(
    *,
    mentorship: Mentorship,
    actor: User,
    starts_at: datetime,
    details: MeetingDetails,
    now: datetime | None = None,
) -> ScheduledMeeting:
    """Propose a meeting at one of the times both members are free; the other member is
    told and answers. The same proposal sent twice is refused the second time."""
    now = now or timezone.now()
    _check_can_plan(mentorship, actor)
    with transaction.atomic():
        locked = _lock_pair(mentorship)
        _check_can_plan(locked, actor)
        open_meetings = ScheduledMeeting.objects.filter(
            mentorship=locked, status=MeetingStatus.PROPOSED
        )
        if open_meetings.filter(starts_at=starts_at, proposed_by=actor).exists():
            raise Refused("You have already proposed this time; wait for an answer.")
        if open_meetings.count() >= MAX_OPEN_PROPOSALS:
            raise Refused(
                f"There are already {MAX_OPEN_PROPOSALS} proposals waiting for an answer. "
                "Answer or cancel one before proposing another."
            )
        _check_time(
            mentorship=locked,
            starts_at=starts_at,
            length_minutes=details.length_minutes,
            now=now,
        )
        meeting = ScheduledMeeting.objects.create(
            mentorship=locked,
            proposed_by=actor,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=details.length_minutes),
            mode=details.mode,
            video_url=details.video_url,
            place=details.place,
            created_at=now,
            updated_at=now,
        )
        other = locked.other_side(actor)
        _tell(
            meeting,
            recipient=other,
            actor=actor,
            title=(
                f"{_name(actor)} proposed a {details.length_minutes}-minute meeting on "
                f"{_when_for(other, meeting)}"
            ),
        )
        _announce(meeting)
    return meeting


def do_accept_meeting(
    *, meeting: ScheduledMeeting, actor: User, now: datetime | None = None
) -> ScheduledMeeting:
    """Accept a proposed time; both members get the calendar invitation by email."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        locked.status = check_meeting_transition(meeting=locked, action=ACCEPT, actor=actor)
        if locked.starts_at <= now:
            raise TransitionRefused("This time has passed. Propose a new one.")
        members = [locked.mentorship.mentor_id, locked.mentorship.mentee_id]
        clash = (
            ScheduledMeeting.objects.accepted()
            .involving_any(members)
            .filter(starts_at__lt=locked.ends_at, ends_at__gt=locked.starts_at)
            .exclude(pk=locked.pk)
        )
        if clash.exists():
            raise TransitionRefused(
                "One of you already has a confirmed meeting at that time. Propose another time."
            )
        locked.decided_at = now
        locked.updated_at = now
        if locked.first_accepted_at is None:
            locked.first_accepted_at = now
        locked.save(update_fields=["status", "decided_at", "updated_at", "first_accepted_at"])
        other = locked.mentorship.other_side(actor)
        _tell(
            locked,
            recipient=other,
            actor=actor,
            title=f"{_name(actor)} confirmed your meeting on {_when_for(other, locked)}",
        )
        # The member who accepted gets the invitation too: it is how it reaches a calendar.
        _tell(
            locked,
            recipient=actor,
            title=f"Your meeting with {_name(other)} is confirmed: {_when_for(actor, locked)}",
        )
        _announce(locked)
    _sync(meeting, locked)
    return meeting


def do_decline_meeting(
    *, meeting: ScheduledMeeting, actor: User, now: datetime | None = None
) -> ScheduledMeeting:
    """Decline a proposed time; the member who proposed it is told."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        locked.status = check_meeting_transition(meeting=locked, action=DECLINE, actor=actor)
        locked.decided_at = now
        locked.updated_at = now
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        other = locked.mentorship.other_side(actor)
        _tell(
            locked,
            recipient=other,
            actor=actor,
            title=(
                f"{_name(actor)} cannot meet on {_when_for(other, locked)}; propose another time"
            ),
        )
        _announce(locked)
    _sync(meeting, locked)
    return meeting


def do_reschedule_meeting(
    *,
    meeting: ScheduledMeeting,
    actor: User,
    starts_at: datetime,
    details: MeetingDetails,
    now: datetime | None = None,
) -> ScheduledMeeting:
    """Move a meeting to another time both are free: it waits for the other member's answer
    again, its calendar SEQUENCE grows, and its reminders are due again before the new time.
    A meeting already in calendars sends both members the updated invitation."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        locked.status = check_meeting_transition(meeting=locked, action=RESCHEDULE, actor=actor)
        _check_time(
            mentorship=locked.mentorship,
            starts_at=starts_at,
            length_minutes=details.length_minutes,
            now=now,
            exclude=locked,
        )
        previous = _when_for(locked.mentorship.other_side(actor), locked)
        locked.proposed_by = actor
        locked.starts_at = starts_at
        locked.ends_at = starts_at + timedelta(minutes=details.length_minutes)
        locked.mode = details.mode
        locked.video_url = details.video_url
        locked.place = details.place
        locked.sequence += 1
        locked.decided_at = None
        locked.reminded_day_at = None
        locked.reminded_hour_at = None
        locked.updated_at = now
        locked.save()
        other = locked.mentorship.other_side(actor)
        _tell(
            locked,
            recipient=other,
            actor=actor,
            title=(
                f"{_name(actor)} proposed moving your meeting of {previous} to "
                f"{_when_for(other, locked)}"
            ),
        )
        if locked.is_in_calendars:
            _tell(
                locked,
                recipient=actor,
                title=(
                    f"You moved your meeting with {_name(other)} to {_when_for(actor, locked)}; "
                    "it waits for their answer"
                ),
            )
        _announce(locked)
    _sync(meeting, locked)
    return meeting


def do_cancel_meeting(
    *, meeting: ScheduledMeeting, actor: User, now: datetime | None = None
) -> ScheduledMeeting:
    """Cancel a proposed or confirmed meeting; a meeting in calendars sends both members
    the cancellation."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_meeting(meeting)
        to_status = check_meeting_transition(meeting=locked, action=CANCEL, actor=actor)
        _cancel(locked, to_status=to_status, actor=actor, now=now)
    _sync(meeting, locked)
    return meeting


def _cancel(locked: ScheduledMeeting, *, to_status: str, actor: User, now: datetime) -> None:
    locked.status = to_status
    locked.cancelled_by = actor
    locked.sequence += 1
    locked.decided_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "cancelled_by", "sequence", "decided_at", "updated_at"])
    other = locked.mentorship.other_side(actor)
    _tell(
        locked,
        recipient=other,
        actor=actor,
        title=f"{_name(actor)} cancelled your meeting on {_when_for(other, locked)}",
    )
    if locked.is_in_calendars:
        _tell(
            locked,
            recipient=actor,
            title=f"You cancelled your meeting with {_name(other)} on {_when_for(actor, locked)}",
        )
    _announce(locked)


def cancel_open_meetings(*, mentorship: Mentorship, actor: User, now: datetime) -> int:
    """Cancel the meetings still ahead of a mentorship that is closing (workflow calls this
    with the mentorship row locked); returns how many."""
    ahead = (
        ScheduledMeeting.objects.select_for_update()
        .filter(
            mentorship=mentorship,
            status__in=[MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED],
            ends_at__gt=now,
        )
        .order_by("pk")
    )
    cancelled = 0
    for meeting in ahead:
        meeting.mentorship = mentorship
        # The mentorship's end is the reason: the table still says where a cancel leads.
        to_status, _who = MEETING_TRANSITIONS[(meeting.status, CANCEL)]
        _cancel(meeting, to_status=to_status, actor=actor, now=now)
        cancelled += 1
    return cancelled


# --- Reminders ---------------------------------------------------------------------------


def _in_words(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 90:
        return f"{minutes} minutes"
    return f"{round(minutes / 60)} hours"


def send_meeting_reminders(*, now: datetime | None = None) -> int:
    """Remind both members of each confirmed meeting a day and an hour before it starts;
    return how many reminders went out (one per meeting and moment).

    Each reminder is claimed with a conditional UPDATE of its column before the
    notifications are written, in one transaction: two overlapping runs cannot both send
    it, and a run that fails rolls its claim back. A new time clears both columns. A day
    reminder that falls inside the last hour is only marked: the hour's reminder speaks.
    """
    now = now or timezone.now()
    sent = 0
    for column, ahead in REMINDERS:
        unclaimed = {f"{column}__isnull": True}
        due = (
            ScheduledMeeting.objects.accepted()
            .filter(
                **unclaimed,
                mentorship__status=MentorshipStatus.ACTIVE,
                starts_at__gt=now,
                starts_at__lte=now + ahead,
            )
            .select_related("mentorship__mentor", "mentorship__mentee")
            .order_by("pk")
        )
        for meeting in due:
            with transaction.atomic():
                claimed = ScheduledMeeting.objects.filter(
                    pk=meeting.pk,
                    status=MeetingStatus.ACCEPTED,
                    starts_at=meeting.starts_at,
                    **unclaimed,
                ).update(**{column: now})
                if not claimed:
                    continue
                left = meeting.starts_at - now
                if column == "reminded_day_at" and left <= REMINDERS[-1][1]:
                    continue
                mentorship = meeting.mentorship
                for member in (mentorship.mentor, mentorship.mentee):
                    other = mentorship.other_side(member)
                    _tell(
                        meeting,
                        recipient=member,
                        title=(
                            f"Reminder: your meeting with {_name(other)} starts in "
                            f"{_in_words(left)}, {_when_for(member, meeting)}"
                        ),
                    )
            sent += 1
    return sent


def meetings_url(mentorship: Mentorship) -> str:
    return reverse("mentoring:mentorship", kwargs={"pk": mentorship.pk}) + "#meetings"


__all__ = [
    "ACCEPT",
    "CANCEL",
    "DECLINE",
    "MEETINGS_EVENT",
    "MEETING_TRANSITIONS",
    "RESCHEDULE",
    "TimeChoice",
    "add_availability_slot",
    "cancel_open_meetings",
    "check_details",
    "check_meeting_transition",
    "do_accept_meeting",
    "do_cancel_meeting",
    "do_decline_meeting",
    "do_reschedule_meeting",
    "free_starts",
    "member_zone_name",
    "propose_meeting",
    "remove_availability_slot",
    "send_meeting_reminders",
    "set_availability_zone",
    "time_choices",
]
