"""The harness's ASGI application, for uvicorn."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.eventstream_compare.settings")
application = get_asgi_application()
