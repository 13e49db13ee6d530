"""Live events: services publish after commit, open pages receive them over SSE.

`publish(stream, event, data)` is called inside the writer's transaction and sends only once
it commits (a rolled-back write publishes nothing). Each event gets an id of the form
"<milliseconds>-<sequence>", increasing within its stream: the SSE event id a browser sends
back as Last-Event-ID to resume.

Two backends with the same behaviour:

- With REDIS_URL: each event is XADDed to the Redis Stream `events:<stream>` (trimmed to
  about STREAM_LENGTH events, expiring STREAM_TTL seconds after the last one) and PUBLISHed,
  whole, on one channel. Each ASGI process runs one listener on that channel and hands every
  event to the process's open streams of that name (asyncio queues): one Redis connection
  per process, not one per browser. Replays read the Redis Stream.
- Without it (`make run`, tests without Redis): a ring buffer per stream in this process and
  the same wake-up, thread-safe, so events published by a request thread reach the streams
  open in the event loop.

A Redis outage never breaks the write that published: the event is lost with a warning, and
open streams end so that browsers reconnect (and resume) once Redis answers again.

`is_watching(member_id)` says whether a member has a stream open right now (in any process,
with Redis): web push sends only to members who do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import logging
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

STREAM_LENGTH = 500
STREAM_TTL = 24 * 3600
CHANNEL = "events:wake"
WATCHING_TTL = 60
_OUTAGE = (redis.RedisError, OSError)


@dataclass(frozen=True)
class Event:
    stream: str
    id: str
    event: str
    data: dict[str, Any]

    @functools.cached_property
    def data_json(self) -> str:
        """`data` as JSON, made once: a process hands the same Event to all its readers."""
        return json.dumps(self.data)


def event_key(event_id: str) -> tuple[int, int]:
    """The order of an id ("ms-seq"); ValueError if it is not one."""
    milliseconds, _, sequence = event_id.partition("-")
    if not (milliseconds.isdigit() and sequence.isdigit()) or len(event_id) > 40:
        raise ValueError(f"Not an event id: {event_id!r}")
    return int(milliseconds), int(sequence)


# The largest sequence number Redis gives an id (an unsigned 64-bit integer).
_MAX_SEQUENCE = 2**64 - 1


def id_before(milliseconds: int) -> str:
    """The greatest id below every id of that millisecond: reading after it reads from then."""
    if milliseconds <= 0:
        return "0-0"
    return f"{milliseconds - 1}-{_MAX_SEQUENCE}"


def is_event_id(value: str) -> bool:
    try:
        event_key(value)
    except ValueError:
        return False
    return True


# --- Publishing ------------------------------------------------------------------------


def publish(stream: str, event: str, data: dict[str, object]) -> None:
    """Send `event` with `data` (JSON-serialisable) to `stream` once the transaction commits."""
    payload = dict(data)
    json.dumps(payload)  # Fail in the caller, not after commit, on data JSON cannot carry.
    transaction.on_commit(lambda: send_now(stream, event, payload))


def send_now(stream: str, event: str, data: dict[str, Any]) -> Event | None:
    """Send at once (after commit); None when Redis is down and the event was lost."""
    if settings.REDIS_URL:
        try:
            return _redis_send(stream, event, data)
        except _OUTAGE as error:
            logger.warning("Live event %s on %s lost: Redis unavailable (%s)", event, stream, error)
            return None
    return _memory_send(stream, event, data)


# One round trip: add to the stream, trim it, refresh its expiry, wake the listeners.
_SEND_SCRIPT = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
                      'event', ARGV[2], 'data', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5],
           cjson.encode({stream=ARGV[6], id=id, event=ARGV[2], data=ARGV[3]}))
return id
"""

_sync_clients: dict[str, redis.Redis] = {}


def _sync_redis() -> redis.Redis:
    url = settings.REDIS_URL
    client = _sync_clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_timeout=1, decode_responses=True
        )
        _sync_clients[url] = client
    return client


def _redis_send(stream: str, event: str, data: dict[str, Any]) -> Event:
    event_id = _sync_redis().eval(
        _SEND_SCRIPT,
        1,
        f"events:{stream}",
        STREAM_LENGTH,
        event,
        json.dumps(data),
        STREAM_TTL,
        CHANNEL,
        stream,
    )
    return Event(stream=stream, id=str(event_id), event=event, data=data)


