"""Mentoring programs: a coordinator's cohort of mentees and volunteer mentors for a term.

A program takes applications (answers to its own questions), matches its accepted applicants
as a whole (`MatchRun`, a proposal of `ProposedPair`s the coordinators review), and, once a
run is published, follows each pair (`ProgramPair`, one per mentorship the run opened)
through the program's milestones, its surveys and, when a pair goes quiet, its nudges and
alerts (`StallAlert`). Who may see what is decided in `ProgramQuerySet.visible_to` and
`programs.permissions`; every write goes through `programs.services`.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

MAX_MENTEES_PER_MENTOR = 10
MAX_QUESTIONS = 20


def new_invite_token() -> str:
    return secrets.token_urlsafe(18)


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: listed, anyone eligible may apply"
    INVITE_ONLY = "invite_only", "Invite-only: reached through its invitation link"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft (coordinators only)"
    OPEN = "open", "Taking applications"
    MATCHING = "matching", "Matching"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


class MatchingMethod(models.TextChoices):
    OPTIMAL = "optimal", "Best total match (highest total quality within capacities)"
    STABLE = "stable", "Stable (no mentee and mentor who would both rather have each other)"


class Side(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


LISTED_STATUSES = [
    ProgramStatus.OPEN,
    ProgramStatus.MATCHING,
    ProgramStatus.RUNNING,
    ProgramStatus.CLOSED,
]


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, viewer: User | Any) -> ProgramQuerySet:
        """The one place program privacy lives. Signed-in members see public programs past
        their draft; coordinators see their own programs in every state; an applicant sees
        the programs they applied to or were invited to. Invite-only programs are otherwise
        reached only through their link (`by_invitation`). Visitors see none."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(
            Q(visibility=Visibility.PUBLIC, status__in=LISTED_STATUSES)
            | Q(coordinators__user=viewer)
            | Q(applications__applicant=viewer)
        ).distinct()

    def coordinated_by(self, user: User | Any) -> ProgramQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(coordinators__user=user)

    def listed(self) -> ProgramQuerySet:
        """The public list: public programs that are not drafts."""
        return self.filter(visibility=Visibility.PUBLIC, status__in=LISTED_STATUSES)


class Program(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    organisation = models.CharField(
        max_length=120, help_text="Who runs it: a school, a society, a club."
    )
    description = models.TextField(max_length=4000, blank=True)
    term_starts_on = models.DateField()
    term_ends_on = models.DateField()
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    invite_token = models.CharField(max_length=32, unique=True, default=new_invite_token)
    status = models.CharField(
        max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    matching_method = models.CharField(
        max_length=10, choices=MatchingMethod.choices, default=MatchingMethod.OPTIMAL
    )
    # How many mentees the program takes in all (accepted applications).
    mentee_capacity = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    # Who may join: accounts.models.Role values on each side; empty means any.
    mentee_roles = models.JSONField(default=list, blank=True)
    mentor_roles = models.JSONField(default=list, blank=True)
    # Mentors' specialties the program is for (mentoring.vocabulary codes); empty means any.
    specialties = models.JSONField(default=list, blank=True)
    # Mentees must hold a verified account too (mentors always must).
    mentees_must_be_verified = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="program_term_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["visibility", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program", kwargs={"slug": self.slug})

    @property
    def term_midpoint(self) -> date:
        return self.term_starts_on + (self.term_ends_on - self.term_starts_on) / 2


class Coordinator(models.Model):
    """A member who runs a program: its creator, or one a moderator or coordinator appoints."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="coordinators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinating"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="coordinator_once")]

    def __str__(self) -> str:
        return f"Coordinator {self.user_id} of program {self.program_id}"


class QuestionKind(models.TextChoices):
    TEXT = "text", "Free text"
    CHOICE = "choice", "One choice"
    RANKING = "ranking", "Ranking"


class Audience(models.TextChoices):
    MENTEES = "mentees", "Mentees"
    MENTORS = "mentors", "Mentors"
    BOTH = "both", "Mentees and mentors"


class Form(models.TextChoices):
    """Where a question is asked."""

    APPLICATION = "application", "Application"
    MIDPOINT = "midpoint", "Mid-point survey"
    CLOSING = "closing", "Closing survey"


class Question(models.Model):
    """One of the program's own questions. A ranking question with no choices ranks the
    mentoring areas (mentoring.vocabulary), and a mentee's ranking weighs the goals factor
    of matching."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    form = models.CharField(max_length=12, choices=Form.choices, default=Form.APPLICATION)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.BOTH)
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    prompt = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.prompt


class ApplicationStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    SUBMITTED = "submitted", "Waiting for review"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def accepted(self) -> ApplicationQuerySet:
        return self.filter(status=ApplicationStatus.ACCEPTED)

    def mentees(self) -> ApplicationQuerySet:
        return self.filter(side=Side.MENTEE)

    def mentors(self) -> ApplicationQuerySet:
        return self.filter(side=Side.MENTOR)


class Application(models.Model):
    """A member's application to a program on one side, or a coordinator's invitation
    (status `invited`) that becomes one when the member answers it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_applications"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # Mentors: how many mentees they take in this program.
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_MENTEES_PER_MENTOR)]
    )
    # {str(question id): answer}; a ranking's answer is its choices in the order given.
    answers = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "applicant"], name="program_application_once"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_MENTEES_PER_MENTOR),
                name="program_application_capacity",
            ),
        ]
        indexes = [models.Index(fields=["program", "side", "status"])]

    def __str__(self) -> str:
        return f"{self.side} application of {self.applicant_id} to program {self.program_id}"


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class MatchRun(models.Model):
    """One matching of the program's accepted applicants, for the coordinators to review.
    Publishing it opens the mentorships; a published run is the cohort it matched."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="runs")
    method = models.CharField(max_length=10, choices=MatchingMethod.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED)
    cohort = models.CharField(max_length=60, blank=True, help_text="Its name once published.")
    total_score = models.FloatField(default=0)
    # The same input assigned greedily (best pair first), for comparison.
    greedy_score = models.FloatField(null=True, blank=True)
    # Mentor applications the coordinators left out of this run.
    excluded_mentors = models.JSONField(default=list, blank=True)
    # [{"application": id, "reason": "..."}] for each mentee left unmatched.
    unmatched = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the mentees it left unmatched were notified (once; programs.services.matching).
    unmatched_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="proposed"),
                name="match_run_one_proposal_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of program {self.program_id} ({self.status})"


