"""Writes for programs: creating and editing them, their questions, their coordinators,
invitations and applications.

Every function checks who acts and raises `programs.workflow.Refused` with the sentence to
show otherwise. Status changes go through the tables in `programs.workflow`: a program's
with `do_program_transition`, an application's with `check_application_transition` on the
row locked here, so two coordinators deciding at once change it once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import urlencode
from django.utils.text import Truncator, slugify

from accounts.models import CLINICIAN_ROLES, Role, User
from accounts.moderators import Actor, may_moderate
from accounts.permissions import participation_problem
from accounts.specialties import SPECIALTIES
from mentoring.models import MenteePreferences, MentorProfile
from mentoring.vocabulary import AREA_LABELS, ROLE_TO_STAGE
from notifications.models import Kind
from notifications.services import notify, notify_grouped
from privacy.guard import scan_text

from .. import workflow
from ..milestones import add_default_milestones
from ..models import (
    MAX_MENTEES_PER_MENTOR,
    MAX_QUESTIONS,
    Application,
    ApplicationStatus,
    Audience,
    Coordinator,
    Form,
    MatchingMethod,
    Program,
    ProgramPair,
    ProgramStatus,
    Question,
    QuestionKind,
    Side,
    Visibility,
    new_invite_token,
)
from ..permissions import APPOINT_PERMISSION, is_coordinator, may_appoint_coordinators
from ..workflow import Refused

# Mentees come from the roles mentoring can match (students and residents); mentors are
# always verified physicians or residents.
MENTEE_ROLES: list[str] = [str(role) for role in ROLE_TO_STAGE]
MENTOR_ROLES: list[str] = sorted(str(role) for role in CLINICIAN_ROLES)
MAX_TERM = timedelta(days=730)
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 100
MAX_TEXT_ANSWER = 2000
# Slugs the program URLs use for their own pages.
RESERVED_SLUGS = frozenset({"new", "join"})
# Patient record numbers have no place in an application; a bare name or date may well be
# the applicant's own, so only these (found with high confidence) are refused.
PATIENT_RECORD_KINDS = frozenset({"mrn", "ssn", "health_plan"})

SIDE_AUDIENCES = {
    Side.MENTEE: (Audience.MENTEES, Audience.BOTH),
    Side.MENTOR: (Audience.MENTORS, Audience.BOTH),
}


class NeedsProfile(Refused):
    """The member must first create the mentoring profile a side reads (`url`)."""

    def __init__(self, message: str, *, url: str, link_text: str) -> None:
        super().__init__(message, "needs_profile")
        self.url = url
        self.link_text = link_text


class InvalidAnswers(Refused):
    """Some answers do not fit their questions: `errors` maps a question id to why."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__("Check your answers: " + " ".join(errors.values()), "answers")
        self.errors = errors


# --- Programs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSettings:
    """Everything a coordinator sets on a program (the new and edit pages)."""

    name: str
    organisation: str
    term_starts_on: date
    term_ends_on: date
    description: str = ""
    visibility: str = Visibility.PUBLIC
    matching_method: str = MatchingMethod.OPTIMAL
    mentee_capacity: int = 30
    mentee_roles: tuple[str, ...] | list[str] = ()
    mentor_roles: tuple[str, ...] | list[str] = ()
    specialties: tuple[str, ...] | list[str] = ()
    mentees_must_be_verified: bool = False


def creation_problem(actor: Actor) -> str | None:
    """Why `actor` may not start a program, or None. Programs are run by adults who may
    take part and are verified physicians or residents, or by site moderators."""
    user = actor.user
    if not user.is_authenticated:
        return "Sign in to start a program."
    problem = participation_problem(user)
    if problem is not None:
        return problem.message
    if may_moderate(actor, APPOINT_PERMISSION):
        return None
    if user.is_minor:
        return "Programs are run by adults: members under 18 can join one as a mentee."
    if not (user.is_clinician and user.is_verified):
        return (
            "Only verified physicians and residents can start a mentoring program. "
            "Ask for verification first, or ask a coordinator to appoint you to theirs."
        )
    return None


