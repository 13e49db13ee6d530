"""Demo programs for `manage.py seed_demo`, built through the programs services.

"Pathways to Medicine" is a public program Dr. Amara Okafor (physician@rounds.test) runs
from Lakeside University School of Medicine. It was created about three months ago, took a
dozen mentee and six mentor applications, matched its first cohort about two months ago and
is running: its pairs wrote, met and set goals, most answered the mid-point survey, and one
pair went quiet long enough for the coordinators to be alerted. The demo student (Dana,
member@rounds.test) is one of its mentees. "Emergency Medicine Match Clinic" is an
invite-only program Dr. Luis Romero (resident@rounds.test) has just opened; Dana has an
invitation to it waiting.

Everything is dated back from `now` by passing `now=` into the services, so the dashboard
shows real figures on the day the demo is seeded. Idempotent: a program already there (by
name and organisation) is left as it is, and members are looked up by email first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User, VerificationStatus
from accounts.moderators import Actor
from mentoring import services as mentoring_services
from mentoring.models import MenteePreferences, MentorProfile, Mentorship

from .models import (
    Application,
    Audience,
    Form,
    Program,
    ProgramPair,
    QuestionKind,
    Side,
    Visibility,
)
from .services import matching as matching_services
from .services import pairs as pair_services
from .services import programs as services
from .workflow import ACCEPT, CLOSE_APPLICATIONS, OPEN

PATHWAYS = "Pathways to Medicine"
PATHWAYS_ORGANISATION = "Lakeside University School of Medicine"
CLINIC = "Emergency Medicine Match Clinic"
CLINIC_ORGANISATION = "County General Hospital Emergency Medicine Residency"
COHORT = "Spring cohort"

# The days, counted back from `now`, on which Pathways did each thing.
CREATED_DAYS_AGO = 95
APPLIED_DAYS_AGO = 88
DECIDED_DAYS_AGO = 80
MATCHED_DAYS_AGO = 66
# The stalled pair last wrote this many days ago; the stall check ran 8 days ago (nudge)
# and runs again today (the coordinators' alert, a week after the nudge).
STALLED_LAST_CONTACT_DAYS_AGO = 30
NUDGED_DAYS_AGO = 8


@dataclass(frozen=True)
class DemoMember:
    email: str
    handle: str
    name: str
    role: str
    profile: dict[str, Any] = field(default_factory=dict)


def _preferences(
    goals: list[str],
    specialties: list[str],
    time_zone: str,
    introduction: str,
    languages: tuple[str, ...] = ("en",),
) -> dict[str, Any]:
    return {
        "goals": goals,
        "specialties": specialties,
        "languages": list(languages),
        "meeting_modes": ["messages", "video"],
        "time_zone": time_zone,
        "introduction": introduction,
    }


def _mentoring(
    areas: list[str], specialties: list[str], time_zone: str, statement: str, *languages: str
) -> dict[str, Any]:
    return {
        "areas": areas,
        "specialties": specialties,
        "stages": ["premed", "medical_student"],
        "capacity": 2,
        "languages": ["en", *languages],
        "meeting_modes": ["messages", "video"],
        "time_zone": time_zone,
        "statement": statement,
    }


# Mentees of Pathways besides the demo student, in the order they applied.
MENTEES = [
    DemoMember(
        "aisha.bello@rounds.test",
        "aisha-bello",
        "Aisha Bello",
        Role.PREMED,
        _preferences(
            ["premed_advice", "mcat", "research"],
            ["pediatrics"],
            "America/Chicago",
            "Chemistry major, first in my family to aim for medicine.",
        ),
    ),
    DemoMember(
        "mateo.garcia@rounds.test",
        "mateo-garcia",
        "Mateo García",
        Role.PREMED,
        _preferences(
            ["specialty_exploration", "premed_advice"],
            ["emergency-medicine"],
            "America/Los_Angeles",
            "EMT on weekends, applying next cycle.",
            ("en", "es"),
        ),
    ),
    DemoMember(
        "hana.sato@rounds.test",
        "hana-sato",
        "Hana Sato",
        Role.MEDICAL_STUDENT,
        _preferences(
            ["residency_match", "research"],
            ["internal-medicine"],
            "America/New_York",
            "Second-year medical student curious about internal medicine.",
        ),
    ),
    DemoMember(
        "kwame.asante@rounds.test",
        "kwame-asante",
        "Kwame Asante",
        Role.PREMED,
        _preferences(
            ["mcat", "wellbeing"],
            ["family-medicine"],
            "America/Chicago",
            "Studying for the MCAT while working full time.",
        ),
    ),
    DemoMember(
        "sofia.rossi@rounds.test",
        "sofia-rossi",
        "Sofia Rossi",
        Role.MEDICAL_STUDENT,
        _preferences(
            ["specialty_exploration", "career"],
            ["general-surgery"],
            "America/New_York",
            "Third-year student weighing surgery against everything else.",
        ),
    ),
    DemoMember(
        "noah.friedman@rounds.test",
        "noah-friedman",
        "Noah Friedman",
        Role.PREMED,
        _preferences(
            ["premed_advice", "specialty_exploration"],
            ["psychiatry"],
            "America/Denver",
            "Psychology major drawn to psychiatry.",
        ),
    ),
    DemoMember(
        "leila.karimi@rounds.test",
        "leila-karimi",
        "Leila Karimi",
        Role.MEDICAL_STUDENT,
        _preferences(
            ["research", "residency_match"],
            ["pediatrics"],
            "America/Chicago",
            "Looking for help planning a first research project.",
        ),
    ),
    DemoMember(
        "jamal.price@rounds.test",
        "jamal-price",
        "Jamal Price",
        Role.PREMED,
        _preferences(
            ["premed_advice", "wellbeing"],
            ["emergency-medicine", "family-medicine"],
            "America/New_York",
            "Community college transfer student.",
        ),
    ),
    DemoMember(
        "ines.moreau@rounds.test",
        "ines-moreau",
        "Inès Moreau",
        Role.MEDICAL_STUDENT,
        _preferences(
            ["medical_school", "wellbeing"],
            ["psychiatry", "internal-medicine"],
            "America/New_York",
            "First-year student finding my feet.",
            ("en", "fr"),
        ),
    ),
    # Applied late, while the program was full: still waiting for review.
    DemoMember(
        "ravi.patel@rounds.test",
        "ravi-patel",
        "Ravi Patel",
        Role.PREMED,
        _preferences(
            ["mcat", "premed_advice"],
            ["internal-medicine"],
            "America/Chicago",
            "Gap year in a research lab.",
        ),
    ),
    # Applied, then withdrew before the match.
    DemoMember(
        "chloe.nguyen@rounds.test",
        "chloe-nguyen",
        "Chloé Nguyen",
        Role.PREMED,
        _preferences(
            ["specialty_exploration"],
            ["pediatrics"],
            "America/Los_Angeles",
            "Sophomore exploring pediatrics.",
        ),
    ),
]
WAITING_MENTEE = "ravi-patel"
WITHDRAWN_MENTEE = "chloe-nguyen"
# The pair that went quiet: its mentee.
STALLED_MENTEE = "jamal-price"

MENTORS = [
    DemoMember(
        "hannah.kim@rounds.test",
        "dr-hannah-kim",
        "Dr. Hannah Kim",
        Role.PHYSICIAN,
        _mentoring(
            ["specialty_exploration", "premed_advice", "research"],
            ["pediatrics"],
            "America/Chicago",
            "Pediatrician; I love helping students find their way into medicine.",
            "ko",
        ),
    ),
    DemoMember(
        "omar.haddad@rounds.test",
        "dr-omar-haddad",
        "Dr. Omar Haddad",
        Role.PHYSICIAN,
        _mentoring(
            ["residency_match", "research", "career"],
            ["internal-medicine"],
            "America/New_York",
            "Internist and clerkship director.",
            "ar",
        ),
    ),
    DemoMember(
        "grace.mensah@rounds.test",
        "dr-grace-mensah",
        "Dr. Grace Mensah",
        Role.RESIDENT,
        _mentoring(
            ["specialty_exploration", "medical_school", "wellbeing"],
            ["general-surgery"],
            "America/New_York",
            "Surgery resident; ask me anything about the wards.",
        ),
    ),
    DemoMember(
        "wei.chen@rounds.test",
        "dr-wei-chen",
        "Dr. Wei Chen",
        Role.PHYSICIAN,
        _mentoring(
            ["wellbeing", "premed_advice", "mcat"],
            ["psychiatry", "family-medicine"],
            "America/Denver",
            "Psychiatrist; wellbeing and study habits are my favourite topics.",
            "zh",
        ),
    ),
    # Applied as a mentor after the match: waiting for review.
    DemoMember(
        "elena.novak@rounds.test",
        "dr-elena-novak",
        "Dr. Elena Novak",
        Role.RESIDENT,
        _mentoring(
            ["residency_match", "medical_school"],
            ["emergency-medicine"],
            "America/Chicago",
            "Emergency medicine resident.",
        ),
    ),
]
WAITING_MENTOR = "dr-elena-novak"

INTERESTS = [
    "I volunteer at a free clinic and want to understand what the path really looks like.",
    "I would like help planning my application and finding research.",
    "Someone to talk to about specialties and how to choose.",
]
STAGE_CHOICES = [
    "Exploring whether medicine is for me",
    "Preparing to apply to medical school",
    "In medical school",
]
MEETING_CHOICES = ["Every week", "Every two weeks", "Once a month or less"]

MESSAGES = [
    # (days after the match, sent by the mentor?, body)
    (1, True, "Welcome to Pathways! Tell me a little about where you are and what you hope for."),
    (2, False, "Thank you! I am hoping to get a clearer plan for the next year."),
    (20, True, "Good to meet last week. I shared a few resources in our goals list."),
    (40, False, "I finished the first goal and started on the second one."),
]


def _member(person: DemoMember, *, verified: bool) -> tuple[User, bool]:
    user = User.objects.filter(email=person.email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(
            email=person.email,
            password=DEMO_PASSWORD,
            handle=person.handle,
            display_name=person.name,
            role=person.role,
            verification_status=(
                VerificationStatus.VERIFIED if verified else VerificationStatus.UNVERIFIED
            ),
        )
    EmailAddress.objects.get_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    return user, created


def _mentee(person: DemoMember) -> User:
    user, _ = _member(person, verified=False)
    if not MenteePreferences.objects.filter(user=user).exists():
        mentoring_services.save_mentee_preferences(
            user=user,
            language_required=False,
            background=[],
            share_background_for_matching=False,
            **person.profile,
        )
    return user


def _mentor(person: DemoMember) -> User:
    user, _ = _member(person, verified=True)
    if not MentorProfile.objects.filter(user=user).exists():
        mentoring_services.save_mentor_profile(
            user=user,
            is_accepting=True,
            background=[],
            share_background_for_matching=False,
            **person.profile,
        )
    return user


def seed(stdout: TextIO, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    members = {
        user.handle: user
        for user in User.objects.filter(
            handle__in=["dr-amara-okafor", "dr-luis-romero", "demo-student"]
        )
    }
    if len(members) < 3:
        stdout.write("Programs demo skipped: the demo members are missing.")
        return
    made = []
    if not Program.objects.filter(name=PATHWAYS, organisation=PATHWAYS_ORGANISATION).exists():
        _seed_pathways(members, now=now)
        made.append(PATHWAYS)
    if not Program.objects.filter(name=CLINIC, organisation=CLINIC_ORGANISATION).exists():
        _seed_clinic(members, now=now)
        made.append(CLINIC)
    if made:
        stdout.write(
            "Created demo mentoring programs: "
            + " and ".join(made)
            + " (coordinators: physician@rounds.test and resident@rounds.test)."
        )
    else:
        stdout.write("Demo mentoring programs are in place.")


def _seed_pathways(members: dict[str, User], *, now: dt.datetime) -> Program:
    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    today = timezone.localdate(now)
    coordinator = members["dr-amara-okafor"]
    program = services.create_program(
        actor=Actor(user=coordinator),
        settings=services.ProgramSettings(
            name=PATHWAYS,
            organisation=PATHWAYS_ORGANISATION,
            description=(
                "A term of one-to-one mentoring for pre-med and medical students, with "
                "physicians and residents from Lakeside and beyond. Meet every few weeks, "
                "set goals together, and tell us how it goes at the mid-point."
            ),
            term_starts_on=today - dt.timedelta(days=70),
            term_ends_on=today + dt.timedelta(days=50),
            visibility=Visibility.PUBLIC,
            mentee_capacity=10,
            mentee_roles=[Role.PREMED, Role.MEDICAL_STUDENT],
        ),
        now=ago(CREATED_DAYS_AGO),
    )
    journey = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="Where are you in your journey?",
            kind=QuestionKind.CHOICE,
            audience=Audience.MENTEES,
            choices=STAGE_CHOICES,
        ),
    )
    hopes = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="What would you like help with this term?", audience=Audience.MENTEES
        ),
    )
    ranking = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="Rank the mentoring areas you most want help with, first choice first.",
            kind=QuestionKind.RANKING,
            audience=Audience.MENTEES,
        ),
    )
    offer = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="What would you like your mentees to know about you?",
            audience=Audience.MENTORS,
            required=False,
        ),
    )
    meetings = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="How often do you usually meet?",
            kind=QuestionKind.CHOICE,
            form=Form.MIDPOINT,
            choices=MEETING_CHOICES,
        ),
    )
    program = services.change_program_status(
        program=program, actor=coordinator, action=OPEN, now=ago(CREATED_DAYS_AGO - 1)
    )

    student = members["demo-student"]
    mentees = [student, *(_mentee(person) for person in MENTEES)]
    mentors = [members["dr-luis-romero"], *(_mentor(person) for person in MENTORS)]
    applications: dict[str, Application] = {}
    for number, mentee in enumerate(mentees):
        goals = list(MenteePreferences.objects.get(user=mentee).goals)
        stage = 2 if mentee.role == Role.MEDICAL_STUDENT else 1
        applications[mentee.handle] = services.apply(
            program=program,
            member=mentee,
            side=Side.MENTEE,
            answers={
                str(journey.pk): STAGE_CHOICES[stage if number % 4 else 0],
                str(hopes.pk): INTERESTS[number % len(INTERESTS)],
                str(ranking.pk): goals,
            },
            now=ago(APPLIED_DAYS_AGO - number * 0.5),
        )
    for number, mentor in enumerate(mentors):
        applications[mentor.handle] = services.apply(
            program=program,
            member=mentor,
            side=Side.MENTOR,
            answers={str(offer.pk): "Happy to meet by video every two weeks."},
            capacity=2,
            now=ago(APPLIED_DAYS_AGO - number),
        )
    services.withdraw_application(
        application=applications[WITHDRAWN_MENTEE],
        actor=applications[WITHDRAWN_MENTEE].applicant,
        now=ago(DECIDED_DAYS_AGO + 2),
    )
    waiting = {WAITING_MENTEE, WAITING_MENTOR, WITHDRAWN_MENTEE}
    for handle, application in applications.items():
        if handle not in waiting:
            services.decide_application(
                application=application,
                actor=coordinator,
                action=ACCEPT,
                now=ago(DECIDED_DAYS_AGO),
            )
    services.change_program_status(
        program=program,
        actor=coordinator,
        action=CLOSE_APPLICATIONS,
        now=ago(MATCHED_DAYS_AGO + 3),
    )
    matched_at = ago(MATCHED_DAYS_AGO)
    run = matching_services.run_matching(program=program, actor=coordinator, now=matched_at)
    matching_services.publish(run=run, actor=coordinator, cohort=COHORT, now=matched_at)
    _follow_pairs(program, meetings_question=meetings.pk, now=now)
    return program


def _follow_pairs(program: Program, *, meetings_question: int, now: dt.datetime) -> None:
    """What the pairs did since the match: messages, meetings and goals; the mid-point
    survey for most; the stall check eight days ago and today."""
    pairs = list(
        ProgramPair.objects.filter(program=program)
        .select_related("mentorship__mentor", "mentorship__mentee", "program")
        .order_by("pk")
    )
    matched_at = now - dt.timedelta(days=MATCHED_DAYS_AGO)
    matched_on = timezone.localdate(matched_at)
    # The pair that goes quiet: Jamal's, or the last one should he be left unmatched.
    stalled_pk = next(
        (pair.pk for pair in pairs if pair.mentorship.mentee.handle == STALLED_MENTEE),
        pairs[-1].pk,
    )
    for number, pair in enumerate(pairs):
        mentorship = pair.mentorship
        stalled = pair.pk == stalled_pk
        _talk(mentorship, matched_at=matched_at, quiet=stalled, number=number)
        mentoring_services.add_goal(
            mentorship=mentorship,
            actor=mentorship.mentee,
            title="Write down what I want from this term",
        )
        # A first meeting within the first two weeks (days vary by pair), and more after.
        meeting_days = [4 + number % 9, 30 + number % 5]
        if not stalled:
            meeting_days.append(MATCHED_DAYS_AGO - 5 - number % 4)
        for days in meeting_days:
            mentoring_services.log_meeting(
                mentorship=mentorship,
                actor=mentorship.mentor,
                occurred_on=matched_on + dt.timedelta(days=days),
                mode="video",
                notes="Talked through the goals for the coming weeks.",
            )
    # Before the mid-point survey: the first meetings and goals are recorded as they came.
    pair_services.record_milestone_completions(now=matched_at + dt.timedelta(days=25))
    for number, pair in enumerate(pairs):
        mentorship = pair.mentorship
        if pair.pk == stalled_pk:
            continue
        for respondent in (mentorship.mentee, mentorship.mentor):
            pair_services.submit_survey(
                pair=pair,
                respondent=respondent,
                form=Form.MIDPOINT,
                satisfaction=5 - (number + respondent.pk) % 3,
                answers={str(meetings_question): MEETING_CHOICES[number % 2]},
                now=now - dt.timedelta(days=1 + number % 5),
            )
    pair_services.check_stalled_pairs(now=now - dt.timedelta(days=NUDGED_DAYS_AGO))
    pair_services.follow_up_pairs(now=now)


def _talk(mentorship: Mentorship, *, matched_at: dt.datetime, quiet: bool, number: int) -> None:
    mentor, mentee = mentorship.mentor, mentorship.mentee
    messages = list(MESSAGES)
    if quiet:
        last = MATCHED_DAYS_AGO - STALLED_LAST_CONTACT_DAYS_AGO
        messages = [item for item in messages if item[0] <= last]
    else:
        messages.append(
            (
                MATCHED_DAYS_AGO - 2 - number % 3,
                True,
                "Thanks for the survey answers. Same time in two weeks?",
            )
        )
    for days, by_mentor, body in messages:
        mentoring_services.send_message(
            mentorship=mentorship,
            sender=mentor if by_mentor else mentee,
            body=body,
            now=matched_at + dt.timedelta(days=days, hours=number),
        )


def _seed_clinic(members: dict[str, User], *, now: dt.datetime) -> Program:
    coordinator = members["dr-luis-romero"]
    today = timezone.localdate(now)
    program = services.create_program(
        actor=Actor(user=coordinator),
        settings=services.ProgramSettings(
            name=CLINIC,
            organisation=CLINIC_ORGANISATION,
            description=(
                "Small-group and one-to-one mentoring for students who are thinking about "
                "emergency medicine, by invitation of our residents."
            ),
            term_starts_on=today + dt.timedelta(days=21),
            term_ends_on=today + dt.timedelta(days=180),
            visibility=Visibility.INVITE_ONLY,
            mentee_capacity=12,
        ),
        now=now - dt.timedelta(days=6),
    )
    why = services.add_question(
        program=program,
        actor=coordinator,
        fields=services.QuestionFields(
            prompt="What draws you to emergency medicine?", audience=Audience.MENTEES
        ),
    )
    services.change_program_status(
        program=program, actor=coordinator, action=OPEN, now=now - dt.timedelta(days=5)
    )
    services.invite_member(
        program=program,
        actor=coordinator,
        member=members["demo-student"],
        side=Side.MENTEE,
        now=now - dt.timedelta(days=2),
    )
    grace = _mentor(next(person for person in MENTORS if person.handle == "dr-grace-mensah"))
    invitation = services.invite_member(
        program=program,
        actor=coordinator,
        member=grace,
        side=Side.MENTOR,
        now=now - dt.timedelta(days=4),
    )
    services.answer_invitation(
        application=invitation, actor=grace, answers={}, capacity=2, now=now - dt.timedelta(days=3)
    )
    mateo = _mentee(next(person for person in MENTEES if person.handle == "mateo-garcia"))
    services.apply(
        program=program,
        member=mateo,
        side=Side.MENTEE,
        answers={str(why.pk): "I work as an EMT and love the pace of the emergency department."},
        token=program.invite_token,
        now=now - dt.timedelta(days=1),
    )
    return program