class ProposedPair(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposed_pair_mentee_once")
        ]
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"Proposed pair {self.mentee_id} - {self.mentor_id} in run {self.run_id}"


class ProgramPair(models.Model):
    """A mentorship that a program's published run opened."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pairs")
    run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="published_pairs")
    mentorship = models.OneToOneField(
        "mentoring.Mentorship", on_delete=models.CASCADE, related_name="program_pair"
    )
    mentee_application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="pair"
    )
    mentor_application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="mentor_pairs"
    )
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    matched_at = models.DateTimeField(default=timezone.now)
    # When both members were notified that they are matched (once; programs.services.matching).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["program", "matched_at"]),
            models.Index(
                fields=["run"],
                condition=Q(notified_at__isnull=True),
                name="program_pair_not_notified",
            ),
        ]

    def __str__(self) -> str:
        return f"Pair of mentorship {self.mentorship_id} in program {self.program_id}"


class MilestoneKind(models.TextChoices):
    FIRST_MEETING = "first_meeting", "First meeting (done when a meeting takes place)"
    GOALS_SET = "goals_set", "Goals set (done when the pair has a goal)"
    MIDPOINT_SURVEY = "midpoint_survey", "Mid-point check-in (done with the mid-point survey)"
    CLOSING_SURVEY = "closing_survey", "Closing reflection (done with the closing survey)"
    CUSTOM = "custom", "Other (a member of the pair marks it done)"


class Milestone(models.Model):
    """A step every pair of the program should reach, due a number of days after the match."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=16, choices=MilestoneKind.choices)
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    due_after_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(730)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_after_days", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MilestoneCompletion(models.Model):
    pair = models.ForeignKey(ProgramPair, on_delete=models.CASCADE, related_name="completions")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pair", "milestone"], name="milestone_done_once")
        ]

    def __str__(self) -> str:
        return f"Milestone {self.milestone_id} of pair {self.pair_id}"


class SurveyResponse(models.Model):
    """A member's answers to a program survey: private to the program's coordinators, who
    see them only aggregated."""

    pair = models.ForeignKey(ProgramPair, on_delete=models.CASCADE, related_name="surveys")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    form = models.CharField(max_length=12, choices=Form.choices)
    # The standard scale: "How satisfied are you with your mentorship?" 1 (not at all) to 5.
    satisfaction = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "respondent", "form"], name="survey_once_per_form"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="survey_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(form="application"), name="survey_not_an_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} survey of {self.respondent_id} on pair {self.pair_id}"


class AlertKind(models.TextChoices):
    NUDGE = "nudge", "Nudge to the pair"
    COORDINATOR = "coordinator", "Alert to the coordinators"


class StallAlert(models.Model):
    """A pair gone quiet (no message or meeting for a while, or a milestone overdue): the
    pair is nudged first; if nothing happens, the coordinators are alerted."""

    pair = models.ForeignKey(ProgramPair, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="stall_alert_one_open_per_kind",
            ),
        ]
        indexes = [models.Index(fields=["kind", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for pair {self.pair_id}: {self.reason}"
