"""Mentor and mentee profiles, requests, and the mentorships they open."""

from __future__ import annotations

import uuid
from datetime import datetime
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import CLINICIAN_ROLES, User, VerificationStatus, non_byline_fields
from accounts.selectors import walled_off_ids
from community.counters import save_kwargs_without_counters

from .vocabulary import MeetingMode, validate_time_zone

MAX_CAPACITY = 20
RATING_FIELDS = frozenset({"rating_count", "rating_total"})


def _tag_string(prefix_to_codes: dict[str, list[str]]) -> str:
    tags = [f"{prefix}:{code}" for prefix, codes in prefix_to_codes.items() for code in codes]
    # Leading and trailing spaces let a filter match " lang:es " exactly on any database.
    return " " + " ".join(sorted(tags)) + " " if tags else ""


def tag(prefix: str, code: str) -> str:
    """The fragment a `search_tags` filter looks for, e.g. tag("lang", "es") -> " lang:es "."""
    return f" {prefix}:{code} "


class MentorProfileQuerySet(models.QuerySet["MentorProfile"]):
    def listed(self, *, now: datetime | None = None) -> MentorProfileQuerySet:
        """Profiles that may be listed at all: verified, active, unsuspended clinicians.
        Pages and lists read `visible_to`, which adds the viewer's walls.

        Verification is read at query time, so a mentor who loses it drops out at once.
        """
        now = now or timezone.now()
        return self.filter(
            user__verification_status=VerificationStatus.VERIFIED,
            user__role__in=list(CLINICIAN_ROLES),
            user__is_active=True,
        ).filter(Q(user__suspended_at__isnull=True) | Q(user__suspended_until__lte=now))

    def visible_to(
        self, viewer: User | AnonymousUser, *, now: datetime | None = None
    ) -> MentorProfileQuerySet:
        """Mentor profiles `viewer` may see, on any page or list: the one place mentor
        privacy lives. `listed` profiles, minus those of members walled off from the viewer
        by a block either way (accounts decides who that is). Visitors see none: the mentor
        pages are for signed-in members."""
        if not viewer.is_authenticated:
            return self.none()
        profiles = self.listed(now=now)
        walled = walled_off_ids(viewer)
        return profiles.exclude(user_id__in=walled) if walled else profiles

    def for_cards(self) -> MentorProfileQuerySet:
        """With the member, for the mentor cards (the rating is stored on the profile)."""
        return self.select_related("user")

    def for_card_list(self) -> MentorProfileQuerySet:
        """As `for_cards`, for lists that show the cards and nothing else (suggestions, the
        directory): of the member only what a byline shows, and not the private background
        or the matching tags."""
        return self.for_cards().defer("background", "search_tags", *non_byline_fields("user"))


class MentorProfile(models.Model):
    """A verified physician's or resident's offer to mentor. Opt-in, one per member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    areas = models.JSONField(default=list, blank=True)
    specialties = models.JSONField(default=list, blank=True)
    stages = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    is_accepting = models.BooleanField(default=True)
    languages = models.JSONField(default=list, blank=True)
    meeting_modes = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    statement = models.TextField(max_length=1000, blank=True)
    # Private: never shown to anyone, used for matching only when both sides opt in.
    background = models.JSONField(default=list, blank=True)
    share_background_for_matching = models.BooleanField(default=False)
    # Kept equal to the number of active mentorships by the workflow, which recounts it under
    # the profile's row lock; matching filters on it so a full mentor costs no extra query.
    active_mentee_count = models.PositiveSmallIntegerField(default=0)
    # " area:mcat lang:es stage:premed ... ": lets the directory and matching filter on list
    # fields with a plain LIKE that works on SQLite as well as PostgreSQL.
    search_tags = models.TextField(blank=True, editable=False)
    # How many of the mentor's mentees rated them and the sum of those ratings, stored by
    # workflow.recount_ratings whenever that feedback changes: cards show the average
    # without aggregating the feedback table for every mentor shown.
    rating_count = models.PositiveIntegerField(db_default=0, default=0, editable=False)
    rating_total = models.PositiveIntegerField(db_default=0, default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0) & Q(capacity__lte=MAX_CAPACITY),
                name="mentor_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor profile of {self.user_id}"

    def save(self, **kwargs: Any) -> None:
        """Saving a profile never writes its rating back: only recount_ratings stores it, and
        a copy read before a mentee's feedback would otherwise undo it."""
        super().save(**save_kwargs_without_counters(self, RATING_FIELDS, kwargs))

    def get_absolute_url(self) -> str:
        return reverse("mentoring:mentor", kwargs={"handle": self.user.handle})

    def refresh_search_tags(self) -> None:
        self.search_tags = _tag_string(
            {
                "area": self.areas,
                "spec": self.specialties,
                "stage": self.stages,
                "lang": self.languages,
                "mode": self.meeting_modes,
            }
        )

    @property
    def rating_average(self) -> float | None:
        """The mean of the ratings the mentor's mentees gave; None before the first."""
        return self.rating_total / self.rating_count if self.rating_count else None

    @property
    def spare_places(self) -> int:
        return max(self.capacity - self.active_mentee_count, 0)


