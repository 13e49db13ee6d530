"""The page tools' list of main pages (bench/demo_site.py) matches the URLconf and the demo
data: every page resolves to a view and answers 200 to each audience it is listed for, so
the screenshots, Lighthouse and the accessibility test never silently visit a dead page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from accounts.models import User
from bench.demo_site import (
    AUDIENCES,
    DEMO_EMAILS,
    MAIN_PAGES,
    PAGE_NAMES,
    TRUST_PAGES,
    page_paths,
)
from tests.accounts.conftest import sign_in_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def paths() -> dict[str, str]:
    call_command("seed_demo", stdout=StringIO())
    return page_paths()


def client_for(audience: str) -> Client:
    client = Client()
    if audience == "member":
        client.force_login(User.objects.get(email=DEMO_EMAILS["member"]))
    elif audience == "coordinator":
        client.force_login(User.objects.get(email=DEMO_EMAILS["coordinator"]))
    elif audience == "moderator":
        sign_in_with_two_factor(client, User.objects.get(email=DEMO_EMAILS["moderator"]))
    return client


def test_every_main_page_has_a_path_and_nothing_else_does(paths: dict[str, str]) -> None:
    assert set(paths) == set(PAGE_NAMES)
    assert len(PAGE_NAMES) == len(set(PAGE_NAMES))


def test_every_main_page_answers_each_of_its_audiences(paths: dict[str, str]) -> None:
    clients = {audience: client_for(audience) for audience in AUDIENCES}
    answers = {}
    for page in MAIN_PAGES:
        for audience in page.audiences:
            path = paths[page.name]
            status = clients[audience].get(path).status_code
            if page.name in TRUST_PAGES and status == 404:
                continue  # Not built on every branch: the tools skip it with a note.
            resolve(path.split("?")[0])
            answers[f"{page.name} ({audience})"] = status
    assert answers == dict.fromkeys(answers, 200)
    assert "home (visitor)" in answers and "moderation-panel (moderator)" in answers
    assert "program-dashboard (coordinator)" in answers and "program-apply (member)" in answers


def test_the_page_list_follows_the_demo_data(paths: dict[str, str]) -> None:
    """The post is public and the mentorship is the demo student's: a visitor may read one,
    and the student's own space is the one shown."""
    assert Client().get(paths["post"]).status_code == 200
    other = Client()
    other.force_login(User.objects.get(email="highschool@rounds.test"))
    assert other.get(paths["mentorship"]).status_code in (403, 404)


def test_the_program_pages_are_the_coordinators_and_show_the_demo_figures(
    paths: dict[str, str],
) -> None:
    """The coordinators' pages are listed for the coordinator only: the demo student gets
    no dashboard, and the page the student is listed for answers their invitation."""
    member = client_for("member")
    for name in ("program-matching", "program-pairs", "program-surveys", "program-dashboard"):
        assert member.get(paths[name]).status_code in (403, 404), name
    dashboard = client_for("coordinator").get(paths["program-dashboard"]).content.decode()
    assert "fewer than 5: not shown" not in dashboard
    invitation = member.get(paths["program-apply"]).content.decode()
    assert "Emergency Medicine Match Clinic" in invitation
