"""The panel's front-page numbers, computed where the admin index template asks for them."""

from __future__ import annotations

from typing import Any

from django import template

from moderation.models import AuditEntry
from moderation.selectors import dashboard, latest_audit_entries

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_dashboard(context: template.Context) -> dict[str, Any]:
    """Counts for the queues the signed-in moderator may see (a handful of queries)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return dashboard(request.user)


@register.simple_tag(takes_context=True)
def recent_audit_entries(context: template.Context) -> list[AuditEntry]:
    """The audit log's newest entries, shown as the front page's "Recent actions" (every
    decision is written there, whereas Django's own action list sees none of them)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return latest_audit_entries(request.user)
