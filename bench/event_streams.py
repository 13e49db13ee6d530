"""Live event streams under one uvicorn process: memory per open stream, and fan-out latency.

    DATABASE_URL=... REDIS_URL=redis://127.0.0.1:<port>/0 DEBUG=1 \
        .venv/bin/python -m bench.event_streams --streams 2000 --fanout 1000 --clients 4

Needs a member in the database (`manage.py seed_demo`) and a Redis of its own (the bench
publishes on the events channel). Starts uvicorn (community.asgi) on a free port, makes a
public post and then measures:

1. Memory per open stream: opens `--streams` visitor streams on the post, waits until each
   has sent its `retry:` line (the stream is subscribed), and reads the server's RSS before
   and after: (after - before) / N.
2. Fan-out: with `--fanout` streams open on the post, spread over `--clients` client
   processes, publishes `--events` events one after another (each once every stream has
   the previous one) and reports the p50, p95 and max of the time from publish to receipt
   over every (stream, event) pair.

The clients are deliberately thin (a raw HTTP/1.1 request per stream; a receipt is stamped
in the protocol's data_received, with no HTTP client library parsing each chunk) and spread
over processes, so that what is measured is the server, not one client event loop reading
a thousand sockets. Times are CLOCK_MONOTONIC (`time.monotonic`), which is system-wide on
Linux, so stamps from different processes compare. The clients share the machine's cores
with the server: `--clients` should stay small (2 to 4 on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _make_post() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    import django

    django.setup()
    from accounts.models import User
    from posts.models import Post, Visibility

    author = User.objects.filter(is_active=True).first()
    if author is None:
        raise SystemExit("No member in the database: run seed_demo first.")
    post = Post.objects.create(
        author=author, body="Bench", body_html="<p>Bench</p>", visibility=Visibility.PUBLIC
    )
    return int(post.pk)


# --- One stream, as a browser would hold it ---------------------------------------------


class _Stream(asyncio.Protocol):
    """One SSE stream: `opened` once `retry:` arrives, then the receipt time of each event."""

    # What the server sends once the stream is subscribed (bench/eventstream_compare: its own).
    opened_marker = b"retry:"

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.opened = asyncio.get_running_loop().create_future()
        self.received: list[float] = []
        self.waiting: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.buffer += data
        if not self.opened.done():
            if self.opened_marker not in self.buffer:
                return
            if not self.buffer.startswith(b"HTTP/1.1 200"):
                self.opened.set_exception(RuntimeError(bytes(self.buffer[:80]).decode()))
                return
            self.opened.set_result(None)
        marker = b'{"bench": %d}' % len(self.received)
        if marker in self.buffer:
            self.received.append(now)
            del self.buffer[:]
            if self.waiting is not None and not self.waiting.done():
                self.waiting.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before retry:"))

    async def wait_for_event(self, number: int) -> None:
        while len(self.received) <= number:
            self.waiting = asyncio.get_running_loop().create_future()
            await self.waiting

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _open_streams(
    port: int, path: str, count: int, protocol: type[_Stream] = _Stream
) -> list[_Stream]:
    loop = asyncio.get_running_loop()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()

    async def one() -> _Stream:
        transport, stream = await loop.create_connection(protocol, "127.0.0.1", port)
        transport.write(request)
        await stream.opened
        return stream

    # In batches: each opening request holds a database connection while it checks access.
    streams: list[_Stream] = []
    for start in range(0, count, 40):
        streams += await asyncio.gather(*(one() for _ in range(min(40, count - start))))
    return streams


def _client(
    port: int,
    path: str,
    count: int,
    events: int,
    pipe: Connection,
    protocol: type[_Stream] = _Stream,
) -> None:
    """A client process: open `count` streams, report ready, then each event's receipts."""

    async def run() -> None:
        streams = await _open_streams(port, path, count, protocol)
        pipe.send("ready")
        for number in range(events):
            await asyncio.gather(*(stream.wait_for_event(number) for stream in streams))
            pipe.send([stream.received[number] for stream in streams])
        for stream in streams:
            stream.close()

    asyncio.run(run())


# --- The bench --------------------------------------------------------------------------


async def _wait_until_up(port: int, path: str, stream_class: type[_Stream] = _Stream) -> None:
    for _ in range(150):
        try:
            (await _open_streams(port, path, 1, stream_class))[0].close()
            return
        except (OSError, RuntimeError):
            await asyncio.sleep(0.2)
    raise SystemExit("uvicorn did not start")


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, int(len(ordered) * fraction) - 1)]


def start_uvicorn(application: str) -> tuple[subprocess.Popen[bytes], int]:
    """uvicorn serving `application` on a free port of 127.0.0.1, and the port."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            application,
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            # Open streams never end by themselves: do not wait for them on shutdown.
            "--timeout-graceful-shutdown",
            "1",
        ],
        cwd=ROOT,
    )
    return server, port


async def measure(
    server: subprocess.Popen[bytes],
    port: int,
    path: str,
    publish: Callable[[int], object],
    *,
    streams: int,
    fanout: int,
    events: int,
    clients: int,
    stream_class: type[_Stream] = _Stream,
) -> None:
    """Print the memory per open stream of `path` and the fan-out of `events` events, each
    sent by `publish(number)`, to `fanout` streams over `clients` processes; then stop
    `server`."""
    try:
        await _wait_until_up(port, path, stream_class)
        before = _rss_kib(server.pid)
        opened = await _open_streams(port, path, streams, stream_class)
        after = _rss_kib(server.pid)
        print(
            f"{streams} streams: RSS {before} -> {after} KiB, "
            f"{(after - before) / streams:.1f} KiB per stream"
        )
        for stream in opened:
            stream.close()

        pipes = []
        processes = []
        for index in range(clients):
            count = fanout // clients + (1 if index < fanout % clients else 0)
            ours, theirs = multiprocessing.Pipe()
            process = multiprocessing.get_context("spawn").Process(
                target=_client, args=(port, path, count, events, theirs, stream_class), daemon=True
            )
            process.start()
            # One client opens its streams at a time (see _open_streams).
            assert await asyncio.to_thread(ours.recv) == "ready"
            pipes.append(ours)
            processes.append(process)
        latencies: list[float] = []
        for number in range(events):
            await asyncio.sleep(0.2)
            sent = time.monotonic()
            await asyncio.to_thread(publish, number)
            for pipe in pipes:
                received: list[float] = await asyncio.to_thread(pipe.recv)
                latencies += [(moment - sent) * 1000 for moment in received]
        for process in processes:
            process.join(10)
        latencies.sort()
        print(
            f"fan-out to {fanout} streams ({clients} client processes), {events} events: "
            f"p50 {statistics.median(latencies):.0f} ms, p95 {_percentile(latencies, 0.95):.0f} "
            f"ms, max {latencies[-1]:.0f} ms"
        )
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def main(post_id: int, streams: int, fanout: int, events: int, clients: int) -> None:
    from community import events as live_events

    server, port = start_uvicorn("community.asgi:application")
    stream = f"post-{post_id}"
    await measure(
        server,
        port,
        f"/events/{stream}/",
        lambda number: live_events.send_now(stream, "bench", {"bench": number}),
        streams=streams,
        fanout=fanout,
        events=events,
        clients=clients,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    arguments = parser.parse_args()
    asyncio.run(
        main(
            _make_post(),
            arguments.streams,
            arguments.fanout,
            arguments.events,
            arguments.clients,
        )
    )
