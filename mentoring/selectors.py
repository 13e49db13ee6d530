"""Reads for mentoring pages. Who may see a mentorship is decided here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, F, Max, OuterRef
from django.utils import timezone

from accounts.models import User
from accounts.moderators import Actor, may_moderate
from accounts.selectors import walled_off_ids
from moderation.models import Report, ReportStatus

from .meetings import member_zone_name, zoned_text
from .models import (
    AvailabilitySlot,
    Feedback,
    Goal,
    Meeting,
    MeetingStatus,
    MentorProfile,
    MentorProfileQuerySet,
    MentorRequest,
    Mentorship,
    Message,
    ScheduledMeeting,
    tag,
)

MESSAGE_PAGE_SIZE = 30
DIRECTORY_PAGE_SIZE = 20
# Comments are shown to a mentor only once there are enough that none can be attributed.
ANONYMOUS_COMMENTS_MINIMUM = 3

MODERATION_PERMISSION = "mentoring.view_mentorship"
# The pair and their mentoring profiles, whose zones the meetings read when a member's
# account has none (meetings.member_zone_name): one join instead of a query per member.
PAIR_RELATED = (
    "mentor",
    "mentee",
    "mentor__mentor_profile",
    "mentor__mentee_preferences",
    "mentee__mentor_profile",
    "mentee__mentee_preferences",
)


@dataclass
class Access:
    """How the viewer relates to a mentorship: a member of the pair, or a moderator."""

    mentorship: Mentorship
    is_member: bool
    # For a moderator: the open reports on the mentorship's messages that let them in.
    reports: list[Report] = field(default_factory=list)

    @property
    def is_moderator(self) -> bool:
        return not self.is_member


def _open_reports_on(mentorship_id: int) -> list[Report]:
    message_ids = Message.objects.filter(mentorship_id=mentorship_id).values("pk")
    return list(
        Report.objects.filter(
            target_type=ContentType.objects.get_for_model(Message),
            target_id__in=message_ids,
            status=ReportStatus.OPEN,
        ).order_by("created_at", "id")
    )


def mentorship_access(actor: Actor, pk: int) -> Access | None:
    """The mentorship `pk` as `actor` may see it, or None (outsiders must get a 404). A site
    moderator sees a mentorship only while one of its messages has an open report."""
    user = actor.user
    if not user.is_authenticated:
        return None
    # A member sees the program that matched them in the header (programs.ProgramPair):
    # joined here, so a mentorship outside programs costs no query to find it has none.
    mentorship = (
        Mentorship.objects.for_member(user)
        .select_related(*PAIR_RELATED, "program_pair__program")
        .filter(pk=pk)
        .first()
    )
    if mentorship is not None:
        return Access(mentorship=mentorship, is_member=True)
    if not may_moderate(actor, MODERATION_PERMISSION):
        return None
    reports = _open_reports_on(pk)
    if reports:
        mentorship = Mentorship.objects.select_related(*PAIR_RELATED).filter(pk=pk).first()
        if mentorship is not None:
            return Access(mentorship=mentorship, is_member=False, reports=reports)
    return None


def message_for_member(viewer: User | AnonymousUser, pk: int) -> Message | None:
    """The message `pk` if `viewer` is in the pair whose conversation it is in."""
    if not viewer.is_authenticated:
        return None
    return (
        Message.objects.filter(pk=pk, mentorship__in=Mentorship.objects.for_member(viewer))
        .select_related("sender")
        .first()
    )


@dataclass
class MessagePage:
    messages: list[Message]
    earlier_cursor: int | None


def message_page(mentorship: Mentorship, *, before: int | None = None) -> MessagePage:
    """The latest messages (or those before id `before`), oldest first; two queries at most."""
    queryset = mentorship.messages.select_related("sender").order_by("-id")
    if before is not None:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset[: MESSAGE_PAGE_SIZE + 1])
    has_earlier = len(rows) > MESSAGE_PAGE_SIZE
    rows = rows[:MESSAGE_PAGE_SIZE]
    rows.reverse()
    return MessagePage(messages=rows, earlier_cursor=rows[0].pk if has_earlier else None)


@dataclass
class GoalProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def goal_progress(goals: list[Goal]) -> GoalProgress:
    return GoalProgress(done=sum(1 for goal in goals if goal.is_done), total=len(goals))


@dataclass
class RatingSummary:
    average: float | None
    count: int
    comments: list[str] = field(default_factory=list)


def mentor_rating_summary(mentor: User, *, with_comments: bool = False) -> RatingSummary:
    """What mentees said of a mentor: average and count; comments only without names and
    only when there are enough of them that none can be traced to one mentee."""
    from_mentees = Feedback.objects.filter(
        mentorship__mentor=mentor, author_id=F("mentorship__mentee_id")
    )
    totals = from_mentees.aggregate(average=Avg("rating"), count=Count("id"))
    summary = RatingSummary(average=totals["average"], count=totals["count"])
    if with_comments and summary.count >= ANONYMOUS_COMMENTS_MINIMUM:
        # Alphabetical, not chronological: the order must not hint at who wrote what.
        summary.comments = sorted(
            comment
            for comment in from_mentees.exclude(comment="").values_list("comment", flat=True)
        )
    return summary


@dataclass
class Dashboard:
    received: list[MentorRequest]
    sent: list[MentorRequest]
    active: list[Mentorship]
    past: list[Mentorship]


def dashboard(user: User) -> Dashboard:
    """A member's requests and mentorships, on a fixed number of queries."""
    requests = list(
        MentorRequest.objects.involving(user)
        .select_related("mentee", "mentor")
        .order_by("-created_at", "-id")[:100]
    )
    mentorships = list(
        Mentorship.objects.for_member(user)
        .select_related("mentor", "mentee")
        .order_by("-started_at", "-id")[:100]
    )
    return Dashboard(
        received=[item for item in requests if item.mentor_id == user.pk],
        sent=[item for item in requests if item.mentee_id == user.pk],
        active=[item for item in mentorships if item.status == "active"],
        past=[item for item in mentorships if item.status != "active"],
    )


