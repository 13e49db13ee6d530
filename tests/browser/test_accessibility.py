"""axe-core finds no serious or critical violation on the pages people use most, and no
page scrolls sideways on a 360 px phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mentoring.models import Message
from posts.services import add_comment, publish_post
from tests.accounts.conftest import sign_in_with_two_factor
from tests.browser.conftest import axe_violations, scrolls_sideways
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]


@pytest.fixture
def community() -> dict[str, Any]:
    """A student with preferences, a mentor, a mentorship with messages, a post with a
    comment, and a notification for the student."""
    student = make_mentee(UserFactory.create(display_name="Maya Chen", handle="maya"))
    mentor = make_mentor().user
    mentorship = make_mentorship(mentor=mentor, mentee=student)
    Message.objects.create(mentorship=mentorship, sender=mentor, body="Welcome!")
    post = publish_post(author=mentor, title="Hydration", body="Drink water. #Heat")
    add_comment(author=student, post=post, body="Thanks!")
    add_comment(author=mentor, post=post, body="You're welcome, Maya.")
    return {"student": student, "post": post, "mentorship": mentorship}


def _signed_in_pages(community: dict[str, Any]) -> list[str]:
    return [
        "/",
        "/explore/",
        f"/posts/{community['post'].pk}/",
        "/@maya/",
        "/mentoring/suggestions/",
        f"/mentoring/mentorships/{community['mentorship'].pk}/",
        "/notifications/",
        "/settings/profile/",
        "/posts/new/",
        "/programs/",
    ]


def _sign_in(page: Any, live_server: Any, user: Any, *, with_a_code: bool = False) -> None:
    """Give the browser a session of `user`'s; `with_a_code`: one that passed two-factor,
    as the panel requires of moderators."""
    client = Client()
    if with_a_code:
        sign_in_with_two_factor(client, user)
    else:
        client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violation(page: Any, path: str) -> None:
    page.goto(path)
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_fit_a_360px_phone(phone_page: Any, path: str) -> None:
    phone_page.goto(path)
    assert not scrolls_sideways(phone_page)


def test_member_pages_have_no_serious_accessibility_violation(
    page: Any, live_server: Any, community: dict[str, Any]
) -> None:
    _sign_in(page, live_server, community["student"])
    problems = {}
    for path in _signed_in_pages(community):
        response = page.goto(path)
        assert response.status == 200, path
        if violations := axe_violations(page):
            problems[path] = violations
    assert problems == {}


def test_member_pages_fit_a_360px_phone(
    phone_page: Any, live_server: Any, community: dict[str, Any]
) -> None:
    _sign_in(phone_page, live_server, community["student"])
    wide = []
    for path in _signed_in_pages(community):
        phone_page.goto(path)
        if scrolls_sideways(phone_page):
            wide.append(path)
    assert wide == []


def test_the_moderation_queue_has_no_serious_accessibility_violation(
    page: Any, live_server: Any, community: dict[str, Any]
) -> None:
    from moderation.models import ReportCase
    from moderation.services import file_report
    from tests.moderation.conftest import make_moderator

    file_report(reporter=community["student"], target=community["post"], reason="misinformation")
    case = ReportCase.objects.get()
    _sign_in(page, live_server, make_moderator(), with_a_code=True)
    problems = {}
    for path in [
        "/admin/",
        "/admin/moderation/reportcase/",
        f"/admin/moderation/reportcase/{case.pk}/change/",
        "/admin/accounts/verificationrequest/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        if violations := axe_violations(page):
            problems[path] = violations
    assert problems == {}
