"""Duplicates from a slow SMTP server: 15 emails to a server that answers the end of each
message 10 to 60 seconds late.

Run from the repository root, against a migrated database::

    DATABASE_URL=postgres://... python bench/slow_smtp.py              # all three runs
    DATABASE_URL=postgres://... python bench/slow_smtp.py --scale 1    # real time (slow)

Three runs over the same 15 emails and the same delays:

* ``before``: Django's own SMTP backend with one socket timeout for the whole conversation,
  ``EMAIL_TIMEOUT`` = 10 s, as Rounds sent mail before: the client gives up on the answer
  after the final dot, the task retries, and the server, which had the message, delivers
  both copies.
* ``after``: ``community.smtp.EmailBackend`` with RFC 5321's timeout per step (10 minutes
  for the answer after the final dot).
* ``short``: the same backend with ``EMAIL_FINAL_REPLY_TIMEOUT`` cut to 10 s, shorter than
  every delay: each email is recorded ``unconfirmed`` and none is sent again.

Each email goes through the real email task (``notifications.tasks.send_notification_email``)
and the project's services against an aiosmtpd server in this process. One loop plays the
worker: it runs each task when due and runs a retry after the countdown the task asked
for, one at a time. ``--scale`` multiplies every duration (the server's delays, every SMTP
timeout, every retry countdown), so the default 0.05 runs the same race twenty times faster
(delays of 0.5 to 3 s, a 0.5 s ``EMAIL_TIMEOUT``). The server counts a message as delivered
when it answers 250, whether or not the client is still listening. The rows are written
inside a transaction that is rolled back at the end: the database is left as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import logging
import os
import random
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from notifications import tasks  # noqa: E402
from notifications.models import EmailStatus, Kind, Notification  # noqa: E402
from notifications.services import initial_email_fields  # noqa: E402

EMAILS = 15
SLOWEST, FASTEST = 60.0, 10.0
OLD_EMAIL_TIMEOUT = 10.0
RFC_TIMEOUTS = {
    "EMAIL_CONNECT_TIMEOUT": 30.0,
    "EMAIL_COMMAND_TIMEOUT": 300.0,
    "EMAIL_DATA_TIMEOUT": 120.0,
    "EMAIL_BLOCK_TIMEOUT": 180.0,
    "EMAIL_FINAL_REPLY_TIMEOUT": 600.0,
}
SUBJECT = re.compile(rb"^Subject: .*?Bench email (\d+)\b", re.MULTILINE)


@dataclass
class SlowServer:
    """Answers every final dot after that message's delay, then delivers it."""

    delays: dict[int, float]
    delivered: Counter[int] = field(default_factory=Counter)
    offered: int = 0
    deciding: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _decisions: set[asyncio.Future[str]] = field(default_factory=set)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        match = SUBJECT.search(envelope.content)
        number = int(match.group(1)) if match else -1
        with self._lock:
            self.offered += 1
            self.deciding += 1
        # The server decides on a message it has whole even if the client hangs up.
        decision = asyncio.ensure_future(self._decide(number))
        self._decisions.add(decision)
        decision.add_done_callback(self._decisions.discard)
        return await asyncio.shield(decision)

    async def _decide(self, number: int) -> str:
        await asyncio.sleep(self.delays.get(number, 0))
        with self._lock:
            self.delivered[number] += 1
            self.deciding -= 1
        return "250 Message accepted for delivery"


class _Retry(Exception):
    def __init__(self, countdown: float, kwargs: dict[str, Any] | None) -> None:
        super().__init__(countdown)
        self.countdown = countdown
        self.kwargs = kwargs


@dataclass(order=True)
class _Due:
    at: float
    sequence: int
    notification_id: int = field(compare=False)
    task_id: str = field(compare=False)
    retries: int = field(compare=False)
    kwargs: dict[str, Any] = field(compare=False)