@dataclass
class DirectoryFilters:
    area: str = ""
    specialty: str = ""
    stage: str = ""
    language: str = ""
    meeting_mode: str = ""
    accepting_only: bool = False


@dataclass
class DirectoryPage:
    mentors: list[MentorProfile]
    next_cursor: int | None


def directory_page(
    viewer: User, filters: DirectoryFilters, *, after: int | None = None
) -> DirectoryPage:
    """One page of the mentor directory, in profile order, after cursor `after`."""
    queryset: MentorProfileQuerySet = MentorProfile.objects.visible_to(viewer).for_card_list()
    for prefix, code in (
        ("area", filters.area),
        ("spec", filters.specialty),
        ("stage", filters.stage),
        ("lang", filters.language),
        ("mode", filters.meeting_mode),
    ):
        if code:
            queryset = queryset.filter(search_tags__contains=tag(prefix, code))
    if filters.accepting_only:
        queryset = queryset.filter(is_accepting=True, active_mentee_count__lt=F("capacity"))
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("pk")[: DIRECTORY_PAGE_SIZE + 1])
    has_more = len(rows) > DIRECTORY_PAGE_SIZE
    rows = rows[:DIRECTORY_PAGE_SIZE]
    return DirectoryPage(mentors=rows, next_cursor=rows[-1].pk if has_more else None)


def pending_request_count(mentor: User) -> int:
    """Requests waiting for `mentor`'s answer, leaving out those of members walled off
    from them (a block either way), which cannot be accepted; one query."""
    waiting = MentorRequest.objects.pending().filter(mentor=mentor)
    walled = walled_off_ids(mentor)
    if walled:
        waiting = waiting.exclude(mentee_id__in=walled)
    return waiting.count()


