"""Writes about a program's pairs after the match: the program's milestones (coordinators
edit them), a custom milestone marked done, survey answers, and the periodic follow-up
(completion rows, stall nudges and alerts, survey invitations).

A stalled pair goes, at most once per episode:

    quiet 21 days, or a milestone overdue by more than 7 days
      -> nudge (StallAlert kind nudge; both members notified)
    still stalled 7 days after the nudge
      -> coordinator alert (StallAlert kind coordinator; every coordinator notified)
    no longer stalled (the pair spoke again, or met, or reached the milestone)
      -> every open alert of the pair resolved

"Once" holds under overlapping runs: an alert is created in a savepoint with its
notifications, and the database keeps one open alert per pair and kind
(`stall_alert_one_open_per_kind`); the run that loses the race notifies no one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import participation_problem
from community.times import when_text
from mentoring.models import MentorshipStatus
from notifications.models import Kind, Notification
from notifications.services import notify

from ..models import (
    AlertKind,
    Form,
    Milestone,
    MilestoneCompletion,
    MilestoneKind,
    Program,
    ProgramPair,
    ProgramStatus,
    StallAlert,
    SurveyResponse,
)
from ..permissions import is_coordinator
from ..progress import (
    SURVEY_FORMS,
    completions_by_pair,
    last_contact_at,
    milestone_states,
    program_milestones,
    survey_is_open,
    survey_opens_on,
    with_progress,
)
from ..workflow import Refused

QUIET_AFTER = dt.timedelta(days=21)
OVERDUE_GRACE = dt.timedelta(days=7)
ESCALATE_AFTER = dt.timedelta(days=7)
MAX_MILESTONES = 20
# Kinds reached by what the pair does: one milestone of each is enough.
AUTOMATIC_KINDS = frozenset(
    {
        MilestoneKind.FIRST_MEETING,
        MilestoneKind.GOALS_SET,
        MilestoneKind.MIDPOINT_SURVEY,
        MilestoneKind.CLOSING_SURVEY,
    }
)
SURVEY_OF_MILESTONE: dict[str, str] = {
    MilestoneKind.MIDPOINT_SURVEY: Form.MIDPOINT,
    MilestoneKind.CLOSING_SURVEY: Form.CLOSING,
}
COORDINATORS_ONLY = "Only the program's coordinators can change its milestones."


# --- Milestones: the coordinators' editor --------------------------------------------------


def _ensure_coordinator(actor: User, program: Program) -> None:
    if not is_coordinator(actor, program):
        raise Refused(COORDINATORS_ONLY)


def _check_kind(program: Program, kind: str, *, instead_of: Milestone | None = None) -> None:
    if kind not in MilestoneKind.values:
        raise Refused("Choose what marks the milestone done.")
    if kind in AUTOMATIC_KINDS:
        taken = Milestone.objects.filter(program=program, kind=kind)
        if instead_of is not None:
            taken = taken.exclude(pk=instead_of.pk)
        if taken.exists():
            raise Refused(
                f"The program already has a “{MilestoneKind(kind).label}” milestone. "
                "Edit that one instead, or choose “Other”."
            )


@transaction.atomic
def add_milestone(
    *,
    program: Program,
    actor: User,
    kind: str,
    title: str,
    description: str = "",
    due_after_days: int,
) -> Milestone:
    """Add a milestone at the end of the program's list (coordinators only)."""
    _ensure_coordinator(actor, program)
    # The program's row lock: two coordinators adding at once get distinct positions.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _check_kind(program, kind)
    if Milestone.objects.filter(program=program).count() >= MAX_MILESTONES:
        raise Refused(f"A program can have at most {MAX_MILESTONES} milestones.")
    last = Milestone.objects.filter(program=program).aggregate(last=Max("position"))["last"]
    return Milestone.objects.create(
        program=program,
        kind=kind,
        title=title,
        description=description,
        due_after_days=due_after_days,
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def update_milestone(
    *,
    milestone: Milestone,
    actor: User,
    kind: str,
    title: str,
    description: str = "",
    due_after_days: int,
) -> Milestone:
    """Change a milestone's kind, words or due day (coordinators only)."""
    _ensure_coordinator(actor, milestone.program)
    _check_kind(milestone.program, kind, instead_of=milestone)
    milestone.kind = kind
    milestone.title = title
    milestone.description = description
    milestone.due_after_days = due_after_days
    milestone.save(update_fields=["kind", "title", "description", "due_after_days"])
    return milestone


@transaction.atomic
def remove_milestone(*, milestone: Milestone, actor: User) -> None:
    """Delete a milestone and the pairs' completions of it (coordinators only)."""
    _ensure_coordinator(actor, milestone.program)
    milestone.delete()


@transaction.atomic
def move_milestone(*, milestone: Milestone, actor: User, direction: str) -> list[Milestone]:
    """Move a milestone one place up or down the program's list (coordinators only);
    positions are renumbered 0, 1, 2... under the program's row lock."""
    _ensure_coordinator(actor, milestone.program)
    if direction not in ("up", "down"):
        raise Refused("Move a milestone up or down.")
    Program.objects.select_for_update().filter(pk=milestone.program_id).first()
    ordered = list(program_milestones(milestone.program_id))
    index = next((i for i, item in enumerate(ordered) if item.pk == milestone.pk), None)
    if index is None:
        raise Refused("That milestone was removed in the meantime.")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Milestone.objects.bulk_update(ordered, ["position"])
    return ordered


# --- Milestones: the pair ------------------------------------------------------------------


def _ensure_pair_member(pair: ProgramPair, member: User) -> None:
    if member.pk not in (pair.mentorship.mentor_id, pair.mentorship.mentee_id):
        raise Refused("Only the mentor and the mentee of this pair can do that.")
    problem = participation_problem(member)
    if problem is not None:
        raise Refused(problem.message)


def mark_milestone_done(
    *, pair: ProgramPair, milestone: Milestone, member: User, now: dt.datetime | None = None
) -> MilestoneCompletion:
    """A member of the pair marks one of its program's custom milestones done; marking it
    again keeps the first completion."""
    now = now or timezone.now()
    _ensure_pair_member(pair, member)
    if milestone.program_id != pair.program_id:
        raise Refused("That milestone belongs to another program.")
    if milestone.kind != MilestoneKind.CUSTOM:
        raise Refused("This milestone is marked done on its own, when the pair does what it asks.")
    if pair.mentorship.status != MentorshipStatus.ACTIVE:
        raise Refused("This mentorship has ended, so its milestones can no longer change.")
    completion, _ = MilestoneCompletion.objects.get_or_create(
        pair=pair, milestone=milestone, defaults={"completed_at": now, "completed_by": member}
    )
    return completion


def record_milestone_completions(*, now: dt.datetime | None = None) -> int:
    """Write a completion row for each milestone a pair of a running program has reached
    (a meeting logged, a goal, both survey answers) and has none for yet; return how many.
    Safe to run twice at once: the rows are unique per pair and milestone."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pairs = list(_running_pairs())
    milestones = _milestones_by_program(pairs)
    recorded = completions_by_pair([pair.pk for pair in pairs])
    rows = [
        MilestoneCompletion(pair=pair, milestone=state.milestone, completed_at=now)
        for pair in pairs
        for state in milestone_states(
            pair, milestones.get(pair.program_id, []), recorded.get(pair.pk, {}), today=today
        )
        if state.is_done and state.completed_at is None
    ]
    created = MilestoneCompletion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _running_pairs() -> Any:
    return (
        with_progress(
            ProgramPair.objects.filter(
                program__status=ProgramStatus.RUNNING,
                mentorship__status=MentorshipStatus.ACTIVE,
            )
        )
        .select_related("program", "mentorship__mentor", "mentorship__mentee")
        .order_by("pk")
    )


def _milestones_by_program(pairs: list[Any]) -> dict[int, list[Milestone]]:
    by_program: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(
        program_id__in={pair.program_id for pair in pairs}
    ).order_by("position", "due_after_days", "id"):
        by_program.setdefault(milestone.program_id, []).append(milestone)
    return by_program


# --- Surveys -------------------------------------------------------------------------------


def check_may_answer_survey(
    *, pair: ProgramPair, respondent: User, form: str, today: dt.date
) -> None:
    """Refuse unless `respondent` is a member of the pair and the survey is open to it."""
    _ensure_pair_member(pair, respondent)
    if form not in SURVEY_FORMS:
        raise Refused("There is no such survey.")
    if not survey_is_open(pair, form, today=today):
        opens_on = survey_opens_on(pair, form)
        raise Refused(
            f"The {Form(form).label.lower()} opens on {when_text(opens_on, 'date')}. "
            "We will let you know."
        )


class AlreadyAnswered(Refused):
    code = "already_answered"


ALREADY_ANSWERED = "We already received your answers to this survey. Thank you!"


def submit_survey(
    *,
    pair: ProgramPair,
    respondent: User,
    form: str,
    satisfaction: int,
    answers: dict[str, Any],
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Record a member's answers to one of the pair's surveys, once per member and form."""
    now = now or timezone.now()
    check_may_answer_survey(
        pair=pair, respondent=respondent, form=form, today=timezone.localdate(now)
    )
    if not 1 <= satisfaction <= 5:
        raise Refused("Choose how satisfied you are, from 1 to 5.")
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                pair=pair,
                respondent=respondent,
                form=form,
                satisfaction=satisfaction,
                answers=answers,
                submitted_at=now,
            )
    except IntegrityError:
        # A double submit, or two tabs: the first answer stands.
        raise AlreadyAnswered(ALREADY_ANSWERED) from None


