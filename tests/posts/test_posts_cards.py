"""Whole post and comment cards are reused between requests (posts/cards.py).

The rule under test: a reused card is byte for byte the card a fresh render would give, for
every reader, after any change to what it shows; and its forms carry the reader's own CSRF
token.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.core.cache import caches
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from accounts.models import User, VerificationStatus
from accounts.services import follow
from community.perf import fragments
from moderation.services import remove_content
from posts import cards
from posts.models import Circle, Comment, Post
from posts.selectors import Page
from posts.services import (
    add_comment,
    delete_comment,
    delete_post,
    edit_comment,
    edit_post,
    publish_post,
    toggle_bookmark,
    toggle_reaction,
)
from tests.factories import ModeratorFactory, PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory
from tests.posts.thread_changes import (
    first_reply_deleted,
    first_reply_edited,
    first_reply_removed,
    reply_added,
    top_comment_liked,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _normalised(html: str) -> str:
    """The page without what differs on every response (tokens, the CSP nonce)."""
    html = TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html)
    html = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]+"', '"X-CSRFToken": "T"', html)
    return re.sub(r'nonce="[^"]+"', 'nonce="N"', html)


def _cards_of(html: str) -> str:
    found = re.findall(r'<article class="(?:card post|comment).*?</article>', html, re.DOTALL)
    assert found, "no card on the page"
    return "\n".join(found)


def _reused_and_fresh(client: Client, url: str) -> tuple[str, str]:
    reused = _cards_of(_normalised(client.get(url).content.decode()))
    caches["fragments"].clear()
    fresh = _cards_of(_normalised(client.get(url).content.decode()))
    return reused, fresh


@pytest.fixture
def author() -> User:
    return PhysicianFactory.create(display_name="Dr. Ada Byron")


@pytest.fixture
def reader() -> User:
    return UserFactory.create()


@pytest.fixture
def post(author: User) -> Post:
    return publish_post(author=author, title="Fluids in sepsis", body="Thirty **per kilo**.")


def _like(reader: User, post: Post, author: User) -> None:
    toggle_reaction(member=reader, target=post, kind="like")


def _helpful(reader: User, post: Post, author: User) -> None:
    toggle_reaction(member=reader, target=post, kind="helpful")


def _bookmark(reader: User, post: Post, author: User) -> None:
    toggle_bookmark(member=reader, post=post)


def _someone_else_likes(reader: User, post: Post, author: User) -> None:
    toggle_reaction(member=UserFactory.create(), target=post, kind="like")


def _comment(reader: User, post: Post, author: User) -> None:
    add_comment(author=UserFactory.create(), post=post, body="Agreed.")


def _edit(reader: User, post: Post, author: User) -> None:
    edit_post(post=post, editor=author, title="Fluids in septic shock", body="Thirty per kilo.")


def _rename_author(reader: User, post: Post, author: User) -> None:
    author.display_name = "Dr. Ada Lovelace"
    author.save(update_fields=["display_name"])


def _unverify_author(reader: User, post: Post, author: User) -> None:
    author.verification_status = VerificationStatus.UNVERIFIED
    author.save(update_fields=["verification_status"])


def _deactivate_author(reader: User, post: Post, author: User) -> None:
    author.is_active = False
    author.save(update_fields=["is_active"])


CHANGES: list[Callable[[User, Post, User], None]] = [
    _like,
    _helpful,
    _bookmark,
    _someone_else_likes,
    _comment,
    _edit,
    _rename_author,
    _unverify_author,
    _deactivate_author,
]


def _url_of(where: str, post: Post, reader: User) -> str:
    """The page that shows `post` to `reader` as a card: Explore, the post's own page, or
    the reader's home feed (they follow its author; its cards are made from card rows)."""
    if where == "home":
        follow(follower=reader, followee=post.author)
        return reverse("home")
    return reverse("posts:explore") if where == "explore" else post.get_absolute_url()


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
@pytest.mark.parametrize("where", ["explore", "detail", "home"])
def test_a_reused_post_card_is_the_fresh_card_after_each_change(
    client: Client, author: User, reader: User, post: Post, change: Callable, where: str
) -> None:
    url = _url_of(where, post, reader)
    client.force_login(reader)
    before = _cards_of(_normalised(client.get(url).content.decode()))

    change(reader, post, author)
    reused, fresh = _reused_and_fresh(client, url)

    assert reused == fresh
    assert reused != before, "the change should show on the card"


