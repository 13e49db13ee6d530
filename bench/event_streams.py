"""Open N SSE streams against one uvicorn process; report memory per stream and fan-out.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.event_streams --streams 2000 \
        --fanout 1000

Starts uvicorn (community.asgi) on a free port with the given database, makes a public
post, opens `--streams` visitor streams on it with aiohttp and reads the server's RSS
before and after (RSS delta / N = memory per stream). Then publishes `--events` events to
the post's stream with `--fanout` streams open and measures, for each stream, the time from
publish to receipt: the p50/p95/max of fan-out latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

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


async def _open(session: aiohttp.ClientSession, url: str) -> aiohttp.ClientResponse:
    response = await session.get(url, timeout=aiohttp.ClientTimeout(total=None))
    assert response.status == 200, response.status
    await response.content.readuntil(b"\n\n")  # retry: the stream is subscribed.
    return response


async def _receive(response: aiohttp.ClientResponse, marker: bytes) -> float:
    while True:
        line = await response.content.readline()
        if marker in line:
            return time.perf_counter()


async def main(post_id: int, streams: int, fanout: int, rounds: int) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "community.asgi:application",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/events/post-{post_id}/"
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            for _ in range(100):
                try:
                    (await _open(session, url)).close()
                    break
                except (aiohttp.ClientError, AssertionError):
                    await asyncio.sleep(0.2)
            before = _rss_kib(server.pid)
            opened = []
            for start in range(0, streams, 40):
                batch = min(40, streams - start)
                opened += await asyncio.gather(*(_open(session, url) for _ in range(batch)))
            after = _rss_kib(server.pid)
            print(
                f"{streams} streams: RSS {before} -> {after} KiB, "
                f"{(after - before) / streams:.1f} KiB per stream"
            )
            for response in opened[fanout:]:
                response.close()
            listeners = opened[:fanout]
            from community import events

            latencies: list[float] = []
            for n in range(rounds):
                marker = f'"bench": {n}'.encode()
                waiting = [asyncio.create_task(_receive(r, marker)) for r in listeners]
                await asyncio.sleep(0.05)
                sent = time.perf_counter()
                await asyncio.to_thread(events.send_now, f"post-{post_id}", "bench", {"bench": n})
                latencies += [(t - sent) * 1000 for t in await asyncio.gather(*waiting)]
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(
                f"fan-out to {fanout} streams, {rounds} events: p50 "
                f"{statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
                f"max {latencies[-1]:.0f} ms"
            )
            for response in listeners:
                response.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(_make_post(), arguments.streams, arguments.fanout, arguments.events))