def _clean_settings(values: ProgramSettings, *, today: date, creating: bool) -> dict[str, Any]:
    name = values.name.strip()
    organisation = values.organisation.strip()
    if not name:
        raise Refused("Give the program a name.")
    if len(name) > 120 or len(organisation) > 120:
        raise Refused("Keep the name and the organisation under 120 characters each.")
    if not organisation:
        raise Refused("Say who runs the program: a school, a society, a club.")
    description = values.description.strip()
    if len(description) > 4000:
        raise Refused("Keep the description under 4,000 characters.")
    if values.term_ends_on <= values.term_starts_on:
        raise Refused("The term must end after it starts.")
    if values.term_ends_on - values.term_starts_on > MAX_TERM:
        raise Refused("A term can last two years at most.")
    if creating and values.term_ends_on < today:
        raise Refused("That term has already ended: choose dates in the future.")
    if values.visibility not in Visibility.values:
        raise Refused("Choose who can see the program.")
    if values.matching_method not in MatchingMethod.values:
        raise Refused("Choose a matching method.")
    if not 1 <= values.mentee_capacity <= 5000:
        raise Refused("A program takes from 1 to 5,000 mentees.")
    mentee_roles = sorted(set(values.mentee_roles))
    mentor_roles = sorted(set(values.mentor_roles))
    specialties = sorted(set(values.specialties))
    if any(role not in MENTEE_ROLES for role in mentee_roles):
        raise Refused("Mentees can be students or residents.")
    if any(role not in MENTOR_ROLES for role in mentor_roles):
        raise Refused("Mentors can be physicians or residents.")
    if any(code not in SPECIALTIES for code in specialties):
        raise Refused("Choose specialties from the list.")
    return {
        "name": name,
        "organisation": organisation,
        "description": description,
        "term_starts_on": values.term_starts_on,
        "term_ends_on": values.term_ends_on,
        "visibility": values.visibility,
        "matching_method": values.matching_method,
        "mentee_capacity": values.mentee_capacity,
        "mentee_roles": mentee_roles,
        "mentor_roles": mentor_roles,
        "specialties": specialties,
        "mentees_must_be_verified": values.mentees_must_be_verified,
    }


def _slug_candidates(name: str) -> Iterable[str]:
    base = slugify(name)[:70].strip("-") or "program"
    if base not in RESERVED_SLUGS:
        yield base
    for number in range(2, 50):
        yield f"{base}-{number}"
    while True:
        yield f"{base}-{secrets.token_hex(3)}"


def create_program(
    *, actor: Actor, settings: ProgramSettings, now: datetime | None = None
) -> Program:
    """Start a program in draft, its creator its first coordinator, with the default
    milestones and a slug made unique from its name."""
    now = now or timezone.now()
    problem = creation_problem(actor)
    if problem is not None:
        raise Refused(problem)
    creator = actor.member
    fields = _clean_settings(settings, today=timezone.localdate(now), creating=True)
    taken = set(
        Program.objects.filter(
            slug__startswith=slugify(fields["name"])[:70] or "program"
        ).values_list("slug", flat=True)
    )
    for slug in _slug_candidates(fields["name"]):
        if slug in taken:
            continue
        try:
            with transaction.atomic():
                program = Program.objects.create(
                    slug=slug, created_by=creator, created_at=now, updated_at=now, **fields
                )
                Coordinator.objects.create(
                    program=program, user=creator, appointed_by=creator, created_at=now
                )
                add_default_milestones(program)
        except IntegrityError:
            # Another program took the slug since we looked: try the next one.
            taken.add(slug)
            continue
        return program
    raise AssertionError("unreachable: the slug candidates never end")


