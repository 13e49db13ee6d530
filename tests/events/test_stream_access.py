"""Who may open which stream: each kind of stream answers as its page does, for a visitor,
the member it belongs to, another member, a suspended member, a moderator, and a group's
member and non-member. A stream the page would refuse is refused before anything streams."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import AsyncClient, Client

from accounts.models import User
from mentoring.models import Mentorship, Message
from moderation.models import Report
from posts.models import Visibility
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.posts.factories import CircleFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def _clients(user: User | None, *, two_factor: bool = False) -> tuple[Client, AsyncClient]:
    """A page client and a stream client sharing one session."""
    client = Client()
    if user is not None:
        if two_factor:
            sign_in_with_two_factor(client, user)
        else:
            client.force_login(user)
    stream_client = AsyncClient()
    stream_client.cookies = client.cookies
    return client, stream_client


def _stream_status(client: AsyncClient, path: str) -> int:
    async def ask() -> int:
        response = await client.get(path)
        return int(response.status_code)

    return async_to_sync(ask)()


def _suspended() -> User:
    from moderation.services import suspend_member

    member = UserFactory.create()
    suspend_member(moderator=ModeratorFactory.create(), member=member, reason="r", until=None)
    return User.objects.get(pk=member.pk)


def _mentorship_moderator() -> User:
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    give_totp(moderator)
    return User.objects.get(pk=moderator.pk)


def _report(message: Message) -> Report:
    return Report.objects.create(
        reporter=message.mentorship.mentee,
        target_type=ContentType.objects.get_for_model(Message),
        target_id=message.pk,
        reason="harassment",
        status="open",
    )


# --- member-<id> ---------------------------------------------------------------------------


def test_a_members_stream_is_theirs_alone(backend: str) -> None:
    owner = UserFactory.create()
    other = UserFactory.create()
    suspended = _suspended()
    path = f"/events/member-{owner.pk}/"
    assert _stream_status(_clients(None)[1], path) == 403
    assert _stream_status(_clients(owner)[1], path) == 200
    assert _stream_status(_clients(other)[1], path) == 404
    assert _stream_status(_clients(_mentorship_moderator(), two_factor=True)[1], path) == 404
    # A suspended member reads their notifications, as on the page.
    page, stream = _clients(suspended)
    assert page.get("/notifications/").status_code == 200
    assert _stream_status(stream, f"/events/member-{suspended.pk}/") == 200


# --- mentorship-<id> -----------------------------------------------------------------------


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship(make_mentor().user, make_mentee())


def _same_as_page(user: User | None, mentorship: Mentorship, *, two_factor: bool = False) -> int:
    page, stream = _clients(user, two_factor=two_factor)
    page_status = page.get(mentorship.get_absolute_url()).status_code
    stream_status = _stream_status(stream, f"/events/mentorship-{mentorship.pk}/")
    if page_status == 302:  # The page sends a visitor to sign in; a stream cannot.
        page_status = 403
    assert stream_status == page_status
    return stream_status


def test_a_mentorships_stream_is_for_its_pair(backend: str, mentorship: Mentorship) -> None:
    assert _same_as_page(None, mentorship) == 403
    assert _same_as_page(mentorship.mentor, mentorship) == 200
    assert _same_as_page(mentorship.mentee, mentorship) == 200
    assert _same_as_page(UserFactory.create(), mentorship) == 404


def test_a_moderator_follows_a_mentorship_only_while_a_report_on_it_is_open(
    backend: str, mentorship: Mentorship
) -> None:
    moderator = _mentorship_moderator()
    assert _same_as_page(moderator, mentorship, two_factor=True) == 404
    report = _report(Message.objects.create(mentorship=mentorship, sender=mentorship.mentor))
    assert _same_as_page(moderator, mentorship, two_factor=True) == 200
    # Without the second factor in this session, staff are ordinary members.
    assert _same_as_page(moderator, mentorship) == 404
    report.status = "resolved"
    report.save()
    assert _same_as_page(moderator, mentorship, two_factor=True) == 404


def test_a_suspended_member_of_the_pair_still_reads_it(backend: str) -> None:
    suspended = _suspended()
    mentorship = make_mentorship(make_mentor().user, suspended)
    assert _same_as_page(suspended, mentorship) == 200


# --- post-<id> -------------------------------------------------------------------------------


def _post_same_as_page(user: User | None, post: Any) -> int:
    page, stream = _clients(user)
    page_status = page.get(f"/posts/{post.pk}/").status_code
    stream_status = _stream_status(stream, f"/events/post-{post.pk}/")
    assert stream_status == page_status
    return stream_status


def test_a_public_posts_stream_is_open_to_visitors(backend: str) -> None:
    post = PostFactory.create()
    assert _post_same_as_page(None, post) == 200
    assert _post_same_as_page(UserFactory.create(), post) == 200
    assert _post_same_as_page(_suspended(), post) == 200


def test_a_members_only_post_is_refused_to_visitors(backend: str) -> None:
    post = PostFactory.create(visibility=Visibility.MEMBERS)
    assert _post_same_as_page(None, post) == 404
    assert _post_same_as_page(UserFactory.create(), post) == 200


def test_a_private_groups_post_is_for_its_members(backend: str) -> None:
    circle = CircleFactory.create(is_private=True)
    insider = MembershipFactory.create(circle=circle).member
    post = PostFactory.create(circle=circle, visibility=Visibility.GROUP, author=insider)
    assert _post_same_as_page(None, post) == 404
    assert _post_same_as_page(UserFactory.create(), post) == 404
    assert _post_same_as_page(insider, post) == 200


def test_a_missing_post_is_a_404(backend: str) -> None:
    assert _stream_status(_clients(None)[1], "/events/post-999999999/") == 404
