"""Visitors' reading pages: answers a shared cache may keep, and a cache of them in the app.

A post that goes viral is read by many thousands of visitors who are not members, and
every one of them is shown the same page. Those pages (the visitor's home, a post,
Explore, a hashtag or campaign, a profile and its list of posts, a thread's further
replies, a live Q&A's questions: `PUBLIC_PAGES`) are
rendered once and reused until what they show changes.

Who is a visitor: a GET with neither the session cookie nor the cookie of messages waiting
to be shown. That is read from the cookies alone, so a visitor's request never loads a
session, and nothing a visitor reads sets a cookie: their pages hold no CSRF token (only
the pages with a form a visitor sends do: signing in or up, a password reset, contact,
unsubscribing). Anything else (a member, any other page, a POST) answers
`Cache-Control: private, no-cache` unless its view chose otherwise: no shared cache ever
keeps it.

What a visitor's page answers with (`PublicPageMiddleware`):
- `Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=N` with N =
  `PAGE_S_MAXAGE` (1 by default): browsers ask again each time (a 304 when nothing
  changed), so a reload shows what changed; the proxy in front (deploy/nginx/rounds.conf)
  and a CDN keep the page N seconds, then may give the old copy for N more seconds while
  one request fetches the new one. An edit reaches visitors within 2N seconds, whatever
  number of them is reading, and a copy nobody asked for meanwhile is never given out later
  than that.
- `ETag` (a digest of the body) and 304 to a request whose If-None-Match holds it. No
  Last-Modified: its whole seconds would answer 304 to a client that saw the page in the
  second before a change.
- `Vary: Cookie, HX-Request`: signing in changes the page, and htmx asks some of the same
  URLs for a part of the page ("Load more"). Nothing is compressed, so there is no
  Accept-Encoding to vary on.

The cache in the app (the default cache: Redis when configured) keeps the whole answer,
headers included (the Content-Security-Policy nonce with the body that uses it), for
`PAGE_CACHE_SECONDS`. Its key holds the scheme, host, path, query string, whether htmx
asked, and the current version of each scope the page shows: `SITE` (every page: who
members are, moderation), `LISTS` (pages that list posts), `FOLLOWS` (follower counts) and
`post_scope(id)` (a post's own page). The services that write what a page shows call
`post_changed`, `lists_changed`, `members_changed` or `follows_changed`; after the write
commits, each scope named gets a new random version, so the pages showing it are never
looked up again and a rolled-back write retires nothing. Versions are read before the page
is rendered, and a page is rendered from the primary database (never a replica that may
lag), so a page stored under the current versions is never older than a committed write.
A version that is missing (expired, evicted, Redis restarted) is made anew at random, so
it can only cause misses, never bring an old page back.

The time is the one thing no write announces: relative times ("5 minutes ago"), a live
Q&A starting or ending, the right rail (itself kept a minute). `PAGE_CACHE_SECONDS` (60 by
default) bounds how far behind the clock a page may be. A change made outside the services
(the Django admin's own forms, a shell) also shows within that time.

Not kept: anything but a 200 (404s included: a page may be created a moment later), an
answer that sets a cookie, shows a message or chose its own Cache-Control, and a URL with
a query parameter its page does not read (random parameters must not fill the cache; such
a URL is served, uncached). Without Redis each process would keep its own copies, and a
write seen by one process would not reach another's, so the default is 0 (off) there.

Why not Django's `cache_page`: its key follows the Cookie header (every visitor who ever
opened a form carries a CSRF cookie), it cannot be told that a post changed, and it gives
browsers the whole cache time as max-age. The header and conditional-GET helpers are
Django's (django.utils.cache).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

from . import db_router

# --- Scopes: what a page shows -------------------------------------------------------------

# Every visitor page: members' names, avatars, badges and profiles; moderators' decisions.
SITE = "site"
# Pages that list posts (each card shows its counts): home, Explore, hashtags, profiles.
LISTS = "lists"
# Follower and following counts, on profiles.
FOLLOWS = "follows"


def post_scope(post_id: int) -> str:
    """A post's own page: the post, its comments and their reactions."""
    return f"post:{post_id}"


# A version outlives the pages stored under it; an expired one only costs misses.
VERSION_SECONDS = 24 * 3600
_VERSION_PREFIX = "pagever:"
_PAGE_PREFIX = "page:"


# --- Writes: retiring pages once the write commits -------------------------------------------


def pages_changed(*scopes: str) -> None:
    """Retire every cached page that shows one of `scopes`, once the current transaction
    commits (at once outside one); a rolled-back write retires nothing."""
    transaction.on_commit(lambda: _retire(scopes), robust=True)


def post_changed(post_id: int, *, in_lists: bool = True) -> None:
    """A post, or something on its page (a comment, a reaction), changed. `in_lists`: and
    what its card shows in lists of posts (its text, counts, or whether it is there)."""
    if in_lists:
        pages_changed(post_scope(post_id), LISTS)
    else:
        pages_changed(post_scope(post_id))


def lists_changed() -> None:
    """A post joined the lists (published), or what lists show beside posts changed (a
    campaign)."""
    pages_changed(LISTS)


def members_changed() -> None:
    """What any page may show of a member changed (a profile, a badge, an account deleted),
    or moderators acted: every visitor page is retired."""
    pages_changed(SITE)


def follows_changed() -> None:
    """Follower counts moved."""
    pages_changed(FOLLOWS)


def _retire(scopes: Iterable[str]) -> None:
    cache.set_many({_VERSION_PREFIX + scope: _new_version() for scope in scopes}, VERSION_SECONDS)


def _new_version() -> str:
    return secrets.token_hex(8)


def current_versions(scopes: list[str]) -> list[str]:
    """The current version of each of `scopes`: what a key of something kept until one of
    them changes holds (the visitors' pages)."""
    versions, _found = current_versions_and(scopes, [])
    return versions