def _ensure_coordinator(actor: User, program: Program) -> None:
    if not is_coordinator(actor, program):
        problem = participation_problem(actor)
        raise Refused(
            problem.message if problem else "Only the program's coordinators can do that."
        )


def update_program(
    *, program: Program, actor: User, settings: ProgramSettings, now: datetime | None = None
) -> Program:
    """Change a program's description, term, eligibility, capacity and visibility."""
    now = now or timezone.now()
    _ensure_coordinator(actor, program)
    fields = _clean_settings(settings, today=timezone.localdate(now), creating=False)
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.updated_at = now
        locked.save(update_fields=[*fields, "updated_at"])
    return locked


def change_program_status(
    *, program: Program, actor: User, action: str, now: datetime | None = None
) -> Program:
    """Open, close or reopen applications, start or close the program (workflow table)."""
    if action not in workflow.PROGRAM_ACTION_LABELS:
        raise Refused("That is not something you can do here.")
    return workflow.do_program_transition(program=program, action=action, actor=actor, now=now)


def regenerate_invite_link(*, program: Program, actor: User) -> Program:
    """Give the program a new invitation link; the old one stops working at once."""
    _ensure_coordinator(actor, program)
    program.invite_token = new_invite_token()
    program.save(update_fields=["invite_token"])
    return program


def token_matches(program: Program, token: str | None) -> bool:
    return bool(token) and constant_time_compare(program.invite_token, token or "")


# --- Questions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFields:
    prompt: str
    kind: str = QuestionKind.TEXT
    form: str = Form.APPLICATION
    audience: str = Audience.BOTH
    choices: tuple[str, ...] | list[str] = ()
    required: bool = True


def _clean_question(fields: QuestionFields) -> dict[str, Any]:
    prompt = fields.prompt.strip()
    if not prompt:
        raise Refused("Write the question.")
    if len(prompt) > 300:
        raise Refused("Keep a question under 300 characters.")
    if fields.kind not in QuestionKind.values:
        raise Refused("Choose the kind of question.")
    if fields.form not in Form.values:
        raise Refused("Choose where the question is asked.")
    if fields.audience not in Audience.values:
        raise Refused("Choose who answers the question.")
    choices: list[str] = []
    for choice in fields.choices:
        choice = choice.strip()
        if choice and choice not in choices:
            choices.append(choice)
    if any(len(choice) > MAX_CHOICE_LENGTH for choice in choices):
        raise Refused(f"Keep each choice under {MAX_CHOICE_LENGTH} characters.")
    if len(choices) > MAX_CHOICES:
        raise Refused(f"A question can have at most {MAX_CHOICES} choices.")
    if fields.kind == QuestionKind.CHOICE and len(choices) < 2:
        raise Refused("A question with one choice needs at least two choices to choose from.")
    if fields.kind == QuestionKind.RANKING and len(choices) == 1:
        raise Refused("A ranking needs at least two choices, or none to rank the mentoring areas.")
    if fields.kind == QuestionKind.TEXT:
        choices = []
    return {
        "prompt": prompt,
        "kind": fields.kind,
        "form": fields.form,
        "audience": fields.audience,
        "choices": choices,
        "required": fields.required,
    }


def _has_answers(question: Question) -> bool:
    return Application.objects.filter(
        program_id=question.program_id, answers__has_key=str(question.pk)
    ).exists()


def add_question(*, program: Program, actor: User, fields: QuestionFields) -> Question:
    """Add a question at the end of its form (at most MAX_QUESTIONS per program)."""
    _ensure_coordinator(actor, program)
    values = _clean_question(fields)
    with transaction.atomic():
        # Locked so two questions added at once are counted and placed one after the other.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        questions = Question.objects.filter(program=program)
        if questions.count() >= MAX_QUESTIONS:
            raise Refused(f"A program can have at most {MAX_QUESTIONS} questions.")
        last = questions.filter(form=values["form"]).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
        return Question.objects.create(program=program, position=position, **values)


