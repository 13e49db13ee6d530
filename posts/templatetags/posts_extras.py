"""Template helpers for posts: cards, event times in the reader's time zone, load-more links."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import dateformat
from django.utils.safestring import SafeString

from posts import cards
from posts.forms import reader_zone
from posts.models import Comment, Post

register = template.Library()


@register.simple_tag(takes_context=True)
def post_card(context: Any, post: Post, detail: bool = False) -> SafeString:
    """The post as a card (`posts/_post.html`), reused while nothing it shows changes."""
    return cards.post_card(context, post, detail=detail)


@register.simple_tag(takes_context=True)
def comment_card(context: Any, comment: Comment, is_reply: bool = False) -> SafeString:
    """A comment of the thread in context (`posts/_comment.html`), reused likewise."""
    return cards.comment_card(context, comment, is_reply=is_reply)


@register.simple_tag
def event_time(moment: datetime.datetime | None, user: Any) -> str:
    """'Tue 3 Jun 2025, 18:00 (Europe/Paris)': a UTC instant in the reader's own zone."""
    if moment is None:
        return ""
    zone = reader_zone(user)
    local = moment.astimezone(zone)
    return f"{dateformat.format(local, 'D j M Y, H:i')} ({zone.key})"


@register.simple_tag(takes_context=True)
def page_url(context: Any, cursor: str) -> str:
    """The current URL's query string with `cursor` replaced (keeps ?q= and the like)."""
    request = context["request"]
    params = {key: value for key, value in request.GET.items() if key != "cursor"}
    params["cursor"] = cursor
    return "?" + urlencode(params)