def current_versions_and(scopes: list[str], keys: list[str]) -> tuple[list[str], dict[str, Any]]:
    """`current_versions(scopes)`, and what the cache holds under `keys`, read in one round
    trip (one MGET on Redis): for what is kept beside the versions it was read under, and
    used only while they are the current ones (the members' threads of a post,
    posts.shared_threads)."""
    version_keys = [_VERSION_PREFIX + scope for scope in scopes]
    found = cache.get_many([*version_keys, *keys])
    # A missing version is made at random (`add`, so concurrent requests agree on one).
    versions = [
        found.get(key) or str(cache.get_or_set(key, _new_version, VERSION_SECONDS))
        for key in version_keys
    ]
    return versions, {key: found[key] for key in keys if key in found}


# --- Reads: which pages, and their answers ---------------------------------------------------


@dataclass(frozen=True)
class PublicPage:
    """A page every visitor is shown alike: the scopes it shows, from its URL's arguments
    (`SITE` always), and the query parameters it reads."""

    scopes: Callable[[dict[str, Any]], tuple[str, ...]] = lambda kwargs: ()
    params: frozenset[str] = field(default_factory=frozenset)


# By URL name. A parameter not listed here makes the request uncached.
PUBLIC_PAGES: dict[str, PublicPage] = {
    "home": PublicPage(lambda kwargs: (LISTS,)),
    "posts:explore": PublicPage(lambda kwargs: (LISTS,), frozenset({"cursor"})),
    "posts:hashtag": PublicPage(lambda kwargs: (LISTS,), frozenset({"cursor"})),
    "posts:author_posts": PublicPage(lambda kwargs: (LISTS,), frozenset({"cursor"})),
    "accounts:profile": PublicPage(lambda kwargs: (LISTS, FOLLOWS)),
    "posts:detail": PublicPage(
        lambda kwargs: (post_scope(kwargs["pk"]),), frozenset({"comments", "thread", "reply"})
    ),
    # A live Q&A's questions, re-fetched by its page on each announcement of its stream.
    "posts:event_questions": PublicPage(lambda kwargs: (post_scope(kwargs["pk"]),)),
    "posts:replies": PublicPage(
        lambda kwargs: (post_scope(kwargs["pk"]),), frozenset({"after", "before"})
    ),
}

# Cookies that change what a page shows: with either, the request is not a visitor's.
_PAGE_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
# What a stored page may vary on, besides what its key holds.
_VARY = ("Cookie", "HX-Request")
_KNOWN_VARY = frozenset(name.lower() for name in _VARY)


def _is_visitor(request: HttpRequest) -> bool:
    """Whether the request is a visitor's, from its cookies alone (no session is read)."""
    return not any(name in request.COOKIES for name in _PAGE_COOKIES)


def _public_page(request: HttpRequest) -> tuple[PublicPage, dict[str, Any]] | None:
    """The public page a visitor's GET asks for, with its URL's arguments; None otherwise."""
    if request.method != "GET" or not _is_visitor(request):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    page = PUBLIC_PAGES.get(match.view_name)
    if page is None or not set(request.GET) <= page.params:
        return None
    return page, match.kwargs


class PublicPageMiddleware:
    """Answer visitors' GETs of `PUBLIC_PAGES` from the cache (see the module's docstring)
    with headers any cache may act on; mark every other answer private.

    Placed after the middleware that refuses requests (queue timeout, bad bytes) and before
    the rest: a page from the cache skips them, and one rendered comes back through them
    complete, Content-Security-Policy and X-Frame-Options included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        found = _public_page(request)
        if found is None:
            return _private(self.get_response(request))
        page, kwargs = found
        key = _page_key(request, page, kwargs) if settings.PAGE_CACHE_SECONDS > 0 else None
        response = _stored(key) if key else None
        if response is None:
            rendered = self._render(request)
            if not isinstance(rendered, HttpResponse) or not _shareable(request, rendered):
                return _private(rendered)
            response = rendered
            set_response_etag(response)
            _public(response)
            if key:
                _store(key, response)
        answer = get_conditional_response(request, etag=response["ETag"], response=response)
        return answer if answer is not None else response

    def _render(self, request: HttpRequest) -> HttpResponseBase:
        # A replica a moment behind would put a page older than the last write in the cache
        # for its whole life: a page that may be kept is read from the primary.
        token = db_router.pinned.set(True)
        try:
            return self.get_response(request)
        finally:
            db_router.pinned.reset(token)


def _page_key(request: HttpRequest, page: PublicPage, kwargs: dict[str, Any]) -> str:
    versions = current_versions([SITE, *page.scopes(kwargs)])
    parts = [
        request.scheme or "",
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.headers.get("HX-Request", ""),
        *versions,
    ]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return _PAGE_PREFIX + digest


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether every visitor may be given `response` as it is."""
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return (
        response.status_code == 200
        and not response.cookies
        and "Cache-Control" not in response
        and vary <= _KNOWN_VARY
        and len(get_messages(request)) == 0
    )


def _public(response: HttpResponse) -> None:
    seconds = settings.PAGE_S_MAXAGE
    patch_cache_control(
        response, public=True, max_age=0, s_maxage=seconds, stale_while_revalidate=seconds
    )
    patch_vary_headers(response, _VARY)


def _private(response: HttpResponseBase) -> HttpResponseBase:
    if "Cache-Control" not in response:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _store(key: str, response: HttpResponse) -> None:
    cache.set(key, (response.content, list(response.items())), settings.PAGE_CACHE_SECONDS)


def _stored(key: str) -> HttpResponse | None:
    found = cache.get(key)
    if found is None:
        return None
    content, headers = found
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