def edit_question(*, question: Question, actor: User, fields: QuestionFields) -> Question:
    """Change a question. Once members have answered it, only its wording and whether it
    is required may change: their answers must keep fitting it."""
    _ensure_coordinator(actor, question.program)
    values = _clean_question(fields)
    settled = ("kind", "form", "audience", "choices")
    if any(values[name] != getattr(question, name) for name in settled) and _has_answers(question):
        raise Refused(
            "Members have answered this question already, so only its wording and whether "
            "it is required can change. Add a new question instead."
        )
    if values["form"] != question.form:
        last = Question.objects.filter(program=question.program, form=values["form"]).aggregate(
            last=Max("position")
        )["last"]
        question.position = 0 if last is None else last + 1
    for name, value in values.items():
        setattr(question, name, value)
    question.save()
    return question


def remove_question(*, question: Question, actor: User) -> None:
    """Delete a question; answers already given to it are no longer shown."""
    _ensure_coordinator(actor, question.program)
    question.delete()


def move_question(*, question: Question, actor: User, direction: str) -> Question:
    """Move a question one place up or down within its form."""
    _ensure_coordinator(actor, question.program)
    if direction not in ("up", "down"):
        raise Refused("Move a question up or down.")
    with transaction.atomic():
        Program.objects.select_for_update().filter(pk=question.program_id).first()
        ordered = list(
            Question.objects.filter(program_id=question.program_id, form=question.form).order_by(
                "position", "id"
            )
        )
        index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        Question.objects.bulk_update(ordered, ["position"])
    question.position = next(item.position for item in ordered if item.pk == question.pk)
    return question


def questions_for(program: Program, side: str, form: str = Form.APPLICATION) -> list[Question]:
    """The questions of `form` that `side` answers, in order."""
    return list(
        Question.objects.filter(
            program=program, form=form, audience__in=SIDE_AUDIENCES[Side(side)]
        ).order_by("position", "id")
    )


def ranking_options(question: Question) -> dict[str, str]:
    """What a ranking question ranks: its choices, or the mentoring areas (code -> label)."""
    if question.choices:
        return {choice: choice for choice in question.choices}
    return dict(AREA_LABELS)


