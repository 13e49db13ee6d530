"""Template helpers for posts: cards, event times in the reader's time zone, load-more links."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from community.templatetags.times import when
from posts import cards
from posts.forms import reader_zone
from posts.models import Comment, Post

register = template.Library()


@register.simple_tag(takes_context=True)
def post_card(context: Any, post: Post, detail: bool = False) -> SafeString:
    """The post as a card (`posts/_post.html`), reused while nothing it shows changes."""
    return cards.post_card(context, post, detail=detail)


@register.simple_tag(takes_context=True)
def comment_card(
    context: Any, comment: Comment, is_reply: bool = False, is_target: bool = False
) -> SafeString:
    """A comment of the thread in context (`posts/_comment.html`), reused likewise;
    `is_target`: the reply a link pointed to, highlighted."""
    return cards.comment_card(context, comment, is_reply=is_reply, is_target=is_target)


@register.simple_tag
def event_time(moment: datetime.datetime | None, user: Any) -> SafeString | str:
    """'3 June 2025, 18:00 (Europe/Paris)': a live Q&A's start in the reader's own zone, in
    the site's format (community.templatetags.times), the zone named since it is a time to
    be there."""
    if moment is None:
        return ""
    zone = reader_zone(user)
    with timezone.override(zone):
        shown = when(moment)
    return format_html("{} ({})", shown, zone.key)


@register.simple_tag(takes_context=True)
def page_url(context: Any, cursor: str) -> str:
    """The current URL's query string with `cursor` replaced (keeps ?q= and the like)."""
    request = context["request"]
    params = {key: value for key, value in request.GET.items() if key != "cursor"}
    params["cursor"] = cursor
    return "?" + urlencode(params)
