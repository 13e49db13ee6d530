"""Post and comment cards, each rendered once per look and then reused.

A feed page shows twenty cards and a busy thread a hundred comments; rendering each through
the template engine was most of those pages' time. A card is rendered from
`posts/_post.html` or `posts/_comment.html` as before, and kept in the per-process
`fragments` cache under a key made of every value the card shows: the post's counters and
edit time, its author's byline, the reader's own reactions and bookmark, whether the reader
wrote it, the relative time ("3 hours ago") and the address its forms come back to. A change
to any of them is a new key, so nothing has to be invalidated and no reader ever sees a
stale or another reader's card. A thread (`thread_card`) and a page's list of cards or
threads (`post_cards`, `thread_cards`) are kept the same way, under the keys of their cards.

The reader's CSRF token is put into the card's forms on the way out (community.perf.fragments).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.template import Context
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString

from accounts.models import User
from community.perf.fragments import render_cached
from posts.forms import CommentForm, reader_zone
from posts.models import Comment, Post
from posts.selectors import PostCardRow, Thread, card_posts

POST_TEMPLATE = "posts/_post.html"
COMMENT_TEMPLATE = "posts/_comment.html"
COMMENT_FORM_TEMPLATE = "posts/_comment_form.html"
THREAD_TEMPLATE = "posts/_thread.html"
POST_CARDS_TEMPLATE = "posts/_post_cards.html"
THREAD_CARDS_TEMPLATE = "posts/_thread_cards.html"
_WEEK = 7 * 24 * 3600


def age_step(moment: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """A number that changes whenever a card's "3 hours, 5 minutes ago" can change.

    `timesince` shows two adjacent units, so its text moves on at most once a minute, and
    from a week on at most once an hour; every such moment is a whole number of minutes
    (or hours) after `moment`. Much cheaper than rendering the text for every card's key.
    """
    seconds = int(((now or timezone.now()) - moment).total_seconds())
    if seconds < _WEEK:
        return seconds // 60
    return _WEEK + seconds // 3600


def _signed_in_id(reader: User | AnonymousUser | None) -> int | None:
    """The reader's id, when signed in (the template context's `user`)."""
    return reader.pk if reader is not None and reader.is_authenticated else None


def _may_not_participate(context: Context) -> str:
    """Why the reader may not react or reply (the code of `participation_problem` from
    accounts.context_processors), "" when they may: the cards show the controls or not."""
    return str(getattr(context.get("participation_problem"), "code", "") or "")


@dataclass(frozen=True)
class _Reading:
    """What every card of one page asks about its reader and the request, worked out once
    per page instead of once per card: a page of twenty posts or a hundred comments asks
    the same of each."""

    reader_id: int | None
    may_not_participate: str
    # Where the cards' reaction forms send the reader back to when the request is not
    # htmx's (see `_next_url`); "" for visitors, whose cards have no forms.
    page_url: str
    htmx: bool
    now: datetime.datetime

    @property
    def signed_in(self) -> bool:
        return self.reader_id is not None


# Kept on the template context of the page (the one object every card of a render is
# given, whatever the includes push on it), so it goes with the render.
_READING = "_card_reading"


def _reading(context: Context) -> _Reading:
    reading: _Reading | None = getattr(context, _READING, None)
    if reading is None:
        reader_id = _signed_in_id(context.get("user"))
        request = context.get("request")
        reading = _Reading(
            reader_id=reader_id,
            may_not_participate=_may_not_participate(context),
            page_url=(
                request.get_full_path() if request is not None and reader_id is not None else ""
            ),
            htmx=bool(getattr(request, "htmx", False)),
            now=timezone.now(),
        )
        setattr(context, _READING, reading)
    return reading


def post_card(context: Context, post: Post, *, detail: bool = False) -> SafeString:
    return render_cached(
        context,
        POST_TEMPLATE,
        _post_parts(context, post, detail=detail),
        {"post": post, "detail": detail},
    )


def post_cards(context: Context, posts: Sequence[Post] | Sequence[PostCardRow]) -> SafeString:
    """The cards of a page of posts (`posts/_post_cards.html`), kept as a whole while none
    of them changes: its key is the keys of its cards, so one look-up gives them all, and a
    page with a changed card renders it alone (the others are found one by one).

    Given card rows (`selectors.PostCardRow`, the home feed), the keys are made from their
    values and their posts are built only when the page is rendered."""
    parts = tuple(
        _row_parts(context, post)
        if isinstance(post, PostCardRow)
        else _post_parts(context, post, detail=False)
        for post in posts
    )
    shown: object = posts
    if posts and isinstance(posts[0], PostCardRow):
        rows = cast(Sequence[PostCardRow], posts)
        shown = SimpleLazyObject(lambda: card_posts(rows))
    return render_cached(context, POST_CARDS_TEMPLATE, parts, {"posts": shown})


def _post_parts(context: Context, post: Post, *, detail: bool) -> tuple[object, ...]:
    """Every value the card of `post` shows, for the reader in `context`. `_row_parts`
    makes the same values from a card row."""
    reading = _reading(context)
    reader = context.get("user")
    reader_id = reading.reader_id
    signed_in = reading.signed_in
    event = (
        (post.event_state, post.starts_at, post.duration_minutes, reader_zone(reader).key)
        if post.starts_at
        else ()
    )
    return (
        post.pk,
        post.created_at,
        detail,
        post.edited_at,
        post.kind,
        post.visibility,
        post.circle_id,
        post.circle.name if post.circle is not None else "",
        post.comment_count,
        post.like_count,
        post.helpful_count,
        post.image_count,
        age_step(post.created_at, reading.now),
        event,
        post.author.byline_values,
        signed_in,
        reading.may_not_participate,
        signed_in and post.author_id == reader_id,
        getattr(post, "viewer_liked", False),
        getattr(post, "viewer_found_helpful", False),
        getattr(post, "viewer_bookmarked", False),
        _next_url(reading, post),
    )


def _row_parts(context: Context, row: PostCardRow) -> tuple[object, ...]:
    """`_post_parts` of the post of `row` (not on its own page), made from the row's values
    without building the post (tests/posts/test_posts_card_rows.py holds them equal)."""
    reading = _reading(context)
    values = row.values
    reader_id = reading.reader_id
    signed_in = reading.signed_in
    event = (
        (
            row.post.event_state,
            values["starts_at"],
            values["duration_minutes"],
            reader_zone(context.get("user")).key,
        )
        if values["starts_at"]
        else ()
    )
    return (
        row.pk,
        row.created_at,
        False,
        values["edited_at"],
        values["kind"],
        values["visibility"],
        values["circle"],
        values["circle__name"] if values["circle"] is not None else "",
        values["comment_count"],
        values["like_count"],
        values["helpful_count"],
        values["image_count"],
        age_step(row.created_at, reading.now),
        event,
        _byline_of_row(values),
        signed_in,
        reading.may_not_participate,
        signed_in and values["author"] == reader_id,
        values.get("viewer_liked", False),
        values.get("viewer_found_helpful", False),
        values.get("viewer_bookmarked", False),
        # Only htmx's cards send their forms back to the post's own address (`_next_url`).
        _next_url(reading, row.post) if reading.htmx else reading.page_url,
    )


def _byline_of_row(values: dict[str, object]) -> tuple[object, ...]:
    """`User.byline_values` of the author of a card row."""
    return (
        values["author"],
        values["author__display_name"],
        values["author__handle"],
        values["author__role"],
        values["author__verification_status"],
        values["author__is_active"],
        values["author__avatar_small"],
        values["author__avatar_large"],
    )


def comment_card(
    context: Context, comment: Comment, *, is_reply: bool = False, is_target: bool = False
) -> SafeString:
    return render_cached(
        context,
        COMMENT_TEMPLATE,
        (
            _conversation(context),
            _comment_parts(context, comment, is_reply=is_reply, is_target=is_target),
        ),
        {"comment": comment, "is_reply": is_reply, "is_target": is_target},
    )


# Kept on the template context of the page, as _READING.
_CONVERSATION = "_card_conversation"


def _conversation(context: Context) -> tuple[object, ...]:
    """What every comment card of the page shows of its post, the page and the reader, the
    same for each comment: worked out once per page and put once in a key, not once per
    comment. The page shows the conversation of one post (`post` in context)."""
    values: tuple[object, ...] | None = getattr(context, _CONVERSATION, None)
    if values is None:
        reading = _reading(context)
        post = context["post"]
        values = (
            post.pk,
            post.is_gone,
            reading.signed_in,
            reading.may_not_participate,
            bool(context.get("comments_open")),
            context.get("comment_noun"),
            # A live Q&A: whether the reader is a host (their buttons) and the event's
            # state (voting).
            bool(context.get("is_event_host")),
            post.event_state,
        )
        setattr(context, _CONVERSATION, values)
    return values


def _comment_parts(
    context: Context, comment: Comment, *, is_reply: bool, is_target: bool
) -> tuple[object, ...]:
    """Every value the card of `comment` shows for the reader in `context`, besides those
    of its conversation (`_conversation`)."""
    reading = _reading(context)
    is_author = reading.signed_in and comment.author_id == reading.reader_id
    return (
        comment.pk,
        comment.created_at,
        is_reply,
        is_target,
        comment.deleted_at,
        comment.removed_by_moderators_at,
        comment.removal_reason if is_author else "",
        comment.edited_at,
        comment.like_count,
        comment.helpful_count,
        age_step(comment.created_at, reading.now),
        comment.author.byline_values,
        is_author,
        getattr(comment, "viewer_liked", False),
        getattr(comment, "viewer_found_helpful", False),
        _next_url(reading, comment),
        # A live Q&A's question: where the hosts put it, its votes and the reader's vote.
        comment.question_status,
        comment.vote_count,
        comment.is_host_answer,
        getattr(comment, "viewer_voted", False),
    )


def _thread_parts(context: Context, thread: Thread) -> tuple[object, ...]:
    """The key of a thread's card besides its conversation: the keys of its cards and the
    places and counts of its links to more replies."""
    replies = tuple(
        _comment_parts(context, reply, is_reply=True, is_target=False) for reply in thread.replies
    )
    later = tuple(
        _comment_parts(context, reply, is_reply=True, is_target=index == 0)
        for index, reply in enumerate(thread.later_replies)
    )
    return (
        _comment_parts(context, thread.comment, is_reply=False, is_target=False),
        replies,
        thread.more,
        later,
        thread.more_later,
    )


def thread_card(context: Context, thread: Thread) -> SafeString:
    """A thread of the conversation (`posts/_thread.html`): its comment, the replies shown
    and the links to the others, reused as a whole while none of its cards and links
    changes. Its key is the keys of its cards (each with what is the reader's own on it)
    and the links' places and counts, so it is shared by every reader for whom each card
    is the same."""
    return render_cached(
        context,
        THREAD_TEMPLATE,
        (_conversation(context), _thread_parts(context, thread)),
        {"thread": thread},
    )


def thread_cards(context: Context, threads: Sequence[Thread]) -> SafeString:
    """The threads of a page of the conversation (`posts/_thread_cards.html`), kept as a
    whole while none of them changes, as `post_cards` keeps a page of posts."""
    parts = (_conversation(context), tuple(_thread_parts(context, thread) for thread in threads))
    return render_cached(context, THREAD_CARDS_TEMPLATE, parts, {"threads": threads})


def comment_form_card(context: Context, form: CommentForm) -> SafeString:
    """The form under the post in context (`posts/_comment_form.html`). An empty form shows
    nothing of its reader but their CSRF token (put in on the way out), so it is rendered
    once per post and kind and reused; a form sent back with the reader's text and errors is
    rendered for them alone."""
    post = context["post"]
    values = {"comment_form": form}
    if form.is_bound:
        if context.template is None:
            raise ValueError("comment_form_card renders within a template being rendered.")
        template = context.template.engine.get_template(COMMENT_FORM_TEMPLATE)
        with context.push(values):
            return template.render(context)
    return render_cached(
        context, COMMENT_FORM_TEMPLATE, ("comment form", post.pk, post.kind), values
    )


def _next_url(reading: _Reading, target: Post | Comment) -> str:
    """Where the card's reaction forms send the reader back to (as `_reactions.html`); ""
    for a visitor (no forms) or outside a request."""
    if not reading.page_url:
        return ""
    return target.get_absolute_url() if reading.htmx else reading.page_url
