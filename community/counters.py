"""Counters that services keep by SQL (`F() + 1`, recounts) live on ordinary model rows, and
a full save of a copy read earlier would write an old value back over them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models


def save_kwargs_without_counters(
    instance: models.Model, counters: Collection[str], save_kwargs: dict[str, Any]
) -> dict[str, Any]:
    """`save_kwargs` for `instance.save()` that leave `counters` out of a full save of an
    existing row; a new row, or a save that names its fields, is left as it is."""
    if instance._state.adding or save_kwargs.get("update_fields") is not None:
        return save_kwargs
    return {
        **save_kwargs,
        "update_fields": [
            field.name
            for field in instance._meta.concrete_fields
            if not field.primary_key and field.name not in counters
        ],
    }
