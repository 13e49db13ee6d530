"""The pages of pairs after the match: who may open each one (the permissions matrix), the
coordinators' list of pairs and its query count, and the milestone editor end to end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from programs.milestones import add_default_milestones
from programs.models import (
    AlertKind,
    Milestone,
    MilestoneCompletion,
    MilestoneKind,
    Program,
    ProgramPair,
    ProgramStatus,
    StallAlert,
    Visibility,
)
from tests.factories import UserFactory
from tests.programs.factories import make_program
from tests.programs.pairs import make_pair, message, running_program, sign_in_as_moderator

pytestmark = pytest.mark.django_db

PERSONAS = [
    "visitor",
    "member",
    "mentee",
    "mentor",
    "other_pair",
    "coordinator",
    "other_coordinator",
    "moderator",
]


@dataclass
class World:
    program: Program
    pair: ProgramPair
    other_pair: ProgramPair
    custom: Milestone
    people: dict[str, User | None]


@pytest.fixture
def world(moderator: User) -> World:
    program = running_program()
    add_default_milestones(program)
    custom = Milestone.objects.create(
        program=program, kind=MilestoneKind.CUSTOM, title="Shadow a clinic", due_after_days=30
    )
    pair = make_pair(program)
    other_pair = make_pair(program)
    return World(
        program=program,
        pair=pair,
        other_pair=other_pair,
        custom=custom,
        people={
            "visitor": None,
            "member": UserFactory.create(),
            "mentee": pair.mentorship.mentee,
            "mentor": pair.mentorship.mentor,
            "other_pair": other_pair.mentorship.mentee,
            "coordinator": program.created_by,
            "other_coordinator": make_program().created_by,
            "moderator": moderator,
        },
    )


def _sign_in(client: Client, world: World, persona: str) -> None:
    user = world.people[persona]
    if user is None:
        return
    if persona == "moderator":
        sign_in_as_moderator(client, user)
    else:
        client.force_login(user)


COORDINATOR_PAGES = ["milestones", "pairs", "survey_results"]


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_coordinator_pages_matrix(client: Client, world: World, page: str, persona: str) -> None:
    _sign_in(client, world, persona)
    response = client.get(reverse(f"programs:{page}", kwargs={"slug": world.program.slug}))
    expected = {"visitor": 302, "coordinator": 200}.get(persona, 403)
    assert response.status_code == expected
    if expected == 403:
        assert (
            "Only the program&#x27;s coordinators can see this page." in response.content.decode()
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_milestone_writes_matrix(client: Client, world: World, persona: str) -> None:
    _sign_in(client, world, persona)
    slug, pk = world.program.slug, world.custom.pk
    posts = [
        (
            reverse("programs:milestones", kwargs={"slug": slug}),
            {"title": "New", "kind": "custom", "due_after_days": "5"},
        ),
        (
            reverse("programs:milestone_edit", kwargs={"slug": slug, "pk": pk}),
            {"title": "Changed", "kind": "custom", "due_after_days": "6"},
        ),
        (reverse("programs:milestone_move", kwargs={"slug": slug, "pk": pk}), {"direction": "up"}),
    ]
    expected = {"visitor": 302, "coordinator": 302}.get(persona, 403)
    for url, data in posts:
        assert client.post(url, data).status_code == expected
    remove = reverse("programs:milestone_remove", kwargs={"slug": slug, "pk": pk})
    assert client.post(remove).status_code == expected
    kept = Milestone.objects.filter(pk=pk).exists()
    assert kept == (persona != "coordinator")
    if persona != "coordinator":
        assert not Milestone.objects.filter(title="New").exists()
        assert Milestone.objects.get(pk=pk).title == "Shadow a clinic"


@pytest.mark.parametrize("persona", PERSONAS)
def test_milestone_done_matrix(client: Client, world: World, persona: str) -> None:
    _sign_in(client, world, persona)
    url = reverse(
        "programs:milestone_done",
        kwargs={
            "slug": world.program.slug,
            "pair_pk": world.pair.pk,
            "milestone_pk": world.custom.pk,
        },
    )
    expected = {"visitor": 302, "mentee": 302, "mentor": 302}.get(persona, 404)
    assert client.post(url).status_code == expected
    assert MilestoneCompletion.objects.exists() == (persona in ("mentee", "mentor"))


def test_marking_done_needs_a_post(client: Client, world: World) -> None:
    _sign_in(client, world, "mentee")
    url = reverse(
        "programs:milestone_done",
        kwargs={
            "slug": world.program.slug,
            "pair_pk": world.pair.pk,
            "milestone_pk": world.custom.pk,
        },
    )
    assert client.get(url).status_code == 405
    assert not MilestoneCompletion.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_survey_page_matrix(client: Client, world: World, persona: str) -> None:
    _sign_in(client, world, persona)
    response = client.get(
        reverse("programs:survey", kwargs={"slug": world.program.slug, "form": "midpoint"})
    )
    expected = {"visitor": 302, "mentee": 200, "mentor": 200, "other_pair": 200}.get(persona, 403)
    assert response.status_code == expected


@pytest.mark.parametrize("page", COORDINATOR_PAGES)
def test_a_draft_invite_only_programs_pages_are_not_found_for_outsiders(
    client: Client, page: str
) -> None:
    program = make_program(status=ProgramStatus.DRAFT, visibility=Visibility.INVITE_ONLY)
    client.force_login(UserFactory.create())
    response = client.get(reverse(f"programs:{page}", kwargs={"slug": program.slug}))
    assert response.status_code == 404


def test_an_unknown_program_is_not_found(client: Client) -> None:
    client.force_login(UserFactory.create())
    assert client.get(reverse("programs:pairs", kwargs={"slug": "nothing-here"})).status_code == 404


# --- The coordinators' list of pairs -------------------------------------------------------------


def test_the_pairs_page_lists_stalled_pairs_first_with_their_progress(client: Client) -> None:
    program = running_program()
    add_default_milestones(program)
    calm = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=3))
    message(calm, timezone.now() - dt.timedelta(hours=1))
    stuck = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=30))
    StallAlert.objects.create(pair=stuck, kind=AlertKind.NUDGE, reason="No message for 30 days")
    assert program.created_by is not None
    client.force_login(program.created_by)
    page = client.get(reverse("programs:pairs", kwargs={"slug": program.slug})).content.decode()
    assert "2 pairs, 1 stalled" in page
    assert page.index(f'id="pair-{stuck.pk}"') < page.index(f'id="pair-{calm.pk}"')
    assert stuck.mentorship.mentee.display_name in page
    assert calm.mentorship.mentor.display_name in page
    assert "Nudged" in page and "No message for 30 days" in page
    assert "None yet" in page  # the stuck pair's last contact
    assert "0 of 4 done" in page
    assert "Overdue</span> First meeting" in page


@pytest.mark.parametrize("count", [2, 10])
def test_the_pairs_page_has_a_fixed_query_count(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    program = running_program()
    add_default_milestones(program)
    for _ in range(count):
        pair = make_pair(program, matched_at=timezone.now() - dt.timedelta(days=30))
        message(pair, timezone.now())
        StallAlert.objects.create(pair=pair, kind=AlertKind.NUDGE, reason="Quiet")
    assert program.created_by is not None
    client.force_login(program.created_by)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("programs:pairs", kwargs={"slug": program.slug}))
    assert response.content.decode().count('<tr id="pair-') == count


@pytest.mark.parametrize("count", [1, 8])
def test_the_survey_results_and_milestones_pages_have_fixed_query_counts(
    client: Client, django_assert_max_num_queries: Callable[..., Any], count: int
) -> None:
    program = running_program()
    for index in range(count):
        Milestone.objects.create(
            program=program, kind=MilestoneKind.CUSTOM, title=f"S{index}", due_after_days=5
        )
    assert program.created_by is not None
    client.force_login(program.created_by)
    for page in ("milestones", "survey_results"):
        with django_assert_max_num_queries(10):
            response = client.get(reverse(f"programs:{page}", kwargs={"slug": program.slug}))
        assert response.status_code == 200


def test_the_editor_moves_milestones_up_and_down(client: Client) -> None:
    program = running_program()
    add_default_milestones(program)
    assert program.created_by is not None
    client.force_login(program.created_by)
    goals = Milestone.objects.get(program=program, kind=MilestoneKind.GOALS_SET)
    url = reverse("programs:milestone_move", kwargs={"slug": program.slug, "pk": goals.pk})
    client.post(url, {"direction": "up"})
    page = client.get(
        reverse("programs:milestones", kwargs={"slug": program.slug})
    ).content.decode()
    assert page.index("Goals set") < page.index("First meeting")
    response = client.post(url, {"direction": "sideways"}, follow=True)
    assert "Move a milestone up or down." in response.content.decode()
