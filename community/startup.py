"""Checks the serving processes (web, Celery worker and beat) make before they start."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_secret_key(**_: Any) -> None:
    """Refuse to serve without SECRET_KEY unless DEBUG is on: sessions, password resets and
    signed links would all rest on a key that is public in this repository."""
    if not settings.SECRET_KEY_IS_SET and not settings.DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
