"""A live Q&A's page in a real browser: an announcement on its stream makes the questions
re-fetch themselves. The announcement is dispatched as the SSE extension would dispatch it
(`sse:<name>` on #questions), which proves the page's side without an open stream; the
stream itself is tested in tests/events."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from posts.models import PostKind
from posts.services import add_comment
from tests.browser.test_posts import _sign_in
from tests.factories import UserFactory
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_announced_question_appears_without_a_reload_and_the_composer_keeps_its_text(
    page: Any, live_server: Any
) -> None:
    host = UserFactory.create(display_name="Dr Host")
    reader = UserFactory.create(display_name="Rita Reader")
    post = PostFactory.create(
        author=host,
        kind=PostKind.EVENT,
        title="Ask a cardiologist",
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        duration_minutes=60,
    )
    _sign_in(page, live_server, reader)
    page.goto(post.get_absolute_url())
    page.wait_for_selector(".live-questions[sse-connect]")
    assert "No questions yet." in page.inner_text("#questions")
    composer = page.locator("textarea[name=body]").last
    composer.fill("A question I am still typing")
    composer.focus()

    add_comment(author=UserFactory.create(), post=post, body="Is aspirin still advised?")
    page.evaluate(
        "() => document.querySelector('#questions')"
        ".dispatchEvent(new CustomEvent('sse:question', {bubbles: true}))"
    )
    page.wait_for_function(
        "() => document.querySelector('#questions').innerText.includes('Is aspirin still advised?')"
    )
    assert composer.input_value() == "A question I am still typing"
    assert page.evaluate("() => document.activeElement.name") == "body"
    page.wait_for_function(
        "() => document.querySelector('#questions-status').textContent.includes('1 question')"
    )
    assert page.inner_text("#comments-count") == "1"
