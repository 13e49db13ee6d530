"""The app's own CPU time per hot page, in one process, as a ratio to `/healthz`.

Where `bench/run_pages.py` measures through gunicorn and wrk (wall time, which a busy shared
machine inflates many times over), this measures the CPU time the Django process spends on
each page (`time.process_time`, requests handed straight to Django's WSGI handler with the
bench member's session cookie, against the scale data set), best of several blocks, and the
same for `/healthz` (one query) in the same run: the ratio page / healthz compares across
machines and loads better than either figure. The database's own time is not counted (it
runs in PostgreSQL's processes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
    REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.cpu_pages --blocks 5 --per-block 10

Two versions compare by running this alternately in a checkout of each (same data set).

Django's test client is not used for the requests: it adds work a WSGI server does not, and
more of it when a request activates a time zone (1.5 ms on the home feed, measured on
2026-12-06), which would be charged to the app.

`--calls` prints instead the Python function calls per request of each page under cProfile
(after three warm-up requests): a count, not a time, so it is the same on a busy machine as on
an idle one, and two versions compare in any order. `--top N` adds, per page, the N functions
called most often.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
for _name, _value in {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    # DEBUG=0 serves hashed static files from a manifest: collected once, for the bench.
    "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
}.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.scale.hot_pages import HotPage, hot_pages  # noqa: E402
from bench.scale.sizes import BENCH_HANDLE  # noqa: E402

FLOOR = HotPage("/healthz (floor)", "/healthz")


class Reader:
    """GET requests handed to Django's WSGI handler as a WSGI server hands them, with the
    session cookie of `member` (none for a visitor)."""

    def __init__(self, member: User | None = None) -> None:
        self.handler = WSGIHandler()
        self.cookie = ""
        if member is not None:
            client = Client()
            client.force_login(member)
            self.cookie = "; ".join(
                f"{name}={morsel.value}" for name, morsel in client.cookies.items()
            )

    def get(self, path: str) -> int:
        """The status of GET `path`, its body read and closed as a server would."""
        address, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": address,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        if self.cookie:
            environ["HTTP_COOKIE"] = self.cookie
        statuses: list[str] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            statuses.append(status)
            return lambda data: None

        response = self.handler(environ, start_response)
        try:
            b"".join(response)
        finally:
            response.close()
        return int(statuses[0].split()[0])


def cpu_ms_per_request(client: Reader, path: str, *, blocks: int, per_block: int) -> list[float]:
    """CPU milliseconds per request of each block, after three warm-up requests."""
    for _ in range(3):
        status = client.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    figures = []
    for _ in range(blocks):
        start = time.process_time()
        for _ in range(per_block):
            client.get(path)
        figures.append((time.process_time() - start) / per_block * 1000)
    return figures


def calls_per_request(
    client: Reader, path: str, *, requests: int, top: int = 0
) -> tuple[int, list[str]]:
    """Python function calls per request under cProfile (after three warm-up requests), and the
    `top` functions called most often, as lines."""
    for _ in range(3):
        client.get(path)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        client.get(path)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = sorted(
        ((calls, where) for where, (_, calls, *_rest) in stats.stats.items()),  # type: ignore[attr-defined]
        reverse=True,
    )
    lines = [
        f"    {calls // requests:>6}  {Path(file).name}:{line} {name}"
        for calls, (file, line, name) in rows[:top]
    ]
    return stats.total_calls // requests, lines  # type: ignore[attr-defined]


def print_calls(client: Reader, *, requests: int, top: int) -> None:
    print("| Page | Calls per request |")
    print("| --- | ---: |")
    for page in [FLOOR, *hot_pages()]:
        calls, lines = calls_per_request(client, page.path, requests=requests, top=top)
        print(f"| {page.name} | {calls:,} |")
        for line in lines:
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--blocks", type=int, default=5)
    parser.add_argument("--per-block", type=int, default=10)
    parser.add_argument(
        "--calls", action="store_true", help="Count function calls per request instead."
    )
    parser.add_argument("--top", type=int, default=0, help="With --calls: the N most called.")
    args = parser.parse_args()
    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    client = Reader(User.objects.get(handle=BENCH_HANDLE))
    if args.calls:
        print_calls(client, requests=args.per_block, top=args.top)
        return
    # The floor is the cheapest request on the stack: /healthz as a load balancer asks it,
    # with no session (one query).
    floor = min(
        cpu_ms_per_request(
            Reader(),
            FLOOR.path,
            blocks=args.blocks,
            per_block=args.per_block,
        )
    )
    print("| Page | Best ms CPU | Median ms CPU | Best / floor |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| {FLOOR.name} | {floor:.2f} | | 1.0 |")
    for page in hot_pages():
        figures = cpu_ms_per_request(
            client, page.path, blocks=args.blocks, per_block=args.per_block
        )
        best = min(figures)
        print(
            f"| {page.name} | {best:.2f} | {statistics.median(figures):.2f} | {best / floor:.1f} |"
        )


if __name__ == "__main__":
    main()
