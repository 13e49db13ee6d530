"""The panel's front-page numbers, computed where the admin index template asks for them."""

from __future__ import annotations

from typing import Any

from django import template

from moderation.selectors import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_dashboard(context: template.Context) -> dict[str, Any]:
    """Counts for the queues the signed-in moderator may see (a handful of queries)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return dashboard(request.user)
