"""Visitors reading a public post: wrk at 64 connections, through nginx with its micro-cache
of visitors' pages, and straight at gunicorn with the app's cache of pages warm, beside the
health check in the same run.

Run from the repository root (needs wrk and nginx: `apt-get install wrk nginx`)::

    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/visitor_pages.py
    REDIS_URL=... .venv/bin/python bench/visitor_pages.py --database-url postgres://.../rounds_scale

Without --database-url the script creates the PostgreSQL database `rounds_load` (on the
server of --admin-url) if it is missing and seeds it as bench/load.py does. With one, it
only reads it: a visitor's GET writes nothing to the database, and the pages are kept in
Redis. It starts gunicorn with DEBUG=0, the production worker model (sync workers, 2 x
cores + 1) and the app's page cache on (PAGE_CACHE_SECONDS=60, PAGE_S_MAXAGE=1), and nginx
in front of it with the compose stack's own deploy/nginx/rounds.conf (deploy/local_nginx.py).

Runs, each `wrk -t2 -c64 -d<duration>s` after a short warm-up, without any cookie:
1. the public post with the most comments, through nginx (its micro-cache answers);
2. straight at gunicorn: /healthz, then Explore and the same post (the app's cache warm).

With --uncached, a last run measures Explore and the post at gunicorn with the app's cache
off (PAGE_CACHE_SECONDS=0): the comparison, without a target.

Passing: through nginx at least 5,000 requests a second with a p99 under 50 ms; at gunicorn
Explore and the post page each at least half of /healthz's requests a second; every answer
a 200 and no socket error. wrk's own latency covers the whole round trip.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench import load, overload
else:
    import load  # run as a script: bench/ is on the path
    import overload

ROOT = load.ROOT
sys.path.insert(0, str(ROOT))

from deploy.local_nginx import nginx_binary, running_nginx  # noqa: E402

PROXY_REQUESTS_PER_SECOND_TARGET = 5000
PROXY_P99_TARGET_MS = 50.0
SHARE_OF_HEALTHZ_TARGET = 0.5

# wrk's Lua: statuses, and how nginx answered (X-Cache-Status), then one JSON line.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} caches = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local cache = headers["X-Cache-Status"] or "-"
  caches[cache] = (caches[cache] or 0) + 1
end
local function merged(name)
  local counts = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get(name)) do
      counts[tostring(key)] = (counts[tostring(key)] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(counts) do table.insert(parts, '"' .. key .. '":' .. n) end
  return table.concat(parts, ",")
end
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"statuses":{%s},"cache":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_ms":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"mean":%.2f}}\\n',
    summary.requests, summary.duration, merged("statuses"), merged("caches"),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""

# The public post a viral visit would land on, and a sanity check that visitors read it.
FIND_POST = """
from django.contrib.auth.models import AnonymousUser
from posts.models import Post
post = Post.objects.visible_to(AnonymousUser()).order_by("-comment_count", "-pk").first()
print(post.pk, post.comment_count)
"""


@dataclass
class Result:
    name: str
    url: str
    requests: int
    requests_per_second: float
    latency_ms: dict[str, float]
    statuses: dict[str, int]
    cache: dict[str, int]
    socket_errors: int

    @property
    def all_ok(self) -> bool:
        return set(self.statuses) == {"200"} and self.socket_errors == 0


def _wrk(url: str, script: Path, args: argparse.Namespace, *, duration: int) -> dict[str, object]:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s"]
    command += ["--timeout", "10s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    return dict(json.loads(line.removeprefix("WRK_JSON ")))


def _measure(name: str, url: str, script: Path, args: argparse.Namespace) -> Result:
    _wrk(url, script, args, duration=args.warm_up)
    data = _wrk(url, script, args, duration=args.duration)
    seconds = int(str(data["duration_us"])) / 1_000_000
    errors = data["errors"]
    assert isinstance(errors, dict)
    return Result(
        name=name,
        url=url,
        requests=int(str(data["requests"])),
        requests_per_second=round(int(str(data["requests"])) / seconds, 1),
        latency_ms=dict(data["latency_ms"]),  # type: ignore[call-overload]
        statuses=dict(data["statuses"]),  # type: ignore[call-overload]
        cache=dict(data["cache"]),  # type: ignore[call-overload]
        socket_errors=sum(errors.values()),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="An existing, migrated database (only read).")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database-name", default="rounds_load")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="Also measure Explore and the post at gunicorn with the app's cache off.",
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    args = parser.parse_args()

    if not shutil.which("wrk") or nginx_binary() is None:
        raise SystemExit("wrk and nginx are needed: apt-get install wrk nginx")
    if not args.redis_url:
        raise SystemExit("REDIS_URL (or --redis-url) is needed: the app keeps pages in Redis")
    database_url = args.database_url
    if not database_url:
        load.ensure_database(args.admin_url, args.database_name)
        database_url = args.admin_url.rsplit("/", 1)[0] + f"/{args.database_name}"

    workdir = Path(tempfile.mkdtemp(prefix="rounds-visitors-"))
    port = load.free_port()
    env = {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "CLIENT_IP_HEADER": "X-Real-IP",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "PAGE_CACHE_SECONDS": "60",
        "PAGE_S_MAXAGE": "1",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if not args.database_url:
        load.manage(env, "migrate", "--noinput")
        load.manage(env, "seed_demo")
        load.manage(env, "shell", "-c", load.SEED_POSTS)
    load.manage(env, "collectstatic", "--noinput", "-v", "0")
    found = load.manage(env, "shell", "-c", FIND_POST).strip().splitlines()[-1]
    post_pk, comment_count = found.split()
    script = workdir / "count.lua"
    script.write_text(WRK_SCRIPT)
    post_path = f"/posts/{post_pk}/"

    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    log = workdir / "gunicorn.log"
    server = overload._start_gunicorn(env, log)
    try:
        load.wait_until_serving(f"http://127.0.0.1:{port}/healthz", server, log)
        workers_before = load.worker_pids(server.pid)
        app = f"http://127.0.0.1:{port}"
        with running_nginx(
            upstream_port=port, files_root=workdir, directory=workdir / "nginx"
        ) as proxy:
            proxied = _measure(
                "post, through nginx", f"http://127.0.0.1:{proxy.port}{post_path}", script, args
            )
        direct = [
            _measure("/healthz, gunicorn", f"{app}/healthz", script, args),
            _measure("Explore, gunicorn (app cache)", f"{app}/explore/", script, args),
            _measure("post, gunicorn (app cache)", f"{app}{post_path}", script, args),
        ]
        workers_unchanged = workers_before == load.worker_pids(server.pid)
        overload._stop(server)
        uncached: list[Result] = []
        if args.uncached:
            # The comparison: the same pages rendered for every request.
            server = overload._start_gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, log)
            load.wait_until_serving(f"{app}/healthz", server, log)
            uncached = [
                _measure("Explore, gunicorn (no app cache)", f"{app}/explore/", script, args),
                _measure("post, gunicorn (no app cache)", f"{app}{post_path}", script, args),
            ]
    finally:
        if server.poll() is None:
            overload._stop(server)
        shutil.rmtree(workdir, ignore_errors=True)

    healthz = direct[0].requests_per_second
    shares = {result.name: round(result.requests_per_second / healthz, 2) for result in direct[1:]}
    passed = (
        proxied.all_ok
        and all(result.all_ok for result in (*direct, *uncached))
        and workers_unchanged
        and proxied.requests_per_second >= PROXY_REQUESTS_PER_SECOND_TARGET
        and proxied.latency_ms["p99"] < PROXY_P99_TARGET_MS
        and all(share >= SHARE_OF_HEALTHZ_TARGET for share in shares.values())
    )
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load_before}",
        "database": database_url.rsplit("/", 1)[-1],
        "post": {"path": post_path, "comments": int(comment_count)},
        "connections": args.connections,
        "duration_s": args.duration,
        "workers": args.workers,
        "results": [asdict(result) for result in (proxied, *direct, *uncached)],
        "share_of_healthz": shares,
        "workers_unchanged": workers_unchanged,
        "passed": passed,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0 if passed else 1
    print(f"{report['date']} · {report['machine']} · database {report['database']}")
    print(
        f"post {post_path} ({comment_count} comments) · wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s · {args.workers} gunicorn workers\n"
    )
    print("| Run | Requests/s | p50 ms | p99 ms | max ms | Statuses | nginx cache |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for result in (proxied, *direct, *uncached):
        latency = result.latency_ms
        print(
            f"| {result.name} | {result.requests_per_second:,.0f} | {latency['p50']:.1f} "
            f"| {latency['p99']:.1f} | {latency['max']:.1f} | {result.statuses} "
            f"| {result.cache if result is proxied else '-'} |"
        )
    print(f"\nShare of /healthz's requests/s: {shares}")
    print("PASSED" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
