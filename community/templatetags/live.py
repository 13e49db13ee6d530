"""`{% events_url "member" user.pk %}`: the address of a live stream (community/live.py)."""

from __future__ import annotations

import time
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def events_url(context: Any, kind: str, pk: int) -> str:
    """The SSE address of stream `<kind>-<pk>`, for an `sse-connect` attribute.

    It carries `since`, the moment the request began (community.middleware.RenderedAt-
    Middleware; now, outside a request): the stream replays what was published from a
    little before then, so an event committed after the page read its data but before the
    browser connected still arrives. The app's clock, not Redis's: no round trip per page.
    """
    request = context.get("request")
    since = getattr(request, "started_at_ms", None) or int(time.time() * 1000)
    return reverse("events", kwargs={"stream": f"{kind}-{pk}"}) + f"?since={since}"