# --- In-process backend ----------------------------------------------------------------

_lock = threading.Lock()
_buffers: dict[str, deque[Event]] = {}
_last_id = (0, 0)


def _memory_send(stream: str, event: str, data: dict[str, Any]) -> Event:
    global _last_id
    with _lock:
        milliseconds = int(time.time() * 1000)
        sequence = _last_id[1] + 1 if milliseconds <= _last_id[0] else 0
        _last_id = (max(milliseconds, _last_id[0]), sequence)
        item = Event(stream=stream, id=f"{_last_id[0]}-{_last_id[1]}", event=event, data=data)
        _buffers.setdefault(stream, deque(maxlen=STREAM_LENGTH)).append(item)
    for hub in list(_hubs.values()):
        hub.deliver_threadsafe(item)
    return item


def _memory_after(stream: str, after: str | None) -> list[Event]:
    with _lock:
        events = list(_buffers.get(stream, ()))
    if after is None:
        return []
    start = event_key(after)
    return [item for item in events if event_key(item.id) > start]


def _memory_latest(stream: str) -> str | None:
    with _lock:
        buffer = _buffers.get(stream)
        return buffer[-1].id if buffer else None


def reset_memory() -> None:
    """Forget the in-process streams and watchers (tests)."""
    with _lock:
        _buffers.clear()
        _watching.clear()


# --- Subscribing (in an event loop) ----------------------------------------------------


class StreamLost(Exception):
    """The backend went away while a stream was open: end it so the browser reconnects."""


_LOST = object()


class Subscription:
    """One open stream's queue of live events, filled by its process's hub."""

    def __init__(self, hub: _Hub, stream: str) -> None:
        self.hub = hub
        self.stream = stream
        self.queue: asyncio.Queue[Any] = asyncio.Queue()

    async def get(self, timeout: float) -> Event | None:
        """The next live event, or None after `timeout` seconds; StreamLost on an outage."""
        try:
            # Not wait_for: it wraps the get in a task of its own, and a post's stream may
            # have a thousand readers woken by one event.
            async with asyncio.timeout(timeout):
                item = await self.queue.get()
        except TimeoutError:
            return None
        if item is _LOST:
            raise StreamLost
        assert isinstance(item, Event)
        return item


class _Hub:
    """The open streams of one event loop and, with Redis, its single listener."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.subscriptions: dict[str, set[Subscription]] = {}
        self.listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()
        self.client: aioredis.Redis | None = None

    def deliver(self, item: Event) -> None:
        for subscription in self.subscriptions.get(item.stream, ()):
            subscription.queue.put_nowait(item)

    def deliver_threadsafe(self, item: Event) -> None:
        if item.stream in self.subscriptions and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # The loop closed meanwhile.
                self.loop.call_soon_threadsafe(self.deliver, item)

    def lose_all(self) -> None:
        for subscriptions in self.subscriptions.values():
            for subscription in subscriptions:
                subscription.queue.put_nowait(_LOST)

    def redis(self) -> aioredis.Redis:
        if self.client is None:
            self.client = aioredis.Redis.from_url(
                settings.REDIS_URL,
                socket_connect_timeout=1,
                socket_timeout=5,
                decode_responses=True,
            )
        return self.client

    async def ensure_listening(self) -> None:
        if self.listener is None or self.listener.done():
            self.listening.clear()
            self.listener = self.loop.create_task(self._listen())
        # The listener has subscribed (or failed) before this returns: an event published
        # after a stream's replay read cannot slip past it.
        waiter = asyncio.ensure_future(self.listening.wait())
        done, _ = await asyncio.wait({waiter, self.listener}, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            raise StreamLost

    async def _listen(self) -> None:
        pubsub = self.redis().pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            self.listening.set()
            while True:
                message = await pubsub.get_message(timeout=30)
                if message is None:
                    continue
                payload = json.loads(message["data"])
                self.deliver(
                    Event(
                        stream=payload["stream"],
                        id=payload["id"],
                        event=payload["event"],
                        data=json.loads(payload["data"]),
                    )
                )
        except _OUTAGE as error:
            logger.warning("Live events listener lost Redis (%s): open streams end", error)
            self.lose_all()
        finally:
            self.listening.clear()
            with contextlib.suppress(*_OUTAGE):
                await pubsub.aclose()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = _Hub(loop)
    return hub


@contextlib.asynccontextmanager
async def subscribe(stream: str) -> AsyncIterator[Subscription]:
    """Receive `stream`'s live events from now on (StreamLost if the backend is down)."""
    hub = _hub()
    subscription = Subscription(hub, stream)
    hub.subscriptions.setdefault(stream, set()).add(subscription)
    try:
        if settings.REDIS_URL:
            await hub.ensure_listening()
        yield subscription
    finally:
        subscriptions = hub.subscriptions.get(stream, set())
        subscriptions.discard(subscription)
        if not subscriptions:
            hub.subscriptions.pop(stream, None)