def survey_url(pair: ProgramPair, form: str) -> str:
    return (
        reverse("programs:survey", kwargs={"slug": pair.program.slug, "form": form})
        + f"?pair={pair.pk}"
    )


def invite_to_surveys(*, now: dt.datetime | None = None) -> int:
    """Ask each member of each active pair of a running program, once, to answer each
    survey that has opened for their pair and that they have not answered; return how
    many were asked. The pair's row lock makes overlapping runs ask once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pair_type = ContentType.objects.get_for_model(ProgramPair)
    asked = 0
    for pair in _running_pairs():
        for form in SURVEY_FORMS:
            if not survey_is_open(pair, form, today=today):
                continue
            url = survey_url(pair, form)
            with transaction.atomic():
                ProgramPair.objects.select_for_update().filter(pk=pair.pk).first()
                answered = set(
                    SurveyResponse.objects.filter(pair=pair, form=form).values_list(
                        "respondent_id", flat=True
                    )
                )
                invited = set(
                    Notification.objects.filter(
                        kind=Kind.PROGRAM, target_type=pair_type, target_id=pair.pk, url=url
                    ).values_list("recipient_id", flat=True)
                )
                for member in (pair.mentorship.mentee, pair.mentorship.mentor):
                    if member.pk in answered or member.pk in invited:
                        continue
                    if participation_problem(member) is not None:
                        continue
                    notify(
                        recipient=member,
                        kind=Kind.PROGRAM,
                        title=(
                            f"{pair.program.name}: the {Form(form).label.lower()} is open. "
                            "It takes two minutes, and only the coordinators see the "
                            "answers, grouped with others'."
                        ),
                        url=url,
                        target=pair,
                    )
                    asked += 1
    return asked


# --- Stalled pairs ---------------------------------------------------------------------------


@dataclass
class StallCheck:
    nudged: int = 0
    escalated: int = 0
    resolved: int = 0
    stalled_pair_ids: list[int] = field(default_factory=list)


def stall_reason(
    pair: Any,
    *,
    last_contact: dt.datetime | None,
    milestones: list[Milestone],
    completions: dict[int, dt.datetime],
    now: dt.datetime,
) -> str:
    """Why the pair counts as stalled, in words, or "" when it does not."""
    since = max(pair.matched_at, last_contact) if last_contact else pair.matched_at
    quiet = now - since
    if quiet >= QUIET_AFTER:
        return f"No message or logged meeting for {quiet.days} days"
    today = timezone.localdate(now)
    for state in milestone_states(pair, milestones, completions, today=today):
        if not state.is_overdue or today - state.due_on <= OVERDUE_GRACE:
            continue
        # A survey milestone is not late while its survey has not opened for the pair.
        survey = SURVEY_OF_MILESTONE.get(state.milestone.kind)
        if survey is not None and not survey_is_open(pair, survey, today=today):
            continue
        return f"“{state.milestone.title}” is {state.overdue_days(today)} days overdue"
    return ""


def open_alert(*, pair: ProgramPair, kind: str, reason: str, now: dt.datetime) -> StallAlert | None:
    """Open an alert of `kind` for the pair and notify those it is for (the pair for a
    nudge, the coordinators for a coordinator alert), or return None, notifying no one,
    when one is open already."""
    try:
        with transaction.atomic():
            alert = StallAlert.objects.create(
                pair=pair, kind=kind, reason=reason[:300], created_at=now
            )
            if kind == AlertKind.NUDGE:
                _nudge(pair, reason)
            else:
                _alert_coordinators(pair, reason)
            return alert
    except IntegrityError:
        return None


def _nudge(pair: ProgramPair, reason: str) -> None:
    mentorship = pair.mentorship
    for member, other in (
        (mentorship.mentee, mentorship.mentor),
        (mentorship.mentor, mentorship.mentee),
    ):
        notify(
            recipient=member,
            kind=Kind.PROGRAM,
            title=(
                f"{pair.program.name}: {reason}. A short note to {other.display_name} "
                "is an easy way to pick things up again."
            ),
            url=mentorship.get_absolute_url(),
            target=pair,
        )


def _alert_coordinators(pair: ProgramPair, reason: str) -> None:
    url = reverse("programs:pairs", kwargs={"slug": pair.program.slug})
    for coordinator in User.objects.filter(coordinating__program_id=pair.program_id).order_by("pk"):
        notify(
            recipient=coordinator,
            kind=Kind.PROGRAM,
            title=(
                f"{pair.program.name}: a pair still seems stuck a week after our nudge ({reason})."
            ),
            url=url + f"#pair-{pair.pk}",
            target=pair,
        )


def check_stalled_pairs(*, now: dt.datetime | None = None) -> StallCheck:
    """Nudge pairs of running programs that went quiet or let a milestone slip, alert the
    coordinators of those still stalled a week after their nudge, and resolve the alerts of
    pairs that are moving again. Each alert is raised once, even by overlapping runs."""
    now = now or timezone.now()
    result = StallCheck()
    pairs = list(_running_pairs())
    milestones = _milestones_by_program(pairs)
    completions = completions_by_pair([pair.pk for pair in pairs])
    contacts = last_contact_at([pair.mentorship_id for pair in pairs])
    open_alerts: dict[int, dict[str, StallAlert]] = {}
    for alert in StallAlert.objects.filter(
        pair_id__in=[pair.pk for pair in pairs], resolved_at__isnull=True
    ):
        open_alerts.setdefault(alert.pair_id, {})[alert.kind] = alert
    for pair in pairs:
        reason = stall_reason(
            pair,
            last_contact=contacts.get(pair.mentorship_id),
            milestones=milestones.get(pair.program_id, []),
            completions=completions.get(pair.pk, {}),
            now=now,
        )
        alerts = open_alerts.get(pair.pk, {})
        if not reason:
            if alerts:
                result.resolved += StallAlert.objects.filter(
                    pair=pair, resolved_at__isnull=True
                ).update(resolved_at=now)
            continue
        result.stalled_pair_ids.append(pair.pk)
        nudge = alerts.get(AlertKind.NUDGE)
        if nudge is None:
            if AlertKind.COORDINATOR not in alerts and open_alert(
                pair=pair, kind=AlertKind.NUDGE, reason=reason, now=now
            ):
                result.nudged += 1
        elif AlertKind.COORDINATOR not in alerts and now - nudge.created_at >= ESCALATE_AFTER:
            if open_alert(pair=pair, kind=AlertKind.COORDINATOR, reason=reason, now=now):
                result.escalated += 1
    return result


@dataclass
class FollowUp:
    completions: int
    stalls: StallCheck
    survey_invitations: int


def follow_up_pairs(*, now: dt.datetime | None = None) -> FollowUp:
    """The periodic follow-up of every running program's pairs: record reached milestones,
    nudge or escalate stalled pairs, and invite members to open surveys."""
    now = now or timezone.now()
    return FollowUp(
        completions=record_milestone_completions(now=now),
        stalls=check_stalled_pairs(now=now),
        survey_invitations=invite_to_surveys(now=now),
    )
