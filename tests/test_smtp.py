"""The SMTP backend against a real SMTP server: a timeout per step, and the handover line."""

from __future__ import annotations

import smtplib
import time
from typing import Any

import pytest
from django.core.mail import EmailMessage

from community import smtp
from community.smtp import DeliveryUnconfirmed, EmailBackend, SmtpTimeouts
from tests.smtp_server import WAIT_SECONDS, SmtpServer

# Distinct values, so the timeout each step ran under tells which setting it came from.
TIMEOUTS = SmtpTimeouts(connect=11, command=22, data=33, block=44, final_reply=55)


def _backend(server: SmtpServer, timeouts: SmtpTimeouts = TIMEOUTS) -> EmailBackend:
    return EmailBackend(host="127.0.0.1", port=server.port, use_tls=False, timeouts=timeouts)


def _message(body: str = "Hello.\n") -> EmailMessage:
    return EmailMessage("Subject", body, "Rounds <noreply@example.org>", ["ana@example.org"])


def _wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.05)


def test_each_step_waits_under_its_own_timeout(
    scripted_smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[tuple[str, float | None]] = []
    original_getreply = smtplib.SMTP.getreply
    original_putcmd = smtp._TimedSMTP.putcmd
    last_command = ["greeting"]

    def putcmd(self: smtplib.SMTP, cmd: str, args: str = "") -> None:
        last_command[0] = cmd.lower()
        original_putcmd(self, cmd, args)  # type: ignore[arg-type]

    def getreply(self: smtplib.SMTP) -> tuple[int, bytes]:
        assert self.sock is not None
        if getattr(self, "is_handed_over", False) and last_command[0] == "data":
            last_command[0] = "final dot"
        waits.append((last_command[0], self.sock.gettimeout()))
        return original_getreply(self)

    monkeypatch.setattr(smtp._TimedSMTP, "putcmd", putcmd)
    monkeypatch.setattr(smtplib.SMTP, "getreply", getreply)
    assert _backend(scripted_smtp).send_messages([_message()]) == 1
    assert waits == [
        ("greeting", 11),
        ("ehlo", 22),
        ("mail", 22),
        ("rcpt", 22),
        ("data", 33),
        ("final dot", 55),
        ("quit", 11),
    ]
    assert len(scripted_smtp.handler.delivered) == 1


def test_blocks_of_the_message_are_sent_under_the_block_timeout(
    scripted_smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends: list[tuple[int, float | None]] = []
    original_send = smtplib.SMTP.send

    def send(self: smtplib.SMTP, data: Any) -> None:
        assert self.sock is not None
        sends.append((len(data), self.sock.gettimeout()))
        original_send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    # Long enough for three blocks, with lines that start with a dot (doubled on the wire).
    body = "".join(f".line {number} {'x' * 60}\n" for number in range(2500))
    assert _backend(scripted_smtp).send_messages([_message(body)]) == 1
    blocks = [size for size, timeout in sends if timeout == TIMEOUTS.block]
    assert len(blocks) == 3 and max(blocks) == smtp.BLOCK_SIZE
    [content] = scripted_smtp.handler.delivered
    assert body.replace("\n", "\r\n").encode() in content  # arrived whole, dots undoubled


def test_no_answer_after_the_final_dot_is_unconfirmed_and_the_server_has_the_message(
    scripted_smtp: SmtpServer,
) -> None:
    scripted_smtp.handler.data_holds = 1
    timeouts = SmtpTimeouts(connect=5, command=5, data=5, block=5, final_reply=0.5)
    with pytest.raises(DeliveryUnconfirmed, match="after the message was handed over"):
        _backend(scripted_smtp, timeouts).send_messages([_message()])
    assert scripted_smtp.handler.messages_received == 1
    scripted_smtp.handler.release.set()
    _wait_for(lambda: len(scripted_smtp.handler.delivered) == 1, "the held message's 250")


def test_no_answer_before_the_handover_is_a_plain_error_and_nothing_is_delivered(
    scripted_smtp: SmtpServer,
) -> None:
    scripted_smtp.handler.rcpt_holds = 1
    timeouts = SmtpTimeouts(connect=5, command=0.5, data=5, block=5, final_reply=60)
    with pytest.raises(smtplib.SMTPServerDisconnected) as raised:
        _backend(scripted_smtp, timeouts).send_messages([_message()])
    assert not isinstance(raised.value, DeliveryUnconfirmed)
    scripted_smtp.handler.release.set()
    assert scripted_smtp.handler.messages_received == 0
    assert scripted_smtp.handler.delivered == []


def test_a_server_slow_at_every_step_is_given_up_on_before_the_handover(
    scripted_smtp: SmtpServer,
) -> None:
    backend = _backend(scripted_smtp)
    backend.open()
    connection = backend.connection
    assert isinstance(connection, smtp._TimedSMTP)
    # As if the steps so far had used up the allowance before the final dot.
    connection._handover_by = time.monotonic() - 1
    with pytest.raises(smtplib.SMTPServerDisconnected, match="before handing the message over"):
        backend.send_messages([_message()])
    backend.close()
    assert scripted_smtp.handler.messages_received == 0


def test_a_refused_recipient_is_raised_with_the_servers_answer(scripted_smtp: SmtpServer) -> None:
    scripted_smtp.handler.rcpt_reply = "550 5.1.1 <ana@example.org>: User unknown"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
        _backend(scripted_smtp).send_messages([_message()])
    assert smtp.is_permanent(raised.value)
    assert smtp.describe(raised.value) == (
        "The mail server refused the address: 550 5.1.1 <ana@example.org>: User unknown"
    )


def test_the_longest_send_bounds_every_step() -> None:
    assert TIMEOUTS.before_handover == 11 + 22 + 33 + 44
    assert TIMEOUTS.longest_send == TIMEOUTS.before_handover + 55 + 11


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"Mailbox busy")}), False),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.org": (550, b"No such user"), "b@example.org": (451, b"Later")}
            ),
            False,
        ),
        (smtplib.SMTPSenderRefused(553, b"Sender not allowed", "noreply@example.org"), True),
        (smtplib.SMTPSenderRefused(421, b"Closing", "noreply@example.org"), False),
        (smtplib.SMTPDataError(554, b"Rejected as spam"), True),
        (smtplib.SMTPDataError(451, b"Try again later"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (DeliveryUnconfirmed("No answer"), False),
    ],
)
def test_only_a_5xx_to_the_envelope_or_the_message_is_permanent(
    error: OSError, permanent: bool
) -> None:
    assert smtp.is_permanent(error) is permanent
