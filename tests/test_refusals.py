"""Every app's refusal is one kind of error, handled the same way where no view catches it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from accounts.permissions import ParticipationDenied
from accounts.services import AccountActionError, MemberUnavailable
from community import views
from community.errors import Refused, refusal_messages
from mentoring.workflow import Refused as MentoringRefused
from mentoring.workflow import TransitionRefused
from moderation.services import AlreadyReported, ModerationRefused
from posts.services import NotAllowed
from tests.factories import UserFactory

APP_REFUSALS = [
    ParticipationDenied,
    AccountActionError,
    MemberUnavailable,
    NotAllowed,
    MentoringRefused,
    TransitionRefused,
    ModerationRefused,
    AlreadyReported,
]


@pytest.mark.parametrize("kind", APP_REFUSALS)
def test_every_apps_refusal_has_the_one_base_with_its_message_and_code(
    kind: type[Refused],
) -> None:
    refusal = kind("Not now, and here is why.")
    assert isinstance(refusal, Refused)
    assert isinstance(refusal, PermissionDenied)
    assert refusal.message == "Not now, and here is why."
    assert str(refusal) == "Not now, and here is why."
    assert refusal.code
    assert refusal_messages(refusal) == ["Not now, and here is why."]


def test_a_refusal_takes_a_code_of_its_own() -> None:
    assert ParticipationDenied("Suspended.", "suspended").code == "suspended"
    assert AlreadyReported("Once is enough.").code == "already_reported"
    assert Refused("No.").code == "refused"


def test_refusal_messages_reads_invalid_input_too() -> None:
    error = ValidationError(["Write something first.", "Choose who can see this post."])
    assert refusal_messages(error) == ["Write something first.", "Choose who can see this post."]
    assert refusal_messages(PermissionDenied()) == ["You can't do that."]


@pytest.mark.django_db
def test_a_refusal_no_view_caught_gets_the_403_page_saying_why(rf: RequestFactory) -> None:
    request = rf.get("/somewhere")
    request.user = UserFactory.create()
    response = views.permission_denied(request, NotAllowed("Only the author can change this post."))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only the author can change this post." in html
    assert "You do not have permission to see this page" not in html
    plain = views.permission_denied(request, PermissionDenied())
    assert "You do not have permission to see this page" in plain.content.decode()
