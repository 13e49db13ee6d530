"""Delivery end to end: a real Redis, a real Celery worker process, a real SMTP server.

Each test starts its own redis-server on a free port (never the machine's own, which the
outage test must be free to stop), an aiosmtpd server in a thread, and
`celery -A community worker` subprocesses pointed at the test database.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from community.celery import app as celery_app
from notifications import services
from notifications.models import EmailStatus, Kind, Notification, OutgoingEmail
from notifications.services import notify
from tests.factories import UserFactory
from tests.smtp_server import ScriptedHandler
from tests.smtp_server import SmtpServer as ScriptedSmtpServer

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
WAIT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class RecordingHandler:
    """Counts a message as delivered only when the server accepted it (250 after DATA).

    With `hold_first`, the first message waits, after its DATA arrived and before any
    answer, until the test releases it; it is then refused, so a message whose sender was
    killed meanwhile is never counted.
    """

    hold_first: bool = False
    delivered: list[bytes] = field(default_factory=list)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _held: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_first and not self._held:
            self._held = True
            self.first_arrived.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, WAIT_SECONDS)
            return "451 4.3.0 Try again later"
        self.delivered.append(envelope.content)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    handler: RecordingHandler
    port: int


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        handler.release.set()
        controller.stop()


# --- Redis ----------------------------------------------------------------------------------


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is not installed"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(self._answers, f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("needs the redis-server program")
    server = RedisServer(port=_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_broker_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server: RedisServer) -> Iterator[RedisServer]:
    """This test process publishes to the test's own Redis, for real (not eagerly)."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False
    _reset_broker_pools()
    try:
        yield redis_server
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        _reset_broker_pools()


# --- Workers --------------------------------------------------------------------------------


def _database_url() -> str:
    database = settings.DATABASES["default"]
    credentials = quote(database.get("USER") or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    # NAME at test time is the test database ("test_" + the configured name).
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


class Workers:
    """Starts `celery worker` subprocesses and stops every one of them at the end."""

    def __init__(self, *, redis_url: str, smtp_port: int, log_dir: Path) -> None:
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_REPLICA_URL", "PYTEST_ADDOPTS"}
        }
        self.env.update(
            {
                "DATABASE_URL": _database_url(),
                "DB_CONN_MAX_AGE": "0",
                "REDIS_URL": redis_url,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_USE_TLS": "0",
                "EMAIL_USE_SSL": "0",
                "EMAIL_CONNECT_TIMEOUT": str(WAIT_SECONDS * 2),
                "EMAIL_COMMAND_TIMEOUT": str(WAIT_SECONDS * 2),
                "EMAIL_DATA_TIMEOUT": str(WAIT_SECONDS * 2),
                "EMAIL_BLOCK_TIMEOUT": str(WAIT_SECONDS * 2),
                "EMAIL_FINAL_REPLY_TIMEOUT": str(WAIT_SECONDS * 2),
                "DEBUG": "0",
                "SECRET_KEY": settings.SECRET_KEY,
                "SITE_URL": settings.SITE_URL,
                "LOG_FORMAT": "plain",
            }
        )
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        name = f"it-{uuid.uuid4().hex[:8]}"
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(CELERY), "-A", "community", "worker", "-Q", "email,default,periodic"]
                + ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["-l", "info", "-n", f"{name}@%h"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"worker exited:\n{log_path.read_text()}")
            return " ready." in log_path.read_text()

        _wait_for(ready, "the Celery worker to be ready")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            _stop(process)


