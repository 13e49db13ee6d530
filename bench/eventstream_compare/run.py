"""django-eventstream under one uvicorn process: memory per stream, and fan-out latency.

Measures what `bench/event_streams.py` measures, with its thin clients, against the
harness's /events/ (see this package's docstring for the venv and the command). A stream
counts as open once django-eventstream has sent `event: stream-open` (the listener is
registered); events are published with `django_eventstream.send_event`.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from bench.event_streams import _Stream, measure, start_uvicorn

PATH = "/events/"


class EventstreamStream(_Stream):
    opened_marker = b"event: stream-open"


async def main(streams: int, fanout: int, events: int, clients: int) -> None:
    from django_eventstream import send_event

    server, port = start_uvicorn("bench.eventstream_compare.asgi:application")
    await measure(
        server,
        port,
        PATH,
        lambda number: send_event("bench", "bench", {"bench": number}),
        streams=streams,
        fanout=fanout,
        events=events,
        clients=clients,
        stream_class=EventstreamStream,
    )


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