async def events_after(stream: str, after: str | None) -> list[Event]:
    """The stored events of `stream` after id `after` (none without one), oldest first."""
    if not settings.REDIS_URL:
        return _memory_after(stream, after)
    if after is None:
        return []
    try:
        rows = cast(
            "list[tuple[str, dict[str, str]]]",
            await _hub().redis().xrange(f"events:{stream}", min=f"({after}", max="+"),
        )
    except _OUTAGE as error:
        raise StreamLost from error
    return [
        Event(stream=stream, id=row_id, event=fields["event"], data=json.loads(fields["data"]))
        for row_id, fields in rows
    ]


async def latest_id(stream: str) -> str | None:
    """The id of `stream`'s newest stored event, if any: where a new reader starts."""
    if not settings.REDIS_URL:
        return _memory_latest(stream)
    try:
        rows = await _hub().redis().xrevrange(f"events:{stream}", count=1)
    except _OUTAGE as error:
        raise StreamLost from error
    return str(rows[0][0]) if rows else None


# --- Who is watching -------------------------------------------------------------------

_watching: dict[int, dict[str, float]] = {}
_connection_ids = itertools.count()
_process = uuid.uuid4().hex[:12]


def new_watch_token() -> str:
    return f"{_process}-{next(_connection_ids)}"


async def watch(member_id: int, token: str) -> None:
    """Record (or refresh) that connection `token` of the member is open, for WATCHING_TTL."""
    if not settings.REDIS_URL:
        with _lock:
            _watching.setdefault(member_id, {})[token] = time.monotonic() + WATCHING_TTL
        return
    key = f"events:watching:{member_id}"
    try:
        async with _hub().redis().pipeline(transaction=False) as pipe:
            pipe.hset(key, token, 1)
            pipe.expire(key, WATCHING_TTL)
            await pipe.execute()
    except _OUTAGE as error:
        logger.warning("Could not record an open stream of member %s (%s)", member_id, error)


async def unwatch(member_id: int, token: str) -> None:
    """Connection `token` of the member closed."""
    if not settings.REDIS_URL:
        with _lock:
            tokens = _watching.get(member_id, {})
            tokens.pop(token, None)
            if not tokens:
                _watching.pop(member_id, None)
        return
    with contextlib.suppress(*_OUTAGE):
        await _hub().redis().hdel(f"events:watching:{member_id}", token)


def is_watching(member_id: int) -> bool:
    """True while the member has a live stream open (refreshed every heartbeat)."""
    if not settings.REDIS_URL:
        now = time.monotonic()
        with _lock:
            return any(expiry > now for expiry in _watching.get(member_id, {}).values())
    try:
        return bool(_sync_redis().exists(f"events:watching:{member_id}"))
    except _OUTAGE as error:
        logger.warning("Could not read whether member %s is watching (%s)", member_id, error)
        return False


async def close_connections() -> None:
    """Stop this event loop's listener and close its Redis connections (tests, shutdown)."""
    hub = _hubs.pop(asyncio.get_running_loop(), None)
    if hub is None:
        return
    if hub.listener is not None:
        hub.listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, *_OUTAGE):
            await hub.listener
    if hub.client is not None:
        with contextlib.suppress(*_OUTAGE):
            await hub.client.aclose()