def clean_answers(questions: list[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Answers keyed by question id, each checked against its question's kind and whether
    it is required; raises InvalidAnswers naming each problem."""
    answers: dict[str, Any] = {}
    errors: dict[int, str] = {}
    for question in questions:
        key = str(question.pk)
        value = raw.get(key)
        if question.kind == QuestionKind.TEXT:
            text = value.strip() if isinstance(value, str) else ""
            if len(text) > MAX_TEXT_ANSWER:
                errors[question.pk] = f"Keep your answer under {MAX_TEXT_ANSWER:,} characters."
                continue
            records = [
                finding
                for finding in scan_text(text)
                if finding.is_high and finding.kind in PATIENT_RECORD_KINDS
            ]
            if records:
                errors[question.pk] = (
                    f"Leave out patient details: this looks like a {records[0].label.lower()}."
                )
                continue
            if text:
                answers[key] = text
        elif question.kind == QuestionKind.CHOICE:
            if value in (None, ""):
                pass
            elif isinstance(value, str) and value in question.choices:
                answers[key] = value
            else:
                errors[question.pk] = "Choose one of the choices given."
                continue
        else:
            options = ranking_options(question)
            ranked = [item for item in value or [] if item] if isinstance(value, list) else None
            if ranked is None or any(
                not isinstance(item, str) or item not in options for item in ranked
            ):
                errors[question.pk] = "Rank the choices given."
                continue
            if len(set(ranked)) != len(ranked):
                errors[question.pk] = "Give each choice one rank only."
                continue
            if ranked:
                answers[key] = ranked
        if question.required and key not in answers:
            errors[question.pk] = f"Answer “{question.prompt}”."
    if errors:
        raise InvalidAnswers(errors)
    return answers


# --- Coordinators ------------------------------------------------------------------------


def member_by_handle(handle: str) -> User:
    """The active member with this handle (an @ in front is fine), or Refused."""
    cleaned = handle.strip().lstrip("@").lower()
    member = (
        User.objects.filter(handle__iexact=cleaned, is_active=True).first() if cleaned else None
    )
    if member is None:
        raise Refused(f"No member has the handle @{cleaned}." if cleaned else "Give a handle.")
    return member


def appoint_coordinator(*, actor: Actor, program: Program, member: User) -> Coordinator:
    """Make `member` a coordinator of `program` (its coordinators and site moderators may).
    A coordinator must be an adult who may take part; one appointed by another coordinator
    must also be a verified physician or resident."""
    if not may_appoint_coordinators(actor, program):
        raise Refused(
            "Only the program's coordinators and site moderators can appoint coordinators."
        )
    if participation_problem(member) is not None:
        raise Refused(f"{member.display_name} cannot take part on Rounds at the moment.")
    if member.is_minor:
        raise Refused("Coordinators must be adults.")
    if not may_moderate(actor, APPOINT_PERMISSION) and not (
        member.is_clinician and member.is_verified
    ):
        raise Refused(
            "Coordinators are verified physicians or residents. A site moderator can appoint "
            "someone else."
        )
    try:
        with transaction.atomic():
            coordinator = Coordinator.objects.create(
                program=program, user=member, appointed_by=actor.member
            )
            notify(
                recipient=member,
                kind=Kind.PROGRAM,
                title=f"You are now a coordinator of {program.name}",
                url=program.get_absolute_url(),
                actor=actor.member,
            )
    except IntegrityError as error:
        raise Refused(f"{member.display_name} is already a coordinator.") from error
    return coordinator


def remove_coordinator(*, actor: Actor, program: Program, member: User) -> None:
    """Remove a coordinator (stepping down is removing oneself). The last one stays: a
    program always has someone to run it."""
    if not may_appoint_coordinators(actor, program):
        raise Refused(
            "Only the program's coordinators and site moderators can remove coordinators."
        )
    with transaction.atomic():
        # Locked so two coordinators removing each other at once cannot leave none.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        coordinators = Coordinator.objects.filter(program=program)
        if not coordinators.filter(user=member).exists():
            raise Refused(f"{member.display_name} is not a coordinator of this program.")
        if coordinators.count() <= 1:
            raise Refused(
                "A program needs at least one coordinator: appoint another before removing "
                "the last."
            )
        coordinators.filter(user=member).delete()


# --- Eligibility -------------------------------------------------------------------------


def _mentor_specialties(member: User, profile: MentorProfile | None) -> set[str]:
    found = set(profile.specialties if profile else [])
    if member.specialty:
        found.add(member.specialty)
    return found


def eligibility_problem(
    program: Program, member: User, side: str, *, check_profile: bool = True
) -> Refused | None:
    """Why `member` may not join `program` on `side` (their role, age, verification,
    profile, the program's specialties), or None. Whether the program takes applications
    and can be reached is checked by `apply`."""
    problem = participation_problem(member)
    if problem is not None:
        return Refused(problem.message, problem.code)
    if side == Side.MENTOR:
        if member.is_minor or member.role not in CLINICIAN_ROLES or not member.is_verified:
            return Refused(
                "Mentors in a program are verified physicians and residents."
                + (
                    ""
                    if member.is_verified or not member.is_clinician
                    else " Ask for verification first."
                )
            )
        if program.mentor_roles and member.role not in program.mentor_roles:
            return Refused(
                f"This program takes mentors who are {_roles_text(program.mentor_roles)}."
            )
        profile = MentorProfile.objects.filter(user=member).first()
        if check_profile and profile is None:
            return NeedsProfile(
                "Create your mentor profile first: the program matches mentors from it.",
                url=reverse("mentoring:mentor_profile"),
                link_text="Create your mentor profile",
            )
        if program.specialties and not (
            _mentor_specialties(member, profile) & set(program.specialties)
        ):
            return Refused(
                "This program is for mentors in "
                + ", ".join(SPECIALTIES.get(code, code) for code in program.specialties)
                + "."
            )
        return None
    if side != Side.MENTEE:
        return Refused("Choose to join as a mentee or as a mentor.")
    if member.role not in MENTEE_ROLES:
        return Refused("Mentees in a program are students and residents.")
    if program.mentee_roles and member.role not in program.mentee_roles:
        return Refused(f"This program takes mentees who are {_roles_text(program.mentee_roles)}.")
    if member.is_minor and Role.HIGH_SCHOOL not in program.mentee_roles:
        return Refused(
            "This program is for members over 18. Programs that take high-school students "
            "welcome younger members."
        )
    if program.mentees_must_be_verified and not member.is_verified:
        return Refused("This program takes verified members only. Ask for verification first.")
    if check_profile and not MenteePreferences.objects.filter(user=member).exists():
        return NeedsProfile(
            "Tell us what you look for in a mentor first: the program matches mentees from "
            "their mentoring preferences.",
            url=reverse("mentoring:preferences"),
            link_text="Set your mentoring preferences",
        )
    return None


def _roles_text(roles: list[str]) -> str:
    labels = [str(Role(role).label).lower() for role in roles]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _mentee_places_left(program: Program) -> int:
    taken = Application.objects.filter(
        program=program, side=Side.MENTEE, status=ApplicationStatus.ACCEPTED
    ).count()
    return program.mentee_capacity - taken


FULL_MESSAGE = "The program has taken all the mentees it can."


def _clean_capacity(side: str, capacity: int) -> int:
    if side != Side.MENTOR:
        return 1
    if not 1 <= capacity <= MAX_MENTEES_PER_MENTOR:
        raise Refused(f"Take from 1 to {MAX_MENTEES_PER_MENTOR} mentees.")
    return capacity


# --- Invitations and applications --------------------------------------------------------


def invite_member(
    *, program: Program, actor: User, member: User, side: str, now: datetime | None = None
) -> Application:
    """Invite `member` to join on `side`: an application in status invited, which they
    answer (then they are in) or turn down. The member is notified with the link."""
    now = now or timezone.now()
    _ensure_coordinator(actor, program)
    if program.status not in (ProgramStatus.DRAFT, ProgramStatus.OPEN):
        raise Refused("Invitations go out while the program is a draft or taking applications.")
    if member.pk == actor.pk:
        raise Refused("You cannot invite yourself.")
    problem = eligibility_problem(program, member, side, check_profile=False)
    if problem is not None:
        raise Refused(f"{member.display_name} cannot join on that side: {problem.message}")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                program=program,
                applicant=member,
                side=side,
                status=ApplicationStatus.INVITED,
                invited_by=actor,
                created_at=now,
            )
            notify(
                recipient=member,
                kind=Kind.PROGRAM,
                title=f"{actor.display_name} invites you to join {program.name} as a {side}",
                url=reverse("programs:apply", kwargs={"slug": program.slug, "side": side}),
                actor=actor,
            )
    except IntegrityError as error:
        raise Refused(
            f"{member.display_name} has already applied to or been invited to this program."
        ) from error
    return application


def apply(
    *,
    program: Program,
    member: User,
    side: str,
    answers: Mapping[str, Any],
    capacity: int = 1,
    token: str | None = None,
    now: datetime | None = None,
) -> Application:
    """Apply to `program` on `side` with answers to its questions. A member invited on
    that side answers the invitation instead, and is in at once. One application per
    member per program; a second submission (a double click) is refused with the reason.
    The program's coordinators are told (`tell_coordinators_of_application`)."""
    now = now or timezone.now()
    existing = Application.objects.filter(program=program, applicant=member).first()
    if existing is not None and existing.status == ApplicationStatus.INVITED:
        if existing.side != side:
            raise Refused(f"You were invited to join as a {existing.side}.")
        return answer_invitation(
            application=existing, actor=member, answers=answers, capacity=capacity, now=now
        )
    if existing is not None:
        raise Refused(_already_applied(existing))
    if program.status != ProgramStatus.OPEN:
        raise Refused("This program is not taking applications at the moment.")
    if program.visibility != Visibility.PUBLIC and not token_matches(program, token):
        raise Refused("This program takes members through its invitation link only.")
    problem = eligibility_problem(program, member, side)
    if problem is not None:
        raise problem
    capacity = _clean_capacity(side, capacity)
    cleaned = clean_answers(questions_for(program, side), answers)
    if side == Side.MENTEE and _mentee_places_left(program) <= 0:
        raise Refused(FULL_MESSAGE)
    with transaction.atomic():
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    program=program,
                    applicant=member,
                    side=side,
                    capacity=capacity,
                    answers=cleaned,
                    status=ApplicationStatus.SUBMITTED,
                    created_at=now,
                    submitted_at=now,
                )
        except IntegrityError as error:
            # Two submissions at once: the unique constraint kept one.
            raise Refused("You have already applied to this program.") from error
        tell_coordinators_of_application(application=application, program=program, member=member)
    return application


# The group a coordinator's notifications of new applications to one program join.
APPLICATION_GROUP = "program_application"
PROGRAM_NAME_IN_TITLE = 80


def waiting_applications_url(program: Program, side: str) -> str:
    """The program's applications page at those of `side` waiting for review."""
    query = urlencode({"side": side, "status": ApplicationStatus.SUBMITTED})
    return f"{reverse('programs:applications', kwargs={'slug': program.slug})}?{query}"


def application_title(*, applicant_name: str, program_name: str, side: str, others: int) -> str:
    """ "Ana Ruiz applied to Cardiology Pathways as a mentee", or, for a group, "Ana Ruiz and
    3 others applied to Cardiology Pathways"."""
    program_name = Truncator(program_name).chars(PROGRAM_NAME_IN_TITLE)
    if not others:
        return f"{applicant_name} applied to {program_name} as a {side}"
    return (
        f"{applicant_name} and {others} other{'s' if others > 1 else ''} applied to {program_name}"
    )


def tell_coordinators_of_application(
    *, application: Application, program: Program, member: User
) -> None:
    """Each coordinator of `program` hears of a new application: one notification per
    coordinator and program, which the next applications join while it is unread (and not
    in a digest), counting them ("Ana Ruiz and 3 others applied to ...";
    `notify_grouped`). Its email follows the coordinator's preference for program news,
    once per group. The link goes to the applications waiting for review on the side of
    the latest. The applicant is never told of their own application (a coordinator who
    applies), nor a coordinator walled off from them by a block."""
    name = member.display_name or member.handle
    url = waiting_applications_url(program, application.side)

    def title(others: int) -> str:
        return application_title(
            applicant_name=name, program_name=program.name, side=application.side, others=others
        )

    coordinators = Coordinator.objects.filter(program=program).select_related("user").order_by("pk")
    for coordinator in coordinators:
        notify_grouped(
            recipient=coordinator.user,
            actor=member,
            kind=Kind.PROGRAM,
            target=program,
            group_key=APPLICATION_GROUP,
            url=url,
            title=title,
        )


def _already_applied(application: Application) -> str:
    if application.status == ApplicationStatus.WITHDRAWN:
        return (
            "You withdrew from this program, so you cannot apply again. A coordinator can "
            "tell you more."
        )
    return "You have already applied to this program."


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("program", "applicant")
        .get(pk=application.pk)
    )


def answer_invitation(
    *,
    application: Application,
    actor: User,
    answers: Mapping[str, Any],
    capacity: int = 1,
    now: datetime | None = None,
) -> Application:
    """Accept an invitation: the member answers the program's questions and is in."""
    now = now or timezone.now()
    with transaction.atomic():
        # The program first, then the row: mentee places are counted under the same lock
        # the coordinators' decisions take.
        Program.objects.select_for_update().filter(pk=application.program_id).first()
        locked = _locked(application)
        move = workflow.check_application_transition(
            application=locked, action=workflow.ANSWER, actor=actor
        )
        program = locked.program
        if program.status not in (ProgramStatus.DRAFT, ProgramStatus.OPEN, ProgramStatus.MATCHING):
            raise Refused("This program no longer takes new members.")
        problem = eligibility_problem(program, actor, locked.side)
        if problem is not None:
            raise problem
        locked.capacity = _clean_capacity(locked.side, capacity)
        locked.answers = clean_answers(questions_for(program, locked.side), answers)
        if locked.side == Side.MENTEE and _mentee_places_left(program) <= 0:
            raise Refused(FULL_MESSAGE)
        locked.status = move.to_status
        locked.submitted_at = locked.decided_at = now
        locked.decided_by = locked.invited_by
        locked.save()
        if locked.invited_by is not None:
            notify(
                recipient=locked.invited_by,
                kind=Kind.PROGRAM,
                title=(
                    f"{actor.display_name} joined {program.name} through your invitation, "
                    f"as a {locked.side}"
                ),
                url=reverse("programs:applications", kwargs={"slug": program.slug}),
                actor=actor,
            )
    return locked


def turn_down_invitation(*, application: Application, actor: User) -> Application:
    """Say no to an invitation."""
    with transaction.atomic():
        locked = _locked(application)
        move = workflow.check_application_transition(
            application=locked, action=workflow.TURN_DOWN, actor=actor
        )
        locked.status = move.to_status
        locked.save(update_fields=["status"])
    return locked


def withdraw_application(
    *, application: Application, actor: User, now: datetime | None = None
) -> Application:
    """Withdraw an application (an accepted one only until the member is matched)."""
    with transaction.atomic():
        locked = _locked(application)
        move = workflow.check_application_transition(
            application=locked, action=workflow.WITHDRAW, actor=actor
        )
        if ProgramPair.objects.filter(
            Q(mentee_application=locked) | Q(mentor_application=locked)
        ).exists():
            raise Refused(
                "You are matched already: end the mentorship from its page if you need to stop."
            )
        locked.status = move.to_status
        locked.decided_at = now or timezone.now()
        locked.save(update_fields=["status", "decided_at"])
    return locked


DECISION_ACTIONS = (workflow.ACCEPT, workflow.DECLINE)


def decide_application(
    *, application: Application, actor: User, action: str, now: datetime | None = None
) -> Application:
    """Accept or decline a submitted application; the applicant is told. Under the row
    lock: a second click, or a second coordinator, is refused with the reason."""
    now = now or timezone.now()
    if action not in DECISION_ACTIONS:
        raise Refused("That is not something you can do here.")
    with transaction.atomic():
        Program.objects.select_for_update().filter(pk=application.program_id).first()
        locked = _locked(application)
        move = workflow.check_application_transition(application=locked, action=action, actor=actor)
        program = locked.program
        if program.status == ProgramStatus.CLOSED:
            raise Refused("This program is closed.")
        if (
            action == workflow.ACCEPT
            and locked.side == Side.MENTEE
            and _mentee_places_left(program) <= 0
        ):
            raise Refused(
                f"{FULL_MESSAGE} Raise its mentee capacity on the settings page to accept more."
            )
        locked.status = move.to_status
        locked.decided_at = now
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        accepted = action == workflow.ACCEPT
        notify(
            recipient=locked.applicant,
            kind=Kind.PROGRAM,
            title=(
                f"You are in {program.name} as a {locked.side}"
                if accepted
                else f"Your application to {program.name} was not accepted this time"
            ),
            url=program.get_absolute_url(),
            actor=actor,
        )
    return locked
