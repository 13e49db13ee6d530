from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

application = get_asgi_application()

from community.startup import refuse_unsafe_secret_key  # noqa: E402

refuse_unsafe_secret_key()
