"""Live events end to end through `/events/<stream>/`, on both backends: publishing after
commit only, live delivery rendered for the reader, resuming after Last-Event-ID without a
gap or a duplicate, who is watching, and the polling answer under WSGI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import Client

from accounts.models import User
from community import events
from mentoring import services as mentoring_services
from mentoring.models import Message as ChatMessage
from notifications.models import Kind
from notifications.services import notify
from tests.events.conftest import open_stream
from tests.factories import UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


def _stored(stream: str, after: str = "0-0") -> list[events.Event]:
    async def read() -> list[events.Event]:
        try:
            return await events.events_after(stream, after)
        finally:
            await events.close_connections()

    return async_to_sync(read)()


def test_it_publishes_only_after_commit(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            events.publish("post-1", "answer", {"n": 1})
            assert _stored("post-1") == []
    assert len(callbacks) == 1
    [stored] = _stored("post-1")
    assert (stored.event, stored.data) == ("answer", {"n": 1})
    assert events.is_event_id(stored.id)


def test_a_rolled_back_write_publishes_nothing(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish("post-1", "answer", {"n": 1})
            raise RuntimeError("the write failed")
    assert callbacks == []
    assert _stored("post-1") == []


def test_it_refuses_data_json_cannot_carry(backend: str) -> None:
    with pytest.raises(TypeError):
        events.publish("post-1", "answer", {"when": object()})


def test_ids_increase_within_a_stream(backend: str) -> None:
    sent = [events.send_now("post-1", "answer", {"n": n}) for n in range(5)]
    ids = [item.id for item in sent if item is not None]
    assert len(ids) == 5
    assert sorted(ids, key=events.event_key) == ids
    assert len(set(ids)) == 5


def test_a_new_notification_reaches_the_members_open_page(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    member = UserFactory.create()
    actor = UserFactory.create(display_name="Ana Ruiz")

    async def scenario() -> list[Any]:
        stream = await open_stream(f"/events/member-{member.pk}/", user=member)
        try:
            await _sync(_notify, member, actor, django_capture_on_commit_callbacks)
            return [await stream.next_event() for _ in range(3)]
        finally:
            await stream.close()
            await events.close_connections()

    row, bell, tab = async_to_sync(scenario)()
    assert row.event == "notification"
    assert "Ana Ruiz commented" in (row.data or "")
    assert bell.event == "bell" and "1 unread" in (bell.data or "")
    assert tab.event == "tab" and "1 unread" in (tab.data or "")
    assert row.id == bell.id == tab.id


def _notify(member: User, actor: User, capture: Any) -> None:
    with capture(execute=True), transaction.atomic():
        notify(recipient=member, kind=Kind.COMMENT, title="Ana Ruiz commented", actor=actor)


async def _sync(function: Any, *args: Any) -> Any:
    from asgiref.sync import sync_to_async

    return await sync_to_async(function)(*args)


def test_a_message_reaches_the_other_member_not_the_sender(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    mentor, mentee = mentorship.mentor, mentorship.mentee
    path = f"/events/mentorship-{mentorship.pk}/"

    def send() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            mentoring_services.send_message(
                mentorship=mentorship, sender=mentor, body="See you Tuesday"
            )

    async def scenario() -> tuple[Any, Any]:
        theirs = await open_stream(path, user=mentee)
        mine = await open_stream(path, user=mentor)
        try:
            await _sync(send)
            received = await theirs.next_event()
            # The sender's page shows the message from its own answer: an id, no data.
            own = await mine.next()
            return received, own
        finally:
            await theirs.close()
            await mine.close()
            await events.close_connections()

    received, own = async_to_sync(scenario)()
    assert received.event == "message"
    assert "See you Tuesday" in (received.data or "")
    assert "read/" in (received.data or "")  # The other member's page marks it read.
    assert own is not None and own.data is None and own.id == received.id


def test_reading_shows_seen_to_the_sender_only(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    mentor, mentee = mentorship.mentor, mentorship.mentee
    ChatMessage.objects.create(mentorship=mentorship, sender=mentor, body="Hello")
    path = f"/events/mentorship-{mentorship.pk}/"

    def read() -> None:
        client = Client()
        client.force_login(mentee)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/mentoring/mentorships/{mentorship.pk}/messages/read/")
        assert response.status_code == 302

    async def scenario() -> tuple[Any, Any]:
        sender = await open_stream(path, user=mentor)
        reader = await open_stream(path, user=mentee)
        try:
            await _sync(read)
            return await sender.next_event(), await reader.next()
        finally:
            await sender.close()
            await reader.close()
            await events.close_connections()

    seen, reader_side = async_to_sync(scenario)()
    assert (seen.event, seen.data) == ("seen", "Seen")
    assert reader_side is not None and reader_side.data is None
    assert ChatMessage.objects.get().read_at is not None


def _publish_many(stream: str, count: int) -> list[str]:
    ids = []
    for n in range(count):
        item = events.send_now(stream, "answer", {"n": n})
        assert item is not None
        ids.append(item.id)
    return ids


def test_it_resumes_after_last_event_id_each_event_once(backend: str) -> None:
    post = _public_post()
    stream_name = f"post-{post.pk}"
    ids = _publish_many(stream_name, 3)

    async def scenario() -> list[Any]:
        stream = await open_stream(f"/events/{stream_name}/", headers={"Last-Event-ID": ids[0]})
        try:
            replayed = [await stream.next_event() for _ in range(2)]
            live = events.send_now(stream_name, "answer", {"n": 3})
            assert live is not None
            return [*replayed, await stream.next_event()]
        finally:
            await stream.close()
            await events.close_connections()

    received = async_to_sync(scenario)()
    assert [json.loads(m.data)["n"] for m in received] == [1, 2, 3]
    assert [m.id for m in received[:2]] == ids[1:]


def test_the_query_parameter_resumes_as_the_header_does(backend: str) -> None:
    post = _public_post()
    ids = _publish_many(f"post-{post.pk}", 2)

    async def scenario() -> Any:
        stream = await open_stream(f"/events/post-{post.pk}/?last-event-id={ids[0]}")
        try:
            return await stream.next_event()
        finally:
            await stream.close()
            await events.close_connections()

    assert async_to_sync(scenario)().id == ids[1]


def test_an_event_published_during_the_replay_comes_once(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The boundary: an event stored after the stream subscribed but before its replay read
    reaches the stream twice (queue and replay); the reader gets it once."""
    post = _public_post()
    stream_name = f"post-{post.pk}"
    [first] = _publish_many(stream_name, 1)
    original = events.events_after

    async def replay_with_a_publish_first(stream: str, after: str | None) -> list[events.Event]:
        events.send_now(stream, "answer", {"n": "during"})
        return await original(stream, after)

    monkeypatch.setattr(events, "events_after", replay_with_a_publish_first)

    async def scenario() -> list[Any]:
        stream = await open_stream(f"/events/{stream_name}/", headers={"Last-Event-ID": first})
        try:
            during = await stream.next_event()
            events.send_now(stream_name, "answer", {"n": "after"})
            return [during, await stream.next_event()]
        finally:
            await stream.close()
            await events.close_connections()

    during, after = async_to_sync(scenario)()
    assert json.loads(during.data)["n"] == "during"
    assert json.loads(after.data)["n"] == "after"


