"""A Redis outage, against a redis-server this test starts and stops itself (never the
machine's own): the write that publishes still commits (the event is lost, with a
warning), open streams end so browsers reconnect, a stream opened meanwhile says to retry,
and once Redis is back streams resume."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from community import events
from mentoring import services as mentoring_services
from mentoring.models import Message
from tests.events.conftest import open_stream
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.notifications.test_delivery_integration import RedisServer, _free_port
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis(settings: Any) -> Iterator[RedisServer]:
    import shutil

    if not shutil.which("redis-server"):
        pytest.skip("needs the redis-server program")
    server = RedisServer(port=_free_port())
    server.start()
    settings.REDIS_URL = server.url
    try:
        yield server
    finally:
        server.stop()


def test_an_outage_loses_events_not_writes_and_streams_come_back(
    own_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = PostFactory.create()
    path = f"/events/post-{post.pk}/"
    mentorship = make_mentorship(make_mentor().user, make_mentee())

    async def while_up_then_down() -> list[Any]:
        stream = await open_stream(path)
        try:
            first = events.send_now(f"post-{post.pk}", "answer", {"n": 1})
            assert first is not None
            received = await stream.next_event()
            await sync_to_async(own_redis.stop)()
            # The listener lost Redis: the stream ends so the browser reconnects.
            ending = [await stream.next(), await stream.next()]
            return [received, *ending]
        finally:
            await stream.close()
            await events.close_connections()

    received, goodbye, end = async_to_sync(while_up_then_down)()
    assert received.data == '{"n": 1}'
    assert goodbye is not None and "reconnect" in goodbye.comments
    assert end is None

    # Redis is down: the message is written all the same; its live event is lost.
    with caplog.at_level(logging.WARNING, logger="community.events"):
        with django_capture_on_commit_callbacks(execute=True):
            message = mentoring_services.send_message(
                mentorship=mentorship, sender=mentorship.mentor, body="Still there?"
            )
    assert Message.objects.filter(pk=message.pk).exists()
    assert "Redis unavailable" in caplog.text
    assert not events.is_watching(mentorship.mentor.pk)

    async def while_down() -> list[Any]:
        stream = await open_stream(path)
        try:
            return [await stream.next(), await stream.next()]
        finally:
            await stream.close()
            await events.close_connections()

    # A browser reconnecting meanwhile is told to retry, not given an error it gives up on.
    retry_later, end = async_to_sync(while_down)()
    assert retry_later is not None and "reconnect" in retry_later.comments
    assert end is None

    own_redis.start()

    async def back_up() -> Any:
        stream = await open_stream(path, headers={"Last-Event-ID": first_id})
        try:
            events.send_now(f"post-{post.pk}", "answer", {"n": 2})
            return await stream.next_event()
        finally:
            await stream.close()
            await events.close_connections()

    first_id = received.id
    again = async_to_sync(back_up)()
    assert again.data == '{"n": 2}'
