"""Load the small demo data set that `make run` shows. Safe to run again: it adds nothing.

With --scale, load the national-size data set of `community.scale` instead (PostgreSQL only).
"""

from __future__ import annotations

import time
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

# Each app's demo module exposes `seed(stdout) -> None`, idempotent on natural keys.
# Order matters: later seeders use the members the first one makes.
SEEDERS = ["accounts.demo", "posts.demo", "mentoring.demo"]


class Command(BaseCommand):
    help = (
        "Create demo members (including a moderator) and sample content; idempotent. "
        "--scale loads the large benchmark data set into PostgreSQL instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from community.scale import ScaleSize

        default = ScaleSize()
        parser.add_argument(
            "--scale",
            action="store_true",
            help="Load the large benchmark data set with COPY (PostgreSQL only).",
        )
        parser.add_argument("--members", type=int, default=default.members)
        parser.add_argument("--posts", type=int, default=default.posts)
        parser.add_argument("--comments", type=int, default=default.comments)
        parser.add_argument(
            "--reactions", type=int, default=default.reactions, help="Likes and helpfuls."
        )
        parser.add_argument("--mentors", type=int, default=default.mentors)
        parser.add_argument("--seed", type=int, default=default.seed)
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --scale: empty the tables of a database that already has members.",
        )

        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="With --scale: keep every index during the load instead of rebuilding the "
            "bulk tables' secondary indexes after it (slower; for comparison).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"]:
            self._scale(options)
            return
        with transaction.atomic():
            for module in SEEDERS:
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))

    def _scale(self, options: dict[str, Any]) -> None:
        from community.scale import ScaleError, ScaleSize, load_scale

        size = ScaleSize(
            members=options["members"],
            posts=options["posts"],
            comments=options["comments"],
            reactions=options["reactions"],
            mentors=options["mentors"],
            seed=options["seed"],
        )
        began = time.monotonic()
        try:
            report = load_scale(
                size,
                force=options["force"],
                quiet=options["verbosity"] < 1,
                keep_indexes=options["keep_indexes"],
            )
        except ScaleError as error:
            raise CommandError(str(error)) from error
        for name, count in report.counts.items():
            self.stdout.write(f"{name:>20}: {count:,}")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data loaded in {time.monotonic() - began:,.0f} s.")
        )