def test_a_new_reader_learns_the_latest_id_so_a_reconnect_misses_nothing(backend: str) -> None:
    post = _public_post()
    [latest] = _publish_many(f"post-{post.pk}", 1)

    async def scenario() -> Any:
        stream = await open_stream(f"/events/post-{post.pk}/")
        try:
            return await stream.next()
        finally:
            await stream.close()
            await events.close_connections()

    message = async_to_sync(scenario)()
    assert message.id == latest and message.data is None


def test_is_watching_while_a_stream_is_open_and_not_after(backend: str) -> None:
    member = UserFactory.create()
    other = UserFactory.create()
    assert not events.is_watching(member.pk)

    async def scenario() -> tuple[bool, bool, bool]:
        stream = await open_stream(f"/events/member-{member.pk}/", user=member)
        try:
            during = events.is_watching(member.pk)
            others = events.is_watching(other.pk)
        finally:
            await stream.close()
        after = events.is_watching(member.pk)
        await events.close_connections()
        return during, others, after

    during, others, after = async_to_sync(scenario)()
    assert during and not others and not after


def test_wsgi_answers_what_was_missed_and_asks_again(backend: str) -> None:
    """runserver (`make run`) cannot hold a stream: each request is a poll."""
    post = _public_post()
    ids = _publish_many(f"post-{post.pk}", 3)
    response = Client().get(f"/events/post-{post.pk}/", HTTP_LAST_EVENT_ID=ids[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    body = response.content.decode()
    assert body.startswith("retry: ")
    assert f"id: {ids[1]}" in body and f"id: {ids[2]}" in body and f"id: {ids[0]}" not in body
    fresh = Client().get(f"/events/post-{post.pk}/").content.decode()
    assert f"id: {ids[2]}\n\n" in fresh and "data:" not in fresh


@pytest.mark.parametrize("value", ["abc", "1-", "-1", "1-2-3", "9" * 50 + "-0"])
def test_a_malformed_last_event_id_is_a_400(backend: str, value: str) -> None:
    post = _public_post()
    response = Client().get(f"/events/post-{post.pk}/", HTTP_LAST_EVENT_ID=value)
    assert response.status_code == 400
    assert b"Last-Event-ID must be an event id" in response.content
    response = Client().get(f"/events/post-{post.pk}/", {"last-event-id": value})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["member", "member-", "member-0", "post-x", "room-1", "post-01"])
def test_an_unknown_stream_is_a_404(backend: str, name: str) -> None:
    assert Client().get(f"/events/{name}/").status_code == 404


def test_only_get(backend: str) -> None:
    post = _public_post()
    assert Client().post(f"/events/post-{post.pk}/").status_code == 405


def _public_post() -> Any:
    return PostFactory.create()