@pytest.mark.parametrize("where", ["detail", "home"])
def test_a_group_renamed_shows_its_new_name_on_its_posts(
    client: Client, author: User, reader: User, where: str
) -> None:
    circle = CircleFactory.create(name="Night shift")
    MembershipFactory.create(circle=circle, member=author)
    MembershipFactory.create(circle=circle, member=reader)
    post = publish_post(
        author=author, title="Handover", body="Use SBAR.", visibility="group", circle=circle
    )
    url = reverse("home") if where == "home" else post.get_absolute_url()
    client.force_login(reader)
    assert "Night shift" in client.get(url).content.decode()

    Circle.objects.filter(pk=circle.pk).update(name="Nights")
    reused, fresh = _reused_and_fresh(client, url)

    assert reused == fresh and "Nights" in reused and "Night shift" not in reused


def test_two_readers_never_see_each_others_reactions_or_links(
    author: User, reader: User, post: Post
) -> None:
    other = UserFactory.create()
    toggle_reaction(member=reader, target=post, kind="like")
    mine, theirs, authors = Client(), Client(), Client()
    mine.force_login(reader)
    theirs.force_login(other)
    authors.force_login(author)

    my_card = _cards_of(mine.get(reverse("posts:explore")).content.decode())
    their_card = _cards_of(theirs.get(reverse("posts:explore")).content.decode())
    author_card = _cards_of(authors.get(reverse("posts:explore")).content.decode())

    assert 'aria-pressed="true">Like' in my_card
    assert 'aria-pressed="false">Like' in their_card
    assert reverse("posts:edit", args=[post.pk]) in author_card
    assert reverse("posts:edit", args=[post.pk]) not in their_card
    assert "Report" in their_card and "Report" not in author_card


def test_a_reused_card_carries_each_readers_own_working_csrf_token(
    post: Post, reader: User
) -> None:
    """Two readers get the same cached card; each one's like form must work for them."""
    other = UserFactory.create()
    for member in (reader, other):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        html = client.get(reverse("posts:explore")).content.decode()
        tokens = TOKEN.findall(_cards_of(html))
        assert tokens and fragments.csrf_placeholder() not in html

        response = client.post(
            reverse("posts:react", args=[post.pk, "like"]),
            {"csrfmiddlewaretoken": tokens[0], "next": reverse("posts:explore")},
        )

        assert response.status_code == 302
    post.refresh_from_db()
    assert post.like_count == 2


def test_the_placeholder_depends_on_the_secret_key(settings: object) -> None:
    first = fragments.csrf_placeholder()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"  # type: ignore[attr-defined]
    assert fragments.csrf_placeholder() != first


def test_a_card_rendered_outside_a_request_has_no_token_field(post: Post) -> None:
    post = Post.objects.for_display(post.author).get(pk=post.pk)
    html = render_to_string("posts/_post_page.html", {"page": Page(items=[post])})
    assert "Fluids in sepsis" in html
    assert "csrfmiddlewaretoken" not in html and fragments.csrf_placeholder() not in html


def test_a_post_quoting_the_csrf_field_is_shown_as_text(
    client: Client, author: User, reader: User
) -> None:
    body = '<input type="hidden" name="csrfmiddlewaretoken" value="x"> `{% csrf_token %}`'
    post = publish_post(author=author, title="Markup", body=body)
    client.force_login(reader)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "{% csrf_token %}" in html
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="x">' not in html


# --- Comments ------------------------------------------------------------------------------


def _comment_liked(reader: User, comment: Comment, author: User) -> None:
    toggle_reaction(member=reader, target=comment, kind="like")


def _comment_edited(reader: User, comment: Comment, author: User) -> None:
    edit_comment(comment=comment, editor=author, body="On reflection, twenty per kilo.")


def _comment_deleted(reader: User, comment: Comment, author: User) -> None:
    add_comment(author=reader, post=comment.post, body="A reply.", parent=comment)
    delete_comment(comment=comment, member=author)


