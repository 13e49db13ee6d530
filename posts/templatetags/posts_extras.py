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
from posts.forms import CommentForm, reader_zone
from posts.models import Comment, Post
from posts.selectors import PostCardRow, Thread
from posts.services import events

register = template.Library()


@register.simple_tag(takes_context=True)
def post_card(context: Any, post: Post, detail: bool = False) -> SafeString:
    """The post as a card (`posts/_post.html`), reused while nothing it shows changes."""
    return cards.post_card(context, post, detail=detail)


@register.simple_tag(takes_context=True)
def post_cards(context: Any, posts: list[Post] | list[PostCardRow]) -> SafeString:
    """The cards of a page of posts (or of card rows), reused as a whole while none of them
    changes."""
    return cards.post_cards(context, posts)


@register.simple_tag(takes_context=True)
def comment_card(
    context: Any, comment: Comment, is_reply: bool = False, is_target: bool = False
) -> SafeString:
    """A comment of the thread in context (`posts/_comment.html`), reused likewise;
    `is_target`: the reply a link pointed to, highlighted."""
    return cards.comment_card(context, comment, is_reply=is_reply, is_target=is_target)


@register.simple_tag(takes_context=True)
def thread_card(context: Any, thread: Thread) -> SafeString:
    """A thread of the conversation in context (`posts/_thread.html`), reused likewise."""
    return cards.thread_card(context, thread)


@register.simple_tag(takes_context=True)
def thread_cards(context: Any, threads: list[Thread]) -> SafeString:
    """The threads of a page of the conversation, reused as a whole likewise."""
    return cards.thread_cards(context, threads)


@register.simple_tag(takes_context=True)
def comment_form_card(context: Any, form: CommentForm) -> SafeString:
    """The form to comment on the post in context (`posts/_comment_form.html`), an empty
    one reused between members."""
    return cards.comment_form_card(context, form)


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


def starts_in_text(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """'Starts in 2 h 5 min' (days, hours and minutes, rounded up to the minute), or
    'Starting now' once the moment has come."""
    seconds = int((moment - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return "Starting now"
    minutes = -(-seconds // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return "Starts in " + " ".join(parts or ["1 min"])


@register.simple_tag
def countdown(moment: datetime.datetime | None) -> SafeString | str:
    """The time left before a live Q&A, as text in a <time> element that static/js/
    countdown.js keeps ticking (the page says it right without JavaScript at load)."""
    if moment is None:
        return ""
    return format_html(
        '<time class="countdown" datetime="{}" data-countdown>{}</time>',
        moment.isoformat(),
        starts_in_text(moment),
    )


_MOVE_LABELS = {
    events.PIN: "Pin",
    events.UNPIN: "Unpin",
    events.MARK_ANSWERED: "Mark answered",
    events.REOPEN: "Reopen",
    events.HIDE: "Hide",
    events.UNHIDE: "Show again",
}


@register.filter
def question_moves(comment: Comment) -> list[tuple[str, str]]:
    """The hosts' buttons for a question: each move QUESTION_TRANSITIONS allows from where
    it is, with its label."""
    return [
        (action, _MOVE_LABELS[action])
        for action in events.BUTTON_ACTIONS
        if (comment.question_status, action) in events.QUESTION_TRANSITIONS
    ]
