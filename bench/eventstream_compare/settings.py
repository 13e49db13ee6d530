"""Settings of the django-eventstream comparison harness (see the package's docstring)."""

import os

_REDIS = {"host": "127.0.0.1", "port": int(os.environ.get("EVS_REDIS_PORT", "6379")), "db": 0}

SECRET_KEY = "comparison-harness-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django_eventstream"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.eventstream_compare.urls"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True

EVENTSTREAM_STORAGE_CLASS = "django_eventstream.storage.RedisStorage"
EVENTSTREAM_STORAGE_CONNECTION = _REDIS
EVENTSTREAM_REDIS = _REDIS