def _comment_removed(reader: User, comment: Comment, author: User) -> None:
    remove_content(moderator=ModeratorFactory.create(), target=comment, reason="Off topic.")


COMMENT_CHANGES = [_comment_liked, _comment_edited, _comment_deleted, _comment_removed]


@pytest.mark.parametrize("change", COMMENT_CHANGES, ids=lambda change: change.__name__.strip("_"))
@pytest.mark.parametrize("as_author", [False, True], ids=["reader", "author"])
def test_a_reused_comment_is_the_fresh_comment_after_each_change(
    client: Client, author: User, reader: User, post: Post, change: Callable, as_author: bool
) -> None:
    commenter = PhysicianFactory.create()
    comment = add_comment(author=commenter, post=post, body="Thirty per kilo is a lot.")
    client.force_login(commenter if as_author else reader)
    url = post.get_absolute_url()
    before = _cards_of(_normalised(client.get(url).content.decode()))

    change(reader, comment, commenter)
    reused, fresh = _reused_and_fresh(client, url)

    assert reused == fresh
    assert reused != before


def test_the_author_of_a_removed_comment_sees_why_and_others_do_not(
    author: User, reader: User, post: Post
) -> None:
    commenter = PhysicianFactory.create()
    comment = add_comment(author=commenter, post=post, body="Something off topic.")
    remove_content(moderator=ModeratorFactory.create(), target=comment, reason="Off topic.")
    theirs, own = Client(), Client()
    theirs.force_login(reader)
    own.force_login(commenter)

    assert "Off topic." not in theirs.get(post.get_absolute_url()).content.decode()
    assert "Off topic." in own.get(post.get_absolute_url()).content.decode()


# --- The relative time -------------------------------------------------------------------


def _instants(start: datetime.datetime, step: datetime.timedelta, count: int) -> list:
    return [start + step * number for number in range(count)]


