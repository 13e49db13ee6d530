"""The site's own template helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString

from community.perf.fragments import render_cached

register = template.Library()

_TEMPLATES = {"main": "_site_nav.html", "menu": "_site_menu.html", "tabs": "_tab_bar.html"}

# The place of the navigation each page belongs to, by URL namespace, then by URL name.
_PLACES_BY_NAMESPACE = {
    "mentoring": "mentoring",
    # Programs are a part of mentoring: their pages keep "Mentoring" marked.
    "programs": "mentoring",
    "notifications": "notifications",
    "mfa": "settings",
}
_PLACES_BY_NAME = {
    "home": "home",
    "posts:explore": "explore",
    "posts:hashtag": "explore",
    "posts:search": "explore",
    "posts:circles": "groups",
    "posts:circle": "groups",
    "posts:circle_create": "groups",
    "posts:circle_members": "groups",
    "accounts:profile_edit": "settings",
    "accounts:blocked": "settings",
    "accounts:verification": "settings",
    "accounts:export": "settings",
    "accounts:delete": "settings",
    "account_email": "settings",
    "account_change_password": "settings",
    "account_login": "sign-in",
    "account_signup": "join",
}


def nav_place(request: HttpRequest | None, handle: str) -> str:
    """The navigation entry the requested page belongs to ("" for none): its own profile
    is "profile" for the member whose handle is `handle`."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name in _PLACES_BY_NAME:
        return _PLACES_BY_NAME[match.view_name]
    if match.view_name == "accounts:profile" and handle and match.kwargs.get("handle") == handle:
        return "profile"
    return _PLACES_BY_NAMESPACE.get(match.namespace, "")


@register.simple_tag(takes_context=True)
def head_scripts(context: Any, live: bool = False) -> SafeString:
    """The page's scripts (`_head_scripts.html`): htmx, with its SSE extension and
    static/js/live.js on a page that follows a live stream (`live`), and the service
    worker's registration. The same tags on every page but for the response's CSP nonce:
    rendered once per process, each response's nonce put in on the way out."""
    return render_cached(context, "_head_scripts.html", ("head scripts", live), {"live": live})


@register.simple_tag(takes_context=True)
def site_nav(context: Any, variant: str = "main") -> SafeString:
    """The main navigation (`_site_nav.html`), the header menu of narrow screens
    (`_site_menu.html`, variant "menu") or their bottom bar (`_tab_bar.html`, "tabs"), the
    same on every page of a place for a reader: reused while what it shows (who is signed
    in, their avatar, the bell's count, the moderation link, the current place) stays the
    same, instead of reversing its addresses on every page."""
    user = context.get("user")
    signed_in = bool(user and user.is_authenticated)
    handle = user.handle if signed_in else ""
    current = nav_place(context.get("request"), handle)
    parts = (
        signed_in,
        handle,
        user.display_name if signed_in else "",
        user.avatar_small.name if signed_in else "",
        signed_in and user.is_staff,
        context.get("unread_notification_count", 0),
        current,
    )
    return render_cached(context, _TEMPLATES[variant], parts, {"nav_current": current})
