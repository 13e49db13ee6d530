"""django-eventstream under one uvicorn process: memory per stream, and fan-out latency.

Measures what `bench/event_streams.py` measures, with its thin clients, against the
harness's /events/ (see this package's docstring for the venv and the command). A stream
counts as open once django-eventstream has sent `event: stream-open` (the listener is
registered); events are published with `django_eventstream.send_event`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

from bench.event_streams import (
    ROOT,
    _client,
    _free_port,
    _open_streams,
    _percentile,
    _rss_kib,
    _Stream,
)

PATH = "/events/"


class EventstreamStream(_Stream):
    opened_marker = b"event: stream-open"


async def _wait_until_up(port: int) -> None:
    for _ in range(150):
        try:
            (await _open_streams(port, PATH, 1, EventstreamStream))[0].close()
            return
        except (OSError, RuntimeError):
            await asyncio.sleep(0.2)
    raise SystemExit("uvicorn did not start")


async def main(streams: int, fanout: int, events: int, clients: int) -> None:
    from django_eventstream import send_event

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.eventstream_compare.asgi:application",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "1",
        ],
        cwd=ROOT,
    )
    try:
        await _wait_until_up(port)
        before = _rss_kib(server.pid)
        opened = await _open_streams(port, PATH, streams, EventstreamStream)
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
                target=_client,
                args=(port, PATH, count, events, theirs, EventstreamStream),
                daemon=True,
            )
            process.start()
            assert await asyncio.to_thread(ours.recv) == "ready"
            pipes.append(ours)
            processes.append(process)
        latencies: list[float] = []
        for number in range(events):
            await asyncio.sleep(0.2)
            sent = time.monotonic()
            await asyncio.to_thread(send_event, "bench", "bench", {"bench": number})
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


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--fanout", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.eventstream_compare.settings")
    import django

    django.setup()
    asyncio.run(main(arguments.streams, arguments.fanout, arguments.events, arguments.clients))
