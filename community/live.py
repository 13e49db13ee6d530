"""The live endpoint: `/events/<stream>/`, a Server-Sent Events stream of one page's events.

Streams and who may open them, decided by the selectors their pages use:

- `member-<id>`: only that member (the bell, the notifications list);
- `mentorship-<id>`: its mentor and mentee, and a moderator while a report on it is open
  (`mentoring.selectors.mentorship_access`, as the mentorship page);
- `post-<id>`: whoever may read the post (`posts.selectors.post_for_viewer`).

A visitor asking for a stream that needs a member gets 403; a member asking for what they
may not see gets 404, as on the page. Suspended members read as they do on pages.

Served by uvicorn (`community.asgi`), a stream stays open: `retry:` first, then missed events
after Last-Event-ID (header, or the `last-event-id` query parameter), then live ones, each
once, with a comment every HEARTBEAT_SECONDS. Under WSGI (`make run`'s runserver) a
response cannot stay open without holding a worker thread, so each request answers what is
stored after Last-Event-ID and ends: the browser asks again after `retry:` (polling).

Without a Last-Event-ID (a page's first connection), `since` says when the page began to
be rendered, in milliseconds (`{% events_url %}`): the stream replays what was published
from SINCE_MARGIN_MS before then, so an event committed after the page read its data and
before the browser connected is not lost. The margin covers the skew between the app's
clock (`since`) and Redis's (event ids), and an event committed before the page's reads
but sent just after: such a replay repeats what the page shows, so every fragment a
stream sends is idempotent in the page (elements by id: static/js/live.js keeps the one
already there; the bell and "Seen" are replaced whole). With neither, the stream starts
after its latest event.

Events are rendered here, for the member reading (RENDERERS): a notification becomes that
member's row and bell; a mentorship message their view of it; a change of the scheduled
meetings (`meetings`) goes to the pair only, whose pages then fetch their own view of the
board. An event with no renderer goes out as its JSON data.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.moderators import actor_of
from community import events
from mentoring.meetings import MEETINGS_EVENT
from mentoring.models import Message
from mentoring.selectors import Access, mentorship_access
from notifications.selectors import member_time_zone, notification_item, unread_count
from posts.selectors import post_for_viewer

HEARTBEAT_SECONDS = 15.0
# Milliseconds a browser waits before reconnecting; under WSGI, the polling interval.
RETRY_MS = 2000
# A stream ends after this long and the browser resumes it at once: who may read it is
# checked again, and an event an old rule would still let through stops there.
MAX_STREAM_SECONDS = 600.0
# How far before a page's `since` its stream replays: more than any skew between the app's
# clock and Redis's, and the moment between a writer's commit and its publish.
SINCE_MARGIN_MS = 5000
SINCE = re.compile(r"[0-9]{1,15}")
STREAM_NAME = re.compile(r"(member|mentorship|post)-([1-9][0-9]{0,17})")


@dataclass
class Reader:
    """Who opened a stream, and what their page let them see."""

    kind: str
    object_id: int
    member_id: int | None
    access: Access | None = None


Fragment = tuple[str, str]
Renderer = Callable[[Reader, dict[str, object]], list[Fragment]]


# --- Who may open which stream ---------------------------------------------------------


def _reader(request: HttpRequest, kind: str, object_id: int) -> Reader | HttpResponse:
    user = request.user
    member_id = user.pk if user.is_authenticated else None
    if kind == "member":
        if member_id is None:
            return HttpResponseForbidden("Sign in to follow your notifications.")
        if member_id != object_id:
            raise Http404("No such stream.")
        return Reader(kind, object_id, member_id)
    if kind == "mentorship":
        if member_id is None:
            return HttpResponseForbidden("Sign in to follow a mentorship.")
        access = mentorship_access(actor_of(request), object_id)
        if access is None:
            raise Http404("No such mentorship.")
        return Reader(kind, object_id, member_id, access)
    if post_for_viewer(actor_of(request), object_id) is None:
        raise Http404("No such post.")
    return Reader(kind, object_id, member_id)


def _release_database() -> None:
    # A stream's request ends only when the stream does, and Django returns a thread's
    # database connection at the end of a request: without this each open stream would
    # hold one (and thousands of streams exhaust PostgreSQL's connections). Inside a
    # transaction (tests) the connection stays.
    if not connection.in_atomic_block:
        connection.close()


def _reader_then_release(request: HttpRequest, kind: str, object_id: int) -> Reader | HttpResponse:
    try:
        return _reader(request, kind, object_id)
    finally:
        _release_database()


# --- Rendering an event for its reader -------------------------------------------------


def _member(reader: Reader) -> User | None:
    # Read afresh for each event: the request's copy holds counts and walls from when the
    # stream opened.
    if reader.member_id is None:
        return None
    return User.objects.filter(pk=reader.member_id).first()


def _bell(member: User) -> list[Fragment]:
    count = unread_count(member)
    context = {"user": member, "unread_notification_count": count}
    return [
        ("bell", render_to_string("notifications/_bell.html", context)),
        ("tab", render_to_string("notifications/_tab_notifications.html", context)),
    ]


def _render_notification(reader: Reader, data: dict[str, object]) -> list[Fragment]:
    member = _member(reader)
    notification_id = data.get("id")
    if member is None or not isinstance(notification_id, int):
        return []
    item = notification_item(viewer=member, pk=notification_id)
    if item is None:
        return []
    row = render_to_string(
        "notifications/_live_row.html",
        {"item": item, "time_zone": member_time_zone(member), "user": member},
    )
    return [("notification", row), *_bell(member)]


def _render_read(reader: Reader, data: dict[str, object]) -> list[Fragment]:
    member = _member(reader)
    return _bell(member) if member is not None else []


def _render_message(reader: Reader, data: dict[str, object]) -> list[Fragment]:
    member = _member(reader)
    message_id = data.get("id")
    if member is None or reader.access is None or not isinstance(message_id, int):
        return []
    message = (
        Message.objects.filter(pk=message_id, mentorship_id=reader.object_id)
        .select_related("sender")
        .first()
    )
    # The sender's page shows their message from its own answer.
    if message is None or message.sender_id == member.pk:
        return []
    context = {
        "message": message,
        "mentorship": reader.access.mentorship,
        "access": reader.access,
        "user": member,
        "mark_read": reader.access.is_member,
    }
    return [("message", render_to_string("mentoring/_live_message.html", context))]


def _render_seen(reader: Reader, data: dict[str, object]) -> list[Fragment]:
    # "Seen" is for the one whose messages were read, not for the reader or a moderator.
    if reader.access is None or not reader.access.is_member:
        return []
    if reader.member_id is None or data.get("reader_id") == reader.member_id:
        return []
    return [("seen", "Seen")]


def _render_meetings(reader: Reader, data: dict[str, object]) -> list[Fragment]:
    # A meeting's time and place are the pair's alone: a moderator let in by a report has
    # no board on the page, and is not told that one changed.
    if reader.access is None or not reader.access.is_member:
        return []
    return [(MEETINGS_EVENT, json.dumps(data))]


RENDERERS: dict[tuple[str, str], Renderer] = {
    ("member", "notification"): _render_notification,
    ("member", "read"): _render_read,
    ("mentorship", "message"): _render_message,
    ("mentorship", "seen"): _render_seen,
    ("mentorship", MEETINGS_EVENT): _render_meetings,
}


def _render(reader: Reader, item: events.Event) -> list[Fragment]:
    renderer = RENDERERS.get((reader.kind, item.event))
    if renderer is None:
        return [(item.event, item.data_json)]
    try:
        return renderer(reader, item.data)
    finally:
        _release_database()


def sse_message(event_id: str, fragments: list[Fragment]) -> str:
    """The SSE text of one event: a message per fragment, each carrying the event's id (an
    id alone still moves the browser's Last-Event-ID on)."""
    if not fragments:
        return f"id: {event_id}\n\n"
    parts = []
    for name, data in fragments:
        lines = [f"id: {event_id}", f"event: {name}"]
        lines += [f"data: {line}" for line in (data.splitlines() or [""])]
        parts.append("\n".join(lines) + "\n\n")
    return "".join(parts)


