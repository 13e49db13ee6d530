"""Who may open and use each program page: visitors are sent to sign in; a program the
reader may not see is a 404; a coordinator's page of a program they see but do not run is
a 403, and so is every refused write. Site moderators (two-factor passed) manage
coordinators and nothing else; without two-factor they are ordinary members."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.models import Application, ApplicationStatus, Coordinator, ProgramStatus, Side
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee
from tests.programs.factories import apply as add_application
from tests.programs.factories import make_program, new_mentee
from tests.programs.program_personas import (
    program_kind_has_a_delivery,
    program_moderator,
    signed_in,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "visitor",
    "member",
    "mentee_applicant",
    "mentor_applicant",
    "coordinator",
    "other_coordinator",
    "moderator",
    "moderator_without_two_factor",
    "suspended",
]

# page -> persona -> status code (302 for a visitor: sent to sign in).
OK, SIGN_IN, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 302, 403, 404, 302
RUN_BY_COORDINATORS = {
    **dict.fromkeys(PERSONAS, FORBIDDEN),
    "visitor": SIGN_IN,
    "coordinator": OK,
}
GET_MATRIX: dict[str, dict[str, int]] = {
    "list": {**dict.fromkeys(PERSONAS, OK), "visitor": SIGN_IN},
    "new": {
        "visitor": SIGN_IN,
        "member": FORBIDDEN,
        "mentee_applicant": FORBIDDEN,
        "mentor_applicant": OK,
        "coordinator": OK,
        "other_coordinator": OK,
        # A physician as well as a moderator: verified physicians start programs.
        "moderator": OK,
        "moderator_without_two_factor": OK,
        "suspended": FORBIDDEN,
    },
    "program": {**dict.fromkeys(PERSONAS, OK), "visitor": SIGN_IN},
    "edit": RUN_BY_COORDINATORS,
    "questions": RUN_BY_COORDINATORS,
    "applications": RUN_BY_COORDINATORS,
    "coordinators": {**RUN_BY_COORDINATORS, "moderator": OK},
    "apply_mentee": {
        "visitor": SIGN_IN,
        "member": FORBIDDEN,  # no mentoring preferences yet: told where to set them
        "mentee_applicant": REDIRECT,  # applied already: back to the program page
        "mentor_applicant": REDIRECT,
        "coordinator": FORBIDDEN,  # a physician: mentees are students and residents
        "other_coordinator": FORBIDDEN,
        "moderator": FORBIDDEN,
        "moderator_without_two_factor": FORBIDDEN,
        "suspended": FORBIDDEN,
    },
}


@pytest.fixture(autouse=True)
def _program_kind_delivery(monkeypatch: Any) -> None:
    program_kind_has_a_delivery(monkeypatch)


@pytest.fixture
def world() -> dict[str, Any]:
    program = make_program(slug="the-program")
    mentee_application = add_application(program, new_mentee(), status=ApplicationStatus.SUBMITTED)
    mentor_application = add_application(
        program, side=Side.MENTOR, status=ApplicationStatus.SUBMITTED
    )
    other = make_program()
    people: dict[str, Any] = {
        "visitor": None,
        "member": UserFactory.create(),
        "mentee_applicant": mentee_application.applicant,
        "mentor_applicant": mentor_application.applicant,
        "coordinator": program.created_by,
        "other_coordinator": other.created_by,
        "moderator": program_moderator(),
        "moderator_without_two_factor": program_moderator(),
        "suspended": make_mentee(UserFactory.create(suspended_at=timezone.now())),
    }
    return {"program": program, "people": people, "application": mentee_application}


def _client(world: dict[str, Any], persona: str) -> Client:
    return signed_in(world["people"][persona], two_factor=persona == "moderator")


def _url(page: str) -> str:
    if page == "list":
        return reverse("programs:list")
    if page == "new":
        return reverse("programs:new")
    if page == "apply_mentee":
        return reverse("programs:apply", kwargs={"slug": "the-program", "side": "mentee"})
    return reverse(f"programs:{page}", kwargs={"slug": "the-program"})


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(GET_MATRIX))
def test_each_page_answers_each_persona(world: dict[str, Any], page: str, persona: str) -> None:
    response = _client(world, persona).get(_url(page))
    assert response.status_code == GET_MATRIX[page][persona], response.content.decode()[:500]
    if persona == "visitor":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_decide_applications(world: dict[str, Any], persona: str) -> None:
    application = world["application"]
    response = _client(world, persona).post(
        reverse("programs:decide", kwargs={"slug": "the-program", "pk": application.pk}),
        {"action": "accept"},
    )
    expected = {"visitor": SIGN_IN, "coordinator": REDIRECT}.get(persona, FORBIDDEN)
    assert response.status_code == expected
    accepted = Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    assert accepted is (persona == "coordinator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_and_moderators_appoint_coordinators(
    world: dict[str, Any], persona: str
) -> None:
    newcomer = PhysicianFactory.create(handle="newcomer")
    response = _client(world, persona).post(
        reverse("programs:coordinators", kwargs={"slug": "the-program"}), {"handle": "newcomer"}
    )
    may = persona in ("coordinator", "moderator")
    expected = SIGN_IN if persona == "visitor" else REDIRECT if may else FORBIDDEN
    assert response.status_code == expected
    assert Coordinator.objects.filter(user=newcomer).exists() is may


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_coordinators_change_the_status(world: dict[str, Any], persona: str) -> None:
    response = _client(world, persona).post(
        reverse("programs:status", kwargs={"slug": "the-program"}),
        {"action": "close_applications"},
    )
    expected = {"visitor": SIGN_IN, "coordinator": REDIRECT}.get(persona, FORBIDDEN)
    assert response.status_code == expected
    status = world["program"].__class__.objects.get(pk=world["program"].pk).status
    assert (status == ProgramStatus.MATCHING) is (persona == "coordinator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_is_a_404_to_all_but_its_coordinators(world: dict[str, Any], persona: str) -> None:
    draft = make_program(slug="the-draft", status=ProgramStatus.DRAFT)
    Coordinator.objects.filter(program=draft).update(user=world["people"]["coordinator"])
    client = _client(world, persona)
    for page in ("program", "edit", "applications", "coordinators"):
        response = client.get(reverse(f"programs:{page}", kwargs={"slug": "the-draft"}))
        expected = {"visitor": SIGN_IN, "coordinator": OK}.get(persona, NOT_FOUND)
        assert response.status_code == expected, page


def test_a_suspended_coordinator_keeps_reading_but_cannot_run_the_program(
    world: dict[str, Any],
) -> None:
    coordinator = world["people"]["coordinator"]
    coordinator.suspended_at = timezone.now()
    coordinator.save()
    client = signed_in(coordinator)
    assert client.get(_url("program")).status_code == OK
    assert client.get(_url("applications")).status_code == FORBIDDEN
    response = client.post(
        reverse("programs:decide", kwargs={"slug": "the-program", "pk": world["application"].pk}),
        {"action": "accept"},
    )
    assert response.status_code == FORBIDDEN
    assert "Your account is suspended" in response.content.decode()


def test_writes_refuse_get(world: dict[str, Any]) -> None:
    client = _client(world, "coordinator")
    for name in ("status", "invite_link", "invite", "withdraw", "turn_down", "remove_coordinator"):
        assert (
            client.get(reverse(f"programs:{name}", kwargs={"slug": "the-program"})).status_code
            == 405
        )


def test_posts_need_the_csrf_token(world: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["people"]["coordinator"])
    response = client.post(
        reverse("programs:decide", kwargs={"slug": "the-program", "pk": world["application"].pk}),
        {"action": "accept"},
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=world["application"].pk).status == "submitted"
