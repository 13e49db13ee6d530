"""Faults against real services this test starts itself, on free ports (never the machine's
own PostgreSQL or Redis): the app on gunicorn keeps serving through a PostgreSQL restart
and a Redis outage, and email waits in the outbox rather than being lost.

A killed Celery worker's email being sent exactly once is proven by
`tests/notifications/test_delivery_integration.py` (checked below to stay in the suite).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone

from community.celery import app as celery_app
from notifications import services as notification_services
from notifications.models import EmailStatus, Notification
from posts.models import Post
from tests.factories import UserFactory
from tests.notifications import test_delivery_integration as delivery
from tests.notifications.test_delivery_integration import (
    RedisServer,
    SmtpServer,
    Workers,
    _database_url,
    _free_port,
    _stop,
    _wait_for,
)
from tests.posts.factories import PostFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# A CSRF secret the test sets as its cookie and echoes in forms (Django accepts the
# unmasked secret), so posting needs no page scraping.
CSRF_SECRET = "a" * 32
# Deadlines, generous because the machine may be busy: waiting on a condition ends as soon
# as it holds, so only a failure waits this long.
DEADLINE = 120
REQUEST_TIMEOUT = 60


@pytest.fixture(scope="session")
def static_root() -> Iterator[Path]:
    """Collected static files for DEBUG=0 (manifest storage), once for all fault tests."""
    root = Path(tempfile.mkdtemp(prefix="rounds-fault-static-"))
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=DEADLINE * 2,
    )
    yield root
    shutil.rmtree(root, ignore_errors=True)


# --- The app on gunicorn ---------------------------------------------------------------


@dataclass
class App:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    cookies: dict[str, str] = field(default_factory=dict)

    def pids(self) -> set[int]:
        """The master and its workers (children found through /proc)."""
        children = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.add(int(entry.name))
        return {self.process.pid, *children}

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> int:
        """One request; the status, or 0 when the connection itself failed."""
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": CSRF_SECRET})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            return connection.getresponse().status
        except OSError:
            return 0
        finally:
            connection.close()

    def sign_in(self, user: User) -> None:
        client = Client()
        client.force_login(user)
        self.cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}


def _start_app(env_overrides: dict[str, str], static_root: Path, log_dir: Path) -> App:
    port = _free_port()
    drop = {"DATABASE_REPLICA_URL", "PYTEST_ADDOPTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(
        {
            "DEBUG": "0",
            # The test's own key: the sessions it signs members in with must verify.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(static_root),
            "LOG_FORMAT": "plain",
            "REDIS_URL": "",
            "DB_CONN_MAX_AGE": "600",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "2",
            "GUNICORN_MAX_REQUESTS": "0",
            **env_overrides,
        }
    )
    log = log_dir / f"gunicorn-{port}.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(GUNICORN), "community.wsgi:application", "-c", "community/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = App(port=port, process=process, log=log)

    def serving() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        return app.request("GET", "/explore/") == 200

    _wait_for(serving, "gunicorn to serve pages", timeout=DEADLINE)
    return app


# --- A throwaway PostgreSQL cluster -----------------------------------------------------


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/rounds_fault"

    def _as_postgres(self, *command: str, timeout: float = DEADLINE) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            check=True,
            capture_output=True,
            timeout=timeout,
        )

    def pg_ctl(self, *args: str) -> None:
        # With its log in a file: a server writing to our pipe would keep it open.
        data, log = str(self.directory / "data"), str(self.directory / "server.log")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", data, "-l", log, *args)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but PostgreSQL 15's initdb or runuser is missing")
        pytest.skip("needs /usr/lib/postgresql/15/bin/initdb and runuser")
    # Under /tmp, owned by postgres: pytest's own tmp dirs are private to root.
    directory = Path(tempfile.mkdtemp(prefix="rounds-pg-", dir="/tmp"))
    shutil.chown(directory, user="postgres")
    cluster = Cluster(directory=directory, port=_free_port())
    try:
        cluster._as_postgres(str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-A", "trust")
        options = f"-p {cluster.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        cluster.pg_ctl("-o", options, "-w", "start")
        # The schema (and the rows migrations insert) copied from the migrated test
        # database: the same result as `migrate`, in a second rather than half a minute.
        dump = subprocess.run(
            [str(PG_BIN / "pg_dump"), "--no-owner", "--dbname", _database_url()],
            check=True,
            capture_output=True,
            timeout=DEADLINE,
        ).stdout
        admin = f"postgres://postgres@127.0.0.1:{cluster.port}/postgres"
        subprocess.run(
            [str(PG_BIN / "psql"), admin, "-qc", "CREATE DATABASE rounds_fault"],
            check=True,
            timeout=DEADLINE,
        )
        subprocess.run(
            [str(PG_BIN / "psql"), cluster.url, "-q", "-v", "ON_ERROR_STOP=1"],
            input=dump,
            check=True,
            capture_output=True,
            timeout=DEADLINE,
        )
        yield cluster
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D"]
            + [str(directory / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(directory, ignore_errors=True)


# --- PostgreSQL restarted during traffic --------------------------------------------------


def test_a_postgresql_restart_fails_requests_only_while_it_restarts(
    transactional_db: None, cluster: Cluster, static_root: Path, tmp_path: Path
) -> None:
    app = _start_app({"DATABASE_URL": cluster.url}, static_root, tmp_path)
    try:
        pids = app.pids()
        # (sent, answered, path, status): a request in flight when the restart begins may
        # fail, so "before" counts only requests answered before it began.
        answers: list[tuple[float, float, str, int]] = []
        stop = threading.Event()

        def traffic() -> None:
            while not stop.is_set():
                for path in ("/healthz", "/explore/"):
                    sent = time.monotonic()
                    status = app.request("GET", path)
                    answers.append((sent, time.monotonic(), path, status))
                time.sleep(0.02)

        def answered_requests(*, sent_after: float) -> int:
            assert sender.is_alive(), "the traffic thread stopped"
            return sum(1 for sent, *_ in answers if sent > sent_after)

        sender = threading.Thread(target=traffic)
        started = time.monotonic()
        sender.start()
        try:
            _wait_for(
                lambda: answered_requests(sent_after=started) >= 20,
                "answers before the restart",
                DEADLINE,
            )
            restart_began = time.monotonic()
            cluster.pg_ctl("-m", "fast", "-w", "restart")
            restart_ended = time.monotonic()
            _wait_for(
                lambda: answered_requests(sent_after=restart_ended + 0.5) >= 20,
                "answers to requests sent after the restart",
                DEADLINE,
            )
        finally:
            stop.set()
            sender.join(timeout=REQUEST_TIMEOUT * 3)  # The last round's two requests at most.
        assert not sender.is_alive()

        before = [status for _, answered, _, status in answers if answered < restart_began]
        after = [status for sent, _, _, status in answers if sent > restart_ended + 0.5]
        failures = [
            (round(sent - restart_began, 2), round(answered - restart_began, 2), path, status)
            for sent, answered, path, status in answers
            if status != 200
        ]
        assert before and set(before) == {200}
        # Every request after the restart succeeds, on the same processes: the workers'
        # persistent connections are health-checked and reopened, no app restart needed.
        assert after and set(after) == {200}, failures
        # Each failure was in flight during the restart (or within half a second after it);
        # how many there are depends only on how long the restart took.
        window = restart_ended - restart_began + 0.5
        assert all(answered >= 0 and sent <= window for sent, answered, *_ in failures), failures
        # Nothing failed at the connection level: gunicorn itself kept answering.
        assert 0 not in {status for *_, status in answers}
        assert app.pids() == pids
    finally:
        _stop(app.process)


# --- Redis stopped: pages and posting keep working, email waits in the outbox -------------

# The queues the test's worker consumes (see `Workers`).
WORKER_QUEUES = ("email", "default", "periodic")


def _nothing_left_to_send(broker: RedisServer) -> bool:
    """No task waits in the broker and the worker holds none: no email can still come.

    A queue is a Redis list per priority (`email`, then `email` plus a separator and the
    priority); a task a worker has taken stays in the `unacked` hash until it is done (tasks
    are acknowledged late). The worker answers between tasks only (solo pool), so its reply
    also means nothing is running. The broker is read on both sides of that answer, so a
    task moving from the queue to the worker is seen in one place or the other.
    """

    def in_broker() -> int:
        client = redis.Redis.from_url(broker.url)
        try:
            queued = sum(
                client.llen(key)
                for queue in WORKER_QUEUES
                for key in client.scan_iter(match=f"{queue}*", _type="list")
            )
            return queued + client.hlen("unacked")
        finally:
            client.close()

    if in_broker():
        return False
    inspect = celery_app.control.inspect(timeout=REQUEST_TIMEOUT, limit=1)
    for held in (inspect.active(), inspect.reserved(), inspect.scheduled()):
        if not held or any(held.values()):
            return False
    return not in_broker()


def test_with_redis_down_pages_and_posting_work_and_the_email_follows_once(
    transactional_db: None,
    broker: RedisServer,
    smtp: SmtpServer,
    static_root: Path,
    tmp_path: Path,
) -> None:
    author = UserFactory.create(display_name="Ana Author")
    member = UserFactory.create(display_name="Reza Reader")
    post = PostFactory.create(author=author, body="Fluid balance pearls, round two.")
    # `broker` also points this process's Celery at the test's Redis, for the sweep below.
    app = _start_app(
        {
            "DATABASE_URL": _database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": broker.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
        },
        static_root,
        tmp_path,
    )
    workers = Workers(redis_url=broker.url, smtp_port=smtp.port, log_dir=tmp_path)
    try:
        app.sign_in(member)
        pids = app.pids()
        assert app.request("GET", "/") == 200
        published = {"kind": "discussion", "visibility": "public", "body": "Before the outage."}
        assert app.request("POST", "/posts/new/", published) == 302

        broker.stop()
        for path in ("/", f"/posts/{post.pk}/", "/explore/", "/notifications/"):
            assert app.request("GET", path) == 200, path
        published = {**published, "body": "During the outage."}
        # Both come back while the broker is still down: queueing gave up (and said so)
        # rather than waiting for it.
        assert app.request("POST", "/posts/new/", published) == 302
        assert app.request("POST", f"/posts/{post.pk}/comments/", {"body": "Agreed!"}) == 302
        assert Post.objects.filter(author=member).count() == 2
        notification = Notification.objects.get(recipient=author)
        queueing_failed = (
            f"Could not queue notifications.tasks.send_notification_email({notification.pk})"
        )
        assert queueing_failed in app.log.read_text()
        assert notification.email_status == EmailStatus.PENDING  # Waiting in the outbox.

        broker.start()
        workers.start()
        # Nothing was queued while the broker was down, so a worker with nothing to do
        # has sent nothing.
        _wait_for(lambda: _nothing_left_to_send(broker), "the worker to be idle", DEADLINE)
        assert smtp.handler.delivered == []
        sweep_time = timezone.now() + notification_services.SWEEP_GRACE
        assert notification_services.sweep_email_outbox(now=sweep_time) == 1
        _wait_for(lambda: len(smtp.handler.delivered) >= 1, "the email to arrive", DEADLINE)
        _wait_for(
            lambda: Notification.objects.get(pk=notification.pk).email_status == EmailStatus.SENT,
            "the row to be marked sent",
            DEADLINE,
        )
        # Every task is done and none waits: a duplicate would have been sent by now.
        _wait_for(lambda: _nothing_left_to_send(broker), "the worker to finish", DEADLINE)
        assert len(smtp.handler.delivered) == 1
        assert app.pids() == pids
    finally:
        workers.stop_all()
        _stop(app.process, signal.SIGTERM)


# --- A killed worker's task is done again ------------------------------------------------


def test_a_killed_workers_task_is_redone_by_the_delivery_integration_suite() -> None:
    """The email task is the one whose loss matters; its kill test lives with the other
    delivery tests and must keep running wherever these run (PostgreSQL and Redis)."""
    kill_test = delivery.test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once
    assert callable(kill_test)
    marks = {mark.name for mark in delivery.pytestmark}
    assert {"postgres", "redis"} <= marks