async def _as_sse(reader: Reader, item: events.Event) -> str:
    if (reader.kind, item.event) not in RENDERERS:
        # No database to read: no hop to a thread (a post's stream may have many readers).
        return sse_message(item.id, [(item.event, item.data_json)])
    fragments = await sync_to_async(_render)(reader, item)
    return sse_message(item.id, fragments)


# --- The endpoint ----------------------------------------------------------------------


def _last_event_id(request: HttpRequest) -> str | None:
    value = request.headers.get("Last-Event-ID") or request.GET.get("last-event-id") or ""
    value = value.strip()
    if not value:
        return None
    events.event_key(value)  # ValueError for anything else.
    return value


def _since(request: HttpRequest) -> str | None:
    """The id a page's first connection replays after (see the module), or None."""
    value = request.GET.get("since", "").strip()
    if not value:
        return None
    if SINCE.fullmatch(value) is None:
        raise ValueError(f"Not a time in milliseconds: {value!r}")
    return events.id_before(max(0, int(value) - SINCE_MARGIN_MS))


async def _live(reader: Reader, stream: str, last_id: str | None) -> AsyncIterator[str]:
    token = events.new_watch_token()
    started = time.monotonic()
    retry = f"retry: {RETRY_MS}\n\n"
    try:
        async with events.subscribe(stream) as subscription:
            if reader.member_id is not None:
                await events.watch(reader.member_id, token)
            # Only now: once a reader sees the stream open, nothing published is missed.
            yield retry
            retry = ""
            sent = last_id
            if last_id is not None:
                # Subscribed first: anything published during the replay waits in the
                # queue, and what the replay already sent is skipped there by its id.
                for missed in await events.events_after(stream, last_id):
                    yield await _as_sse(reader, missed)
                    sent = missed.id
            else:
                latest = await events.latest_id(stream)
                if latest is not None:
                    yield f"id: {latest}\n\n"
            next_beat = time.monotonic() + HEARTBEAT_SECONDS
            while time.monotonic() - started < MAX_STREAM_SECONDS:
                item = await subscription.get(max(0.0, next_beat - time.monotonic()))
                if item is None:
                    yield ": heartbeat\n\n"
                    next_beat = time.monotonic() + HEARTBEAT_SECONDS
                    if reader.member_id is not None:
                        await events.watch(reader.member_id, token)
                    continue
                if sent is not None and events.event_key(item.id) <= events.event_key(sent):
                    continue
                yield await _as_sse(reader, item)
                sent = item.id
    except events.StreamLost:
        # The browser reconnects after `retry:` and resumes from its last id.
        yield f"{retry}: reconnect\n\n"
    finally:
        if reader.member_id is not None:
            await events.unwatch(reader.member_id, token)