class MenteePreferences(models.Model):
    """What a student looks for in a mentor; the input of matching."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_preferences"
    )
    goals = models.JSONField(default=list, blank=True)
    specialties = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    language_required = models.BooleanField(default=False)
    meeting_modes = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    introduction = models.TextField(max_length=1000, blank=True)
    # Private, as on MentorProfile.
    background = models.JSONField(default=list, blank=True)
    share_background_for_matching = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "mentee preferences"

    def __str__(self) -> str:
        return f"Mentee preferences of {self.user_id}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class MentorRequestQuerySet(models.QuerySet["MentorRequest"]):
    def pending(self) -> MentorRequestQuerySet:
        return self.filter(status=RequestStatus.REQUESTED)

    def involving(self, user: User) -> MentorRequestQuerySet:
        return self.filter(Q(mentee=user) | Q(mentor=user))


class MentorRequest(models.Model):
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests_made"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_requests_received",
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    message = models.TextField(max_length=1000, blank=True)
    decline_note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MentorRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentor_request_not_self"
            ),
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="requested"),
                name="mentor_request_one_pending_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}: {self.mentee_id} -> {self.mentor_id} ({self.status})"


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended early"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def for_member(self, user: User) -> MentorshipQuerySet:
        """The one privacy rule: a mentorship belongs to its mentor and its mentee."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentor=user) | Q(mentee=user))

    def active(self) -> MentorshipQuerySet:
        return self.filter(status=MentorshipStatus.ACTIVE)


class Mentorship(models.Model):
    request = models.OneToOneField(
        MentorRequest, on_delete=models.CASCADE, related_name="mentorship"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(
        max_length=10, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(max_length=1000, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentorship_not_self"
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status="active"),
                name="mentorship_one_active_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"Mentorship {self.pk}: {self.mentor_id} and {self.mentee_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:mentorship", kwargs={"pk": self.pk})

    def other_side(self, user: User) -> User:
        return self.mentee if user.pk == self.mentor_id else self.mentor

    def has_member(self, user: User) -> bool:
        return user.pk in (self.mentor_id, self.mentee_id)


class Message(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_messages"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    # When the other member of the pair read it (mentoring.services.mark_messages_read): the
    # sender sees "Seen".
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by site moderators (moderation.services.remove_content): the other side sees a
    # tombstone, the sender sees the message with the reason.
    removed_by_moderators_at = models.DateTimeField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["mentorship", "-id"])]

    def __str__(self) -> str:
        return f"Message {self.pk} in mentorship {self.mentorship_id}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:mentorship", kwargs={"pk": self.mentorship_id}) + (
            f"#message-{self.pk}"
        )


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    is_done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_AVAILABILITY_SLOTS = 28
MEETING_LENGTHS = (30, 45, 60)


class AvailabilitySlot(models.Model):
    """A weekly stretch of time a member is free for mentoring meetings, as wall-clock times
    in the member's own zone (mentoring.meetings.member_zone_name): "Tuesdays 18:00-20:00"
    stays 18:00 in that zone through a change to or from summer time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_slots"
    )
    # Monday is 0, as datetime.date.weekday() counts.
    weekday = models.PositiveSmallIntegerField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
            # A slot ends on the day it starts; a late evening runs to 23:59 at most.
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="availability_ends_after"
            ),
            models.UniqueConstraint(
                fields=["user", "weekday", "start_time"], name="availability_one_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday_name} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.weekday]


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for an answer"
    ACCEPTED = "accepted", "Confirmed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class ScheduledMeetingQuerySet(models.QuerySet["ScheduledMeeting"]):
    def for_member(self, user: User | AnonymousUser) -> ScheduledMeetingQuerySet:
        """The one privacy rule: a meeting belongs to the mentor and the mentee of its
        mentorship, and to nobody else (moderators included)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))

    def accepted(self) -> ScheduledMeetingQuerySet:
        return self.filter(status=MeetingStatus.ACCEPTED)

    def involving_any(self, user_ids: list[int]) -> ScheduledMeetingQuerySet:
        return self.filter(
            Q(mentorship__mentor_id__in=user_ids) | Q(mentorship__mentee_id__in=user_ids)
        )


