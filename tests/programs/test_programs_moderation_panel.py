"""Programs in the moderation panel (programs/admin.py), for a moderator who holds exactly
what the Moderators group gives (moderation migration 0012): they open a program, appoint
and remove its coordinators (never the last one), see who applied, and never read the
applicants' answers or change the program's own settings.

Who reaches these pages at all (visitors, members, staff outside the group, moderators
without two-factor) is in tests/moderation/test_panel_permissions.py."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification
from programs.models import Application, ApplicationStatus, Coordinator, Program, Question
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import PhysicianFactory, UserFactory
from tests.moderation.conftest import make_moderator
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "My private reason for applying"


@pytest.fixture
def moderator() -> User:
    """A moderator of the Moderators group and nothing more."""
    return make_moderator()


@pytest.fixture
def client(moderator: User) -> Client:
    client = Client()
    sign_in_with_two_factor(client, moderator)
    return client


def _change_url(program: Program) -> str:
    return reverse("admin:programs_program_change", args=[program.pk])


def _formset(program: Program, rows: list[dict[str, str]], *, initial: int) -> dict[str, str]:
    """The program form as the panel posts it: the coordinators inline with `rows`, the
    read-only applications inline empty."""
    data = {
        "coordinators-TOTAL_FORMS": str(len(rows)),
        "coordinators-INITIAL_FORMS": str(initial),
        "coordinators-MIN_NUM_FORMS": "0",
        "coordinators-MAX_NUM_FORMS": "1000",
        "applications-TOTAL_FORMS": "0",
        "applications-INITIAL_FORMS": "0",
        "applications-MIN_NUM_FORMS": "0",
        "applications-MAX_NUM_FORMS": "0",
    }
    for index, row in enumerate(rows):
        data[f"coordinators-{index}-program"] = str(program.pk)
        for name, value in row.items():
            data[f"coordinators-{index}-{name}"] = value
    return data


def _existing(program: Program, *, delete: Collection[int] = ()) -> list[dict[str, str]]:
    rows = []
    for coordinator in Coordinator.objects.filter(program=program).order_by("pk"):
        row = {"id": str(coordinator.pk)}
        if coordinator.user_id in delete:
            row["DELETE"] = "on"
        rows.append(row)
    return rows


def _coordinators(program: Program) -> set[int]:
    return set(Coordinator.objects.filter(program=program).values_list("user_id", flat=True))


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_a_moderator_opens_a_program_with_its_coordinators_and_applicants(
    client: Client,
) -> None:
    coordinator = PhysicianFactory.create(display_name="Dr. Coordinating")
    program = make_program(coordinator, name="Pathways North")
    question = Question.objects.create(program=program, prompt="Why this program?")
    application = apply(program, answers={str(question.pk): SECRET_ANSWER})
    changelist = client.get(reverse("admin:programs_program_changelist"))
    assert changelist.status_code == 200
    assert "Pathways North" in changelist.content.decode()
    response = client.get(_change_url(program))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pathways North" in html
    assert str(coordinator.pk) in html
    assert application.applicant.display_name in html or application.applicant.handle in html
    assert SECRET_ANSWER not in html
    # The invitation link is the coordinators' to share.
    assert program.invite_token not in html


def test_a_moderator_never_reads_an_applicants_answers(client: Client) -> None:
    program = make_program()
    question = Question.objects.create(program=program, prompt="Why this program?")
    application = apply(
        program, status=ApplicationStatus.SUBMITTED, answers={str(question.pk): SECRET_ANSWER}
    )
    listing = client.get(reverse("admin:programs_application_changelist"))
    assert listing.status_code == 200
    detail = client.get(reverse("admin:programs_application_change", args=[application.pk]))
    assert detail.status_code == 200
    assert SECRET_ANSWER not in detail.content.decode()
    assert SECRET_ANSWER not in listing.content.decode()
    # Nor change, add or delete an application.
    response = client.post(
        reverse("admin:programs_application_change", args=[application.pk]),
        {"status": ApplicationStatus.ACCEPTED},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert client.get(reverse("admin:programs_application_add")).status_code == 403
    delete = reverse("admin:programs_application_delete", args=[application.pk])
    assert client.get(delete).status_code == 403


def test_a_moderator_appoints_a_coordinator_who_is_told(client: Client, moderator: User) -> None:
    program = make_program()
    newcomer = UserFactory.create()
    rows = [*_existing(program), {"user": str(newcomer.pk)}]
    response = client.post(_change_url(program), _formset(program, rows, initial=len(rows) - 1))
    assert response.status_code == 302
    appointed = Coordinator.objects.get(program=program, user=newcomer)
    assert appointed.appointed_by == moderator
    notice = Notification.objects.get(recipient=newcomer)
    assert notice.title == f"You are now a coordinator of {program.name}"


def test_a_moderator_removes_a_coordinator(client: Client) -> None:
    first = PhysicianFactory.create()
    program = make_program(first)
    second = PhysicianFactory.create()
    Coordinator.objects.create(program=program, user=second, appointed_by=first)
    rows = _existing(program, delete={first.pk})
    response = client.post(_change_url(program), _formset(program, rows, initial=len(rows)))
    assert response.status_code == 302
    assert _coordinators(program) == {second.pk}


def test_the_last_coordinator_stays_and_the_moderator_is_told_why(client: Client) -> None:
    coordinator = PhysicianFactory.create()
    program = make_program(coordinator)
    rows = _existing(program, delete={coordinator.pk})
    response = client.post(
        _change_url(program), _formset(program, rows, initial=len(rows)), follow=True
    )
    assert response.status_code == 200
    assert _coordinators(program) == {coordinator.pk}
    assert any("at least one coordinator" in text for text in _messages(response))


def test_removing_every_coordinator_at_once_keeps_one(client: Client) -> None:
    first, second = PhysicianFactory.create(), PhysicianFactory.create()
    program = make_program(first)
    Coordinator.objects.create(program=program, user=second, appointed_by=first)
    rows = _existing(program, delete={first.pk, second.pk})
    response = client.post(
        _change_url(program), _formset(program, rows, initial=len(rows)), follow=True
    )
    assert response.status_code == 200
    assert len(_coordinators(program)) == 1
    assert any("at least one coordinator" in text for text in _messages(response))


def test_appointing_a_coordinator_twice_is_refused_with_the_reason(client: Client) -> None:
    coordinator = PhysicianFactory.create(display_name="Dr. Already There")
    program = make_program(coordinator)
    rows = [*_existing(program), {"user": str(coordinator.pk)}]
    response = client.post(
        _change_url(program), _formset(program, rows, initial=len(rows) - 1), follow=True
    )
    assert response.status_code == 200
    assert Coordinator.objects.filter(program=program).count() == 1
    # The panel finds the member twice in the list before anything is saved, and says so.
    assert "Please correct the duplicate data for user." in response.content.decode()


def test_a_suspended_member_cannot_be_appointed(client: Client) -> None:
    program = make_program()
    suspended = UserFactory.create(suspended_at=timezone.now())
    rows = [*_existing(program), {"user": str(suspended.pk)}]
    response = client.post(
        _change_url(program), _formset(program, rows, initial=len(rows) - 1), follow=True
    )
    assert response.status_code == 200
    assert not Coordinator.objects.filter(program=program, user=suspended).exists()
    assert any("cannot take part" in text for text in _messages(response))


def test_a_moderator_cannot_change_a_programs_own_settings(client: Client) -> None:
    program = make_program(name="Pathways North")
    data = _formset(program, _existing(program), initial=1)
    data.update(name="Renamed by a moderator", status="closed", mentee_capacity="1")
    client.post(_change_url(program), data)
    program.refresh_from_db()
    assert program.name == "Pathways North"
    assert program.status == "open"
    assert program.mentee_capacity != 1


def test_a_moderator_cannot_add_or_delete_programs(client: Client) -> None:
    program = make_program()
    assert client.get(reverse("admin:programs_program_add")).status_code == 403
    delete = reverse("admin:programs_program_delete", args=[program.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Program.objects.filter(pk=program.pk).exists()


def test_without_two_factor_a_moderator_changes_no_coordinator(moderator: User) -> None:
    program = make_program()
    client = Client()
    client.force_login(moderator)
    newcomer = UserFactory.create()
    rows = [*_existing(program), {"user": str(newcomer.pk)}]
    response = client.post(_change_url(program), _formset(program, rows, initial=1))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert not Coordinator.objects.filter(program=program, user=newcomer).exists()


def test_a_programs_coordinator_cannot_use_the_panel() -> None:
    coordinator = PhysicianFactory.create()
    program = make_program(coordinator)
    client = Client()
    client.force_login(coordinator)
    response = client.get(_change_url(program))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_moderators_group_holds_the_programs_permissions(moderator: User) -> None:
    moderator = User.objects.get(pk=moderator.pk)
    held = {perm for perm in moderator.get_all_permissions() if perm.startswith("programs.")}
    assert held == {
        "programs.view_program",
        "programs.change_program",
        "programs.view_coordinator",
        "programs.add_coordinator",
        "programs.delete_coordinator",
        "programs.view_application",
    }
    assert not Application.objects.exists()
