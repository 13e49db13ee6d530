"""The SMTP backend: a timeout for each step of the conversation, and a line at the handover.

Django's SMTP backend gives the whole conversation one socket timeout (`EMAIL_TIMEOUT`). A
server slower than that to answer the final dot of a message has the message, but the
client gives up on it and the caller sends it again. RFC 5321 (section 4.5.3.2) gives each
step its own timeout, and the longest, 10 minutes, to the answer after the final dot,
because giving up there duplicates mail. This backend sets the socket's timeout for each
step from settings:

    connecting, TLS and the 220 greeting    EMAIL_CONNECT_TIMEOUT       30 s (RFC: 5 min)
    each command's reply (EHLO to RCPT)     EMAIL_COMMAND_TIMEOUT        5 min
    the 354 answer to DATA                  EMAIL_DATA_TIMEOUT           2 min
    sending each block of the message       EMAIL_BLOCK_TIMEOUT          3 min
    the answer after the final dot          EMAIL_FINAL_REPLY_TIMEOUT   10 min
    QUIT, once the outcome is known         EMAIL_CONNECT_TIMEOUT

Everything before the final dot shares one allowance of one full wait per step (connect +
command + data + block), so a server slow at every step is given up on before the
handover, never during the wait after it; `SmtpTimeouts.longest_send` bounds one message.

It also tells apart the two ways a send can fail. Until the final dot is sent the server
cannot deliver the message, so any error is safe to retry. After it, a missing answer (a
timeout, a dropped connection) means the server may have delivered it: that raises
`DeliveryUnconfirmed`, which callers must not retry on their own. `is_permanent` says which
refusals will never change (a 5xx to the envelope or the message), `describe` puts an
error in words a member can read.
"""

from __future__ import annotations

import logging
import re
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer
from django.core.mail.backends import smtp

logger = logging.getLogger(__name__)

# Bytes handed to one socket send: the block timeout is per block, as RFC 5321 gives it
# per TCP SEND call, so a large message is not held to one block's time.
BLOCK_SIZE = 64 * 1024

_LINE_ENDS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class SmtpTimeouts:
    """Seconds allowed for each step of an SMTP conversation (RFC 5321, 4.5.3.2)."""

    connect: float
    command: float
    data: float
    block: float
    final_reply: float

    @classmethod
    def from_settings(cls) -> SmtpTimeouts:
        return cls(
            connect=settings.EMAIL_CONNECT_TIMEOUT,
            command=settings.EMAIL_COMMAND_TIMEOUT,
            data=settings.EMAIL_DATA_TIMEOUT,
            block=settings.EMAIL_BLOCK_TIMEOUT,
            final_reply=settings.EMAIL_FINAL_REPLY_TIMEOUT,
        )

    @property
    def before_handover(self) -> float:
        """What every step before the final dot may take together: one full wait of each."""
        return self.connect + self.command + self.data + self.block

    @property
    def longest_send(self) -> float:
        """The longest one message can take: to the handover, the final answer, then QUIT."""
        return self.before_handover + self.final_reply + self.connect


class DeliveryUnconfirmed(smtplib.SMTPException):
    """The whole message reached the server, but its answer did not come back.

    The server may have delivered it: sending it again risks a duplicate.
    """


