"""Benchmark the hot pages on the scale data set, under gunicorn, with wrk.

Load the data set first (PostgreSQL only, see README "Scale and benchmarks")::

    createdb -h 127.0.0.1 -U postgres rounds_scale
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale python manage.py migrate
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
        python -m bench.scale

then, from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rounds_scale \\
    REDIS_URL=redis://127.0.0.1:6379/7 python -m bench.run_pages

For each page it: counts the SQL queries in-process (Django's test client and
CaptureQueriesContext, signed in as the bench member, against the same database), checks the
page answers 200 through gunicorn, warms up, then runs `wrk -t2 -c8 -d15s --latency` with a
Lua `done()` hook that prints the 50th, 95th and 99th percentiles, requests per second and
errors (socket errors and non-2xx/3xx answers). gunicorn listens on a free port of
127.0.0.1 only. The results replace the table between the markers in BENCHMARKS.md.

In the same run and the same way, it measures `/healthz` asked with no session (one query:
the cheapest request on the stack) before the pages and again after them, and gives each
page's requests per second as a share of the two floors' mean, a figure that compares across
machines and loads (a machine whose speed drifts during the run moves both floors). Explore
and the post page are measured for visitors too (no cookie), beside the same pages signed in.

A page meets its targets when its p95 is under its target, it answered no error, its query
count is within the budget and its share reaches its target (`bench/scale/hot_pages.py`:
issue 24's goals). The exit status is 1 when any page misses one, and the misses are printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_SECRET = "bench-only-secret-key-not-for-production-0123456789abcdef"
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": BENCH_SECRET,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
}

if __name__ == "__main__":
    # Run as the bench: its settings. Imported (by the tests) it changes no environment.
    for _name, _value in SERVER_ENV.items():
        os.environ.setdefault(_name, _value)
    # DEBUG=0 serves hashed static files from a manifest: collected once here, for the bench.
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench" / "static"))
    SERVER_ENV["STATIC_ROOT"] = os.environ["STATIC_ROOT"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

    import django

    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Follow, User  # noqa: E402
from bench.scale.hot_pages import hot_pages  # noqa: E402
from bench.scale.sizes import BENCH_HANDLE  # noqa: E402
from mentoring.models import MentorProfile  # noqa: E402
from posts.models import Comment, Post, Reaction  # noqa: E402

MARK_START = "<!-- pages:start -->"
MARK_END = "<!-- pages:end -->"
QUERY_LIMIT = 12

LUA_DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'RESULT {"p50": %d, "p95": %d, "p99": %d, "requests": %d, "duration_us": %d, '
    .. '"socket_errors": %d, "non_2xx_3xx": %d}\\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration, errors, summary.errors.status))
end
"""


@dataclass
class Page:
    name: str
    path: str
    p95_target_ms: int = 100
    # Asked with no cookie, as a visitor (or a load balancer) asks it.
    visitor: bool = False
    # The least share of the floor's requests per second; 0: none.
    share_target: float = 0.0
    queries: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    # One connection at a time: the server's own time for the page, without queueing.
    alone_p50_ms: float = 0.0
    rps: float = 0.0
    errors: int = 0
    requests: int = 0
    # Requests per second as a share of the floor's in the same run (`shares_of`).
    share: float = 0.0

    def misses(self) -> list[str]:
        """The targets the page missed, each said in a few words; none when it met them."""
        misses = []
        if self.p95_ms >= self.p95_target_ms:
            misses.append(f"p95 {self.p95_ms:.1f} ms, target < {self.p95_target_ms}")
        if self.errors:
            misses.append(f"{self.errors} errors")
        if self.queries > QUERY_LIMIT:
            misses.append(f"{self.queries} queries, budget {QUERY_LIMIT}")
        if self.share < self.share_target:
            misses.append(f"{self.share:.0%} of /healthz, target {self.share_target:.0%}")
        return misses

    @property
    def targets(self) -> str:
        share = f", share >= {self.share_target:.0%}" if self.share_target else ""
        return f"p95 < {self.p95_target_ms}{share}"


FLOOR = Page("/healthz (floor)", "/healthz", visitor=True)


def pages_to_run(only: str) -> list[Page]:
    pages = []
    for page in hot_pages():
        target = page.p95_target_ms
        pages.append(Page(page.name, page.path, target, share_target=page.share_target))
        if page.visitor_share_target:
            name = f"{page.name}, visitor"
            share = page.visitor_share_target
            pages.append(Page(name, page.path, target, visitor=True, share_target=share))
    return [page for page in pages if only.lower() in page.name.lower()]


def shares_of(pages: list[Page], before: Page, after: Page) -> float:
    """Each page's share of the floor (the mean of `/healthz` measured before the pages and
    after them, so that a machine slowing down or speeding up during the run moves the floor
    with it), set on the pages; the floor's requests per second."""
    floor = (before.rps + after.rps) / 2
    for page in pages:
        page.share = page.rps / floor if floor else 0.0
    return floor


