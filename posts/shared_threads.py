"""A page of a post's conversation, read once and shared by the members who are shown it alike.

Reading a page of threads (`selectors.post_threads`: its top-level comments, then their first
replies) was the largest share of a member's post page, and every member who reads the post
reads the same rows, but for three things:

- who is walled off from them (`Comment.objects.under` leaves out the comments of members
  they blocked or who blocked them): part of the key, so the rows kept were chosen by that
  rule for exactly those walls, and every reader with the same walls (most have none) shares
  them;
- the minors rule: the rows are shared only with members who may read every minor's writing
  (`minors_writing_shown_to` gives no condition); anyone else reads them as before;
- their own reactions (`viewer_liked`, `viewer_found_helpful`): never kept; read for the
  reader in one query on the comments of the page (`mark_reactions`), as
  `Comment.objects.for_display` marks them.

The rows are kept in the default cache (Redis) beside the versions of the scopes the
visitors' pages of the post are kept under (community/page_cache.py): `SITE` (members'
names, avatars and badges; moderators' decisions) and the post's own scope (its comments,
their replies, edits, deletions and reactions), and used only while those are the current
versions: the versions and the kept rows are read in one round trip. The services retire
those versions after each write commits, so a page of threads kept with the current versions
is never older than a committed write; versions are read before the rows, and the rows are
read from the primary database. A change made outside the services (the admin's forms, a
shell) shows within `PAGE_CACHE_SECONDS`, as on the visitors' pages; with that setting at 0
(no Redis) nothing is kept.

A page read for the first time costs the queries it cost before (the reader's reactions come
with the rows); a page found costs one query (the reader's reactions) instead of two, and
one round trip to the cache.
"""

from __future__ import annotations

import copy
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from accounts.models import User, minors_writing_shown_to
from accounts.selectors import walled_off_ids
from community import db_router
from community.expressions import AnyOf
from community.page_cache import SITE, current_versions_and, post_scope
from community.perf.compiled import CompiledQueries

from .models import Comment, Post, Reaction, ReactionKind, Viewer
from .selectors import THREADS_PER_PAGE, Page, Thread, post_threads

# The reader's own marks on each comment (`Comment.objects.for_display`): never shared.
READER_MARKS = ("viewer_liked", "viewer_found_helpful")
_KEY_PREFIX = "threads:"


def shared_post_threads(
    viewer: Viewer,
    post: Post,
    cursor: str | None = None,
    *,
    from_thread: int | None = None,
    to_reply: int | None = None,
    limit: int = THREADS_PER_PAGE,
) -> Page[Thread]:
    """`selectors.post_threads(viewer, post, ...)`, its rows shared with the members shown
    them alike (see the module's docstring); each reader's own reactions marked afresh."""
    if (
        settings.PAGE_CACHE_SECONDS <= 0
        or not isinstance(viewer, User)
        or minors_writing_shown_to(viewer) is not None
    ):
        return post_threads(
            viewer, post, cursor, from_thread=from_thread, to_reply=to_reply, limit=limit
        )
    key = _key(viewer, post, cursor, from_thread, to_reply, limit)
    versions, found = current_versions_and([SITE, post_scope(post.pk)], [key])
    kept: tuple[list[str], Page[Thread]] | None = found.get(key)
    if kept is not None:
        kept_under, kept_page = kept
        if kept_under == versions:
            mark_reactions(viewer, comments_of(kept_page))
            return kept_page
    # The versions were read first: rows read after them are never older than they say.
    token = db_router.pinned.set(True)
    try:
        page = post_threads(
            viewer, post, cursor, from_thread=from_thread, to_reply=to_reply, limit=limit
        )
    finally:
        db_router.pinned.reset(token)
    cache.set(key, (versions, _without_reader_marks(page)), settings.PAGE_CACHE_SECONDS)
    return page


def comments_of(page: Page[Thread]) -> list[Comment]:
    """Every comment a page of threads shows."""
    return [
        comment
        for thread in page.items
        for comment in (thread.comment, *thread.replies, *thread.later_replies)
    ]


def mark_reactions(viewer: User, comments: list[Comment]) -> None:
    """Mark each of `comments` with the viewer's own reactions, as
    `Comment.objects.for_display` annotates them (`viewer_liked`, `viewer_found_helpful`):
    one query, none without comments."""
    if not comments:
        return
    given: dict[int, set[str]] = {comment.pk: set() for comment in comments}
    reactions = _REACTION_QUERIES.rows(
        "reactions", _reactions_of, comment_ids=list(given), member_id=viewer.pk
    )
    for comment_id, kind in reactions:
        given[comment_id].add(kind)
    for comment in comments:
        kinds = given[comment.pk]
        comment.viewer_liked = ReactionKind.LIKE in kinds  # type: ignore[attr-defined]
        comment.viewer_found_helpful = ReactionKind.HELPFUL in kinds  # type: ignore[attr-defined]


def _reactions_of(comment_ids: list[int], member_id: int) -> QuerySet[Reaction, tuple[int, str]]:
    """The member's reactions to the comments, as (comment id, kind)."""
    # The page's comments as one array parameter (AnyOf), not an IN list of a hundred.
    reactions = Reaction.objects.filter(AnyOf("comment", comment_ids), member_id=member_id)
    return reactions.values_list("comment_id", "kind")


# Read on every view of a post page: built and compiled once (community/perf/compiled.py).
_REACTION_QUERIES: CompiledQueries[tuple[int, str]] = CompiledQueries(
    Reaction,
    stand_ins={
        "comment_ids": ([-9_000_000_001], [-9_000_000_002]),
        "member_id": (-9_000_000_003, -9_000_000_004),
    },
)


def _key(
    viewer: User,
    post: Post,
    cursor: str | None,
    from_thread: int | None,
    to_reply: int | None,
    limit: int,
) -> str:
    walls = sorted(walled_off_ids(viewer))
    parts = repr((post.pk, cursor, from_thread, to_reply, limit, walls))
    return _KEY_PREFIX + hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()


def _without_reader_marks(page: Page[Thread]) -> Page[Thread]:
    """A copy of `page` to share: the reader's own reactions taken off its comments."""
    shared = copy.deepcopy(page)
    for comment in comments_of(shared):
        for name in READER_MARKS:
            comment.__dict__.pop(name, None)
    return shared
