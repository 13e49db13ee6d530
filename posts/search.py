"""One search box for posts, people and groups, with the same visibility as the pages.

On PostgreSQL, posts are matched against the weighted `search_vector` column (GIN index)
with `websearch_to_tsquery`, so "quoted phrases" and -exclusions work, ranked with
`ts_rank` and shown with a highlighted snippet from `ts_headline`. On SQLite every word (or
quoted phrase) must appear in the title, body or hashtags, words with a leading minus must
not, newest first. People and groups are matched by name (and handle or description).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Func, IntegerField, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from community.expressions import AnyOf

from .models import Circle, Post, Viewer
from .services import SEARCH_CONFIG

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MAX_POSTS = 20
# How many of the newest matching posts are ranked for relevance (see _newest_matches).
RANKED_CANDIDATES = 200
# Where the newest matches are looked for first, in turn, before all posts: this week and
# the one before it, then this week and the four before it (see PostWeek).
RECENT_WEEKS = (1, 4)
MAX_PEOPLE = 10
MAX_CIRCLES = 10
MAX_QUERY_LENGTH = 200
# Control characters no one types: ts_headline marks matches with them, the text is then
# escaped as a whole, and only then do they become <mark> tags.
_START, _STOP = "\x02", "\x03"
_SNIPPET_CHARS = 240
# What a result shows (posts/search.html): its headline, kind, author, age and group. The
# rest of a post (its rendered text) and of its author's row stay in the database.
_RESULT_COLUMNS = (
    "title",
    "pub_title",
    "body",
    "kind",
    "created_at",
    "author__display_name",
    "circle__name",
)
_TERMS = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')


@dataclass
class SearchResults:
    query: str
    posts: list[Post] = field(default_factory=list)
    people: list[User] = field(default_factory=list)
    circles: list[Circle] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.posts or self.people or self.circles)


def highlight(text: str) -> SafeString:
    """Escape a ts_headline result, then turn its sentinels into <mark> elements."""
    cleaned = escape(text)
    # Safe: the whole text is escaped first; only our own sentinels become markup.
    if cleaned.count(_START) != cleaned.count(_STOP):
        return mark_safe(cleaned.replace(_START, "").replace(_STOP, ""))  # nosec
    return mark_safe(cleaned.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # nosec


def parse_terms(query: str) -> tuple[list[str], list[str]]:
    """Words and "quoted phrases" to include, and those with a leading minus to exclude."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for match in _TERMS.finditer(query):
        minus = match.group(1) or match.group(3)
        term = (match.group(2) or match.group(4) or "").strip().lstrip("#@")
        if not term:
            continue
        (unwanted if minus else wanted).append(term)
    return wanted, unwanted