def session_cookie(member: User) -> str:
    """A signed-in session for `member`, made directly in the session store."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = member.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def count_queries(pages: list[Page], member: User) -> None:
    signed_in = Client(HTTP_HOST="127.0.0.1")
    signed_in.force_login(member)
    for page in pages:
        client = Client(HTTP_HOST="127.0.0.1") if page.visitor else signed_in
        client.get(page.path)  # warm caches (session, content types) like a live server
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            raise SystemExit(f"{page.path} answered {response.status_code} in-process")
        page.queries = len(captured.captured_queries)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **SERVER_ENV,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "-c", "community/gunicorn.conf.py", "--access-logfile", "/dev/null"]
        + ["community.wsgi"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
        except urllib.error.HTTPError:
            return server
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


def check_live(port: int, page: Page, cookie: str) -> None:
    headers = {} if page.visitor else {"Cookie": cookie}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{page.path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200:
            raise SystemExit(f"{page.path} answered {response.status} under gunicorn")


def run_wrk(port: int, page: Page, cookie: str, script: str, args: argparse.Namespace) -> None:
    url = f"http://127.0.0.1:{port}{page.path}"
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "-s", script]
    headers = [] if page.visitor else ["-H", f"Cookie: {cookie}"]
    subprocess.run([*base, "-d3s", *headers, url], check=True, capture_output=True)
    alone = subprocess.run(
        ["wrk", "-t1", "-c1", "--latency", "-s", script, "-d5s", *headers, url],
        check=True,
        capture_output=True,
        text=True,
    )
    page.alone_p50_ms = _figures(alone.stdout)["p50"] / 1000
    result = subprocess.run(
        [*base, f"-d{args.duration}s", "--timeout", "5s", *headers, url],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = _figures(result.stdout)
    page.p50_ms = figures["p50"] / 1000
    page.p95_ms = figures["p95"] / 1000
    page.p99_ms = figures["p99"] / 1000
    page.requests = figures["requests"]
    page.rps = figures["requests"] / (figures["duration_us"] / 1_000_000)
    page.errors = figures["socket_errors"] + figures["non_2xx_3xx"]


def _load_average() -> str:
    """Other work on the machine shares its cores: report how busy it was."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _figures(output: str) -> dict[str, int]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return dict(json.loads(line.removeprefix("RESULT ")))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{kib / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        memory = "unknown RAM"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores, {cpu}, {memory}, PostgreSQL {postgres}, {python}"


def data_size() -> str:
    counts = {
        "members": User.objects.count(),
        "posts": Post.objects.count(),
        "comments": Comment.objects.count(),
        "reactions": Reaction.objects.count(),
        "mentors": MentorProfile.objects.count(),
        "follows": Follow.objects.count(),
    }
    return ", ".join(f"{count:,} {name}" for name, count in counts.items())


def table(pages: list[Page], floors: tuple[Page, Page], args: argparse.Namespace, load: str) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    before, after = floors
    lines = [
        MARK_START,
        f"- Date: {today}",
        f"- Machine: {machine()}",
        f"- Load average (1, 5, 15 min) before the run: {load}; after it: {_load_average()}",
        f"- Data: {data_size()}",
        f"- Server: gunicorn, {args.workers} workers x {args.threads_per_worker} "
        f"thread{'' if args.threads_per_worker == 1 else 's'}; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s; "
        "signed in as the bench member (rows marked visitor: no cookie)",
        "- Shares are of the mean of `/healthz` measured before the pages and after them.",
        "",
        "| Page | Queries | Median ms | p95 ms | p99 ms | Requests/s | Share of /healthz "
        "| Errors | Targets | Met | Median ms, 1 connection |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for page in [before, *pages, after]:
        lines.append(
            f"| {page.name} | {page.queries} | {page.p50_ms:.1f} | {page.p95_ms:.1f} | "
            f"{page.p99_ms:.1f} | {page.rps:.0f} | {page.share:.0%} | {page.errors} | "
            f"{page.targets} | {'no' if page.misses() else 'yes'} | {page.alone_p50_ms:.1f} |"
        )
    lines.append(MARK_END)
    return "\n".join(lines)


def write_results(path: Path, block: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n\n" + MARK_START + "\n" + MARK_END
    pattern = re.compile(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text if text.endswith("\n") else text + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="Seconds of wrk per page.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    # One worker per core: PostgreSQL and wrk share these cores, and more processes only
    # queue behind each other (home feed p95 at c=8: 2 workers 73-79 ms, 3 84-88, 4 91-98,
    # 8 111; BENCHMARKS.md). Production, with the database elsewhere, runs 2 x cores + 1.
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes."
    )
    parser.add_argument("--threads-per-worker", type=int, default=1)
    parser.add_argument("--only", default="", help="Run only pages whose name contains this.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="Print the table only.")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmarks run on PostgreSQL: set DATABASE_URL to the scale database.")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    load = _load_average()
    call_command("collectstatic", interactive=False, verbosity=0)
    pages = pages_to_run(args.only)
    before = Page(f"{FLOOR.name}, before the pages", FLOOR.path, visitor=True)
    after = Page(f"{FLOOR.name}, after them", FLOOR.path, visitor=True)
    member = User.objects.get(handle=BENCH_HANDLE)
    count_queries([before, *pages, after], member)
    cookie = session_cookie(member)
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads_per_worker)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA_DONE)
        for page in [before, *pages, after]:
            check_live(port, page, cookie)
            run_wrk(port, page, cookie, script.name, args)
            print(
                f"{page.name:<50} q={page.queries:>2} p50={page.p50_ms:6.1f} "
                f"p95={page.p95_ms:6.1f} rps={page.rps:6.0f} errors={page.errors} "
                f"alone_p50={page.alone_p50_ms:6.1f}",
                file=sys.stderr,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        Path(script.name).unlink(missing_ok=True)
    shares_of([before, *pages, after], before, after)
    block = table(pages, (before, after), args, load)
    print(block)
    if not args.no_write:
        write_results(args.output, block)
    missed = [f"{page.name}: {'; '.join(page.misses())}" for page in pages if page.misses()]
    for line in missed:
        print(f"MISSED {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