def _play_worker(notification_ids: list[int], scale: float) -> None:
    """Run each email task when due, and each retry after its (scaled) countdown."""
    task = tasks.send_notification_email

    def retry(
        *args: Any, countdown: float = 0, kwargs: dict[str, Any] | None = None, **_: Any
    ) -> NoReturn:
        raise _Retry(countdown, kwargs)

    task.retry = retry
    queue: list[_Due] = []
    start = time.monotonic()
    for sequence, pk in enumerate(notification_ids):
        heapq.heappush(queue, _Due(start, sequence, pk, uuid.uuid4().hex, 0, {}))
    sequence = len(notification_ids)
    while queue:
        due = heapq.heappop(queue)
        time.sleep(max(0.0, due.at - time.monotonic()))
        task.push_request(
            id=due.task_id, retries=due.retries, args=[due.notification_id], kwargs=due.kwargs
        )
        try:
            task.run(due.notification_id, **due.kwargs)
        except _Retry as asked:
            sequence += 1
            at = time.monotonic() + asked.countdown * scale
            kwargs = asked.kwargs if asked.kwargs is not None else due.kwargs
            heapq.heappush(
                queue, _Due(at, sequence, due.notification_id, due.task_id, due.retries + 1, kwargs)
            )
        finally:
            task.pop_request()


@dataclass
class Result:
    mode: str
    offered: int
    delivered: Counter[int]
    statuses: Counter[str]
    seconds: float

    @property
    def duplicated(self) -> int:
        return sum(1 for count in self.delivered.values() if count > 1)

    def line(self) -> str:
        extra = sum(count - 1 for count in self.delivered.values() if count > 1)
        statuses = ", ".join(f"{name} {count}" for name, count in sorted(self.statuses.items()))
        return (
            f"{self.mode:<6} offered {self.offered:>3}  delivered {sum(self.delivered.values()):>3}"
            f"  emails delivered more than once {self.duplicated:>2} of {EMAILS}"
            f" ({extra} extra copies)  never delivered {EMAILS - len(self.delivered):>2}"
            f"  rows: {statuses}  {self.seconds:.1f} s"
        )


def run(mode: str, *, scale: float, seed: int) -> Result:
    rng = random.Random(seed)
    delays = {number: rng.uniform(FASTEST, SLOWEST) * scale for number in range(EMAILS)}
    random.seed(seed)  # the retries' jitter
    server = SlowServer(delays)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    overrides: dict[str, Any] = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
    if mode == "before":
        overrides["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        overrides["EMAIL_TIMEOUT"] = OLD_EMAIL_TIMEOUT * scale
    else:
        overrides["EMAIL_BACKEND"] = "community.smtp.EmailBackend"
        overrides.update({name: value * scale for name, value in RFC_TIMEOUTS.items()})
        if mode == "short":
            overrides["EMAIL_FINAL_REPLY_TIMEOUT"] = OLD_EMAIL_TIMEOUT * scale
    for name, value in overrides.items():
        setattr(settings, name, value)

    class _Rollback(Exception):
        pass

    began = time.monotonic()
    try:
        with transaction.atomic():
            member = User.objects.create(
                email="bench-slow-smtp@bench.invalid", handle="bench-slow-smtp", password="!"
            )
            now = timezone.now()
            ids = [
                Notification.objects.create(
                    recipient=member,
                    kind=Kind.MODERATION,
                    title=f"Bench email {number}",
                    created_at=now,
                    **initial_email_fields(EmailStatus.PENDING, now=now),
                ).pk
                for number in range(EMAILS)
            ]
            _play_worker(ids, scale)
            # Let the server finish deciding on every message it still holds.
            deadline = time.monotonic() + SLOWEST * scale + 10
            while server.deciding and time.monotonic() < deadline:
                time.sleep(0.05)
            statuses = Counter(
                Notification.objects.filter(pk__in=ids).values_list("email_status", flat=True)
            )
            raise _Rollback
    except _Rollback:
        pass
    finally:
        controller.stop()
    return Result(mode, server.offered, server.delivered, statuses, time.monotonic() - began)


def main() -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per command
    logging.getLogger("notifications.tasks").setLevel(logging.CRITICAL)  # counted below
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05, help="multiplies every duration")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--mode", choices=["before", "after", "short", "all"], default="all")
    options = parser.parse_args()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"{EMAILS} emails, the end of each message answered {FASTEST:g} to {SLOWEST:g} s late,"
        f" every duration x{options.scale:g}, seed {options.seed}, database {engine}"
    )
    modes = ["before", "after", "short"] if options.mode == "all" else [options.mode]
    for mode in modes:
        print(run(mode, scale=options.scale, seed=options.seed).line(), flush=True)


if __name__ == "__main__":
    main()
