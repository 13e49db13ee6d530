"""A page's first connection: `sse-connect` carries when the page began to be rendered
(`since`), and the stream replays what was published from a margin before then, so an
event published between rendering and connecting is delivered, once."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse

from community import events, live
from mentoring import services as mentoring_services
from tests.events.conftest import open_stream
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db


def _connect_urls(page: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'sse-connect="([^"]+)"', page)]


def _since_of(url: str) -> int:
    [value] = parse_qs(urlsplit(url).query)["since"]
    return int(value)


def test_a_members_page_connects_with_the_moment_its_request_began(backend: str) -> None:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    client = Client()
    client.force_login(mentorship.mentee)
    before = int(time.time() * 1000)
    response = client.get(reverse("mentoring:mentorship", args=[mentorship.pk]))
    after = int(time.time() * 1000)
    assert response.status_code == 200
    urls = _connect_urls(response.content.decode())
    assert [urlsplit(url).path for url in urls] == [
        f"/events/member-{mentorship.mentee.pk}/",
        f"/events/mentorship-{mentorship.pk}/",
    ]
    # Both streams of the page start from the same moment: when the request began.
    assert len({_since_of(url) for url in urls}) == 1
    assert before <= _since_of(urls[0]) <= after


def test_a_visitors_page_connects_to_nothing() -> None:
    response = Client().get(reverse("about"))
    assert _connect_urls(response.content.decode()) == []


def test_an_event_published_after_render_before_connect_arrives_once(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    mentor, mentee = mentorship.mentor, mentorship.mentee
    page_client = Client()
    page_client.force_login(mentee)
    page = page_client.get(reverse("mentoring:mentorship", args=[mentorship.pk]))
    url = _connect_urls(page.content.decode())[1]

    # Rendered; before the browser connects, the mentor writes.
    with django_capture_on_commit_callbacks(execute=True):
        message = mentoring_services.send_message(
            mentorship=mentorship, sender=mentor, body="Are you free on Thursday?"
        )

    async def scenario() -> list[Any]:
        stream = await open_stream(url, user=mentee)
        try:
            missed = await stream.next_event()
            later = events.send_now(f"mentorship-{mentorship.pk}", "ping", {"n": 1})
            assert later is not None
            return [missed, await stream.next_event()]
        finally:
            await stream.close()
            await events.close_connections()

    missed, later = async_to_sync(scenario)()
    assert missed.event == "message"
    assert f'id="message-{message.pk}"' in (missed.data or "")
    assert "Are you free on Thursday?" in (missed.data or "")
    # Then live events, and the replayed one not again.
    assert later.event == "ping" and json.loads(later.data or "") == {"n": 1}


def test_without_since_that_event_would_be_missed(
    backend: str, django_capture_on_commit_callbacks: Any
) -> None:
    """The gap `since` closes: a first connection without it starts after the latest
    event, which was published after the page read its messages."""
    mentorship = make_mentorship(make_mentor().user, make_mentee())
    with django_capture_on_commit_callbacks(execute=True):
        mentoring_services.send_message(
            mentorship=mentorship, sender=mentorship.mentor, body="Are you free on Thursday?"
        )

    async def scenario() -> Any:
        stream = await open_stream(f"/events/mentorship-{mentorship.pk}/", user=mentorship.mentee)
        try:
            return await stream.next()
        finally:
            await stream.close()
            await events.close_connections()

    first = async_to_sync(scenario)()
    assert first is not None and first.data is None  # Only the latest id: no message.


def test_the_margin_bounds_the_replay(backend: str) -> None:
    post = PostFactory.create()
    stream = f"post-{post.pk}"
    old = events.send_now(stream, "answer", {"n": "old"})
    assert old is not None
    old_ms = events.event_key(old.id)[0]
    # A page rendered more than the margin after the event: not replayed.
    later_page = old_ms + live.SINCE_MARGIN_MS + 1
    # One rendered within the margin (the app's clock a little behind Redis's): replayed.
    close_page = old_ms + live.SINCE_MARGIN_MS

    async def first_of(since: int) -> Any:
        opened = await open_stream(f"/events/{stream}/?since={since}")
        try:
            events.send_now(stream, "answer", {"n": "live"})
            return await opened.next_event()
        finally:
            await opened.close()
            await events.close_connections()

    assert json.loads(async_to_sync(first_of)(later_page).data)["n"] == "live"
    assert json.loads(async_to_sync(first_of)(close_page).data)["n"] == "old"


def test_last_event_id_wins_over_since(backend: str) -> None:
    """A browser resuming sends the id it reached; the page's URL still carries `since`."""
    post = PostFactory.create()
    stream = f"post-{post.pk}"
    first = events.send_now(stream, "answer", {"n": 1})
    second = events.send_now(stream, "answer", {"n": 2})
    assert first is not None and second is not None
    since = events.event_key(first.id)[0]

    async def scenario() -> Any:
        opened = await open_stream(
            f"/events/{stream}/?since={since}", headers={"Last-Event-ID": first.id}
        )
        try:
            return await opened.next_event()
        finally:
            await opened.close()
            await events.close_connections()

    assert async_to_sync(scenario)().id == second.id


def test_wsgi_polling_replays_after_since_too(backend: str) -> None:
    post = PostFactory.create()
    stream = f"post-{post.pk}"
    item = events.send_now(stream, "answer", {"n": 1})
    assert item is not None
    since = events.event_key(item.id)[0]
    body = Client().get(f"/events/{stream}/", {"since": since}).content.decode()
    assert f"id: {item.id}\nevent: answer\ndata: " in body


@pytest.mark.parametrize("value", ["abc", "-5", "1.5", "1" * 16, "1e9", "0x10"])
def test_a_malformed_since_is_a_400(backend: str, value: str) -> None:
    post = PostFactory.create()
    response = Client().get(f"/events/post-{post.pk}/", {"since": value})
    assert response.status_code == 400
    assert b"since must be a time in milliseconds" in response.content


def test_since_zero_replays_what_is_stored(backend: str) -> None:
    post = PostFactory.create()
    item = events.send_now(f"post-{post.pk}", "answer", {"n": 1})
    assert item is not None
    body = Client().get(f"/events/post-{post.pk}/", {"since": "0"}).content.decode()
    assert f"id: {item.id}\n" in body


def test_id_before_orders_below_every_id_of_that_millisecond() -> None:
    assert events.event_key(events.id_before(1000)) < (1000, 0)
    assert events.event_key(events.id_before(1000)) > (999, 10**9)
    assert events.id_before(0) == "0-0"
