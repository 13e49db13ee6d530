"""Small filters for the scheduled meetings of the mentorship space."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def is_ahead(value: datetime | None) -> bool:
    """Whether `value` is still to come."""
    return value is not None and value > timezone.now()


@register.filter
def get_form(forms: dict[int, Any], key: int) -> Any:
    """The form kept under `key` (a meeting's id), or None."""
    return forms.get(key) if isinstance(forms, dict) else None
