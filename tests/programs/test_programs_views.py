"""Program pages end to end: forms, messages, bad input, the invitation link, the panel's
actions, the moderation panel, and query counts that do not grow with content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from programs.models import (
    Application,
    ApplicationStatus,
    Coordinator,
    Program,
    ProgramStatus,
    Question,
    QuestionKind,
    Side,
    Visibility,
)
from tests.conftest import warm_rail
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.programs.factories import apply as add_application
from tests.programs.factories import make_program, new_mentee
from tests.programs.program_personas import (
    program_kind_has_a_delivery,
    program_moderator,
    signed_in,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _program_kind_delivery(monkeypatch: Any) -> None:
    program_kind_has_a_delivery(monkeypatch)


def _coordinator(program: Program) -> User:
    return program.created_by  # type: ignore[return-value]


def _program_post(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Pathways",
        "organisation": "Riverside",
        "description": "",
        "term_starts_on": TODAY.isoformat(),
        "term_ends_on": (TODAY + dt.timedelta(days=100)).isoformat(),
        "visibility": "public",
        "mentee_capacity": "20",
        "matching_method": "optimal",
        **fields,
    }


# --- Starting and editing ----------------------------------------------------------------


def test_a_physician_starts_a_program_and_lands_on_its_page() -> None:
    client = signed_in(PhysicianFactory.create())
    response = client.post(
        reverse("programs:new"),
        _program_post(name="<script>alert(1)</script> Pathways", mentee_roles=["premed"]),
    )
    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == program.get_absolute_url()
    page = client.get(program.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Pathways" in page
    assert "<script>alert(1)" not in page
    assert "Running the program" in page
    assert "Open applications" in page


def test_bad_dates_are_shown_on_the_form_not_a_500() -> None:
    client = signed_in(PhysicianFactory.create())
    response = client.post(reverse("programs:new"), _program_post(term_ends_on=TODAY.isoformat()))
    assert response.status_code == 200
    assert "The term must end after it starts." in response.content.decode()
    response = client.post(reverse("programs:new"), _program_post(mentee_capacity="lots"))
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert not Program.objects.exists()


def test_a_student_is_told_why_they_cannot_start_a_program() -> None:
    response = signed_in(UserFactory.create()).get(reverse("programs:new"))
    assert response.status_code == 403
    assert "Only verified physicians and residents can start" in response.content.decode()


def test_coordinators_edit_the_settings() -> None:
    program = make_program()
    client = signed_in(_coordinator(program))
    url = reverse("programs:edit", kwargs={"slug": program.slug})
    assert 'value="Riverside School of Medicine"' in client.get(url).content.decode()
    response = client.post(url, _program_post(name="Renamed", visibility="invite_only"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.visibility) == ("Renamed", "invite_only")


def test_the_panel_changes_the_status_and_refuses_a_stale_click() -> None:
    program = make_program(status=ProgramStatus.DRAFT)
    client = signed_in(_coordinator(program))
    url = reverse("programs:status", kwargs={"slug": program.slug})
    client.post(url, {"action": "open"})
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.OPEN
    response = client.post(url, {"action": "open"}, follow=True)
    assert "This program cannot do that now: it is taking applications." in (
        response.content.decode()
    )


def test_a_new_invite_link_is_made_by_post() -> None:
    program = make_program()
    client = signed_in(_coordinator(program))
    old = program.invite_token
    client.post(reverse("programs:invite_link", kwargs={"slug": program.slug}))
    assert Program.objects.get(pk=program.pk).invite_token != old
    assert client.get(reverse("programs:join", kwargs={"token": old})).status_code == 404


# --- Questions ---------------------------------------------------------------------------


def test_coordinators_add_move_and_remove_questions() -> None:
    program = make_program()
    client = signed_in(_coordinator(program))
    url = reverse("programs:questions", kwargs={"slug": program.slug})
    for prompt in ("First?", "Second?"):
        client.post(
            url, {"prompt": prompt, "kind": "text", "form": "application", "audience": "both"}
        )
    response = client.post(
        url,
        {
            "prompt": "Pick",
            "kind": "choice",
            "choices": "One\n",
            "form": "application",
            "audience": "both",
        },
    )
    assert response.status_code == 200
    assert "needs at least two choices" in response.content.decode()
    second = Question.objects.get(prompt="Second?")
    client.post(
        reverse("programs:move_question", kwargs={"slug": program.slug, "pk": second.pk}),
        {"direction": "up"},
    )
    assert list(Question.objects.filter(program=program).values_list("prompt", flat=True)) == [
        "Second?",
        "First?",
    ]
    client.post(reverse("programs:remove_question", kwargs={"slug": program.slug, "pk": second.pk}))
    edit = reverse("programs:question", kwargs={"slug": program.slug, "pk": second.pk})
    assert client.get(edit).status_code == 404
    first = Question.objects.get(prompt="First?")
    edit_page = client.get(
        reverse("programs:question", kwargs={"slug": program.slug, "pk": first.pk})
    )
    assert 'value="First?"' in edit_page.content.decode()
    client.post(
        reverse("programs:question", kwargs={"slug": program.slug, "pk": first.pk}),
        {
            "prompt": "First, reworded?",
            "kind": "text",
            "form": "application",
            "audience": "both",
            "required": "on",
        },
    )
    assert Question.objects.get(pk=first.pk).prompt == "First, reworded?"


# --- Applying ----------------------------------------------------------------------------


def _questions(program: Program) -> tuple[Question, Question, Question]:
    return (
        Question.objects.create(program=program, prompt="Why medicine?", position=0),
        Question.objects.create(
            program=program,
            prompt="Your year",
            kind=QuestionKind.CHOICE,
            choices=["First", "Second"],
            position=1,
        ),
        Question.objects.create(
            program=program, prompt="Rank your goals", kind=QuestionKind.RANKING, position=2
        ),
    )


def test_the_application_form_is_built_from_the_questions_and_works_without_script() -> None:
    program = make_program()
    text, choice, ranking = _questions(program)
    mentee = new_mentee()
    client = signed_in(mentee)
    url = reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentee"})
    page = client.get(url).content.decode()
    assert f'<textarea name="q{text.pk}"' in page
    assert f'type="radio" name="q{choice.pk}" value="Second"' in page
    assert f'<select name="q{ranking.pk}_rank1"' in page
    assert f'<label for="id_q{ranking.pk}_rank2">2nd choice</label>' in page
    assert "capacity" not in page
    response = client.post(
        url,
        {
            f"q{text.pk}": "I like people.",
            f"q{choice.pk}": "First",
            f"q{ranking.pk}_rank1": "research",
            f"q{ranking.pk}_rank2": "mcat",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(applicant=mentee)
    assert application.answers[str(ranking.pk)] == ["research", "mcat"]
    assert application.status == ApplicationStatus.SUBMITTED
    # A second submission (the back button, a double click) is turned back with the reason.
    again = client.post(url, {f"q{text.pk}": "Again"}, follow=True)
    assert "You have already applied to this program." in again.content.decode()
    assert Application.objects.filter(applicant=mentee).count() == 1


def test_bad_answers_come_back_with_their_message() -> None:
    program = make_program()
    text, choice, ranking = _questions(program)
    client = signed_in(new_mentee())
    url = reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentee"})
    response = client.post(
        url,
        {
            f"q{text.pk}": "Patient MRN 12345678 inspired me",
            f"q{choice.pk}": "<b>Third</b>",
            f"q{ranking.pk}_rank1": "mcat",
            f"q{ranking.pk}_rank2": "mcat",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Select a valid choice. &lt;b&gt;Third&lt;/b&gt; is not one of the available choices."
        in body
    )
    assert "Give each choice one rank only." in body
    response = client.post(
        url,
        {
            f"q{text.pk}": "Patient MRN 12345678 inspired me",
            f"q{choice.pk}": "First",
            f"q{ranking.pk}_rank1": "mcat",
        },
    )
    assert "Leave out patient details: this looks like a medical record number." in (
        response.content.decode()
    )
    assert not Application.objects.exists()


def test_a_mentor_gives_their_capacity() -> None:
    program = make_program()
    mentor = make_mentor().user
    client = signed_in(mentor)
    url = reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentor"})
    assert client.post(url, {"capacity": "40"}).status_code == 200
    client.post(url, {"capacity": "2"})
    assert Application.objects.get(applicant=mentor).capacity == 2


def test_a_member_without_preferences_is_sent_to_create_them() -> None:
    program = make_program()
    client = signed_in(UserFactory.create())
    response = client.get(
        reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentee"})
    )
    assert response.status_code == 403
    assert 'href="/mentoring/preferences/"' in response.content.decode()
    page = client.get(program.get_absolute_url()).content.decode()
    assert 'href="/mentoring/preferences/"' in page


def test_the_invitation_link_shows_an_invite_only_program_and_lets_members_apply() -> None:
    program = make_program(visibility=Visibility.INVITE_ONLY)
    mentee = new_mentee()
    client = signed_in(mentee)
    assert client.get(program.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("programs:join", kwargs={"token": "not-the-token"})).status_code == 404
    )
    page = client.get(reverse("programs:join", kwargs={"token": program.invite_token}))
    apply_url = reverse("programs:apply", kwargs={"slug": program.slug, "side": "mentee"})
    assert f'href="{apply_url}?token={program.invite_token}"' in page.content.decode()
    assert client.get(apply_url).status_code == 404
    form = client.get(apply_url, {"token": program.invite_token})
    assert f'name="token" value="{program.invite_token}"' in form.content.decode()
    client.post(apply_url, {"token": program.invite_token})
    assert Application.objects.filter(applicant=mentee).exists()
    # Now an applicant, the member sees the program without the link.
    assert client.get(program.get_absolute_url()).status_code == 200


def test_an_invited_member_answers_from_the_notification_link() -> None:
    program = make_program(visibility=Visibility.INVITE_ONLY)
    coordinator = _coordinator(program)
    mentee = make_mentee(UserFactory.create(handle="invitee"))
    signed_in(coordinator).post(
        reverse("programs:invite", kwargs={"slug": program.slug}),
        {"handle": "@invitee", "side": "mentee"},
    )
    notice = Notification.objects.get(recipient=mentee)
    client = signed_in(mentee)
    page = client.get(notice.url).content.decode()
    assert "invited you" in page
    client.post(notice.url, {})
    assert Application.objects.get(applicant=mentee).status == ApplicationStatus.ACCEPTED


def test_members_withdraw_and_turn_down() -> None:
    program = make_program()
    application = add_application(program, status=ApplicationStatus.SUBMITTED)
    client = signed_in(application.applicant)
    client.post(reverse("programs:withdraw", kwargs={"slug": program.slug}))
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN
    invited = add_application(program, status=ApplicationStatus.INVITED)
    signed_in(invited.applicant).post(reverse("programs:turn_down", kwargs={"slug": program.slug}))
    assert Application.objects.get(pk=invited.pk).status == ApplicationStatus.WITHDRAWN


# --- Applications and coordinators -------------------------------------------------------


def test_coordinators_accept_from_the_list_and_the_applicant_is_told() -> None:
    program = make_program()
    question = Question.objects.create(program=program, prompt="Why medicine?")
    application = add_application(
        program, status=ApplicationStatus.SUBMITTED, answers={str(question.pk): "<i>Curiosity</i>"}
    )
    client = signed_in(_coordinator(program))
    page = client.get(reverse("programs:applications", kwargs={"slug": program.slug}))
    body = page.content.decode()
    assert "&lt;i&gt;Curiosity&lt;/i&gt;" in body
    decide = reverse("programs:decide", kwargs={"slug": program.slug, "pk": application.pk})
    assert f'action="{decide}"' in body
    client.post(decide, {"action": "accept"})
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    assert Notification.objects.filter(recipient=application.applicant).count() == 1
    again = client.post(decide, {"action": "decline"}, follow=True)
    assert "cannot do that now: it is accepted" in again.content.decode()


def test_an_application_of_another_program_is_a_404() -> None:
    program = make_program()
    elsewhere = add_application(make_program(), status=ApplicationStatus.SUBMITTED)
    client = signed_in(_coordinator(program))
    response = client.post(
        reverse("programs:decide", kwargs={"slug": program.slug, "pk": elsewhere.pk}),
        {"action": "accept"},
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=elsewhere.pk).status == ApplicationStatus.SUBMITTED


def test_coordinators_appoint_and_remove_but_never_the_last() -> None:
    program = make_program()
    coordinator = _coordinator(program)
    client = signed_in(coordinator)
    url = reverse("programs:coordinators", kwargs={"slug": program.slug})
    response = client.post(url, {"handle": "nobody-here"})
    assert "No member has the handle @nobody-here." in response.content.decode()
    remove = reverse("programs:remove_coordinator", kwargs={"slug": program.slug})
    response = client.post(remove, {"handle": coordinator.handle}, follow=True)
    assert "at least one coordinator" in response.content.decode()
    colleague = PhysicianFactory.create(handle="colleague")
    client.post(url, {"handle": "colleague"})
    assert Coordinator.objects.filter(program=program, user=colleague).exists()
    client.post(remove, {"handle": coordinator.handle})
    assert list(Coordinator.objects.filter(program=program).values_list("user", flat=True)) == [
        colleague.pk
    ]


def test_a_moderator_appoints_a_coordinator_in_the_moderation_panel() -> None:
    program = make_program()
    moderator = program_moderator()
    client = signed_in(moderator, two_factor=True)
    url = reverse("admin:programs_program_change", args=[program.pk])
    assert client.get(url).status_code == 200
    newcomer = UserFactory.create()
    existing = Coordinator.objects.get(program=program)
    response = client.post(
        url,
        {
            "coordinators-TOTAL_FORMS": "2",
            "coordinators-INITIAL_FORMS": "1",
            "coordinators-MIN_NUM_FORMS": "0",
            "coordinators-MAX_NUM_FORMS": "1000",
            "coordinators-0-id": str(existing.pk),
            "coordinators-0-program": str(program.pk),
            "coordinators-1-user": str(newcomer.pk),
            "coordinators-1-program": str(program.pk),
            "applications-TOTAL_FORMS": "0",
            "applications-INITIAL_FORMS": "0",
            "applications-MIN_NUM_FORMS": "0",
            "applications-MAX_NUM_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    coordinator = Coordinator.objects.get(program=program, user=newcomer)
    assert coordinator.appointed_by == moderator
    assert Notification.objects.filter(recipient=newcomer).exists()
    assert client.get(reverse("admin:programs_application_changelist")).status_code == 200
    application = add_application(program, answers={"1": "A private answer"})
    detail = client.get(reverse("admin:programs_application_change", args=[application.pk]))
    assert detail.status_code == 200
    assert "A private answer" not in detail.content.decode()


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_has_a_fixed_query_count(
    django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    member = new_mentee()
    for index in range(count):
        add_application(make_program(), member if index == 0 else None)
    make_program(coordinator=PhysicianFactory.create())
    client = signed_in(member)
    warm_rail(client)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programs:list"))
    assert response.content.decode().count('class="card"') >= count


@pytest.mark.parametrize("count", [2, 12])
def test_the_applications_page_has_a_fixed_query_count(
    django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    program = make_program()
    question = Question.objects.create(program=program, prompt="Rank", kind=QuestionKind.RANKING)
    for _ in range(count):
        add_application(
            program, status=ApplicationStatus.SUBMITTED, answers={str(question.pk): ["mcat"]}
        )
    client = signed_in(_coordinator(program))
    warm_rail(client)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("programs:applications", kwargs={"slug": program.slug}))
    assert response.content.decode().count('id="application-') == count


@pytest.mark.parametrize("count", [2, 12])
def test_the_program_page_has_a_fixed_query_count(
    django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    program = make_program()
    for _ in range(count):
        add_application(program, status=ApplicationStatus.SUBMITTED)
        Coordinator.objects.create(program=program, user=PhysicianFactory.create())
    client = signed_in(_coordinator(program))
    warm_rail(client)
    with django_assert_max_num_queries(16):
        assert client.get(program.get_absolute_url()).status_code == 200


def test_the_applications_page_is_paginated() -> None:
    program = make_program()
    for _ in range(27):
        add_application(program, side=Side.MENTEE, status=ApplicationStatus.SUBMITTED)
    client = signed_in(_coordinator(program))
    url = reverse("programs:applications", kwargs={"slug": program.slug})
    first = client.get(url).content.decode()
    assert first.count('id="application-') == 25
    assert "Next page" in first
    assert client.get(url, {"page": "2"}).content.decode().count('id="application-') == 2
    assert client.get(url, {"page": "x", "side": "<b>", "status": "nope"}).status_code == 200
