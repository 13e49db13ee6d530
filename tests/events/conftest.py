"""Live events: both backends (in-process and Redis), and a way to read an SSE stream.

`backend` runs a test once per backend: "memory" (no REDIS_URL) and "redis" (the test
run's REDIS_URL, skipped without one). `read_stream` opens `/events/<stream>/` through
Django's AsyncClient, as uvicorn would serve it, and hands the test an `OpenStream` to read
messages from and close.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.test import AsyncClient

from accounts.models import User
from community import events

WAIT = 10.0
REDIS_URL = os.environ.get("REDIS_URL", "")


def clear_redis_streams(url: str) -> None:
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter("events:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    if request.param == "memory":
        settings.REDIS_URL = ""
    else:
        if not REDIS_URL:
            pytest.skip("needs REDIS_URL=redis://...")
        settings.REDIS_URL = REDIS_URL
        clear_redis_streams(REDIS_URL)
    events.reset_memory()
    yield request.param
    events.reset_memory()


@dataclass
class Message:
    """One SSE message: its fields, the comment lines, and `retry` if it set one."""

    id: str | None = None
    event: str | None = None
    data: str | None = None
    retry: str | None = None
    comments: list[str] = field(default_factory=list)


def parse(block: str) -> Message:
    message = Message()
    data: list[str] = []
    for line in block.split("\n"):
        if line.startswith(":"):
            message.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name in ("id", "event", "retry"):
            setattr(message, name, value)
    message.data = "\n".join(data) if data else None
    return message


class OpenStream:
    """An open `/events/...` response read message by message."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.iterator: AsyncIterator[str | bytes] = response.streaming_content
        self.buffer = ""
        self.ended = False

    async def next(self, timeout: float = WAIT) -> Message | None:
        """The next message, or None when the stream ended."""
        while "\n\n" not in self.buffer:
            try:
                chunk = await asyncio.wait_for(self.iterator.__anext__(), timeout)
            except StopAsyncIteration:
                self.ended = True
                return None
            self.buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        block, self.buffer = self.buffer.split("\n\n", 1)
        return parse(block)

    async def next_event(self, timeout: float = WAIT) -> Message:
        """The next message carrying data (skipping `retry:`, ids alone and heartbeats)."""
        while True:
            message = await self.next(timeout)
            assert message is not None, "the stream ended"
            if message.data is not None:
                return message

    async def close(self) -> None:
        """Go away as a browser does: Django's ASGI handler cancels the stream where it
        waits, which runs its cleanup (the member stops "watching")."""
        while not self.ended:
            task = asyncio.ensure_future(self.iterator.__anext__())
            done, _ = await asyncio.wait({task}, timeout=0.05)
            if done:
                try:
                    task.result()
                except StopAsyncIteration:
                    self.ended = True
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await task
            self.ended = True


async def open_stream(
    path: str, *, user: User | None = None, headers: dict[str, str] | None = None
) -> OpenStream:
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    response = await client.get(path, headers=headers or {})
    assert response.status_code == 200, (response.status_code, getattr(response, "content", b""))
    stream = OpenStream(response)
    first = await stream.next()
    assert first is not None and first.retry is not None
    return stream


async def status_of(path: str, *, user: User | None = None) -> int:
    client = AsyncClient()
    if user is not None:
        await client.aforce_login(user)
    response = await client.get(path)
    return int(response.status_code)


def using_redis() -> bool:
    return bool(django_settings.REDIS_URL)
