"""Load test: wrk at 64 connections for 60 s against the home feed and a post page, on
gunicorn with PostgreSQL (and Redis as cache and session cache), as in production.

Run from the repository root::

    python bench/load.py                                   # seeds its own small database
    python bench/load.py --database-url postgres://.../rounds_scale --member bench-member

Without --database-url the script creates the PostgreSQL database `rounds_load` (on the
server of --admin-url) if it is missing, migrates it, loads the demo data and 300 more
posts. It then collects static files into a temporary directory, starts gunicorn with
DEBUG=0 on a free port, signs a member in (a session made directly in the database), and
runs `wrk -t2 -c64 -d60s` once per page.

Passing means: every answer was a 200 (counted by a wrk Lua script, since wrk's own
"Non-2xx or 3xx" line lets redirects through), no socket errors, and the same gunicorn
worker PIDs before and after. Workers are never recycled during the run
(GUNICORN_MAX_REQUESTS=0): planned recycling is not a crash, but with it switched off any
change of PID is one. Figures are printed as a table and as JSON (--json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

# Counts every status, keeps latency percentiles, and prints one JSON line at the end.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[tostring(status)] = (counts[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do table.insert(parts, '"' .. status .. '":' .. n) end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_ms":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"mean":%.2f}}\\n',
    summary.requests, summary.duration, table.concat(parts, ","),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


@dataclass
class PageResult:
    page: str
    path: str
    requests: int
    requests_per_second: float
    non_200: int
    socket_errors: int
    latency_ms: dict[str, float]
    statuses: dict[str, int]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


SEED_POSTS = """
from accounts.models import User
from posts.models import Post
from posts.services import publish_post
authors = list(User.objects.filter(is_staff=False, suspended_at__isnull=True)[:6])
missing = 300 - Post.objects.filter(body__startswith="Load test pearl").count()
for number in range(max(0, missing)):
    publish_post(
        author=authors[number % len(authors)],
        body=f"Load test pearl {number}: check the potassium before the second dose. #loadtest",
    )
"""

SIGN_IN = """
import os
from django.test import Client
from accounts.models import User
from posts.models import Post
handle = os.environ.get("LOAD_MEMBER", "")
member = User.objects.get(handle=handle) if handle else (
    User.objects.filter(is_staff=False, suspended_at__isnull=True).order_by("pk").first()
)
client = Client()
client.force_login(member)
post = Post.objects.visible_to(member).order_by("-comment_count", "-pk").first()
print(client.cookies["sessionid"].value, post.pk, member.handle)
"""


def worker_pids(master_pid: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent PID is the 2nd field after the command name, which is in parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            pids.add(int(entry.name))
    return pids


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # nosec: a local URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer in 60 s:\n{log.read_text()}")


def _run_wrk(
    base: str, page: str, path: str, cookie: str, args: argparse.Namespace, script: Path
) -> PageResult:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--latency", "--timeout", f"{args.timeout}s", "-s", str(script)]
    command += ["-H", f"Cookie: sessionid={cookie}", f"{base}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    statuses = {status: count for status, count in data["statuses"].items()}
    seconds = data["duration_us"] / 1_000_000
    return PageResult(
        page=page,
        path=path,
        requests=data["requests"],
        requests_per_second=round(data["requests"] / seconds, 1),
        non_200=sum(count for status, count in statuses.items() if status != "200"),
        socket_errors=sum(data["errors"].values()),
        latency_ms=data["latency_ms"],
        statuses=statuses,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="An existing, migrated database with data.")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database-name", default="rounds_load")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--member", default="", help="Handle of the member to sign in.")
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--gunicorn-threads", type=int, default=2)
    parser.add_argument(
        "--timeout",
        type=int,
        default=30,
        help="wrk's per-request timeout; the default is gunicorn's worker timeout, the "
        "longest a request may take before the server itself gives up on it.",
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    database_url = args.database_url
    if not database_url:
        ensure_database(args.admin_url, args.database_name)
        database_url = args.admin_url.rsplit("/", 1)[0] + f"/{args.database_name}"

    workdir = Path(tempfile.mkdtemp(prefix="rounds-load-"))
    port = free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "STATIC_ROOT": str(workdir / "static"),
        "VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.gunicorn_threads),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if not args.database_url:
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "shell", "-c", SEED_POSTS)
    manage(env, "collectstatic", "--noinput", "-v", "0")
    sign_in_env = {**env, "LOAD_MEMBER": args.member}
    signed_in = manage(sign_in_env, "shell", "-c", SIGN_IN).strip().splitlines()[-1]
    cookie, post_pk, handle = signed_in.split()

    log = workdir / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [GUNICORN, "community.wsgi:application", "--config", "community/gunicorn.conf.py"]
            + ["--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/healthz", server, log)
        script = workdir / "count.lua"
        script.write_text(WRK_SCRIPT)
        pages = {"home feed": "/", "post page": f"/posts/{post_pk}/"}
        # A short warm-up so the first figures don't include workers' first imports.
        for path in pages.values():
            warm = argparse.Namespace(**{**vars(args), "duration": 3, "connections": 8})
            _run_wrk(base, "warm-up", path, cookie, warm, script)
        workers_before = worker_pids(server.pid)
        results = [_run_wrk(base, page, path, cookie, args, script) for page, path in pages.items()]
        workers_after = worker_pids(server.pid)
        served_log = log.read_text(errors="replace")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    gunicorn_errors = [
        line
        for line in served_log.splitlines()
        if "WORKER TIMEOUT" in line or "Worker exiting" in line or "Traceback" in line
    ]
    shutil.rmtree(workdir, ignore_errors=True)

    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "database": database_url.rsplit("@", 1)[-1],
        "redis": bool(args.redis_url),
        "member": handle,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s "
        f"--timeout {args.timeout}s",
        "gunicorn": f"{args.workers} workers x {args.gunicorn_threads} threads, max_requests=0",
        "pages": [asdict(result) for result in results],
        "workers_unchanged": workers_before == workers_after and bool(workers_before),
        "worker_count": len(workers_before),
        "gunicorn_errors": gunicorn_errors,
    }
    passed = (
        report["workers_unchanged"]
        and not gunicorn_errors
        and all(result.non_200 == 0 and result.socket_errors == 0 for result in results)
    )
    report["passed"] = passed
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['date']}  {report['machine']}  wrk {report['wrk']}")
        print(f"gunicorn {report['gunicorn']}, database {report['database']}")
        print("| page | requests | req/s | non-200 | socket errors | p50 ms | p90 ms | p99 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for result in results:
            latency = result.latency_ms
            print(
                f"| {result.page} | {result.requests} | {result.requests_per_second} "
                f"| {result.non_200} | {result.socket_errors} | {latency['p50']:.1f} "
                f"| {latency['p90']:.1f} | {latency['p99']:.1f} |"
            )
        print(f"worker PIDs unchanged: {report['workers_unchanged']} ({len(workers_before)})")
        print("PASS" if passed else f"FAIL {json.dumps(report['pages'])} {gunicorn_errors}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
