"""`{% events_url "member" user.pk %}`: the address of a live stream (community/live.py)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def events_url(kind: str, pk: int) -> str:
    """The SSE address of stream `<kind>-<pk>`, for an `sse-connect` attribute."""
    return reverse("events", kwargs={"stream": f"{kind}-{pk}"})
