"""A real SMTP server (aiosmtpd, in a thread) whose answers the test scripts.

Each answer can be replaced, for the next few conversations or for all of them, and the
answer to RCPT or to the final dot can be held until the test releases it: the server
then has the message but the client waits, which is how a slow server looks from outside.
A message counts as delivered when the server answers 250 after its DATA, as a real
server queues it then, whether or not the client is still listening.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from community.celery import app as celery_app

WAIT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ScriptedHandler:
    # Answers to use, first to last, before the defaults below take over.
    mail_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    mail_reply: str = "250 OK"
    rcpt_reply: str = "250 OK"
    data_reply: str = "250 Message accepted for delivery"
    # How many of the next RCPT commands, and of the next final dots, wait for `release`.
    rcpt_holds: int = 0
    data_holds: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)
    conversations: int = 0
    messages_received: int = 0
    delivered: list[bytes] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _decisions: set[asyncio.Future[str]] = field(default_factory=set)

    async def _hold(self) -> None:
        self.holding.set()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.release.wait, WAIT_SECONDS)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            self.conversations += 1
            reply = self.mail_replies.pop(0) if self.mail_replies else self.mail_reply
        if reply.startswith("250"):
            envelope.mail_from = address
            envelope.mail_options.extend(options)
        return reply

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            hold = self.rcpt_holds > 0
            self.rcpt_holds -= hold
            reply = self.rcpt_replies.pop(0) if self.rcpt_replies else self.rcpt_reply
        if hold:
            await self._hold()
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages_received += 1
            hold = self.data_holds > 0
            self.data_holds -= hold
            reply = self.data_replies.pop(0) if self.data_replies else self.data_reply
        # The server decides on a message it has whole even if the client hangs up meanwhile
        # (aiosmtpd cancels the session's handler then): the decision runs on its own.
        decision = asyncio.ensure_future(self._decide(hold, reply, envelope.content))
        self._decisions.add(decision)
        decision.add_done_callback(self._decisions.discard)
        return await asyncio.shield(decision)

    async def _decide(self, hold: bool, reply: str, content: bytes) -> str:
        if hold:
            await self._hold()
        if reply.startswith("250"):
            with self._lock:
                self.delivered.append(content)
        return reply


@dataclass
class SmtpServer:
    handler: ScriptedHandler
    port: int


@pytest.fixture
def scripted_smtp() -> Iterator[SmtpServer]:
    handler = ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        handler.release.set()
        controller.stop()


@pytest.fixture
def smtp_settings(settings: Any, scripted_smtp: SmtpServer) -> SmtpServer:
    """The project's SMTP backend pointed at `scripted_smtp`, with 10 s for every step."""
    settings.EMAIL_BACKEND = "community.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = scripted_smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_CONNECT_TIMEOUT = 10
    settings.EMAIL_COMMAND_TIMEOUT = 10
    settings.EMAIL_DATA_TIMEOUT = 10
    settings.EMAIL_BLOCK_TIMEOUT = 10
    settings.EMAIL_FINAL_REPLY_TIMEOUT = 10
    return scripted_smtp


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Celery's eager mode runs each retry of a task in turn."""
    # Not propagating, eager mode runs each retry in turn instead of raising Retry.
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True
