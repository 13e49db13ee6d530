"""Email backends that fail the way an SMTP server does."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

attempts: list[int] = []


class RefusingBackend(BaseEmailBackend):
    """Every send fails with a temporary SMTP error."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        attempts.append(len(email_messages))
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
