"""Visitors' pages (community/page_cache.py): the headers each audience gets, the app's cache
of visitors' pages, and each kind of write retiring what it changed, observed through
requests as visitors and members make them."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from community import db_router, page_cache
from moderation.services import restore_content
from posts import selectors
from posts import services as post_services
from posts.models import Post
from posts.selectors import encode_cursor
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator, moderator_actor
from tests.moderation.factories import report
from tests.posts.factories import CommentFactory, PostFactory, public_hashtag

pytestmark = pytest.mark.django_db

VISITOR_HEADERS = "public, max-age=0, s-maxage=1, stale-while-revalidate=1"
MEMBER_HEADERS = "private, no-cache"


@pytest.fixture(autouse=True)
def _page_cache_on(settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_S_MAXAGE = 1


def _visit(url: str, **headers: Any) -> Any:
    """A GET by a new visitor: no cookie at all."""
    return Client().get(url, **headers)


def _signed_in(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _text(response: Any) -> str:
    return str(response.content.decode())


def _vary(response: Any) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def _queries(call: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def author() -> User:
    return UserFactory.create(display_name="Dr. Ada Byline", handle="ada")


@pytest.fixture
def post(author: User) -> Post:
    post = post_services.publish_post(
        author=author, title="Fluids in sepsis", body="Start with 30 ml/kg. #sepsis"
    )
    return post


def _public_urls(post: Post) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "post": post.get_absolute_url(),
        "explore": reverse("posts:explore"),
        "hashtag": reverse("posts:hashtag", args=["sepsis"]),
        "profile": reverse("accounts:profile", args=[post.author.handle]),
        "author_posts": reverse("posts:author_posts", args=[post.author.handle]),
    }


# --- What each audience is answered --------------------------------------------------------


def test_a_visitor_gets_pages_any_cache_may_keep_and_never_a_cookie(post: Post) -> None:
    for name, url in _public_urls(post).items():
        response = _visit(url)

        assert response.status_code == 200, name
        assert response["Cache-Control"] == VISITOR_HEADERS, name
        assert {"cookie", "hx-request"} <= _vary(response), name
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"]), name
        assert not response.cookies, name
        assert "X-CSRFToken" not in _text(response), name


def test_a_members_pages_are_private_and_never_served_from_the_visitors_copy(
    post: Post, member: User
) -> None:
    client = _signed_in(member)
    for name, url in _public_urls(post).items():
        _visit(url)  # A visitor's copy is in the cache.

        first = client.get(url)
        queries = _queries(functools.partial(client.get, url))

        assert first.status_code == 200, name
        assert first["Cache-Control"] == MEMBER_HEADERS, name
        assert "ETag" not in first, name
        assert "Sign out" in _text(first), name
        assert queries, f"{name}: a member's page came from the cache"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?q=sepsis", 200),  # Not one of the pages kept.
        ("/explore/?utm_source=newsletter", 200),  # A parameter the page does not read.
        ("/posts/999999/", 404),
    ],
)
def test_every_other_answer_to_a_visitor_is_private_and_not_kept(
    post: Post, url: str, status: int
) -> None:
    first = _visit(url)
    again = _queries(lambda: _visit(url))

    assert first.status_code == status
    assert first["Cache-Control"] == MEMBER_HEADERS
    assert "ETag" not in first
    assert again, "served from the cache"


def test_htmx_gets_its_part_of_the_page_kept_apart_from_the_whole_page() -> None:
    now = timezone.now()
    posts = [
        PostFactory.create(body=f"Numbered post {n:02d}", created_at=now - datetime.timedelta(n))
        for n in range(25)
    ]
    url = reverse("posts:explore") + "?cursor=" + encode_cursor(posts[19].created_at, posts[19].pk)

    part = _visit(url, HTTP_HX_REQUEST="true")
    whole = _visit(url)
    part_again = _visit(url, HTTP_HX_REQUEST="true")

    assert "<html" not in _text(part) and "Numbered post 20" in _text(part)
    assert "<html" in _text(whole) and "Numbered post 20" in _text(whole)
    assert part_again.content == part.content
    for response in (part, whole):
        assert response["Cache-Control"] == VISITOR_HEADERS
        assert "hx-request" in _vary(response)
    assert part["ETag"] != whole["ETag"]


def test_a_head_request_gets_the_headers_of_the_get_without_the_body(post: Post) -> None:
    got = _visit(post.get_absolute_url())
    head = Client().head(post.get_absolute_url())

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Cache-Control"] == VISITOR_HEADERS


# --- Conditional requests ----------------------------------------------------------------------


def test_a_visitor_who_has_the_page_gets_304_until_it_changes(
    post: Post, author: User, django_capture_on_commit_callbacks: Any
) -> None:
    url = post.get_absolute_url()
    first = _visit(url)

    unchanged = _visit(url, HTTP_IF_NONE_MATCH=first["ETag"])
    other = _visit(url, HTTP_IF_NONE_MATCH='"0123456789abcdef0123456789abcdef"')

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == first["ETag"]
    assert unchanged["Cache-Control"] == VISITOR_HEADERS
    assert other.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        _signed_in(author).post(
            reverse("posts:edit", args=[post.pk]), {"title": "Fluids, revised", "body": "Less."}
        )
    changed = _visit(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert changed.status_code == 200
    assert "Fluids, revised" in _text(changed)
    assert changed["ETag"] != first["ETag"]


# --- The app's cache ---------------------------------------------------------------------------


def test_a_visitors_second_visit_costs_no_query_and_gets_the_same_page(post: Post) -> None:
    urls = _public_urls(post)
    first = {name: _visit(url) for name, url in urls.items()}

    with CaptureQueriesContext(connection) as captured:
        again = {name: _visit(url) for name, url in urls.items()}

    assert captured.captured_queries == []
    for name in urls:
        assert again[name].status_code == 200
        assert again[name].content == first[name].content, name
        assert again[name]["ETag"] == first[name]["ETag"], name
        # The nonce of the scripts in the page is the one its policy allows.
        policy = again[name]["Content-Security-Policy"]
        assert policy == first[name]["Content-Security-Policy"], name
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce is not None and f'nonce="{nonce.group(1)}"' in _text(again[name]), name
        assert again[name]["X-Frame-Options"] == "DENY", name


def test_rendering_a_visitors_page_writes_nothing_to_the_database(post: Post) -> None:
    for url in _public_urls(post).values():
        written = [
            sql
            for sql in _queries(functools.partial(_visit, url))
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert written == [], url


def test_with_the_cache_off_pages_are_rendered_each_time_with_the_same_headers(
    post: Post, settings: Any
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    url = post.get_absolute_url()
    first = _visit(url)

    again = _queries(lambda: _visit(url))

    assert again
    assert first["Cache-Control"] == VISITOR_HEADERS
    assert "ETag" in first


def test_a_page_that_may_be_kept_is_read_from_the_primary(rf: RequestFactory) -> None:
    pinned = []

    def view(request: HttpRequest) -> HttpResponse:
        pinned.append(db_router.pinned.get())
        return HttpResponse("A page")

    middleware = page_cache.PublicPageMiddleware(view)
    middleware(rf.get(reverse("posts:explore")))
    member = rf.get(reverse("posts:explore"))
    member.COOKIES["sessionid"] = "abc"
    middleware(member)
    middleware(rf.get(reverse("posts:search")))

    assert pinned == [True, False, False]


def test_a_page_rendered_while_a_write_commits_is_not_served_after_it(
    post: Post, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    original = selectors.post_for_viewer

    def edited_while_rendering(*args: Any, **kwargs: Any) -> Post | None:
        read = original(*args, **kwargs)
        # The author's edit commits after this page read the post, before it is stored.
        Post.objects.filter(pk=post.pk).update(title="Edited meanwhile")
        with django_capture_on_commit_callbacks(execute=True):
            page_cache.post_changed(post.pk)
        return read

    monkeypatch.setattr(selectors, "post_for_viewer", edited_while_rendering)
    stale = _visit(post.get_absolute_url())
    monkeypatch.setattr(selectors, "post_for_viewer", original)

    fresh = _visit(post.get_absolute_url())

    assert "Edited meanwhile" not in _text(stale)
    assert "Edited meanwhile" in _text(fresh)


def test_a_rolled_back_write_retires_no_page(
    post: Post, django_capture_on_commit_callbacks: Any
) -> None:
    url = post.get_absolute_url()
    _visit(url)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                page_cache.post_changed(post.pk)
                raise RuntimeError("The write failed.")
        except RuntimeError:
            pass

    assert callbacks == []
    assert _queries(lambda: _visit(url)) == []


def test_a_visitor_with_a_message_to_read_gets_it_and_it_is_never_shown_to_others(
    member: User,
) -> None:
    client = _signed_in(member)
    client.post(reverse("account_logout"))
    # What a browser keeps after signing out: the message, not the emptied session cookie.
    browser = Client()
    browser.cookies["messages"] = client.cookies["messages"].value

    told = browser.get(reverse("home"))
    other = _visit(reverse("home"))

    assert "You have signed out." in _text(told)
    assert told["Cache-Control"] == MEMBER_HEADERS
    assert "You have signed out." not in _text(other)
    assert other["Cache-Control"] == VISITOR_HEADERS


# --- Each kind of write retires the pages it changes -------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run what follows as a committed write: its on-commit hooks run (the test itself runs
    in a transaction that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def warm(post: Post) -> Iterator[dict[str, str]]:
    """Every public page, each visited once: in the cache before the change."""
    urls = _public_urls(post)
    for url in urls.values():
        assert _visit(url).status_code == 200
    yield urls


def test_an_edit_reaches_the_post_page_and_the_lists(
    post: Post, author: User, warm: dict[str, str], commit: Any
) -> None:
    with commit():
        response = _signed_in(author).post(
            reverse("posts:edit", args=[post.pk]),
            {"title": "Fluids, revised", "body": "Give less. #sepsis"},
        )
    assert response.status_code == 302

    for name in ("post", "explore", "hashtag", "profile", "author_posts", "home"):
        assert "Fluids, revised" in _text(_visit(warm[name])), name


def test_a_deleted_post_leaves_its_page_and_the_lists(
    post: Post, author: User, warm: dict[str, str], commit: Any
) -> None:
    with commit():
        _signed_in(author).post(reverse("posts:delete", args=[post.pk]))

    assert "Post unavailable" in _text(_visit(warm["post"]))
    for name in ("explore", "hashtag", "author_posts", "home"):
        assert "Fluids in sepsis" not in _text(_visit(warm[name])), name


def test_a_new_comment_shows_on_the_post_page_and_in_the_cards_count(
    post: Post, member: User, warm: dict[str, str], commit: Any
) -> None:
    with commit():
        _signed_in(member).post(
            reverse("posts:comment_create", args=[post.pk]), {"body": "What about albumin?"}
        )

    assert "What about albumin?" in _text(_visit(warm["post"]))
    assert "1 comment<" in _text(_visit(warm["explore"]))


def test_a_deleted_or_edited_comment_changes_the_post_page(
    post: Post, warm: dict[str, str], commit: Any
) -> None:
    kept = CommentFactory.create(post=post, body="Balanced crystalloids")
    gone = CommentFactory.create(post=post, body="Check lactate twice")
    # The comments were written by a factory: their page is retired as a service would.
    with commit():
        page_cache.post_changed(post.pk)
    assert "Check lactate twice" in _text(_visit(warm["post"]))

    with commit():
        _signed_in(gone.author).post(reverse("posts:comment_delete", args=[gone.pk]))
        _signed_in(kept.author).post(
            reverse("posts:comment_edit", args=[kept.pk]), {"body": "Balanced crystalloids, 2L"}
        )

    page = _text(_visit(warm["post"]))
    assert "Check lactate twice" not in page
    assert "Balanced crystalloids, 2L" in page


def test_a_reaction_changes_the_counts_visitors_see(
    post: Post, member: User, warm: dict[str, str], commit: Any
) -> None:
    comment = CommentFactory.create(post=post, body="Agreed")
    with commit():
        page_cache.post_changed(post.pk)
    assert "0 likes" in _text(_visit(warm["post"]))

    with commit():
        _signed_in(member).post(reverse("posts:react", args=[post.pk, "like"]))

    assert "1 like ·" in _text(_visit(warm["post"]))
    assert "1 like ·" in _text(_visit(warm["explore"]))

    with commit():
        _signed_in(member).post(reverse("posts:comment_react", args=[comment.pk, "helpful"]))

    assert "1 found this helpful" in _text(_visit(warm["post"]))


def test_moderators_removing_and_restoring_a_post_reach_visitors(
    post: Post, warm: dict[str, str], commit: Any
) -> None:
    moderator = make_moderator()
    panel = Client()
    sign_in_with_two_factor(panel, moderator)
    case = report(post)

    with commit():
        response = panel.post(
            reverse("admin:moderation_reportcase_act", args=[case.pk, "remove"]),
            {"remove-reason": "Unsafe advice"},
        )
    assert response.status_code == 302

    assert "Removed by moderators" in _text(_visit(warm["post"]))
    assert "Fluids in sepsis" not in _text(_visit(warm["explore"]))

    with commit():
        restore_content(moderator=moderator, target=post, reason="Appeal upheld")

    assert "Fluids in sepsis" in _text(_visit(warm["post"]))
    assert "Fluids in sepsis" in _text(_visit(warm["explore"]))


def test_a_profile_change_reaches_every_page_that_shows_the_member(
    post: Post, author: User, warm: dict[str, str], commit: Any
) -> None:
    data = {name: "" for name in ("training_stage", "specialty", "institution", "bio")}
    data.update(
        display_name="Dr. Ada Renamed",
        handle=author.handle,
        role=author.role,
        profile_visibility=author.profile_visibility,
    )
    with commit():
        response = _signed_in(author).post(reverse("accounts:profile_edit"), data)
    assert response.status_code == 302

    for name in ("post", "explore", "profile", "home"):
        page = _text(_visit(warm[name]))
        assert "Dr. Ada Renamed" in page, name
        assert "Dr. Ada Byline" not in page, name


def test_a_new_follower_shows_on_the_profile(
    post: Post, author: User, member: User, warm: dict[str, str], commit: Any
) -> None:
    assert "<strong>0</strong> followers" in _text(_visit(warm["profile"]))

    with commit():
        _signed_in(member).post(reverse("accounts:follow", args=[author.handle]))

    assert "<strong>1</strong> follower<" in _text(_visit(warm["profile"]))


def test_a_new_public_post_joins_explore_the_hashtag_and_the_profile(
    post: Post, author: User, warm: dict[str, str], commit: Any
) -> None:
    with commit():
        _signed_in(author).post(
            reverse("posts:create"),
            {
                "kind": "discussion",
                "title": "Second pearl",
                "body": "#sepsis",
                "visibility": "public",
            },
        )

    for name in ("explore", "hashtag", "profile", "author_posts", "home"):
        assert "Second pearl" in _text(_visit(warm[name])), name


def test_a_new_campaign_shows_on_its_hashtag_page(
    post: Post, warm: dict[str, str], commit: Any
) -> None:
    today = timezone.localdate()
    with commit():
        post_services.create_campaign(
            creator=moderator_actor(),
            hashtag="sepsis",
            title="Sepsis awareness week",
            description="Know the signs.",
            starts_on=today,
            ends_on=today + datetime.timedelta(days=7),
        )

    assert "Sepsis awareness week" in _text(_visit(warm["hashtag"]))


def test_a_change_retires_only_the_pages_that_show_it(
    post: Post, warm: dict[str, str], commit: Any
) -> None:
    other = PostFactory.create(title="Another post")
    other_url = other.get_absolute_url()
    _visit(other_url)
    comment = CommentFactory.create(post=post)

    with commit():
        page_cache.post_changed(comment.post_id, in_lists=False)

    assert _queries(lambda: _visit(warm["post"]))
    for url in (other_url, warm["explore"], warm["profile"]):
        assert _queries(functools.partial(_visit, url)) == [], url


# --- With Redis ---------------------------------------------------------------------------------


@pytest.mark.redis
def test_pages_are_kept_and_retired_in_redis(
    post: Post, author: User, settings: Any, commit: Any
) -> None:
    from django.core.cache import cache

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "community.cache.ResilientRedisCache",
            "LOCATION": settings.REDIS_URL,
        },
    }
    cache.clear()
    url = post.get_absolute_url()
    first = _visit(url)

    again = _visit(url, HTTP_IF_NONE_MATCH=first["ETag"])
    queries = _queries(lambda: _visit(url))
    with commit():
        _signed_in(author).post(
            reverse("posts:edit", args=[post.pk]), {"title": "Fluids, in Redis", "body": "Less."}
        )
    changed = _visit(url)
    cache.clear()

    assert again.status_code == 304
    assert queries == []
    assert "Fluids, in Redis" in _text(changed)


def test_each_page_is_kept_under_its_own_address() -> None:
    public_hashtag("asthma")
    public_hashtag("copd")

    asthma = _visit(reverse("posts:hashtag", args=["asthma"]))
    copd = _visit(reverse("posts:hashtag", args=["copd"]))

    assert "#asthma" in _text(asthma) and "#copd" in _text(copd)
    assert asthma["ETag"] != copd["ETag"]
