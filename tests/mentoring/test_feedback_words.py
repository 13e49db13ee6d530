"""Each side of a mentorship is told, on the feedback forms, who will read what it writes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.models import Mentorship
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

FOR_MENTORS = "Your mentee never sees your rating or your comments."
FOR_MENTEES = "A mentor never sees a comment with your name"

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship(make_mentor().user, make_mentee())


def _form(member: object, url: str) -> str:
    client = Client()
    client.force_login(member)  # type: ignore[arg-type]
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_completion_form_speaks_to_the_side_filling_it_in(mentorship: Mentorship) -> None:
    url = reverse("mentoring:complete", kwargs={"pk": mentorship.pk})
    as_mentor = _form(mentorship.mentor, url)
    assert FOR_MENTORS in as_mentor
    assert FOR_MENTEES not in as_mentor
    as_mentee = _form(mentorship.mentee, url)
    assert FOR_MENTEES in as_mentee
    assert FOR_MENTORS not in as_mentee


def test_the_feedback_form_after_the_end_speaks_to_each_side(mentorship: Mentorship) -> None:
    Mentorship.objects.filter(pk=mentorship.pk).update(status="completed")
    url = reverse("mentoring:feedback", kwargs={"pk": mentorship.pk})
    assert FOR_MENTORS in _form(mentorship.mentor, url)
    assert FOR_MENTEES in _form(mentorship.mentee, url)
