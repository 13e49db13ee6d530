"""Read receipts in a mentorship: the page marks messages read by a POST (a GET writes
nothing), replying counts as reading, and only the pair can mark."""

from __future__ import annotations

import pytest
from django.test import Client

from mentoring import services
from mentoring.models import Mentorship, Message
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship(make_mentor().user, make_mentee())


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_opening_the_page_marks_nothing_read_but_asks_htmx_to(mentorship: Mentorship) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    html = _client(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    message.refresh_from_db()
    assert message.read_at is None
    assert f'hx-post="/mentoring/mentorships/{mentorship.pk}/messages/read/"' in html
    assert 'hx-trigger="load"' in html


def test_the_sender_sees_seen_once_the_other_member_read_it(mentorship: Mentorship) -> None:
    Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    mentor = _client(mentorship.mentor)
    assert ">Seen</p>" not in mentor.get(mentorship.get_absolute_url()).content.decode()
    response = _client(mentorship.mentee).post(
        f"/mentoring/mentorships/{mentorship.pk}/messages/read/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert ">Seen</p>" in mentor.get(mentorship.get_absolute_url()).content.decode()
    # The reader's own page shows no "Seen": the last message is not theirs.
    mentee_html = _client(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    assert ">Seen</p>" not in mentee_html
    assert "messages/read/" not in mentee_html  # Nothing left unread.


def test_replying_marks_the_other_members_messages_read(mentorship: Mentorship) -> None:
    mine = Message.objects.create(mentorship=mentorship, sender=mentorship.mentee, body="Q")
    theirs = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="A")
    services.send_message(mentorship=mentorship, sender=mentorship.mentee, body="Thanks")
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is not None
    assert mine.read_at is None


def test_only_the_pair_marks_messages_read(mentorship: Mentorship) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    url = f"/mentoring/mentorships/{mentorship.pk}/messages/read/"
    assert _client(UserFactory.create()).post(url).status_code == 404
    assert Client().post(url).status_code == 302  # To sign in.
    assert _client(mentorship.mentee).get(url).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None
    # The sender reading their own conversation marks nothing of theirs.
    assert services.mark_messages_read(mentorship=mentorship, reader=mentorship.mentor) == 0
    assert services.mark_messages_read(mentorship=mentorship, reader=UserFactory.create()) == 0


def test_marking_read_is_one_query(
    mentorship: Mentorship, django_assert_max_num_queries: object
) -> None:
    for _ in range(5):
        Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body="Hi")
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        assert services.mark_messages_read(mentorship=mentorship, reader=mentorship.mentee) == 5
