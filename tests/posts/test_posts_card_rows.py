"""The home feed's posts read as card rows (posts.selectors.PostCardRow).

The rule under test: a card row's key is the key of its post's card, and the post built from
a row is the post `Post.objects.for_card_list` reads, so a page of card rows shows what a
page of posts shows. (The cards after each change to what they show, on the home feed too:
tests/posts/test_posts_cards.py.)
"""

from __future__ import annotations

import datetime
import re
from html import escape, unescape
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, byline_fields
from accounts.services import follow
from posts.cards import _post_parts, _row_parts
from posts.models import VIEWER_MARKS, Bookmark, Post, PostKind, Reaction, card_columns
from posts.selectors import PAGE_SIZE, PostCardRow, card_posts, card_rows
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, PostFactory, PostImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader() -> User:
    return UserFactory.create()


@pytest.fixture
def posts(reader: User) -> list[Post]:
    """A post of every kind a card shows differently: plain, in a group, a live Q&A, with
    images, edited, the reader's own, and one the reader liked, found helpful and saved."""
    author = PhysicianFactory.create(display_name="Dr. Ada Byron", avatar_small="avatars/a.webp")
    now = timezone.now()
    plain = PostFactory.create(author=author, title="Fluids")
    grouped = PostFactory.create(
        author=author, visibility="group", circle=CircleFactory.create(name="Night shift")
    )
    event = PostFactory.create(
        author=author,
        kind=PostKind.EVENT,
        starts_at=now + datetime.timedelta(hours=2),
        duration_minutes=45,
    )
    illustrated = PostFactory.create(author=author)
    PostImageFactory.create(post=illustrated, position=0)
    PostImageFactory.create(post=illustrated, position=1)
    edited = PostFactory.create(author=author, edited_at=now, like_count=3, comment_count=2)
    own = PostFactory.create(author=reader)
    marked = PostFactory.create(author=author, helpful_count=1)
    Reaction.objects.create(post=marked, member=reader, kind="like")
    Reaction.objects.create(post=marked, member=reader, kind="helpful")
    Bookmark.objects.create(post=marked, member=reader)
    return [plain, grouped, event, illustrated, edited, own, marked]


def _context(reader: User | AnonymousUser, *, htmx: bool = False) -> Context:
    request = RequestFactory().get("/?cursor=abc")
    request.user = reader
    request.htmx = htmx  # type: ignore[attr-defined]
    return Context({"user": reader, "request": request, "participation_problem": None})


def _rows_and_posts(
    posts: list[Post], viewer: User | AnonymousUser
) -> list[tuple[PostCardRow, Post]]:
    ids = [post.pk for post in posts]
    rows = {row.pk: row for row in card_rows(Post.objects.filter(pk__in=ids), viewer)}
    read = {post.pk: post for post in Post.objects.filter(pk__in=ids).for_card_list(viewer)}
    return [(rows[pk], read[pk]) for pk in ids]


def _shown(post: Post) -> dict[str, Any]:
    """Everything a card may show of `post`, as `for_card_list` reads it."""
    own = {name: getattr(post, name) for name in card_columns("post") if "__" not in name}
    author = post.author
    return {
        **own,
        "author": (author.pk, *(getattr(author, f.split("__")[1]) for f in byline_fields("a"))),
        "byline": author.byline_values,
        "circle": (post.circle.pk, post.circle.slug, post.circle.name) if post.circle else None,
        "marks": [getattr(post, mark, None) for mark in VIEWER_MARKS],
        "event_state": post.event_state,
        "url": post.get_absolute_url(),
        "images": [image.pk for image in post.images.all()] if post.image_count else [],
    }


@pytest.mark.parametrize("who", ["member", "visitor"])
def test_a_card_rows_post_is_the_post_for_card_list_reads(
    posts: list[Post], reader: User, who: str
) -> None:
    viewer = reader if who == "member" else AnonymousUser()
    pairs = _rows_and_posts(posts, viewer)
    built = card_posts([row for row, _ in pairs])
    for post, (_, read) in zip(built, pairs, strict=True):
        assert _shown(post) == _shown(read)


def test_a_card_row_marks_what_the_reader_gave(posts: list[Post], reader: User) -> None:
    marked = _rows_and_posts(posts, reader)[-1][0]
    assert [marked.post.viewer_liked, marked.post.viewer_found_helpful] == [True, True]  # type: ignore[attr-defined]
    assert marked.post.viewer_bookmarked  # type: ignore[attr-defined]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_card_rows_key_is_the_key_of_its_posts_card(
    posts: list[Post], reader: User, htmx: bool
) -> None:
    context = _context(reader, htmx=htmx)
    for row, read in _rows_and_posts(posts, reader):
        assert _row_parts(context, row) == _post_parts(context, read, detail=False)


def test_a_visitors_card_row_key_is_the_key_of_the_posts_card(posts: list[Post]) -> None:
    context = _context(AnonymousUser())
    for row, read in _rows_and_posts(posts, AnonymousUser()):
        assert _row_parts(context, row) == _post_parts(context, read, detail=False)


def test_the_posts_of_a_page_of_rows_read_their_images_in_one_query(
    posts: list[Post], reader: User, django_assert_num_queries: Any
) -> None:
    rows = [row for row, _ in _rows_and_posts(posts, reader)]
    with django_assert_num_queries(1):
        built = card_posts(rows)
        for post in built:
            if post.image_count:
                assert len(post.images.all()) == 2
            assert post.author.display_name
            assert post.circle is None or post.circle.name == "Night shift"


def test_a_page_of_rows_without_images_builds_its_posts_without_a_query(
    reader: User, django_assert_num_queries: Any
) -> None:
    PostFactory.create_batch(3)
    rows = card_rows(Post.objects.all(), reader)
    with django_assert_num_queries(0):
        card_posts(rows)


def test_the_home_feeds_next_page_through_htmx_shows_the_older_posts_and_their_links(
    reader: User,
) -> None:
    """ "Load more" on the home feed (htmx): the next page's cards, made from card rows,
    send their reaction forms back to each post's own page."""
    author = PhysicianFactory.create()
    follow(follower=reader, followee=author)
    now = timezone.now()
    posts = [
        PostFactory.create(author=author, created_at=now - datetime.timedelta(minutes=n))
        for n in range(PAGE_SIZE + 2)
    ]
    client = Client()
    client.force_login(reader)
    first = client.get(reverse("home")).content.decode()
    more = re.search(r'hx-get="([^"]+)"', first)
    assert more is not None
    # The same page without JavaScript first: its cards send the reader back to it.
    url = reverse("home") + unescape(more.group(1))
    assert f'name="next" value="{escape(url)}"' in client.get(url).content.decode()
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    shown = [int(pk) for pk in re.findall(r'<article class="card post[^"]*" id="post-(\d+)"', html)]
    assert shown == [post.pk for post in posts[PAGE_SIZE:]]
    for post in posts[PAGE_SIZE:]:
        assert f'name="next" value="{post.get_absolute_url()}"' in html
