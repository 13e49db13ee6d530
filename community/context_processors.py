from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the site's name and the CSP nonce for inline-free scripts."""
    return {
        "site_name": settings.SITE_NAME,
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
