"""Program writes: each rule of creating, editing, questions, coordinators, invitations and
applications, and the sentence each refusal gives."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.models import Role, User
from accounts.moderators import Actor
from notifications.models import Kind, Notification
from programs import workflow
from programs.milestones import DEFAULT_MILESTONES
from programs.models import (
    MAX_QUESTIONS,
    Application,
    ApplicationStatus,
    Coordinator,
    Form,
    MatchRun,
    Program,
    ProgramPair,
    ProgramStatus,
    Question,
    QuestionKind,
    Side,
    Visibility,
)
from programs.services import programs as services
from programs.services.programs import (
    InvalidAnswers,
    NeedsProfile,
    ProgramSettings,
    QuestionFields,
)
from programs.workflow import Refused
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.programs.factories import apply as add_application
from tests.programs.factories import make_program, new_mentee
from tests.programs.program_personas import moderator_actor, program_kind_has_a_delivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _program_kind_delivery(monkeypatch: Any) -> None:
    program_kind_has_a_delivery(monkeypatch)


TODAY = timezone.localdate()


def _settings(**fields: Any) -> ProgramSettings:
    values: dict[str, Any] = {
        "name": "Pathways to Medicine",
        "organisation": "Riverside School of Medicine",
        "term_starts_on": TODAY,
        "term_ends_on": TODAY + dt.timedelta(days=120),
    }
    return ProgramSettings(**{**values, **fields})


def _as(user: User) -> Actor:
    return Actor(user=user)


def _coordinator(program: Program) -> User:
    return Coordinator.objects.filter(program=program).select_related("user").first().user  # type: ignore[union-attr]


# --- Creating and editing ----------------------------------------------------------------


def test_a_verified_physician_starts_a_draft_they_coordinate_with_default_milestones() -> None:
    physician = PhysicianFactory.create()
    program = services.create_program(actor=_as(physician), settings=_settings())
    assert program.status == ProgramStatus.DRAFT
    assert program.slug == "pathways-to-medicine"
    assert list(program.coordinators.values_list("user", flat=True)) == [physician.pk]
    assert program.milestones.count() == len(DEFAULT_MILESTONES)


def test_slugs_are_unique_and_never_a_page_of_the_app() -> None:
    physician = PhysicianFactory.create()
    first = services.create_program(actor=_as(physician), settings=_settings())
    second = services.create_program(actor=_as(physician), settings=_settings())
    reserved = services.create_program(actor=_as(physician), settings=_settings(name="New"))
    assert (first.slug, second.slug) == ("pathways-to-medicine", "pathways-to-medicine-2")
    assert reserved.slug == "new-2"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("student", "Only verified physicians and residents can start a mentoring program."),
        ("unverified", "Only verified physicians and residents can start a mentoring program."),
        ("minor", "Programs are run by adults"),
        ("suspended", "Your account is suspended"),
    ],
)
def test_only_adult_verified_clinicians_who_may_take_part_start_programs(
    who: str, message: str
) -> None:
    user = {
        "student": lambda: UserFactory.create(),
        "unverified": lambda: PhysicianFactory.create(verification_status="pending"),
        "minor": lambda: PhysicianFactory.create(birth_year=TODAY.year - 15),
        "suspended": lambda: PhysicianFactory.create(suspended_at=timezone.now()),
    }[who]()
    with pytest.raises(Refused, match=message):
        services.create_program(actor=_as(user), settings=_settings())
    assert not Program.objects.exists()


def test_a_site_moderator_starts_a_program() -> None:
    program = services.create_program(actor=moderator_actor(), settings=_settings())
    assert program.coordinators.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"term_ends_on": TODAY}, "The term must end after it starts."),
        ({"term_ends_on": TODAY + dt.timedelta(days=900)}, "two years at most"),
        (
            {
                "term_starts_on": TODAY - dt.timedelta(days=60),
                "term_ends_on": TODAY - dt.timedelta(days=1),
            },
            "already ended",
        ),
        ({"name": "   "}, "Give the program a name."),
        ({"mentee_roles": ["physician"]}, "Mentees can be students or residents."),
        ({"mentor_roles": ["premed"]}, "Mentors can be physicians or residents."),
        ({"specialties": ["astrology"]}, "Choose specialties from the list."),
        ({"mentee_capacity": 0}, "from 1 to 5,000"),
        ({"visibility": "secret"}, "Choose who can see the program."),
    ],
)
def test_bad_settings_are_refused_with_the_reason(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(Refused, match=message):
        services.create_program(actor=_as(PhysicianFactory.create()), settings=_settings(**fields))


def test_coordinators_update_the_settings_and_no_one_else() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    updated = services.update_program(
        program=program,
        actor=coordinator,
        settings=_settings(
            name="Pathways",
            mentee_roles=["premed", "premed"],
            specialties=["cardiology"],
            visibility=Visibility.INVITE_ONLY,
            mentee_capacity=5,
        ),
    )
    program.refresh_from_db()
    assert (program.name, program.mentee_roles, program.visibility) == (
        "Pathways",
        ["premed"],
        "invite_only",
    )
    assert updated.mentee_capacity == 5
    with pytest.raises(Refused, match="Only the program's coordinators"):
        services.update_program(
            program=program, actor=PhysicianFactory.create(), settings=_settings()
        )


def test_status_changes_follow_the_table() -> None:
    program = make_program(status=ProgramStatus.DRAFT)
    coordinator = _coordinator(program)
    services.change_program_status(program=program, actor=coordinator, action=workflow.OPEN)
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.OPEN
    with pytest.raises(Refused, match="it is taking applications"):
        services.change_program_status(program=program, actor=coordinator, action=workflow.OPEN)
    with pytest.raises(Refused, match="Only the program's coordinators"):
        services.change_program_status(
            program=program, actor=UserFactory.create(), action=workflow.CLOSE_APPLICATIONS
        )
    with pytest.raises(Refused, match="not something you can do"):
        services.change_program_status(program=program, actor=coordinator, action="explode")


def test_a_new_invite_link_retires_the_old_one() -> None:
    program = make_program()
    old = program.invite_token
    services.regenerate_invite_link(program=program, actor=_coordinator(program))
    program.refresh_from_db()
    assert program.invite_token != old
    assert not services.token_matches(program, old)
    with pytest.raises(Refused):
        services.regenerate_invite_link(program=program, actor=UserFactory.create())


# --- Questions ---------------------------------------------------------------------------


def test_questions_are_added_in_order_per_form() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    first = services.add_question(
        program=program, actor=coordinator, fields=QuestionFields(prompt="Why medicine?")
    )
    second = services.add_question(
        program=program,
        actor=coordinator,
        fields=QuestionFields(prompt="Rank", kind=QuestionKind.RANKING),
    )
    survey = services.add_question(
        program=program,
        actor=coordinator,
        fields=QuestionFields(prompt="How is it going?", form=Form.MIDPOINT),
    )
    assert (first.position, second.position, survey.position) == (0, 1, 0)
    # A ranking with no choices ranks the mentoring areas.
    assert "mcat" in services.ranking_options(second)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"prompt": ""}, "Write the question."),
        ({"prompt": "x" * 301}, "under 300 characters"),
        ({"kind": QuestionKind.CHOICE, "choices": ["Only one"]}, "at least two choices"),
        ({"kind": QuestionKind.CHOICE, "choices": []}, "at least two choices"),
        ({"kind": QuestionKind.RANKING, "choices": ["Alone"]}, "A ranking needs at least two"),
        ({"kind": QuestionKind.CHOICE, "choices": ["a", "x" * 101]}, "under 100 characters"),
        ({"kind": "essay"}, "Choose the kind of question."),
        ({"form": "exam"}, "Choose where the question is asked."),
    ],
)
def test_bad_questions_are_refused(fields: dict[str, Any], message: str) -> None:
    program = make_program()
    with pytest.raises(Refused, match=message):
        services.add_question(
            program=program,
            actor=_coordinator(program),
            fields=QuestionFields(**{"prompt": "Why?", **fields}),
        )


def test_a_program_has_at_most_max_questions() -> None:
    program = make_program()
    Question.objects.bulk_create(
        Question(program=program, prompt=f"Q{n}", position=n) for n in range(MAX_QUESTIONS)
    )
    with pytest.raises(Refused, match=f"at most {MAX_QUESTIONS} questions"):
        services.add_question(
            program=program, actor=_coordinator(program), fields=QuestionFields(prompt="One more")
        )


def test_an_answered_question_keeps_its_kind_and_choices() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    question = services.add_question(
        program=program,
        actor=coordinator,
        fields=QuestionFields(prompt="Year?", kind=QuestionKind.CHOICE, choices=["1", "2"]),
    )
    add_application(program, answers={str(question.pk): "1"})
    reworded = services.edit_question(
        question=question,
        actor=coordinator,
        fields=QuestionFields(prompt="Your year?", kind=QuestionKind.CHOICE, choices=["1", "2"]),
    )
    assert reworded.prompt == "Your year?"
    with pytest.raises(Refused, match="only its wording"):
        services.edit_question(
            question=question,
            actor=coordinator,
            fields=QuestionFields(prompt="Year?", kind=QuestionKind.CHOICE, choices=["1", "3"]),
        )


def test_questions_move_up_and_down_and_are_removed() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    a, b, c = (
        services.add_question(program=program, actor=coordinator, fields=QuestionFields(prompt=p))
        for p in "ABC"
    )
    services.move_question(question=c, actor=coordinator, direction="up")
    order = list(Question.objects.filter(program=program).values_list("prompt", flat=True))
    assert order == ["A", "C", "B"]
    services.move_question(question=a, actor=coordinator, direction="up")  # already first
    assert list(Question.objects.filter(program=program).values_list("prompt", flat=True))[0] == "A"
    services.remove_question(question=b, actor=coordinator)
    assert not Question.objects.filter(pk=b.pk).exists()
    with pytest.raises(Refused):
        services.remove_question(question=a, actor=UserFactory.create())


# --- Coordinators ------------------------------------------------------------------------


def test_a_coordinator_appoints_a_verified_physician_who_is_told() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    colleague = PhysicianFactory.create()
    services.appoint_coordinator(actor=_as(coordinator), program=program, member=colleague)
    assert program.coordinators.filter(user=colleague, appointed_by=coordinator).exists()
    notice = Notification.objects.get(recipient=colleague)
    assert notice.kind == Kind.PROGRAM
    assert notice.url == program.get_absolute_url()
    with pytest.raises(Refused, match="already a coordinator"):
        services.appoint_coordinator(actor=_as(coordinator), program=program, member=colleague)


def test_who_may_be_appointed_and_by_whom() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    student = UserFactory.create()
    with pytest.raises(Refused, match="Coordinators are verified physicians or residents"):
        services.appoint_coordinator(actor=_as(coordinator), program=program, member=student)
    with pytest.raises(Refused, match="Coordinators must be adults"):
        services.appoint_coordinator(
            actor=moderator_actor(), program=program, member=HighSchoolStudentFactory.create()
        )
    with pytest.raises(Refused, match="Only the program's coordinators and site moderators"):
        services.appoint_coordinator(
            actor=_as(PhysicianFactory.create()), program=program, member=student
        )
    # A moderator without two-factor in this session is no moderator.
    moderator = moderator_actor()
    with pytest.raises(Refused):
        services.appoint_coordinator(
            actor=Actor(user=moderator.user, passed_two_factor=False),
            program=program,
            member=student,
        )
    services.appoint_coordinator(actor=moderator, program=program, member=student)
    assert program.coordinators.filter(user=student).exists()


def test_the_last_coordinator_is_never_removed() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    with pytest.raises(Refused, match="at least one coordinator"):
        services.remove_coordinator(actor=_as(coordinator), program=program, member=coordinator)
    colleague = PhysicianFactory.create()
    services.appoint_coordinator(actor=_as(coordinator), program=program, member=colleague)
    services.remove_coordinator(actor=_as(colleague), program=program, member=coordinator)
    assert list(program.coordinators.values_list("user", flat=True)) == [colleague.pk]
    with pytest.raises(Refused, match="is not a coordinator"):
        services.remove_coordinator(actor=_as(colleague), program=program, member=coordinator)


def test_member_by_handle_finds_active_members_only() -> None:
    member = UserFactory.create(handle="maya-chen")
    assert services.member_by_handle(" @Maya-Chen ") == member
    member.is_active = False
    member.save()
    with pytest.raises(Refused, match="No member has the handle @maya-chen."):
        services.member_by_handle("maya-chen")


# --- Invitations -------------------------------------------------------------------------


def test_an_invitation_is_an_application_with_a_notification_linking_to_it() -> None:
    program = make_program(visibility=Visibility.INVITE_ONLY)
    coordinator = _coordinator(program)
    mentee = new_mentee()
    invitation = services.invite_member(
        program=program, actor=coordinator, member=mentee, side=Side.MENTEE
    )
    assert invitation.status == ApplicationStatus.INVITED
    notice = Notification.objects.get(recipient=mentee)
    assert notice.url == f"/programs/{program.slug}/apply/mentee/"
    with pytest.raises(Refused, match="already applied to or been invited"):
        services.invite_member(program=program, actor=coordinator, member=mentee, side=Side.MENTEE)
    with pytest.raises(Refused, match="cannot join on that side"):
        services.invite_member(
            program=program, actor=coordinator, member=UserFactory.create(), side=Side.MENTOR
        )


def test_answering_an_invitation_puts_the_member_in_and_tells_the_inviter() -> None:
    program = make_program(visibility=Visibility.INVITE_ONLY)
    coordinator = _coordinator(program)
    mentee = new_mentee()
    services.invite_member(program=program, actor=coordinator, member=mentee, side=Side.MENTEE)
    application = services.apply(program=program, member=mentee, side=Side.MENTEE, answers={})
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_by == coordinator
    assert Notification.objects.filter(recipient=coordinator, kind=Kind.PROGRAM).exists()
    with pytest.raises(Refused, match="cannot do that now: it is accepted"):
        services.answer_invitation(application=application, actor=mentee, answers={})


def test_an_invitation_is_answered_on_its_side_or_turned_down() -> None:
    program = make_program()
    mentee = new_mentee()
    invitation = services.invite_member(
        program=program, actor=_coordinator(program), member=mentee, side=Side.MENTEE
    )
    with pytest.raises(Refused, match="invited to join as a mentee"):
        services.apply(program=program, member=mentee, side=Side.MENTOR, answers={})
    with pytest.raises(Refused, match="Only the member who applied"):
        services.turn_down_invitation(application=invitation, actor=UserFactory.create())
    services.turn_down_invitation(application=invitation, actor=mentee)
    assert Application.objects.get(pk=invitation.pk).status == ApplicationStatus.WITHDRAWN


# --- Applying ----------------------------------------------------------------------------


def _questions(program: Program) -> dict[str, Question]:
    return {
        "text": Question.objects.create(program=program, prompt="Why medicine?", position=0),
        "choice": Question.objects.create(
            program=program,
            prompt="Your year",
            kind=QuestionKind.CHOICE,
            choices=["First", "Second"],
            position=1,
        ),
        "ranking": Question.objects.create(
            program=program, prompt="Rank your goals", kind=QuestionKind.RANKING, position=2
        ),
        "optional": Question.objects.create(
            program=program, prompt="Anything else?", required=False, position=3
        ),
        "mentors_only": Question.objects.create(
            program=program, prompt="Your style?", audience="mentors", position=4
        ),
    }


def test_a_mentee_applies_with_answers_to_the_mentee_questions() -> None:
    program = make_program()
    questions = _questions(program)
    mentee = new_mentee()
    application = services.apply(
        program=program,
        member=mentee,
        side=Side.MENTEE,
        answers={
            str(questions["text"].pk): "  I love it. ",
            str(questions["choice"].pk): "Second",
            str(questions["ranking"].pk): ["mcat", "research"],
            str(questions["optional"].pk): "",
        },
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.answers == {
        str(questions["text"].pk): "I love it.",
        str(questions["choice"].pk): "Second",
        str(questions["ranking"].pk): ["mcat", "research"],
    }


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"text": ""}, "Answer “Why medicine?”."),
        ({"text": "x" * 2001}, "under 2,000 characters"),
        ({"text": "Patient MRN 12345678 taught me a lot"}, "Leave out patient details"),
        ({"choice": "Third"}, "Choose one of the choices given."),
        ({"choice": ["First"]}, "Choose one of the choices given."),
        ({"ranking": ["mcat", "mcat"]}, "Give each choice one rank only."),
        ({"ranking": ["astrology"]}, "Rank the choices given."),
        ({"ranking": "mcat"}, "Rank the choices given."),
        ({"ranking": []}, "Answer “Rank your goals”."),
    ],
)
def test_answers_that_do_not_fit_their_question_are_refused(
    answer: dict[str, Any], message: str
) -> None:
    program = make_program()
    questions = _questions(program)
    good: dict[str, Any] = {"text": "Because.", "choice": "First", "ranking": ["mcat"]}
    raw = {str(questions[key].pk): value for key, value in {**good, **answer}.items()}
    with pytest.raises(InvalidAnswers, match=re.escape(message)) as refused:
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers=raw)
    assert list(refused.value.errors) == [questions[next(iter(answer))].pk]
    assert not Application.objects.exists()


def test_a_second_submission_is_refused_with_the_reason() -> None:
    program = make_program()
    mentee = new_mentee()
    services.apply(program=program, member=mentee, side=Side.MENTEE, answers={})
    with pytest.raises(Refused, match="You have already applied to this program."):
        services.apply(program=program, member=mentee, side=Side.MENTEE, answers={})
    assert Application.objects.filter(applicant=mentee).count() == 1


def test_two_submissions_at_once_meet_the_unique_constraint(monkeypatch: Any) -> None:
    program = make_program()

    def lost_race(**fields: Any) -> Application:
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Application.objects, "create", lost_race)
    with pytest.raises(Refused, match="You have already applied to this program."):
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers={})


def test_a_withdrawn_member_cannot_apply_again() -> None:
    program = make_program()
    mentee = new_mentee()
    application = services.apply(program=program, member=mentee, side=Side.MENTEE, answers={})
    services.withdraw_application(application=application, actor=mentee)
    with pytest.raises(Refused, match="You withdrew from this program"):
        services.apply(program=program, member=mentee, side=Side.MENTEE, answers={})


@pytest.mark.parametrize(
    "status", [ProgramStatus.DRAFT, ProgramStatus.MATCHING, ProgramStatus.CLOSED]
)
def test_applications_need_an_open_program(status: str) -> None:
    program = make_program(status=status)
    with pytest.raises(Refused, match="not taking applications"):
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers={})


def test_an_invite_only_program_takes_applications_with_its_token_only() -> None:
    program = make_program(visibility=Visibility.INVITE_ONLY)
    with pytest.raises(Refused, match="through its invitation link only"):
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers={})
    with pytest.raises(Refused, match="through its invitation link only"):
        services.apply(
            program=program, member=new_mentee(), side=Side.MENTEE, answers={}, token="wrong"
        )
    application = services.apply(
        program=program,
        member=new_mentee(),
        side=Side.MENTEE,
        answers={},
        token=program.invite_token,
    )
    assert application.status == ApplicationStatus.SUBMITTED


def test_mentees_need_mentoring_preferences_and_are_told_where() -> None:
    program = make_program()
    with pytest.raises(NeedsProfile) as refused:
        services.apply(program=program, member=UserFactory.create(), side=Side.MENTEE, answers={})
    assert refused.value.url == "/mentoring/preferences/"
    assert "what you look for in a mentor" in refused.value.message


def test_mentors_are_verified_clinicians_with_a_mentor_profile() -> None:
    program = make_program()
    with pytest.raises(NeedsProfile) as refused:
        services.apply(
            program=program, member=PhysicianFactory.create(), side=Side.MENTOR, answers={}
        )
    assert refused.value.url == "/mentoring/mentor-profile/"
    with pytest.raises(Refused, match="verified physicians and residents. Ask for verification"):
        services.apply(
            program=program,
            member=PhysicianFactory.create(verification_status="pending"),
            side=Side.MENTOR,
            answers={},
        )
    with pytest.raises(Refused, match="verified physicians and residents"):
        services.apply(program=program, member=new_mentee(), side=Side.MENTOR, answers={})
    mentor = make_mentor().user
    application = services.apply(
        program=program, member=mentor, side=Side.MENTOR, answers={}, capacity=3
    )
    assert application.capacity == 3


def test_a_mentor_takes_one_to_ten_mentees() -> None:
    program = make_program()
    with pytest.raises(Refused, match="Take from 1 to 10 mentees."):
        services.apply(
            program=program, member=make_mentor().user, side=Side.MENTOR, answers={}, capacity=11
        )


def test_the_specialties_filter_mentors() -> None:
    program = make_program(specialties=["dermatology"])
    with pytest.raises(Refused, match="This program is for mentors in Dermatology."):
        services.apply(program=program, member=make_mentor().user, side=Side.MENTOR, answers={})
    dermatologist = make_mentor(specialties=["dermatology"]).user
    services.apply(program=program, member=dermatologist, side=Side.MENTOR, answers={})
    # The specialty on the member's profile counts too.
    by_profile = make_mentor(PhysicianFactory.create(specialty="dermatology")).user
    services.apply(program=program, member=by_profile, side=Side.MENTOR, answers={})


def test_roles_and_verification_of_each_side() -> None:
    program = make_program(mentee_roles=[Role.MEDICAL_STUDENT], mentor_roles=[Role.RESIDENT])
    with pytest.raises(Refused, match="takes mentees who are medical student"):
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers={})
    with pytest.raises(Refused, match="takes mentors who are resident or fellow"):
        services.apply(program=program, member=make_mentor().user, side=Side.MENTOR, answers={})
    verified_only = make_program(mentees_must_be_verified=True)
    with pytest.raises(Refused, match="verified members only"):
        services.apply(program=verified_only, member=new_mentee(), side=Side.MENTEE, answers={})


def test_minors_join_only_programs_that_take_high_school_students() -> None:
    minor = make_mentee(HighSchoolStudentFactory.create())
    young_premed = make_mentee(UserFactory.create(birth_year=TODAY.year - 16))
    for_adults = make_program()
    for member in (minor, young_premed):
        with pytest.raises(Refused, match="This program is for members over 18."):
            services.apply(program=for_adults, member=member, side=Side.MENTEE, answers={})
    for_schools = make_program(mentee_roles=[Role.HIGH_SCHOOL, Role.PREMED])
    services.apply(program=for_schools, member=minor, side=Side.MENTEE, answers={})
    services.apply(program=for_schools, member=young_premed, side=Side.MENTEE, answers={})


def test_a_full_program_takes_no_more_mentees_but_still_takes_mentors() -> None:
    program = make_program(mentee_capacity=1)
    add_application(program, side=Side.MENTEE, status=ApplicationStatus.ACCEPTED)
    with pytest.raises(Refused, match="taken all the mentees it can"):
        services.apply(program=program, member=new_mentee(), side=Side.MENTEE, answers={})
    services.apply(program=program, member=make_mentor().user, side=Side.MENTOR, answers={})


def test_suspended_members_cannot_apply() -> None:
    program = make_program()
    suspended = make_mentee(UserFactory.create(suspended_at=timezone.now()))
    with pytest.raises(Refused, match="Your account is suspended"):
        services.apply(program=program, member=suspended, side=Side.MENTEE, answers={})


# --- Decisions and withdrawals -----------------------------------------------------------


def test_a_coordinator_accepts_once_and_the_applicant_is_told() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    application = add_application(program, status=ApplicationStatus.SUBMITTED)
    services.decide_application(application=application, actor=coordinator, action="accept")
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("accepted", coordinator)
    notice = Notification.objects.get(recipient=application.applicant)
    assert notice.title == f"You are in {program.name} as a mentee"
    # A second click, or a second coordinator at the same moment, finds it decided.
    other = PhysicianFactory.create()
    Coordinator.objects.create(program=program, user=other)
    with pytest.raises(Refused, match="cannot do that now: it is accepted"):
        services.decide_application(application=application, actor=other, action="decline")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    assert Notification.objects.filter(recipient=application.applicant).count() == 1


def test_a_declined_applicant_is_told_and_outsiders_cannot_decide() -> None:
    program = make_program()
    application = add_application(program, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(Refused, match="Only the program's coordinators"):
        services.decide_application(
            application=application, actor=_coordinator(make_program()), action="decline"
        )
    with pytest.raises(Refused, match="not something you can do"):
        services.decide_application(
            application=application, actor=_coordinator(program), action="withdraw"
        )
    services.decide_application(
        application=application, actor=_coordinator(program), action="decline"
    )
    assert "was not accepted" in Notification.objects.get(recipient=application.applicant).title


def test_accepting_past_the_capacity_is_refused() -> None:
    program = make_program(mentee_capacity=1)
    add_application(program, status=ApplicationStatus.ACCEPTED)
    waiting = add_application(program, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(Refused, match="Raise its mentee capacity"):
        services.decide_application(
            application=waiting, actor=_coordinator(program), action="accept"
        )


def test_withdrawing_works_until_the_member_is_matched() -> None:
    program = make_program()
    mentee = new_mentee()
    application = add_application(program, mentee, status=ApplicationStatus.ACCEPTED)
    mentor_application = add_application(program, side=Side.MENTOR)
    run = MatchRun.objects.create(program=program, method="optimal", status="published")
    ProgramPair.objects.create(
        program=program,
        run=run,
        mentorship=make_mentorship(mentor_application.applicant, mentee),
        mentee_application=application,
        mentor_application=mentor_application,
    )
    with pytest.raises(Refused, match="You are matched already"):
        services.withdraw_application(application=application, actor=mentee)
    with pytest.raises(Refused, match="Only the member who applied"):
        services.withdraw_application(application=application, actor=_coordinator(program))


def test_a_program_starts_only_by_publishing_its_first_cohort() -> None:
    """ "Start" is no status button: the program runs once matching publishes a cohort."""
    program = make_program()
    coordinator = program.coordinators.get().user
    assert workflow.START not in workflow.program_actions(program)
    with pytest.raises(workflow.Refused):
        services.change_program_status(program=program, actor=coordinator, action=workflow.START)
    program.refresh_from_db()
    assert program.status == ProgramStatus.OPEN
