"""The Celery app. Configuration comes from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

app = Celery("community")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_secret_key(**kwargs: object) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from community.startup import refuse_unsafe_secret_key

    try:
        refuse_unsafe_secret_key()
    except ImproperlyConfigured as error:
        # Celery logs and ignores exceptions from signal handlers; exiting stops the boot.
        raise SystemExit(str(error)) from error