class _TimedSMTP(smtplib.SMTP):
    """smtplib's client with a socket timeout per step and a deadline for the handover."""

    def __init__(
        self, host: str = "", port: int = 0, *, timeouts: SmtpTimeouts, **kwargs: Any
    ) -> None:
        # Django passes `timeout` only when given one; these timeouts replace it.
        kwargs.pop("timeout", None)
        self.timeouts = timeouts
        self.is_handed_over = False
        self._messages = 0
        self._handover_by = time.monotonic() + timeouts.before_handover
        # Connecting (and reading the greeting) happens in here, under the connect timeout.
        super().__init__(host, port, timeout=timeouts.connect, **kwargs)

    def _give(self, seconds: float) -> None:
        """Give the next step `seconds`, or what is left before the handover deadline."""
        if not self.is_handed_over:
            left = self._handover_by - time.monotonic()
            if left <= 0:
                self.close()
                raise smtplib.SMTPServerDisconnected(
                    f"Gave up before handing the message over: the server took more than "
                    f"{self.timeouts.before_handover:g} s"
                )
            seconds = min(seconds, left)
        if self.sock is not None:
            self.sock.settimeout(seconds)

    def putcmd(self, cmd: str, args: str = "") -> None:
        name = cmd.lower()
        if name == "quit":
            # The outcome is known by now: no deadline, just a short wait.
            if self.sock is not None:
                self.sock.settimeout(self.timeouts.connect)
        else:
            self._give(self.timeouts.data if name == "data" else self.timeouts.command)
        super().putcmd(cmd, args)

    def sendmail(self, from_addr: str, to_addrs: Any, msg: Any, *args: Any, **kwargs: Any) -> Any:
        if self._messages:
            # A further message on the same connection gets its own allowance.
            self._handover_by = time.monotonic() + self.timeouts.before_handover
        self._messages += 1
        self.is_handed_over = False
        return super().sendmail(from_addr, to_addrs, msg, *args, **kwargs)

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        """DATA, then the message block by block, then the answer after the final dot."""
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        payload = _dot_terminated(msg)
        for start in range(0, len(payload), BLOCK_SIZE):
            self._give(self.timeouts.block)
            self.send(payload[start : start + BLOCK_SIZE])
        # The final dot is out: from here the server may deliver the message whatever we do.
        self.is_handed_over = True
        if self.sock is not None:
            self.sock.settimeout(self.timeouts.final_reply)
        try:
            return self.getreply()
        except OSError as error:  # smtplib's errors are OSErrors too
            raise DeliveryUnconfirmed(
                f"No answer from the mail server after the message was handed over "
                f"(waited up to {self.timeouts.final_reply:g} s): {error}"
            ) from error


class _TimedSMTPSSL(_TimedSMTP, smtplib.SMTP_SSL):
    """The same, over TLS from the first byte (EMAIL_USE_SSL)."""


def _dot_terminated(message: ReadableBuffer | str) -> bytes:
    """The message as DATA carries it: CRLF line ends, leading dots doubled, ending in CRLF.CRLF."""
    # bytes(...) of a bytes object is that object: no copy for what smtplib passes.
    data = message.encode("ascii") if isinstance(message, str) else bytes(message)
    data = _LEADING_DOT.sub(b"..", _LINE_ENDS.sub(b"\r\n", data))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend with RFC 5321's timeout for each step (see the module)."""

    def __init__(self, *args: Any, timeouts: SmtpTimeouts | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeouts = timeouts or SmtpTimeouts.from_settings()

    @property
    def connection_class(self) -> Callable[..., smtplib.SMTP]:
        timed = _TimedSMTPSSL if self.use_ssl else _TimedSMTP
        return partial(timed, timeouts=self.timeouts)

    def close(self) -> None:
        """Close the connection; a failing QUIT is logged, never raised.

        By the time QUIT is sent every message's outcome is known. An error from it would
        replace that outcome (a delivered message reported as failed, and sent again).
        """
        try:
            super().close()
        except smtplib.SMTPException as error:
            logger.warning("Closing the SMTP connection failed: %s", error)


# --- What an error means ------------------------------------------------------------------


def is_permanent(error: BaseException) -> bool:
    """True for a 5xx refusal of the sender, every recipient or the message: it will not change.

    Anything else (4xx answers, timeouts, refused or dropped connections, a failed login or
    TLS setup on our side) may pass on a later attempt.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code <= 599 for code in codes)
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= error.smtp_code <= 599
    return False


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}".strip()


def describe(error: BaseException) -> str:
    """One line on why a send failed, with the server's own answer where there is one."""
    if isinstance(error, DeliveryUnconfirmed):
        return str(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [_reply(code, message) for code, message in error.recipients.values()]
        return "The mail server refused the address: " + "; ".join(answers)
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "The mail server refused our sender address: " + _reply(
            error.smtp_code, error.smtp_error
        )
    if isinstance(error, smtplib.SMTPDataError):
        return "The mail server refused the message: " + _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPResponseException):
        return "The mail server answered: " + _reply(error.smtp_code, error.smtp_error)
    if isinstance(error, TimeoutError):
        return "The mail server did not answer in time."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"The connection to the mail server was lost: {error}"
    return f"Could not reach the mail server: {error}"