class ScheduledMeeting(models.Model):
    """A meeting a member of a mentorship proposed for a time ahead; its status moves only
    through mentoring.meetings.MEETING_TRANSITIONS. What happened is recorded in the log
    (`Meeting`, which may point back here)."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="scheduled_meetings"
    )
    # Who proposed the current time (a reschedule makes it the member who moved it): the
    # other member answers.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=12, choices=MeetingMode.choices)
    video_url = models.URLField(max_length=500, blank=True)
    place = models.CharField(max_length=200, blank=True)
    # The calendar identity: the UID never changes, the SEQUENCE grows with every change,
    # so calendar apps update (or remove) the one event they hold.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # Set at the first acceptance: from then on the meeting is in the members' calendars,
    # and a change or a cancellation sends them an update.
    first_accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The reminders a day and an hour ahead, each claimed by a conditional UPDATE setting
    # its column, so each goes out once; a new time clears both.
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScheduledMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="scheduled_meeting_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="scheduled_meeting_status"
            ),
        ]
        indexes = [
            models.Index(fields=["mentorship", "starts_at"]),
            models.Index(
                fields=["starts_at"],
                condition=Q(status="accepted"),
                name="scheduled_meeting_accepted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk} of mentorship {self.mentorship_id} at {self.starts_at}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:mentorship", kwargs={"pk": self.mentorship_id}) + (
            f"#scheduled-{self.pk}"
        )

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_in_calendars(self) -> bool:
        return self.first_accepted_at is not None

    def calendar_attachment(self, *, recipient: User) -> MIMEBase | None:
        """The current invitation (or cancellation) as an email attachment, for the email of
        a notification about this meeting (notifications.services.delivery); None when no
        calendar holds it or needs it."""
        from .invitations import invitation_attachment

        return invitation_attachment(self, recipient=recipient)


class Meeting(models.Model):
    """The log: a meeting that happened, as a member of the pair recorded it. Other parts
    count these rows (mentoring.selectors.last_met_on)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    # The scheduled meeting this entry records, when it was one; logged once.
    scheduled = models.ForeignKey(
        ScheduledMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
    )
    occurred_on = models.DateField()
    mode = models.CharField(max_length=12, choices=MeetingMode.choices)
    notes = models.TextField(max_length=4000, blank=True)
    next_steps = models.TextField(max_length=2000, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheduled"],
                condition=Q(scheduled__isnull=False),
                name="meeting_log_once_per_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.occurred_on} in mentorship {self.mentorship_id}"


class Feedback(models.Model):
    """End-of-mentorship feedback. A mentor sees only aggregates of what mentees wrote."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_feedback"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["mentorship", "author"], name="feedback_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.author_id} on mentorship {self.mentorship_id}"
