"""The site's own template helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from community.perf.fragments import render_cached

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context: Any) -> SafeString:
    """The main navigation (`_site_nav.html`), the same on every page for a reader: reused
    while what it shows (who is signed in, the bell's count, the moderation link) stays the
    same, instead of reversing its ten addresses on every page."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    parts = (
        signed_in,
        user.handle if signed_in else "",
        signed_in and user.is_staff,
        context.get("unread_notification_count", 0),
    )
    return render_cached(context, "_site_nav.html", parts, {})