@pytest.fixture
def workers(broker: RedisServer, smtp: SmtpServer, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(redis_url=broker.url, smtp_port=smtp.port, log_dir=tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def _status(notification_id: int) -> str:
    return Notification.objects.values_list("email_status", flat=True).get(pk=notification_id)


def _event() -> Notification:
    alice, bob = UserFactory.create(), UserFactory.create(display_name="Bob Builder")
    with transaction.atomic():
        notification = notify(
            recipient=alice,
            actor=bob,
            kind=Kind.COMMENT,
            title="Bob Builder commented on your post",
            url="/posts/1/",
        )
    assert notification is not None
    return notification


def _assert_exactly_one_email_arrives(smtp: SmtpServer, notification_id: int) -> None:
    _wait_for(lambda: len(smtp.handler.delivered) >= 1, "the email to arrive")
    _wait_for(lambda: _status(notification_id) == EmailStatus.SENT, "the row to be marked sent")
    time.sleep(2)  # Long enough for a duplicate to show up if one were coming.
    assert len(smtp.handler.delivered) == 1
    assert b"/posts/1/" in smtp.handler.delivered[0]


# --- The tests ------------------------------------------------------------------------------


def test_one_event_delivers_exactly_one_email(
    transactional_db: None, smtp: SmtpServer, workers: Workers
) -> None:
    workers.start()
    notification = _event()
    _assert_exactly_one_email_arrives(smtp, notification.pk)
    row = Notification.objects.get(pk=notification.pk)
    assert row.email_attempts == 1
    assert row.email_sent_at is not None


def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_once(
    transactional_db: None, smtp: SmtpServer, workers: Workers
) -> None:
    smtp.handler.hold_first = True
    first = workers.start()
    notification = _event()
    # The worker has handed the whole message over and waits for the server's answer.
    assert smtp.handler.first_arrived.wait(WAIT_SECONDS)
    held = Notification.objects.get(pk=notification.pk)
    assert held.email_status == EmailStatus.SENDING
    assert held.email_claimed_by

    _stop(first, signal.SIGKILL)
    smtp.handler.release.set()
    assert smtp.handler.delivered == []
    assert _status(notification.pk) == EmailStatus.SENDING

    workers.start()
    # The beat's sweep, once the dead worker's lease has run out, takes the row back and
    # queues it again; the new worker claims and sends it.
    after_the_lease = timezone.now() + services.EMAIL_LEASE + services.SWEEP_GRACE
    assert services.sweep_email_outbox(now=after_the_lease) == 1
    _assert_exactly_one_email_arrives(smtp, notification.pk)
    assert Notification.objects.get(pk=notification.pk).email_attempts == 2


@pytest.mark.urls("tests.notifications.event_urls")
def test_with_the_broker_down_the_request_succeeds_and_the_email_follows(
    transactional_db: None, smtp: SmtpServer, broker: RedisServer, workers: Workers
) -> None:
    alice, bob = UserFactory.create(), UserFactory.create(display_name="Bob Builder")
    broker.stop()

    started = time.monotonic()
    response = Client().post("/test-event/comment/", {"recipient": alice.pk, "actor": bob.pk})
    elapsed = time.monotonic() - started
    assert response.status_code == 201
    assert elapsed < 5
    notification = Notification.objects.get(recipient=alice)
    assert notification.email_status == EmailStatus.PENDING

    broker.start()
    workers.start()
    time.sleep(1)
    assert smtp.handler.delivered == []  # Nothing was queued while the broker was down.
    assert services.sweep_email_outbox(now=timezone.now() + services.SWEEP_GRACE) == 1
    _assert_exactly_one_email_arrives(smtp, notification.pk)


# --- A slow SMTP server, and a database error while marking sent ----------------------------


@pytest.fixture
def scripted_workers(
    broker: RedisServer, scripted_smtp: ScriptedSmtpServer, tmp_path: Path
) -> Iterator[Workers]:
    pool = Workers(redis_url=broker.url, smtp_port=scripted_smtp.port, log_dir=tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


def test_a_server_that_answers_the_final_dot_too_late_gets_the_email_once(
    transactional_db: None, scripted_smtp: ScriptedSmtpServer, scripted_workers: Workers
) -> None:
    """The issue's case: the server has the message but answers after the client stopped
    waiting. The worker records it unconfirmed and nothing sends it again."""
    handler: ScriptedHandler = scripted_smtp.handler
    handler.data_holds = 1
    scripted_workers.env["EMAIL_FINAL_REPLY_TIMEOUT"] = "2"
    scripted_workers.start()
    notification = _event()
    _wait_for(
        lambda: _status(notification.pk) == EmailStatus.UNCONFIRMED, "the row to be unconfirmed"
    )
    handler.release.set()  # the late 250: the server delivers the message it had
    _wait_for(lambda: len(handler.delivered) == 1, "the held message to be delivered")

    row = Notification.objects.get(pk=notification.pk)
    assert row.email_attempts == 1
    assert "after the message was handed over" in row.last_error
    # Nothing can send it again: no claim takes it, and no sweep queues it, after any lease.
    assert not services._claim(Notification, pk=row.pk, claimant="another-task", now=timezone.now())
    much_later = timezone.now() + services.EMAIL_LEASE * 3
    assert services.sweep_email_outbox(now=much_later) == 0
    assert handler.messages_received == 1


@pytest.fixture
def marking_sent_fails_once(transactional_db: None) -> Iterator[Callable[[], int]]:
    """A trigger in the test database that fails the first UPDATE marking a notification
    sent, as a dropped connection would; returns how many such UPDATEs it saw."""
    drop = [
        "DROP TRIGGER IF EXISTS test_fail_marking_sent ON notifications_notification",
        "DROP FUNCTION IF EXISTS test_fail_marking_sent()",
        "DROP SEQUENCE IF EXISTS test_marking_sent_calls",
    ]
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
        cursor.execute("CREATE SEQUENCE test_marking_sent_calls")
        cursor.execute(
            """
            CREATE FUNCTION test_fail_marking_sent() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.email_status = 'sent' AND OLD.email_status IS DISTINCT FROM 'sent' THEN
                IF nextval('test_marking_sent_calls') = 1 THEN
                  RAISE EXCEPTION 'test fault: the connection dropped' USING ERRCODE = '08006';
                END IF;
              END IF;
              RETURN NEW;
            END $$
            """
        )
        cursor.execute(
            "CREATE TRIGGER test_fail_marking_sent BEFORE UPDATE ON notifications_notification "
            "FOR EACH ROW EXECUTE FUNCTION test_fail_marking_sent()"
        )

    def calls() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value, is_called FROM test_marking_sent_calls")
            last_value, is_called = cursor.fetchone()
        return int(last_value) if is_called else 0

    try:
        yield calls
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


@pytest.mark.usefixtures("marking_sent_fails_once")
def test_a_database_error_marking_sent_is_retried_in_seconds_and_sends_once(
    scripted_smtp: ScriptedSmtpServer,
    scripted_workers: Workers,
    marking_sent_fails_once: Callable[[], int],
) -> None:
    scripted_workers.start()
    notification = _event()
    # No beat runs here: only the task's own retry can record it, and it does within the
    # wait, not after the lease.
    _wait_for(lambda: _status(notification.pk) == EmailStatus.SENT, "the row to be marked sent")
    assert marking_sent_fails_once() == 2  # failed once, then recorded
    row = Notification.objects.get(pk=notification.pk)
    assert row.email_attempts == 1  # the retry recorded the outcome; it did not claim again
    assert scripted_smtp.handler.messages_received == 1
    assert len(scripted_smtp.handler.delivered) == 1


# --- Account emails: the request does not wait on the SMTP server ---------------------------

ACCOUNT_REQUESTS = {
    "password reset": ("/accounts/password/reset/", {}, b"/accounts/password/reset/key/"),
    "sign-up": (
        "/accounts/signup/",
        {
            "display_name": "Dr. Amara Okafor",
            "role": Role.PHYSICIAN,
            "birth_year": "",
            "password1": "a-long-unusual-password-42",
            "password2": "a-long-unusual-password-42",
        },
        b"/accounts/confirm-email/",
    ),
}


@pytest.mark.parametrize("flow", ACCOUNT_REQUESTS)
def test_an_account_email_leaves_the_request_while_the_server_is_slow_and_arrives_once(
    transactional_db: None,
    settings: Any,
    scripted_smtp: ScriptedSmtpServer,
    scripted_workers: Workers,
    flow: str,
) -> None:
    """The server holds its answer to the message until the test releases it. The request
    answers meanwhile; the worker sends the email the request rendered, once."""
    # This process talks to the same server: a request sending the email itself would wait
    # on the held answer, and return with the email already delivered.
    settings.EMAIL_BACKEND = "community.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", scripted_smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    handler: ScriptedHandler = scripted_smtp.handler
    handler.data_holds = 1
    scripted_workers.start()
    path, data, link = ACCOUNT_REQUESTS[flow]
    address = UserFactory.create().email if flow == "password reset" else "new@example.org"

    response = Client().post(path, {"email": address, **data})
    assert response.status_code == 302
    assert handler.delivered == []

    row = OutgoingEmail.objects.get()
    assert handler.holding.wait(WAIT_SECONDS), "the worker never handed the message over"
    assert OutgoingEmail.objects.get(pk=row.pk).email_status == EmailStatus.SENDING
    handler.release.set()
    _wait_for(
        lambda: OutgoingEmail.objects.get(pk=row.pk).email_status == EmailStatus.SENT,
        "the account email to be marked sent",
    )
    (delivered,) = handler.delivered
    assert link in delivered
    assert handler.messages_received == 1
    row.refresh_from_db()
    assert row.email_attempts == 1
    assert (row.body, row.html_body) == ("", "")
