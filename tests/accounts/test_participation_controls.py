"""Suspended and unconfirmed members see what they may not do before they try: every page
with a control they may not use (comment, reply, react, follow, ask for a mentor, send a
message, write a post) shows, in its place, why and what to do, from the same rule the
services enforce (accounts.permissions.participation_problem)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from moderation.services import suspend_member
from notifications.models import OutgoingEmail
from posts.models import Hashtag, PostHashtag
from tests.conftest import SUSPENSION_REASON
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.posts.factories import CircleFactory, CommentFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db

RESEND = "Resend the link"
CONFIRM = "Confirm your email address to"
SUSPENDED = "Your account is suspended"
APPEAL = "Read the decision and appeal"


def _unconfirmed() -> User:
    return UserFactory.create(email_verified=False)


def _suspended_until_later() -> User:
    member = UserFactory.create()
    suspend_member(
        moderator=ModeratorFactory.create(),
        member=member,
        reason=SUSPENSION_REASON,
        until=timezone.now() + dt.timedelta(days=7),
    )
    return User.objects.get(pk=member.pk)


def _confirmed() -> User:
    return UserFactory.create()


# Each page: how to build it for a viewer -> (url, the control's marker in the HTML).
def _post_detail(viewer: User) -> tuple[str, list[str]]:
    post = PostFactory.create()
    CommentFactory.create(post=post)
    return post.get_absolute_url(), [
        'class="card comment-form" novalidate',
        'class="reply-box"',
        f'action="{reverse("posts:react", args=[post.pk, "like"])}"',
    ]


def _profile(viewer: User) -> tuple[str, list[str]]:
    other = UserFactory.create()
    return other.get_absolute_url(), [f'action="{reverse("accounts:follow", args=[other.handle])}"']


def _mentor(viewer: User) -> tuple[str, list[str]]:
    make_mentee(viewer)
    profile = make_mentor()
    url = reverse("mentoring:mentor", kwargs={"handle": profile.user.handle})
    return url, [f'action="{reverse("mentoring:request", kwargs={"handle": profile.user.handle})}"']


def _home(viewer: User) -> tuple[str, list[str]]:
    return reverse("home"), [f'href="{reverse("posts:create")}"']


def _explore(viewer: User) -> tuple[str, list[str]]:
    PostFactory.create()
    return reverse("posts:explore"), [f'href="{reverse("posts:create")}"']


def _hashtag(viewer: User) -> tuple[str, list[str]]:
    tag = Hashtag.objects.create(name="ecg")
    post = PostFactory.create()
    PostHashtag.objects.create(post=post, hashtag=tag, created_at=post.created_at)
    return reverse("posts:hashtag", args=["ecg"]), [f'href="{reverse("posts:create")}?tag=ecg"']


def _group(viewer: User) -> tuple[str, list[str]]:
    circle = CircleFactory.create()
    MembershipFactory.create(circle=circle, member=viewer)
    return reverse("posts:circle", args=[circle.slug]), [
        f'href="{reverse("posts:create")}?group={circle.slug}"'
    ]


def _mentorship(viewer: User) -> tuple[str, list[str]]:
    mentorship = make_mentorship(mentee=viewer)
    return mentorship.get_absolute_url(), [
        f'action="{reverse("mentoring:send_message", kwargs={"pk": mentorship.pk})}"'
    ]


PAGES = [_post_detail, _profile, _mentor, _home, _explore, _hashtag, _group, _mentorship]
PAGES_WITH_A_NOTICE = {_post_detail, _profile, _mentor, _home, _group, _mentorship}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__.strip("_"))
def test_a_confirmed_member_gets_the_controls(
    client: Client, page: Callable[[User], tuple[str, list[str]]]
) -> None:
    viewer = _confirmed()
    url, controls = page(viewer)
    client.force_login(viewer)
    html = client.get(url).content.decode()
    for control in controls:
        assert control in html
    assert CONFIRM not in html and SUSPENDED not in html


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__.strip("_"))
def test_an_unconfirmed_member_is_told_to_confirm_instead_of_a_control(
    client: Client, page: Callable[[User], tuple[str, list[str]]]
) -> None:
    viewer = _unconfirmed()
    url, controls = page(viewer)
    client.force_login(viewer)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for control in controls:
        assert control not in html
    if page in PAGES_WITH_A_NOTICE:
        assert CONFIRM in html
        assert viewer.email in html


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__.strip("_"))
def test_a_suspended_member_is_told_until_when_and_how_to_appeal_instead_of_a_control(
    client: Client, page: Callable[[User], tuple[str, list[str]]]
) -> None:
    viewer = _suspended_until_later()
    url, controls = page(viewer)
    client.force_login(viewer)
    html = client.get(url).content.decode()
    for control in controls:
        assert control not in html
    if page in PAGES_WITH_A_NOTICE:
        assert SUSPENDED in html
        until = f"{timezone.localtime(viewer.suspended_until):%-d %B %Y}"
        assert re.search(rf"until <time datetime=\"[^\"]+\">{until}", html)


def test_the_full_notice_says_why_and_offers_the_appeal(client: Client, suspended: User) -> None:
    client.force_login(suspended)
    html = client.get(PostFactory.create().get_absolute_url()).content.decode()
    assert SUSPENDED in html and "until moderators lift it" in html
    assert SUSPENSION_REASON in html
    assert "you can appeal it" in html and APPEAL in html
    assert "Mute" in client.get(UserFactory.create().get_absolute_url()).content.decode()


def test_the_unconfirmed_notice_resends_the_link(client: Client) -> None:
    viewer = _unconfirmed()
    client.force_login(viewer)
    html = client.get(PostFactory.create().get_absolute_url()).content.decode()
    assert RESEND in html and f'name="email" value="{viewer.email}"' in html
    response = client.post(reverse("account_email"), {"email": viewer.email, "action_send": "1"})
    assert response.status_code == 302
    [sent] = OutgoingEmail.objects.filter(to=viewer.email)
    assert "Confirm" in sent.subject or "confirm" in sent.subject.lower()


def test_the_refusal_page_speaks_to_a_suspended_member(client: Client, suspended: User) -> None:
    client.force_login(suspended)
    response = client.get(reverse("posts:create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1" in html and SUSPENDED in html
    assert "You can't do that yet" not in html
    assert APPEAL in html and SUSPENSION_REASON in html


def test_the_refusal_page_offers_an_unconfirmed_member_the_link_again(client: Client) -> None:
    viewer = _unconfirmed()
    client.force_login(viewer)
    response = client.get(reverse("posts:create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Confirm your email address first" in html
    assert RESEND in html
    assert "You can't do that yet" not in html
    assert "Manage email addresses" not in html


def test_showing_the_notice_costs_no_query(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    post = PostFactory.create()
    for _ in range(5):
        CommentFactory.create(post=post)
    client.force_login(_confirmed())
    client.get(post.get_absolute_url())
    with django_assert_max_num_queries(100) as confirmed:
        client.get(post.get_absolute_url())
    # Read now: each request empties the connection's query log.
    confirmed_count = len(confirmed.captured_queries)
    client.force_login(_unconfirmed())
    client.get(post.get_absolute_url())
    with django_assert_max_num_queries(confirmed_count):
        html = client.get(post.get_absolute_url()).content.decode()
    assert CONFIRM in html
