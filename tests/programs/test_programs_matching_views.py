"""The matching pages: who may see them, each action through the page, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring.models import Mentorship
from programs.models import (
    MatchingMethod,
    MatchRun,
    Program,
    ProgramStatus,
    RunStatus,
    Side,
    Visibility,
)
from programs.services import matching as services
from tests.accounts.conftest import sign_in_with_two_factor
from tests.conftest import warm_rail
from tests.factories import HighSchoolStudentFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.programs.factories import apply, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return PhysicianFactory.create(display_name="Dr. Coordinator")


@pytest.fixture
def program(coordinator: User) -> Program:
    return make_program(coordinator, status=ProgramStatus.MATCHING)


def _cohort(program: Program, mentees: int = 2, mentors: int = 2) -> None:
    for k in range(mentors):
        user = PhysicianFactory.create(display_name=f"Dr. Mentor {k}")
        make_mentor(user, capacity=5)
        apply(program, user, side=Side.MENTOR, capacity=2)
    for k in range(mentees):
        user = UserFactory.create(display_name=f"Mentee {k}")
        make_mentee(user)
        apply(program, user)


def _url(program: Program, name: str = "matching", **kwargs: Any) -> str:
    return reverse(f"programs:{name}", kwargs={"slug": program.slug, **kwargs})


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# --- Who may see it ---------------------------------------------------------------------


def _viewer(kind: str, program: Program, client: Client) -> Client:
    if kind == "visitor":
        return client
    if kind == "member":
        user = UserFactory.create()
    elif kind == "mentee applicant":
        user = apply(program).applicant
    elif kind == "mentor applicant":
        user = apply(program, side=Side.MENTOR).applicant
    elif kind == "coordinator":
        user = program.coordinators.get().user
    elif kind == "other coordinator":
        user = make_program().coordinators.get().user
    elif kind == "moderator":
        from tests.moderation.conftest import make_moderator

        user = make_moderator()
        sign_in_with_two_factor(client, user)
        return client
    elif kind == "moderator without two-factor":
        from tests.moderation.conftest import make_moderator

        user = make_moderator(with_mfa=False)
    else:
        raise AssertionError(kind)
    return _signed_in(client, user)


PUBLIC_EXPECTED = {
    "visitor": 302,
    "member": 403,
    "mentee applicant": 403,
    "mentor applicant": 403,
    "coordinator": 200,
    "other coordinator": 403,
    "moderator": 403,
    "moderator without two-factor": 403,
}
# Invite-only: those who may not know the program exists get 404; its applicants see it.
INVITE_ONLY_EXPECTED = {**PUBLIC_EXPECTED, "member": 404, "other coordinator": 404}
INVITE_ONLY_EXPECTED.update({"moderator": 404, "moderator without two-factor": 404})


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.INVITE_ONLY])
@pytest.mark.parametrize("kind", list(PUBLIC_EXPECTED))
def test_matching_page_permissions(
    kind: str, visibility: str, program: Program, client: Client
) -> None:
    Program.objects.filter(pk=program.pk).update(visibility=visibility)
    program.refresh_from_db()
    viewer = _viewer(kind, program, client)
    expected = (PUBLIC_EXPECTED if visibility == Visibility.PUBLIC else INVITE_ONLY_EXPECTED)[kind]
    for url in (_url(program), _url(program, "matching_publish")):
        response = viewer.get(url)
        assert response.status_code in (expected, 302 if expected == 200 else expected), url
    response = viewer.get(_url(program))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if expected == 403:
        assert "Only the program&#x27;s coordinators can match its members." in response.text


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("matching_run", {}),
        ("matching_method", {}),
        ("matching_swap", {}),
        ("matching_discard", {}),
        ("matching_publish", {}),
        ("matching_lock", {"pk": 1}),
        ("matching_exclude", {"pk": 1}),
    ],
)
def test_actions_refuse_everyone_but_coordinators(
    name: str, kwargs: dict[str, int], program: Program, client: Client
) -> None:
    _cohort(program)
    coordinator = program.coordinators.get().user
    run = services.run_matching(program=program, actor=coordinator)
    pair = run.pairs.first()
    assert pair is not None
    kwargs = {key: pair.pk if name == "matching_lock" else pair.mentor_id for key in kwargs}
    _signed_in(client, UserFactory.create())
    response = client.post(_url(program, name, **kwargs), {"method": "stable", "run": run.pk})
    assert response.status_code == 403
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.PROPOSED
    assert not Mentorship.objects.exists()
    assert client.get(_url(program, name, **kwargs)).status_code in (403, 405)


def test_actions_need_the_csrf_token(program: Program, coordinator: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(_url(program, "matching_run"))
    assert response.status_code == 403
    assert not MatchRun.objects.exists()


# --- The page and its actions -----------------------------------------------------------


def test_the_page_before_any_run(program: Program, coordinator: User, client: Client) -> None:
    response = _signed_in(client, coordinator).get(_url(program))
    assert response.status_code == 200
    assert "No proposal yet" in response.text
    assert "Best total match: as many mentees as possible get a mentor" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "<main" in response.text


def test_run_then_review_the_proposal(program: Program, coordinator: User, client: Client) -> None:
    _cohort(program)
    minor = HighSchoolStudentFactory.create(display_name="<b>Young</b> Kim")
    make_mentee(minor)
    apply(program, minor)
    _signed_in(client, coordinator)

    response = client.post(_url(program, "matching_run"), follow=True)

    assert "Matching done: 2 pairs proposed, 1 mentee without a mentor" in response.text
    run = MatchRun.objects.get(program=program, status=RunStatus.PROPOSED)
    page = client.get(_url(program)).text
    assert "Helps with your goal: MCAT" in page
    assert "&lt;b&gt;Young&lt;/b&gt; Kim" in page and "<b>Young</b>" not in page
    assert "do not mentor high-school students" in page
    assert f"{run.total_score:.1f}" in page
    assert "pairing the best pair first would reach" in page
    assert "Run again, keeping locked pairs" in page


def test_lock_swap_exclude_discard_through_the_page(
    program: Program, coordinator: User, client: Client
) -> None:
    _cohort(program, mentees=2, mentors=2)
    _signed_in(client, coordinator)
    client.post(_url(program, "matching_run"))
    run = MatchRun.objects.get(status=RunStatus.PROPOSED)
    first, second = run.pairs.order_by("pk")
    if first.mentor_id == second.mentor_id:
        pytest.skip("both mentees went to one mentor")

    response = client.post(_url(program, "matching_swap"), {"pair": [first.pk]}, follow=True)
    assert "Tick exactly two pairs to swap their mentors." in response.text
    response = client.post(_url(program, "matching_swap"), {"pair": ["x", "y"]}, follow=True)
    assert "Choose two pairs of the current proposal" in response.text
    response = client.post(
        _url(program, "matching_swap"), {"pair": [first.pk, second.pk]}, follow=True
    )
    assert "Mentors swapped" in response.text
    first.refresh_from_db()
    assert first.mentor_id != run.pairs.get(pk=second.pk).mentor_id

    response = client.post(
        _url(program, "matching_lock", pk=first.pk), {"locked": "1"}, follow=True
    )
    assert "Pair locked" in response.text
    first.refresh_from_db()
    assert first.locked

    response = client.post(
        _url(program, "matching_exclude", pk=first.mentor_id), {"excluded": "1"}, follow=True
    )
    assert "Unlock the pairs with" in response.text
    second.refresh_from_db()
    response = client.post(
        _url(program, "matching_exclude", pk=second.mentor_id), {"excluded": "1"}, follow=True
    )
    assert "is left out and the matching ran again" in response.text
    again = MatchRun.objects.get(status=RunStatus.PROPOSED)
    assert again.excluded_mentors == [second.mentor_id]
    assert "Left out" in response.text

    response = client.post(_url(program, "matching_discard"), follow=True)
    assert "Proposal discarded" in response.text
    assert not MatchRun.objects.filter(status=RunStatus.PROPOSED).exists()


def test_choosing_the_method(program: Program, coordinator: User, client: Client) -> None:
    _signed_in(client, coordinator)
    response = client.post(_url(program, "matching_method"), {"method": "stable"}, follow=True)
    assert "The matching method is now: Stable" in response.text
    program.refresh_from_db()
    assert program.matching_method == MatchingMethod.STABLE
    response = client.post(_url(program, "matching_method"), {"method": "<x>"}, follow=True)
    assert "Choose one of the matching methods offered." in response.text
    program.refresh_from_db()
    assert program.matching_method == MatchingMethod.STABLE


def test_publishing_asks_for_confirmation_then_publishes_once(
    program: Program, coordinator: User, client: Client
) -> None:
    _cohort(program)
    _signed_in(client, coordinator)
    client.post(_url(program, "matching_run"))
    run = MatchRun.objects.get(status=RunStatus.PROPOSED)

    confirm = client.get(_url(program, "matching_publish"))
    assert confirm.status_code == 200
    assert "Publish and open 2 mentorships" in confirm.text
    assert "Cohort 1" in confirm.text
    assert not Mentorship.objects.exists()

    too_long = client.post(_url(program, "matching_publish"), {"run": run.pk, "cohort": "x" * 61})
    assert too_long.status_code == 400
    assert "Keep the cohort&#x27;s name under 60 characters." in too_long.text

    response = client.post(
        _url(program, "matching_publish"), {"run": run.pk, "cohort": "Autumn"}, follow=True
    )
    assert "Autumn is published: 2 mentorships are open" in response.text
    assert Mentorship.objects.count() == 2
    program.refresh_from_db()
    assert program.status == ProgramStatus.RUNNING

    # The second click of a double click.
    response = client.post(
        _url(program, "matching_publish"), {"run": run.pk, "cohort": "Autumn"}, follow=True
    )
    assert "Autumn is already published." in response.text
    assert Mentorship.objects.count() == 2


def test_publishing_a_proposal_that_changed_is_refused(
    program: Program, coordinator: User, client: Client
) -> None:
    _cohort(program)
    _signed_in(client, coordinator)
    client.post(_url(program, "matching_run"))
    old = MatchRun.objects.get(status=RunStatus.PROPOSED)
    client.post(_url(program, "matching_run"))
    response = client.post(_url(program, "matching_publish"), {"run": old.pk}, follow=True)
    assert "The proposal changed since you reviewed it." in response.text
    assert not Mentorship.objects.exists()
    response = client.post(_url(program, "matching_publish"), {"run": "abc"})
    assert response.status_code == 400


def test_a_pair_of_another_program_is_not_found(
    program: Program, coordinator: User, client: Client
) -> None:
    other = make_program(coordinator)
    _cohort(other)
    run = services.run_matching(program=other, actor=coordinator)
    pair = run.pairs.first()
    assert pair is not None
    _signed_in(client, coordinator)
    response = client.post(_url(program, "matching_lock", pk=pair.pk), {"locked": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("size", [2, 8])
def test_the_page_reads_a_fixed_number_of_queries(
    size: int,
    program: Program,
    coordinator: User,
    client: Client,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    _cohort(program, mentees=size, mentors=size)
    services.publish(
        run=services.run_matching(program=program, actor=coordinator), actor=coordinator
    )
    _cohort(program, mentees=size + 1, mentors=0)
    high_school = HighSchoolStudentFactory.create()
    make_mentee(high_school)
    apply(program, high_school)
    run = services.run_matching(program=program, actor=coordinator)
    assert run.pairs.count() == size and len(run.unmatched) == 2
    _signed_in(client, coordinator)
    warm_rail(client)
    with django_assert_max_num_queries(14):
        response = client.get(_url(program))
    assert response.status_code == 200