def _plain_snippet(body: str, terms: list[str]) -> SafeString:
    """The SQLite snippet: the text around the first match, matches marked."""
    text = " ".join(body.split())
    lowered = text.lower()
    first = min(
        (lowered.find(term.lower()) for term in terms if term.lower() in lowered), default=0
    )
    start = max(0, first - _SNIPPET_CHARS // 3)
    excerpt = text[start : start + _SNIPPET_CHARS]
    if not terms:
        # Safe: escaped in the same expression.
        return mark_safe(escape(excerpt))  # nosec
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    marked = pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", excerpt)
    return highlight(("…" if start else "") + marked)


_EPOCH = datetime.date(1970, 1, 1)


class PostWeek(Func):
    """The week a post was written in, counted from 1 January 1970 (UTC; weeks start on
    Thursdays, as that day did). The search index holds it beside the words (migration
    posts 0005), so it must stay this expression, word for word."""

    template = "((((%(expressions)s AT TIME ZONE 'UTC'))::date - DATE '1970-01-01') / 7)"
    output_field = IntegerField()

    @staticmethod
    def of(moment: datetime.datetime) -> int:
        return (moment.astimezone(datetime.UTC).date() - _EPOCH).days // 7


def _newest_matches(viewer: Viewer, tsquery: SearchQuery) -> list[int]:
    """Ids of the newest RANKED_CANDIDATES visible posts matching `tsquery`.

    Only these are ranked: a common word matches tens of thousands of posts, and ranking
    them all reads every one of them. This week and the last are tried first, then the last
    five weeks: the index holds each post's week beside its words, so PostgreSQL finds the
    recent matches inside the index instead of reading every match of a common word
    (BENCHMARKS.md, step 27). Only when a window holds fewer than RANKED_CANDIDATES matches
    can the newest ones be older, and the next one is searched.
    """
    matches = (
        Post.objects.visible_to(viewer)
        .filter(search_vector=tsquery)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    this_week = PostWeek.of(timezone.now())
    for weeks_back in RECENT_WEEKS:
        recent = matches.alias(week=PostWeek("created_at")).filter(
            week__in=range(this_week - weeks_back, this_week + 1)
        )
        ids = list(recent[:RANKED_CANDIDATES])
        if len(ids) == RANKED_CANDIDATES:
            return ids
    return list(matches[:RANKED_CANDIDATES])


class _Headline(TypedDict):
    search_headline: str


def _search_posts(viewer: Viewer, query: str) -> list[Post]:
    if connection.vendor == "postgresql":
        tsquery = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        # Rank the candidates on narrow rows, then load and highlight only the best, in the
        # one query: joined to their authors, the candidates made PostgreSQL read the whole
        # member table.
        candidates = _newest_matches(viewer, tsquery)
        if not candidates:
            return []
        rank = SearchRank(F("search_vector"), tsquery)
        best = (
            Post.objects.filter(AnyOf("pk", candidates))
            .annotate(rank=rank)
            .order_by("-rank", "-created_at", "-id")
            .values("pk")[:MAX_POSTS]
        )
        found = list(
            Post.objects.filter(pk__in=best)
            .select_related("author", "circle")
            .only(*_RESULT_COLUMNS)
            .annotate(
                rank=rank,
                search_headline=SearchHeadline(
                    "body",
                    tsquery,
                    config=SEARCH_CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .order_by("-rank", "-created_at", "-id")
        )
        # Annotated just above; the Django plugin loses the annotation through `only`.
        for headlined in cast("list[WithAnnotations[Post, _Headline]]", found):
            headlined.snippet = highlight(headlined.search_headline)
        return found

    wanted, unwanted = parse_terms(query)
    if not wanted:
        return []
    posts = (
        Post.objects.visible_to(viewer).select_related("author", "circle").only(*_RESULT_COLUMNS)
    )
    for term in wanted:
        posts = posts.filter(
            Q(title__icontains=term)
            | Q(pub_title__icontains=term)
            | Q(body__icontains=term)
            | Q(hashtags__name__iexact=term)
        )
    for term in unwanted:
        posts = posts.exclude(Q(title__icontains=term) | Q(body__icontains=term))
    found = list(posts.distinct().order_by("-created_at", "-id")[:MAX_POSTS])
    for post in found:
        post.snippet = _plain_snippet(post.body, wanted)
    return found


def _search_people(viewer: Viewer, query: str) -> list[User]:
    wanted, _ = parse_terms(query)
    if not wanted:
        return []
    # Only what a result shows: name, handle, role and the verified mark.
    people = User.objects.visible_to(viewer).only(
        "handle", "display_name", "role", "verification_status"
    )
    for term in wanted:
        people = people.filter(Q(display_name__icontains=term) | Q(handle__icontains=term))
    return list(people.order_by("display_name", "id")[:MAX_PEOPLE])


def _search_circles(query: str) -> list[Circle]:
    wanted, _ = parse_terms(query)
    circles = Circle.objects.all()
    for term in wanted:
        circles = circles.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return list(circles.order_by("-member_count", "name")[:MAX_CIRCLES]) if wanted else []


def search(viewer: Viewer, query: str) -> SearchResults:
    """Posts, people and groups matching `query` that `viewer` may see."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return SearchResults(query="")
    return SearchResults(
        query=query,
        posts=_search_posts(viewer, query),
        people=_search_people(viewer, query),
        circles=_search_circles(query),
    )
