"""The app under uvicorn (`community.asgi:application`), for browser tests of live streams.

pytest-django's `live_server` is a WSGI thread: there an SSE stream degrades to polling.
`AsgiServer` runs the real thing in a subprocess, as production does:

- against the test database (pytest-django's `test_<name>`), which the test fills through
  factories in committed transactions (`transactional_db`, flushed after the test);
- with static files collected once per run (`collect_static`) and served by whitenoise with
  DEBUG=0;
- on a listening socket this process binds and keeps: `restart()` stops the server and
  starts a new one on the same address, and a browser reconnecting meanwhile waits in the
  socket's backlog instead of being refused;
- with short-lived database connections (DB_CONN_MAX_AGE=0) under their own
  application_name, so `leaked_connections()` can say none outlived the server.

Every wait ends as soon as its condition holds (the server answers, the process exits).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 15.0
APPLICATION_NAME = "rounds-browser-asgi"
# What the server must not take from the test run's shell (it gets its own below).
UNSET = ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "STATIC_ROOT", "MEDIA_ROOT")
SERVER_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "PAGE_CACHE_SECONDS": "0",
    "DB_CONN_MAX_AGE": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "community.settings",
    "PGAPPNAME": APPLICATION_NAME,
}


def test_database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql", "needs PostgreSQL"
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(database['NAME'], safe='')}"


def _base_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(SERVER_ENV)
    # Sessions made by this test process (force_login) must read the same in the server.
    env["SECRET_KEY"] = settings.SECRET_KEY
    return env


def collect_static(folder: Path) -> Path:
    """Collect static files into `folder`, as a deployment does (whitenoise's manifest)."""
    env = _base_env()
    env["STATIC_ROOT"] = str(folder)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S * 2,
    )
    if result.returncode != 0:
        raise RuntimeError(f"collectstatic failed:\n{result.stderr[-4000:]}")
    return folder


class AsgiServer:
    """uvicorn serving the app on 127.0.0.1 (see the module)."""

    def __init__(self, *, static_root: Path, media_root: Path, redis_url: str, log: Path) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.listener.set_inheritable(True)
        port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.env = _base_env()
        self.env.update(
            DATABASE_URL=test_database_url(),
            REDIS_URL=redis_url,
            STATIC_ROOT=str(static_root),
            MEDIA_ROOT=str(media_root),
            PRIVATE_MEDIA_ROOT=str(media_root.parent / "private"),
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.process is None, "already running"
        fd = self.listener.fileno()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "community.asgi:application"]
                + ["--fd", str(fd), "--lifespan", "off", "--no-access-log"]
                + ["--timeout-graceful-shutdown", "2"],
                cwd=ROOT,
                env=self.env,
                pass_fds=(fd,),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_it_answers()

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + reverse("healthz"), timeout=5) as response:
                return bool(response.status == 200)
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"the health check answered {error.code}") from error
        except (urllib.error.URLError, OSError):
            return False

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited at start:\n{self.log_tail()}")
            # The socket is bound already: a request waits in its backlog until uvicorn
            # takes it, so this returns as soon as the app answers.
            if self._answers():
                return
            time.sleep(0.05)  # The process is still importing: look again shortly.
        raise RuntimeError(f"uvicorn did not answer in {START_TIMEOUT_S}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server (its open streams end); the address stays bound for a restart."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        self.listener.close()

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def leaked_connections(self) -> list[dict[str, Any]]:
        """The server's database connections still open (none once it stopped)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, query FROM pg_stat_activity WHERE application_name = %s",
                [APPLICATION_NAME],
            )
            return [{"pid": pid, "state": state, "query": query} for pid, state, query in cursor]
