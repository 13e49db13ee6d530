"""The pages the benchmarks (bench/run_pages.py) and the scale tests read on a loaded data
set, found by what the generator guarantees: the bench member, the 100-comment thread, the
busiest hashtag and the most followed member."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from accounts.models import Follow, User
from bench.scale.sizes import BENCH_HANDLE, BUSY_THREAD_COMMENTS, ScaleError
from posts.models import Hashtag, Post, Visibility

SEARCH_QUERIES = ("sepsis", "residency interviews", '"heart failure" -pediatrics')
# Issue 24's goals, as shares of /healthz's requests per second in the same run: the
# signed-in home feed and post page at least 35%; Explore and the post page read by a
# visitor (the app's cache of their pages warm) at least 50%.
SIGNED_IN_SHARE_TARGET = 0.35
VISITOR_SHARE_TARGET = 0.5


@dataclass(frozen=True)
class HotPage:
    name: str
    path: str
    p95_target_ms: int = 100
    # The least share of /healthz's requests per second the page must reach; 0: none.
    share_target: float = 0.0
    # A page visitors read most is measured for them too, with this target; 0: not.
    visitor_share_target: float = 0.0


def hot_pages() -> list[HotPage]:
    """The hot pages of a loaded scale data set, for the bench member: home feed, explore,
    the busiest hashtag, the 100-comment thread, the most followed member's profile, three
    searches, mentor suggestions and notifications."""
    member = User.objects.get(handle=BENCH_HANDLE)
    busy = (
        Post.objects.filter(
            comment_count=BUSY_THREAD_COMMENTS, visibility=Visibility.PUBLIC, deleted_at=None
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if busy is None:
        raise ScaleError("No post has 100 comments: load the data set with python -m bench.scale.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hashtag_id FROM posts_posthashtag GROUP BY hashtag_id"
            " ORDER BY count(*) DESC, hashtag_id LIMIT 1"
        )
        tag = Hashtag.objects.get(pk=cursor.fetchone()[0])
        cursor.execute(
            "SELECT followee_id FROM accounts_follow WHERE followee_id <> %s"
            " GROUP BY followee_id ORDER BY count(*) DESC, followee_id LIMIT 1",
            [member.pk],
        )
        star = User.objects.get(pk=cursor.fetchone()[0])
    following = Follow.objects.filter(follower=member).count()
    pages = [
        HotPage(
            f"Home feed (follows {following})",
            reverse("home"),
            p95_target_ms=50,
            share_target=SIGNED_IN_SHARE_TARGET,
        ),
        HotPage("Explore", reverse("posts:explore"), visitor_share_target=VISITOR_SHARE_TARGET),
        HotPage(f"Hashtag #{tag.name}", tag.get_absolute_url()),
        HotPage(
            f"Post with {BUSY_THREAD_COMMENTS} comments",
            busy.get_absolute_url(),
            share_target=SIGNED_IN_SHARE_TARGET,
            visitor_share_target=VISITOR_SHARE_TARGET,
        ),
        HotPage("Profile of the most followed member", star.get_absolute_url()),
    ]
    search = reverse("posts:search")
    pages += [
        HotPage(f"Search: {query}", f"{search}?{urlencode({'q': query})}", p95_target_ms=150)
        for query in SEARCH_QUERIES
    ]
    pages += [
        HotPage("Mentor suggestions", reverse("mentoring:suggestions")),
        HotPage("Notifications", reverse("notifications:list")),
    ]
    return pages
