"""Where verification documents live: the "private" storage, outside MEDIA_ROOT."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    """Resolves settings.STORAGES["private"] on first use, like Django's default_storage."""

    _wrapped: Storage | Any

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage = _PrivateStorage()


def get_private_storage() -> Storage:
    """The storage callable that FileFields name (keeps migrations free of paths)."""
    # A LazyObject standing in for the Storage it builds on first use.
    return private_storage  # type: ignore[return-value]


@receiver(setting_changed)
def _forget_private_storage(*, setting: str, **kwargs: Any) -> None:
    # Cache invalidation only: tests point STORAGES at a temporary directory.
    if setting == "STORAGES":
        private_storage._wrapped = empty
