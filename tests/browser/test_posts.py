"""Posts in a real browser: htmx reactions and load-more without a reload, accessibility,
and pages that fit a phone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from posts.models import Comment, PostKind, Reaction
from posts.services import add_comment, publish_post, recount_replies
from tests.browser.conftest import axe_violations, screenshot, scrolls_sideways
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, CommentFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def content() -> dict[str, Any]:
    author = PhysicianFactory.create(display_name="Dr. Amara Okafor", handle="amara")
    post = publish_post(
        author=author,
        title="Sepsis: the first hour matters",
        body="Lactate, cultures, antibiotics and fluids **within the hour**. #SepsisAwareness",
    )
    comment = add_comment(author=UserFactory.create(), post=post, body="We use a timer.")
    add_comment(author=author, post=post, body="Great idea.", parent=comment)
    publish_post(
        author=author,
        kind=PostKind.EVENT,
        title="Ask a family physician",
        body="Questions welcome.",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
    )
    CircleFactory.create(name="Emergency Medicine")
    return {"author": author, "post": post}


def test_liking_with_htmx_updates_the_count_without_a_reload(
    page: Any, live_server: Any, content: dict[str, Any]
) -> None:
    reader = UserFactory.create()
    _sign_in(page, live_server, reader)
    page.goto(f"/posts/{content['post'].pk}/")
    page.evaluate("() => { window.stillHere = true; }")
    button = page.locator(f"#reactions-post-{content['post'].pk} button", has_text="Like")
    button.click()
    page.wait_for_function(
        f"""() => document.querySelector('#reactions-post-{content["post"].pk} button')
            .getAttribute('aria-pressed') === 'true'"""
    )
    assert page.evaluate("() => window.stillHere") is True
    assert Reaction.objects.filter(member=reader, post=content["post"]).count() == 1
    screenshot(page, "posts-detail-liked")


def test_load_more_appends_the_next_page(page: Any, live_server: Any) -> None:
    author = UserFactory.create()
    now = timezone.now()
    for index in range(25):
        PostFactory.create(
            author=author,
            body=f"Numbered pearl {index:02d}",
            created_at=now - datetime.timedelta(minutes=index),
        )
    page.goto("/explore/")
    page.evaluate("() => { window.stillHere = true; }")
    assert page.locator("article.post").count() == 20
    page.get_by_role("link", name="Load more").click()
    page.wait_for_function("() => document.querySelectorAll('article.post').length === 25")
    assert page.evaluate("() => window.stillHere") is True
    assert page.get_by_role("link", name="Load more").count() == 0


@pytest.mark.parametrize("path", ["/explore/", "/groups/", "/search/?q=sepsis"])
def test_public_post_pages_have_no_serious_accessibility_violation(
    page: Any, path: str, content: dict[str, Any]
) -> None:
    page.goto(path)
    assert axe_violations(page) == []


def test_member_pages_have_no_serious_accessibility_violation(
    page: Any, live_server: Any, content: dict[str, Any]
) -> None:
    _sign_in(page, live_server, UserFactory.create())
    for path in ["/", f"/posts/{content['post'].pk}/", "/posts/new/", "/saved/"]:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/explore/")
    screenshot(page, "posts-explore-member")


@pytest.mark.parametrize("path", ["/explore/", "/groups/", "/tags/sepsisawareness/"])
def test_post_pages_fit_a_360px_phone(phone_page: Any, path: str, content: dict[str, Any]) -> None:
    phone_page.goto(path)
    assert not scrolls_sideways(phone_page)


def test_the_post_page_fits_a_phone(
    phone_page: Any, live_server: Any, content: dict[str, Any]
) -> None:
    _sign_in(phone_page, live_server, UserFactory.create())
    phone_page.goto(f"/posts/{content['post'].pk}/")
    assert not scrolls_sideways(phone_page)
    screenshot(phone_page, "posts-detail-phone")


def test_show_more_replies_inserts_them_in_place_and_keeps_the_keyboard_there(
    page: Any, live_server: Any
) -> None:
    post = PostFactory.create()
    top = CommentFactory.create(post=post, body="Top comment")
    start = timezone.now() - datetime.timedelta(days=1)
    replier = UserFactory.create()
    Comment.objects.bulk_create(
        Comment(
            post=post,
            parent=top,
            author=replier,
            body=f"Reply number {number}",
            body_html=f"<p>Reply number {number}</p>",
            created_at=start + datetime.timedelta(minutes=number),
        )
        for number in range(1, 26)
    )
    recount_replies(post_ids=[post.pk])
    page.goto(post.get_absolute_url())
    page.evaluate("() => { window.stillHere = true; }")
    assert page.locator("article.comment-reply").count() == 2

    link = page.get_by_role("link", name="Show 20 more replies")
    link.focus()
    page.keyboard.press("Enter")

    page.wait_for_function("() => document.querySelectorAll('article.comment-reply').length === 22")
    assert page.evaluate("() => window.stillHere") is True
    # In place: inside the thread, in order, and the keyboard is on the new replies.
    texts = page.locator(".replies article.comment-reply .prose").all_inner_texts()
    assert texts == [f"Reply number {number}" for number in range(1, 23)]
    assert page.evaluate("() => document.activeElement.classList.contains('reply-batch')")
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('.reply-batch').contains(document.activeElement)"
    )
    assert page.get_by_role("link", name="Show 3 more replies").count() == 1
    assert axe_violations(page) == []
    # A link to a reply further on shows it highlighted, and the replies page without JS.
    target = Comment.objects.get(body="Reply number 20")
    page.goto(target.get_absolute_url())
    assert page.locator(f"#comment-{target.pk}.is-target").is_visible()
    assert axe_violations(page) == []
    page.goto(f"/posts/{post.pk}/comments/{top.pk}/replies/")
    assert axe_violations(page) == []