@pytest.mark.parametrize(
    ("step", "count"),
    [
        (datetime.timedelta(seconds=7), 2 * 24 * 3600 // 7),  # the first two days
        (datetime.timedelta(minutes=13), 30 * 24 * 60 // 13),  # the first month
        (datetime.timedelta(hours=5), 3 * 365 * 24 // 5),  # three years
    ],
    ids=["seconds", "minutes", "hours"],
)
def test_the_age_step_moves_on_whenever_the_ago_text_does(
    step: datetime.timedelta, count: int
) -> None:
    """A card is keyed on age_step, not on the text: the text must never change while
    age_step stays the same, or a reused card would show a stale time."""
    created = datetime.datetime(2024, 1, 31, 22, 59, 41, 123456, tzinfo=datetime.UTC)
    before = None
    for now in _instants(created + datetime.timedelta(seconds=1), step, count):
        current = (timesince(created, now), cards.age_step(created, now))
        if before is not None and current[0] != before[0]:
            assert current[1] != before[1], (before, current, now)
        before = current


@pytest.mark.parametrize("where", ["detail", "home"])
def test_a_card_shows_its_new_age_once_a_minute_has_passed(
    client: Client, reader: User, post: Post, where: str
) -> None:
    url = _url_of(where, post, reader)
    client.force_login(reader)
    client.get(url)
    Post.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=3)
    )
    reused, fresh = _reused_and_fresh(client, url)
    assert reused == fresh and "3\xa0minutes ago" in reused


# --- The form under a post -------------------------------------------------------------------

COMMENT_FORM = re.compile(
    r'<form method="post" action="[^"]+" class="card comment-form".*?</form>', re.DOTALL
)


def _comment_form_of(html: str) -> str:
    found = COMMENT_FORM.findall(html)
    assert len(found) == 1, "no comment form on the page"
    return str(found[0])


def test_a_reused_comment_form_carries_each_readers_own_working_token(
    post: Post, reader: User
) -> None:
    """Two members are given the same kept form; each one's comment goes through, and the
    kept form is the form a fresh render gives."""
    other = UserFactory.create()
    forms = []
    for member in (reader, other):
        client = Client(enforce_csrf_checks=True)
        client.force_login(member)
        form = _comment_form_of(client.get(post.get_absolute_url()).content.decode())
        tokens = TOKEN.findall(form)
        assert tokens and fragments.csrf_placeholder() not in form
        forms.append(_normalised(form))

        response = client.post(
            reverse("posts:comment_create", args=[post.pk]),
            {"csrfmiddlewaretoken": tokens[0], "body": f"From {member.handle}."},
        )

        assert response.status_code == 302
    assert forms[0] == forms[1]
    assert Comment.objects.filter(post=post).count() == 2
    caches["fragments"].clear()
    client = Client()
    client.force_login(reader)
    fresh = _normalised(_comment_form_of(client.get(post.get_absolute_url()).content.decode()))
    assert fresh == forms[0]


def test_each_post_has_its_own_kept_form(author: User, reader: User, post: Post) -> None:
    other = publish_post(author=author, title="Another", body="Text.")
    client = Client()
    client.force_login(reader)
    for shown in (post, other):
        form = _comment_form_of(client.get(shown.get_absolute_url()).content.decode())
        assert reverse("posts:comment_create", args=[shown.pk]) in form
        assert "Add a comment" in form


def test_a_live_qa_asks_for_questions_after_a_post_kept_its_form(
    author: User, reader: User, post: Post
) -> None:
    event = publish_post(
        author=author,
        kind="event",
        title="Ask a cardiologist",
        body="Bring questions.",
        starts_at=timezone.now() + datetime.timedelta(hours=2),
        duration_minutes=60,
    )
    client = Client()
    client.force_login(reader)
    assert "Add a comment" in _comment_form_of(client.get(post.get_absolute_url()).content.decode())
    form = _comment_form_of(client.get(event.get_absolute_url()).content.decode())
    assert "Ask a question" in form and ">Ask</button>" in form
    assert "Add a comment" not in form


def test_a_form_sent_back_with_errors_is_the_senders_alone(post: Post, reader: User) -> None:
    """A refused comment comes back with its errors; the next member still gets the empty
    form, kept or not."""
    client = Client()
    client.force_login(reader)
    client.get(post.get_absolute_url())
    long_text = "x" * 5_001

    refused = client.post(reverse("posts:comment_create", args=[post.pk]), {"body": long_text})

    assert refused.status_code == 400
    form = _comment_form_of(refused.content.decode())
    assert long_text in form and 'aria-invalid="true"' in form
    other = Client()
    other.force_login(UserFactory.create())
    empty = _comment_form_of(other.get(post.get_absolute_url()).content.decode())
    assert long_text not in empty and "aria-invalid" not in empty


def test_a_deleted_post_shows_no_form(author: User, reader: User, post: Post) -> None:
    client = Client()
    client.force_login(reader)
    _comment_form_of(client.get(post.get_absolute_url()).content.decode())
    delete_post(post=post, member=author)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Post unavailable" in html and not COMMENT_FORM.findall(html)


# --- What every card of a page asks about its reader ---------------------------------------


def test_on_one_page_the_readers_own_card_and_anothers_keep_their_own_links(
    author: User, reader: User, post: Post
) -> None:
    """The reader and the request are looked at once per page (cards._reading): each card
    still shows what is the reader's own on it."""
    own = publish_post(author=reader, title="Mine", body="My text.")
    toggle_reaction(member=reader, target=post, kind="like")
    client = Client()
    client.force_login(reader)
    html = client.get(reverse("posts:explore")).content.decode()
    cards_html = re.findall(r'<article class="card post.*?</article>', html, re.DOTALL)
    by_id = {
        int(re.search(r'id="post-(\d+)"', card).group(1)): card  # type: ignore[union-attr]
        for card in cards_html
    }
    assert reverse("posts:edit", args=[own.pk]) in by_id[own.pk]
    assert "Report" not in by_id[own.pk] and 'aria-pressed="false">Like' in by_id[own.pk]
    assert reverse("posts:edit", args=[post.pk]) not in by_id[post.pk]
    assert "Report" in by_id[post.pk] and 'aria-pressed="true">Like' in by_id[post.pk]
    # Their reaction forms send them back to the page they are on.
    assert f'name="next" value="{reverse("posts:explore")}"' in by_id[post.pk]
    assert f'value="{reverse("posts:explore")}"' in by_id[own.pk]


def test_a_visitor_and_a_member_get_their_own_cards_on_the_same_page(
    post: Post, reader: User
) -> None:
    member = Client()
    member.force_login(reader)
    members_card = _cards_of(member.get(reverse("posts:explore")).content.decode())
    visitors_card = _cards_of(Client().get(reverse("posts:explore")).content.decode())
    assert "csrfmiddlewaretoken" in members_card and "Report" in members_card
    assert "csrfmiddlewaretoken" not in visitors_card and "Report" not in visitors_card


# --- Whole threads -----------------------------------------------------------------------------


def _threads_of(html: str) -> str:
    found = re.findall(r'<section id="comments".*?</section>', html, re.DOTALL)
    assert found and '<div class="thread">' in found[0], "no thread on the page"
    return _normalised(found[0])


def _thread(post: Post, commenter: User, replies: int) -> tuple[Comment, list[Comment]]:
    top = add_comment(author=commenter, post=post, body="Thirty per kilo is a lot.")
    answers = [
        add_comment(author=UserFactory.create(), post=post, body=f"Reply {n}.", parent=top)
        for n in range(replies)
    ]
    return top, answers


def _first_reply_liked(reader: User, top: Comment, replies: list[Comment]) -> None:
    toggle_reaction(member=UserFactory.create(), target=replies[0], kind="like")


def _first_reply_liked_by_reader(reader: User, top: Comment, replies: list[Comment]) -> None:
    toggle_reaction(member=reader, target=replies[0], kind="helpful")


def _last_reply_deleted(reader: User, top: Comment, replies: list[Comment]) -> None:
    delete_comment(comment=replies[-1], member=replies[-1].author)


THREAD_CHANGES = [
    _first_reply_liked,
    _first_reply_liked_by_reader,
    first_reply_edited,
    first_reply_deleted,
    first_reply_removed,
    reply_added,
    _last_reply_deleted,
    top_comment_liked,
]


@pytest.mark.parametrize("change", THREAD_CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_reused_thread_is_the_fresh_thread_after_each_change(
    client: Client, reader: User, post: Post, change: Callable
) -> None:
    """Three replies: two shown and a link to the third, whose count a new or deleted
    reply changes."""
    top, replies = _thread(post, PhysicianFactory.create(), 3)
    client.force_login(reader)
    url = post.get_absolute_url()
    before = _threads_of(client.get(url).content.decode())
    assert "Show 1 more reply" in before

    change(reader, top, replies)
    reused = _threads_of(client.get(url).content.decode())
    caches["fragments"].clear()
    fresh = _threads_of(client.get(url).content.decode())

    assert reused == fresh
    assert reused != before


def test_one_thread_shows_each_reader_their_own(post: Post, reader: User) -> None:
    """The same thread for the author of one of its replies, another member and a visitor,
    one after the other on the same process: each gets their own controls."""
    top, replies = _thread(post, PhysicianFactory.create(), 2)
    own_reply = replies[1]
    remove_content(moderator=ModeratorFactory.create(), target=own_reply, reason="Off topic.")
    toggle_reaction(member=reader, target=replies[0], kind="like")
    authors, members, visitors = Client(), Client(), Client()
    authors.force_login(own_reply.author)
    members.force_login(reader)
    url = post.get_absolute_url()

    as_author = _threads_of(authors.get(url).content.decode())
    as_member = _threads_of(members.get(url).content.decode())
    as_visitor = _threads_of(visitors.get(url).content.decode())

    assert "Off topic." in as_author and "Reply 1." in as_author
    assert "Off topic." not in as_member and "Reply 1." not in as_member
    assert "Off topic." not in as_visitor and "Reply 1." not in as_visitor
    liked = f'id="comment-{replies[0].pk}"'
    assert liked in as_member and 'aria-pressed="true">Like' in as_member
    assert 'aria-pressed="true">Like' not in as_author
    assert "csrfmiddlewaretoken" in as_member and "csrfmiddlewaretoken" not in as_visitor