# --- Scheduled meetings ------------------------------------------------------------------

PAST_MEETINGS_SHOWN = 10


@dataclass
class MeetingRow:
    """A scheduled meeting as the viewer reads it: its time in their zone and the other's."""

    meeting: ScheduledMeeting
    mine: str
    theirs: str
    is_mine_to_answer: bool
    is_logged: bool = False


@dataclass
class MeetingBoard:
    pending: list[MeetingRow]
    upcoming: list[MeetingRow]
    past: list[MeetingRow]
    my_zone: str
    their_zone: str


def meeting_board(
    mentorship: Mentorship, viewer: User, *, now: datetime | None = None
) -> MeetingBoard:
    """The mentorship's proposals waiting for an answer, its confirmed meetings ahead and
    the latest that are over (with whether they were logged); two queries. A moderator
    sees the mentor's zone as "mine"."""
    now = now or timezone.now()
    # The pair as the mentorship loaded them (with their profiles): no query for a zone.
    member = mentorship.mentee if viewer.pk == mentorship.mentee_id else mentorship.mentor
    my_zone = member_zone_name(member)
    their_zone = member_zone_name(mentorship.other_side(member))
    ahead = list(
        mentorship.scheduled_meetings.filter(
            status__in=[MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED], ends_at__gt=now
        ).order_by("starts_at", "id")
    )
    over = list(
        mentorship.scheduled_meetings.filter(status=MeetingStatus.ACCEPTED, ends_at__lte=now)
        .annotate(is_logged=Exists(Meeting.objects.filter(scheduled=OuterRef("pk"))))
        .order_by("-starts_at", "-id")[:PAST_MEETINGS_SHOWN]
    )

    def row(meeting: ScheduledMeeting) -> MeetingRow:
        meeting.mentorship = mentorship
        return MeetingRow(
            meeting=meeting,
            mine=zoned_text(meeting.starts_at, my_zone),
            theirs=zoned_text(meeting.starts_at, their_zone),
            is_mine_to_answer=(
                meeting.status == MeetingStatus.PROPOSED
                and mentorship.has_member(viewer)
                and meeting.proposed_by_id != viewer.pk
            ),
            is_logged=bool(getattr(meeting, "is_logged", False)),
        )

    return MeetingBoard(
        pending=[row(m) for m in ahead if m.status == MeetingStatus.PROPOSED],
        upcoming=[row(m) for m in ahead if m.status == MeetingStatus.ACCEPTED],
        past=[row(m) for m in over],
        my_zone=my_zone,
        their_zone=their_zone,
    )


def scheduled_meeting_for_member(
    viewer: User | AnonymousUser, *, mentorship_pk: int, pk: int
) -> ScheduledMeeting | None:
    """The scheduled meeting `pk` of mentorship `mentorship_pk`, if `viewer` is its mentor
    or mentee; None for anyone else, moderators included."""
    return (
        ScheduledMeeting.objects.for_member(viewer)
        .filter(pk=pk, mentorship_id=mentorship_pk)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .first()
    )


def last_met_on(*, mentorship_ids: list[int]) -> dict[int, date]:
    """For each mentorship that logged a meeting, the day of its latest (one query): the
    question "did this pair meet, and when last?" for other parts (programs, reports).
    The log (`Meeting`) is the record that a meeting happened; a scheduled meeting counts
    once someone logged it."""
    rows = (
        Meeting.objects.filter(mentorship_id__in=mentorship_ids)
        .order_by()
        .values("mentorship_id")
        .annotate(last=Max("occurred_on"))
    )
    return {row["mentorship_id"]: row["last"] for row in rows}


def availability_of(user: User) -> list[AvailabilitySlot]:
    return list(AvailabilitySlot.objects.filter(user=user).order_by("weekday", "start_time"))
