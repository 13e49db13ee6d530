"""The rate of program applications (RATE_LIMITS["program_application"]): past it the
member gets the site's "Slow down" page, and no application is written and no coordinator
told."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Kind, Notification
from programs.models import Application
from tests.programs.factories import make_program, new_mentee
from tests.programs.program_personas import program_kind_has_a_delivery, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _program_kind_delivery(monkeypatch: Any) -> None:
    program_kind_has_a_delivery(monkeypatch)


def _apply_url(slug: str) -> str:
    return reverse("programs:apply", kwargs={"slug": slug, "side": "mentee"})


def test_past_the_limit_an_application_is_refused_with_the_friendly_page(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "program_application": "1/d"}
    first, second = make_program(), make_program()
    mentee = new_mentee()
    client = signed_in(mentee)
    assert client.post(_apply_url(first.slug), {}).status_code == 302
    assert Application.objects.filter(applicant=mentee, program=first).exists()
    refused = client.post(_apply_url(second.slug), {})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Slow down" in html and "You have done that too many times" in html
    assert 0 < int(refused["Retry-After"]) <= 86400
    # Nothing written, and the second program's coordinator hears of nothing.
    assert not Application.objects.filter(applicant=mentee, program=second).exists()
    assert not Notification.objects.filter(recipient=second.created_by, kind=Kind.PROGRAM).exists()
    # The form still opens; another member has their own allowance.
    assert client.get(_apply_url(second.slug)).status_code == 200
    assert signed_in(new_mentee()).post(_apply_url(second.slug), {}).status_code == 302
    assert Application.objects.filter(program=second).count() == 1


def test_within_the_limit_applying_works_as_before(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "program_application": "3/d"}
    mentee = new_mentee()
    client = signed_in(mentee)
    programs = [make_program() for _ in range(3)]
    for program in programs:
        assert client.post(_apply_url(program.slug), {}).status_code == 302
    assert Application.objects.filter(applicant=mentee).count() == 3
