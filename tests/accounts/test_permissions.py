from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from accounts.permissions import (
    ParticipationDenied,
    ensure_can_participate,
    participant_required,
    participation_problem,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@participant_required
def _write_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("written")


def test_a_verified_member_may_take_part(rf: RequestFactory, member: User) -> None:
    assert participation_problem(member) is None
    ensure_can_participate(member)
    request = rf.post("/write")
    request.user = member
    response = cast(HttpResponse, _write_view(request))
    assert response.status_code == 200
    assert response.content == b"written"


def test_an_unverified_email_may_not_take_part() -> None:
    member = UserFactory.create(email_verified=False)
    with pytest.raises(ParticipationDenied) as error:
        ensure_can_participate(member)
    assert error.value.code == "unverified_email"


def test_a_suspended_member_may_not_take_part() -> None:
    member = UserFactory.create(suspended_at=timezone.now(), suspension_reason="spam")
    with pytest.raises(ParticipationDenied) as error:
        ensure_can_participate(member)
    assert error.value.code == "suspended"


def test_a_suspension_that_ended_no_longer_applies() -> None:
    member = UserFactory.create(
        suspended_at=timezone.now() - timedelta(days=8),
        suspended_until=timezone.now() - timedelta(days=1),
    )
    assert not member.is_suspended
    assert participation_problem(member) is None
    ensure_can_participate(member)


def test_the_decorator_explains_why_a_suspended_member_is_refused(
    rf: RequestFactory, suspended: User
) -> None:
    request = rf.post("/write")
    request.user = suspended
    response = cast(HttpResponse, _write_view(request))
    assert response.status_code == 403
    assert b"suspended" in response.content


def test_the_decorator_sends_visitors_to_sign_in(rf: RequestFactory) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/write")
    request.user = AnonymousUser()
    response = cast(HttpResponse, _write_view(request))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
