"""Overload: 256 connections for 30 s at the signed-in home feed, through nginx with and
without the app's queue timeout, and at gunicorn alone as before the proxy; and how soon the
site answers normally once the load stops.

Run from the repository root (needs wrk and nginx: `apt-get install wrk nginx`)::

    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/overload.py

Without --database-url the script creates the PostgreSQL database `rounds_load` (on the
server of --admin-url) if it is missing and seeds it as bench/load.py does (the demo data
and 300 more posts). It collects static files into a temporary directory. For each value of
--queue-timeouts (REQUEST_QUEUE_TIMEOUT_MS; 0 is off) it starts gunicorn with DEBUG=0 and
the production worker model (sync workers, 2 x cores + 1 of them, never recycled during the
run) on a free loopback port, and nginx in front of it with the compose stack's own
deploy/nginx/rounds.conf (deploy/local_nginx.py: local addresses and paths only); it warms
up, runs `wrk -t2 -c256 -d30s --timeout 10s` through nginx, and from the moment wrk stops
asks for the sign-in page until an answer is a 200. A last run (skipped with --no-before)
does the same straight at gunicorn with the queue timeout off: the server as it was.

Figures: wrk's status counts, timeouts and latency over all answers; nginx's access log (its
`request_time` for each request) gives the latency of each status apart and tells the app's
503s (which have an upstream status) from nginx's own. Passing, for each run through nginx
with a queue timeout: served requests' p99 under 1 s, 503s' p99 under 1 s, no socket error,
nothing but 200 and 503 (and 499: requests wrk dropped as it stopped), no worker killed or
restarted, and a sign-in page answered within 2 s of the load stopping. The other runs are
the comparison and have no target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench import load
else:
    import load  # run as a script: bench/ is on the path

ROOT = load.ROOT
sys.path.insert(0, str(ROOT))

from deploy.local_nginx import nginx_binary, running_nginx  # noqa: E402

SERVED_P99_TARGET_MS = 1000
REFUSED_P99_TARGET_MS = 1000
RECOVERY_TARGET_SECONDS = 2.0
# Tell the measured requests apart from the warm-up and the probe in nginx's access log.
LOAD_AGENT = "rounds-overload"
WARM_UP_AGENT = "rounds-overload-warm-up"
PROBE_AGENT = "rounds-overload-probe"


@dataclass
class StatusFigures:
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class Run:
    queue_timeout_ms: int
    # False: wrk straight at gunicorn, as before the proxy (figures from wrk alone).
    through_proxy: bool
    wrk_requests: int
    wrk_statuses: dict[str, int]
    wrk_errors: dict[str, int]
    wrk_latency_ms: dict[str, float]
    served_per_second: float
    # CPU time the gunicorn workers used during the load.
    worker_cpu_seconds: float
    # From nginx's access log: "200", "503 app", "503 nginx", "499", ...
    by_status: dict[str, StatusFigures]
    recovery_seconds: float | None
    recovery_answers: list[str]
    workers_unchanged: bool
    gunicorn_errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        served = self.by_status.get("200")
        refused = [figures for name, figures in self.by_status.items() if name.startswith("503")]
        return (
            served is not None
            and served.p99_ms < SERVED_P99_TARGET_MS
            and all(figures.p99_ms < REFUSED_P99_TARGET_MS for figures in refused)
            and set(self.by_status) <= {"200", "503 app", "503 nginx", "499"}
            and sum(self.wrk_errors.values()) - self.wrk_errors.get("status", 0) == 0
            and self.workers_unchanged
            and not self.gunicorn_errors
            and self.recovery_seconds is not None
            and self.recovery_seconds <= RECOVERY_TARGET_SECONDS
        )


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _figures_by_status(entries: list[dict[str, Any]]) -> dict[str, StatusFigures]:
    times: dict[str, list[float]] = {}
    for entry in entries:
        if entry["user_agent"] != LOAD_AGENT:
            continue
        name = str(entry["status"])
        if name == "503":
            # nginx leaves the upstream status empty for an answer it made itself.
            name = "503 app" if entry["upstream_status"] == "503" else "503 nginx"
        times.setdefault(name, []).append(float(entry["request_time"]) * 1000)
    return {
        name: StatusFigures(
            count=len(values),
            p50_ms=round(_percentile(values, 50), 1),
            p99_ms=round(_percentile(values, 99), 1),
            max_ms=round(max(values), 1),
        )
        for name, values in sorted(times.items())
    }


def _wrk(base: str, path: str, cookie: str, script: Path, **options: Any) -> dict[str, Any]:
    command = ["wrk", f"-t{options['threads']}", f"-c{options['connections']}"]
    command += [f"-d{options['duration']}s", "--timeout", f"{options['timeout']}s"]
    command += ["-s", str(script), "-H", f"Cookie: sessionid={cookie}"]
    command += ["-H", f"User-Agent: {options['agent']}", f"{base}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    return dict(json.loads(line.removeprefix("WRK_JSON ")))


def _time_to_answer(url: str, deadline_seconds: float) -> tuple[float | None, list[str]]:
    """Ask for `url` again and again until a 200: the seconds that took, and the answers."""
    started = time.monotonic()
    answers: list[str] = []
    while (remaining := deadline_seconds - (time.monotonic() - started)) > 0:
        request = urllib.request.Request(url, headers={"User-Agent": PROBE_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=remaining) as response:  # nosec: local
                answers.append(str(response.status))
                if response.status == 200:
                    return round(time.monotonic() - started, 2), answers
        except urllib.error.HTTPError as error:
            answers.append(str(error.code))
        except OSError as error:
            answers.append(type(error).__name__)
        time.sleep(0.05)
    return None, answers


def _start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as log_file:
        return subprocess.Popen(
            [load.GUNICORN, "community.wsgi:application", "--config", "community/gunicorn.conf.py"]
            + ["--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_once(
    queue_timeout_ms: int,
    env: dict[str, str],
    workdir: Path,
    cookie: str,
    script: Path,
    args: argparse.Namespace,
    *,
    through_proxy: bool = True,
) -> Run:
    port = load.free_port()
    server_env = {
        **env,
        "REQUEST_QUEUE_TIMEOUT_MS": str(queue_timeout_ms),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    log = workdir / f"gunicorn-{queue_timeout_ms}.log"
    server = _start_gunicorn(server_env, log)
    try:
        load.wait_until_serving(f"http://127.0.0.1:{port}/healthz", server, log)
        if not through_proxy:
            base = f"http://127.0.0.1:{port}"
            run = _measure(queue_timeout_ms, base, server, log, cookie, script, args)
            latency = run.wrk_latency_ms
            run.through_proxy = False
            run.by_status = {
                status: StatusFigures(count, latency["p50"], latency["p99"], latency["max"])
                for status, count in run.wrk_statuses.items()
            }
            return run
        with running_nginx(
            upstream_port=port, files_root=workdir, directory=workdir / f"nginx-{queue_timeout_ms}"
        ) as proxy:
            base = f"http://127.0.0.1:{proxy.port}"
            run = _measure(queue_timeout_ms, base, server, log, cookie, script, args)
        # Read once nginx has stopped and written out its last entries.
        run.by_status = _figures_by_status(proxy.log_entries())
        return run
    finally:
        _stop(server)


def _measure(
    queue_timeout_ms: int,
    base: str,
    server: subprocess.Popen[bytes],
    log: Path,
    cookie: str,
    script: Path,
    args: argparse.Namespace,
) -> Run:
    path = "/"
    warm_up = {"threads": 2, "connections": 8, "duration": 3, "timeout": 10}
    _wrk(base, path, cookie, script, agent=WARM_UP_AGENT, **warm_up)
    workers_before = load.worker_pids(server.pid)
    cpu_before = _cpu_seconds(workers_before)
    result = _wrk(
        base,
        path,
        cookie,
        script,
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
        timeout=args.wrk_timeout,
        agent=LOAD_AGENT,
    )
    worker_cpu_seconds = round(_cpu_seconds(workers_before) - cpu_before, 1)
    recovery_seconds, answers = _time_to_answer(f"{base}/accounts/login/", args.recovery_deadline)
    workers_after = load.worker_pids(server.pid)
    statuses = result["statuses"]
    served = statuses.get("200", 0)
    return Run(
        queue_timeout_ms=queue_timeout_ms,
        through_proxy=True,
        wrk_requests=result["requests"],
        wrk_statuses=statuses,
        wrk_errors=result["errors"],
        wrk_latency_ms=result["latency_ms"],
        served_per_second=round(served / (result["duration_us"] / 1_000_000), 1),
        worker_cpu_seconds=worker_cpu_seconds,
        by_status={},
        recovery_seconds=recovery_seconds,
        recovery_answers=answers,
        workers_unchanged=bool(workers_before) and workers_before == workers_after,
        gunicorn_errors=[
            line
            for line in log.read_text(errors="replace").splitlines()
            if "WORKER TIMEOUT" in line or "Worker exiting" in line or "Traceback" in line
        ],
    )


def _cpu_seconds(pids: set[int]) -> float:
    """CPU time (user and system) the processes have used so far."""
    ticks = 0
    for pid in pids:
        # utime and stime: the 12th and 13th fields after the command name.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _count_and_p99(figures: StatusFigures | None) -> str:
    return "0" if figures is None else f"{figures.count:,} ({figures.p99_ms:,.0f})"


def _print_table(runs: list[Run]) -> None:
    print(
        "| Run | Served (200) | Served/s | 200 p50 ms | 200 p99 ms | 503 from the app (p99 ms) "
        "| 503 from nginx (p99 ms) | Dropped by wrk as it stopped (499) | wrk timeouts "
        "| Workers' CPU s | First 200 after the load, s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in runs:
        served = run.by_status.get("200")
        if run.through_proxy:
            setup = "nginx, queue timeout "
            setup += f"{run.queue_timeout_ms} ms" if run.queue_timeout_ms else "off"
        else:
            setup = "gunicorn alone, as before (wrk's latency)"
        recovery = "none" if run.recovery_seconds is None else f"{run.recovery_seconds:.2f}"
        dropped = run.by_status.get("499")
        print(
            f"| {setup} | {served.count if served else 0:,} | {run.served_per_second} "
            f"| {f'{served.p50_ms:,.0f}' if served else '-'} "
            f"| {f'{served.p99_ms:,.0f}' if served else '-'} "
            f"| {_count_and_p99(run.by_status.get('503 app'))} "
            f"| {_count_and_p99(run.by_status.get('503 nginx'))} "
            f"| {dropped.count if dropped else 0} "
            f"| {run.wrk_errors.get('timeout', 0)} | {run.worker_cpu_seconds} | {recovery} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="An existing, migrated database with data.")
    parser.add_argument("--admin-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database-name", default="rounds_load")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument(
        "--queue-timeouts",
        default="500,0",
        help="REQUEST_QUEUE_TIMEOUT_MS of each run, comma-separated (0: no shedding).",
    )
    parser.add_argument("--connections", type=int, default=256)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--wrk-timeout", type=int, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--recovery-deadline", type=float, default=60.0)
    parser.add_argument(
        "--no-before",
        action="store_true",
        help="Skip the last run: wrk straight at gunicorn without the queue timeout, as "
        "before the proxy.",
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON only.")
    args = parser.parse_args()

    if not shutil.which("wrk") or nginx_binary() is None:
        raise SystemExit("wrk and nginx are needed: apt-get install wrk nginx")
    database_url = args.database_url
    if not database_url:
        load.ensure_database(args.admin_url, args.database_name)
        database_url = args.admin_url.rsplit("/", 1)[0] + f"/{args.database_name}"

    workdir = Path(tempfile.mkdtemp(prefix="rounds-overload-"))
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
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
    }
    if not args.database_url:
        load.manage(env, "migrate", "--noinput")
        load.manage(env, "seed_demo")
        load.manage(env, "shell", "-c", load.SEED_POSTS)
    load.manage(env, "collectstatic", "--noinput", "-v", "0")
    signed_in = load.manage(env, "shell", "-c", load.SIGN_IN).strip().splitlines()[-1]
    cookie, _post_pk, handle = signed_in.split()
    script = workdir / "count.lua"
    script.write_text(load.WRK_SCRIPT)

    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    try:
        runs = [
            run_once(int(value), env, workdir, cookie, script, args)
            for value in args.queue_timeouts.split(",")
        ]
        if not args.no_before:
            runs.append(run_once(0, env, workdir, cookie, script, args, through_proxy=False))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "load_average_before": load_before,
        "load_average_after": ", ".join(f"{value:.2f}" for value in os.getloadavg()),
        "database": database_url.rsplit("@", 1)[-1],
        "member": handle,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s "
        f"--timeout {args.wrk_timeout}s, signed-in home feed, through nginx",
        "gunicorn": f"{args.workers} sync workers, max_requests=0",
        "runs": [{**asdict(run), "passed": run.passed} for run in runs],
    }
    passed = all(run.passed for run in runs if run.queue_timeout_ms and run.through_proxy)
    report["passed"] = passed
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['date']}  {report['machine']}  wrk {report['wrk']}")
        print(f"gunicorn {report['gunicorn']}, database {report['database']}")
        print(f"load average before {load_before}, after {report['load_average_after']}")
        _print_table(runs)
        for run in runs:
            print(
                f"queue timeout {run.queue_timeout_ms} ms: wrk {run.wrk_statuses} "
                f"errors {run.wrk_errors} latency {run.wrk_latency_ms}; "
                f"answers after the load {run.recovery_answers[:10]}"
                f"{'...' if len(run.recovery_answers) > 10 else ''}; "
                f"workers unchanged {run.workers_unchanged}; {run.gunicorn_errors[:3]}"
            )
        print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
