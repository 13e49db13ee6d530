"""Send read-only queries to a replica when one is configured (DATABASE_REPLICA_URL).

Writes, and every query of a request that is pinned to the primary (see
PrimaryAfterWriteMiddleware), go to "default". Migrations run on "default" only.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction

pinned: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if "replica" not in settings.DATABASES or pinned.get():
            return "default"
        # Inside a transaction on the primary, reads must see its own uncommitted writes.
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
