"""The member of a read-only request is read with their walls and unread count, in one query;
every other request reads the member, and then those, as Django does."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import MemberAuthenticationBackend, MemberModelBackend
from accounts.models import Block, User
from accounts.selectors import request_walls
from posts.services import publish_post
from tests.factories import UserFactory
from tests.notifications.helpers import make_notification

pytestmark = pytest.mark.django_db

SAVED = reverse("posts:bookmarks")
LIST = reverse("notifications:list")
MEMBER_ROW = 'SELECT "accounts_user"."id", "accounts_user"."password"'


def _signed_in(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _sql(client: Client, method: str, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        getattr(client, method)(path)
    return [query["sql"] for query in captured.captured_queries]


def _bell(html: str) -> str:
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


def test_both_backends_read_the_pages_facts() -> None:
    assert settings.AUTHENTICATION_BACKENDS == [
        "accounts.backends.MemberModelBackend",
        "accounts.backends.MemberAuthenticationBackend",
    ]
    member = UserFactory.create()
    for backend in (MemberModelBackend(), MemberAuthenticationBackend()):
        token = request_walls.set({})
        try:
            user = backend.get_user(member.pk)
        finally:
            request_walls.reset(token)
        assert user == member and cast(Any, user).unread_notification_count == 0


def test_a_get_reads_the_member_walls_and_unread_count_in_one_query() -> None:
    member = UserFactory.create()
    queries = _sql(_signed_in(member), "get", SAVED)
    assert not [sql for sql in queries if "accounts_block" in sql and "accounts_user" not in sql]
    assert not [
        sql for sql in queries if sql.startswith('SELECT COUNT(*) AS "__count" FROM "notif')
    ]
    (member_query,) = [sql for sql in queries if sql.startswith(MEMBER_ROW)]
    assert '"accounts_block"' in member_query and '"notifications_notification"' in member_query


def test_the_bell_counts_the_unread_notifications_read_with_the_member() -> None:
    member = UserFactory.create()
    for title in ("One", "Two", "Three"):
        make_notification(member, title=title)
    make_notification(member, title="Seen", read_at=timezone.now())
    make_notification(UserFactory.create(), title="Someone else's")
    html = _signed_in(member).get(SAVED).content.decode()
    assert "3 unread" in _bell(html)


def test_after_marking_all_read_the_next_page_shows_none_unread() -> None:
    member = UserFactory.create()
    make_notification(member, title="One")
    client = _signed_in(member)
    assert "1 unread" in _bell(client.get(SAVED).content.decode())
    client.post(reverse("notifications:read_all"))
    assert "unread" not in _bell(client.get(SAVED).content.decode())


@pytest.mark.parametrize("direction", ["blocked them", "blocked by them"])
def test_walls_read_with_the_member_hide_the_other_sides_posts(direction: str) -> None:
    member, other, friend = UserFactory.create(), UserFactory.create(), UserFactory.create()
    publish_post(author=other, title="Behind the wall", body="Notes.")
    publish_post(author=friend, title="In plain sight", body="Notes.")
    if direction == "blocked them":
        Block.objects.create(blocker=member, blocked=other)
    else:
        Block.objects.create(blocker=other, blocked=member)
    Block.objects.create(blocker=friend, blocked=UserFactory.create())
    html = _signed_in(member).get(reverse("posts:explore")).content.decode()
    assert "In plain sight" in html and "Behind the wall" not in html


def test_many_walls_in_both_directions_are_all_kept() -> None:
    member = UserFactory.create()
    others = [UserFactory.create() for _ in range(12)]
    for index, other in enumerate(others):
        pair = (member, other) if index % 2 else (other, member)
        Block.objects.create(blocker=pair[0], blocked=pair[1])
    token = request_walls.set({})
    try:
        MemberModelBackend().get_user(member.pk)
        assert cast(dict[int, frozenset[int]], request_walls.get())[member.pk] == frozenset(
            other.pk for other in others
        )
    finally:
        request_walls.reset(token)


def test_a_post_reads_the_member_alone_and_the_rest_afresh() -> None:
    member = UserFactory.create()
    queries = _sql(_signed_in(member), "post", reverse("notifications:read_all"))
    (member_query,) = [sql for sql in queries if sql.startswith(MEMBER_ROW)]
    assert '"accounts_block"' not in member_query
    assert '"notifications_notification"' not in member_query


def test_outside_a_request_the_member_is_read_alone() -> None:
    member = UserFactory.create()
    user = MemberModelBackend().get_user(member.pk)
    assert user == member and not hasattr(user, "unread_notification_count")


@pytest.mark.parametrize("read_only", [True, False], ids=["get", "post"])
def test_a_deactivated_or_deleted_member_is_no_one(read_only: bool) -> None:
    inactive, gone = UserFactory.create(is_active=False), UserFactory.create()
    gone_pk = gone.pk
    gone.delete()
    token = request_walls.set({}) if read_only else None
    try:
        assert MemberModelBackend().get_user(inactive.pk) is None
        assert MemberModelBackend().get_user(gone_pk) is None
    finally:
        if token is not None:
            request_walls.reset(token)


def test_a_deactivated_members_session_shows_the_signed_out_page() -> None:
    member = UserFactory.create()
    client = _signed_in(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
