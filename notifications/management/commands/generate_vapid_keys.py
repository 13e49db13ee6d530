"""Print a new VAPID key pair for web push, as the lines of an environment file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.vapid import generate_key_pair


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for web push as VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY "
        "lines to put in the environment. Writes nothing; run once per site: a new pair "
        "makes every device subscribe again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        public, private = generate_key_pair()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write("VAPID_SUBJECT=mailto:you@example.org")