async def _poll(reader: Reader, stream: str, last_id: str | None) -> str:
    parts = [f"retry: {RETRY_MS}\n\n"]
    if last_id is None:
        latest = await events.latest_id(stream)
        if latest is not None:
            parts.append(f"id: {latest}\n\n")
    else:
        for item in await events.events_after(stream, last_id):
            parts.append(await _as_sse(reader, item))
    return "".join(parts)


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@require_GET
async def stream(request: HttpRequest, stream: str) -> HttpResponse | StreamingHttpResponse:
    """One page's live events as Server-Sent Events (see the module docstring)."""
    match = STREAM_NAME.fullmatch(stream)
    if match is None:
        raise Http404("No such stream.")
    try:
        last_id = _last_event_id(request)
    except ValueError:
        return HttpResponseBadRequest("Last-Event-ID must be an event id such as 1700000000000-0.")
    try:
        since = _since(request)
    except ValueError:
        return HttpResponseBadRequest("since must be a time in milliseconds such as 1700000000000.")
    # A browser resuming sends the id it reached: that wins over when its page was rendered.
    last_id = last_id or since
    found = await sync_to_async(_reader_then_release)(request, match[1], int(match[2]))
    if isinstance(found, HttpResponse):
        return found
    if not isinstance(request, ASGIRequest):
        try:
            body = await _poll(found, stream, last_id)
        except events.StreamLost:
            body = f"retry: {RETRY_MS}\n\n"
        return HttpResponse(body, content_type="text/event-stream", headers=SSE_HEADERS)
    return StreamingHttpResponse(
        _live(found, stream, last_id), content_type="text/event-stream", headers=SSE_HEADERS
    )


def member_stream(member: User | AnonymousUser) -> str:
    return f"member-{member.pk}"
