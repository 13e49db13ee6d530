"""Load the small demo data set that `make run` shows. Safe to run again: it adds nothing.

The national-size benchmark data set is loaded by `python -m bench.scale` (PostgreSQL only).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module exposes `seed(stdout) -> None`, idempotent on natural keys.
# Order matters: later seeders use the members the first one makes.
SEEDERS = ["accounts.demo", "posts.demo", "mentoring.demo", "programs.demo"]


class Command(BaseCommand):
    help = "Create demo members (including a moderator) and sample content; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for module in SEEDERS:
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
