"""Members find programs: the mentoring home links to them, and a mentorship a program
opened names the program, with a link, in the header of the mentorship space."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from mentoring.models import Message
from moderation.services import file_report
from programs.models import Visibility
from tests.accounts.conftest import sign_in_with_two_factor
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentee, make_mentorship
from tests.moderation.conftest import make_moderator
from tests.programs.pairs import make_pair, running_program

pytestmark = pytest.mark.django_db

HEADER = "Matched in <a"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _header(html: str) -> str:
    start = html.index('<header class="mentorship-header">')
    return html[start : html.index("</header>", start)]


@pytest.mark.parametrize("persona", ["mentee", "mentor", "member"])
def test_the_mentoring_home_links_to_the_programs(persona: str) -> None:
    if persona == "mentee":
        user = make_mentee(UserFactory.create())
    elif persona == "mentor":
        user = make_mentorship().mentor
    else:
        user = UserFactory.create()
    html = _client(user).get(reverse("mentoring:home")).content.decode()
    assert f'href="{reverse("programs:list")}">Mentoring programs</a>' in html


def test_a_visitor_is_sent_to_sign_in_from_the_programs_list() -> None:
    response = Client().get(reverse("programs:list"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_a_program_mentorship_names_its_program_in_the_header(side: str) -> None:
    program = running_program(name="Pathways <b>North</b>", visibility=Visibility.INVITE_ONLY)
    pair = make_pair(program)
    mentorship = pair.mentorship
    member = mentorship.mentee if side == "mentee" else mentorship.mentor
    response = _client(member).get(mentorship.get_absolute_url())
    assert response.status_code == 200
    header = _header(response.content.decode())
    assert (
        f'Matched in <a href="{program.get_absolute_url()}">Pathways &lt;b&gt;North&lt;/b&gt;</a>'
        in header
    )
    assert program.organisation in header
    # The link leads to a page the member may see (they applied to the invite-only program).
    assert _client(member).get(program.get_absolute_url()).status_code == 200


def test_a_mentorship_outside_programs_names_none() -> None:
    mentorship = make_mentorship()
    html = _client(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    assert HEADER not in _header(html)


def test_a_moderator_reading_a_reported_program_mentorship_is_not_shown_the_program() -> None:
    program = running_program(name="Private Pathways", visibility=Visibility.INVITE_ONLY)
    mentorship = make_pair(program).mentorship
    message = Message.objects.create(
        mentorship=mentorship, sender=mentorship.mentor, body="Call me on my own number"
    )
    file_report(reporter=mentorship.mentee, target=message, reason="harassment")
    moderator = make_moderator()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    client = Client()
    sign_in_with_two_factor(client, User.objects.get(pk=moderator.pk))
    response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200
    assert "Private Pathways" not in _header(response.content.decode())


def test_an_outsider_gets_no_program_mentorship() -> None:
    mentorship = make_pair().mentorship
    response = _client(UserFactory.create()).get(mentorship.get_absolute_url())
    assert response.status_code == 404


def test_naming_the_program_costs_the_mentorship_page_no_query_of_its_own() -> None:
    """The program is joined to the mentorship's own query, never loaded on its own."""
    mentorship = make_pair().mentorship
    client = _client(mentorship.mentee)
    warm_rail(client)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(mentorship.get_absolute_url())
    assert HEADER in _header(response.content.decode())
    assert not [
        query["sql"]
        for query in captured.captured_queries
        if 'FROM "programs_program" WHERE' in query["sql"]
    ]
