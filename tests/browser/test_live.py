"""Live streams in a real browser, against the app under uvicorn (`asgi_server`): a mentor
and a mentee in two browser contexts, each on their mentorship's page.

Delays are measured in the browsers, on the one clock both contexts share: from the moment
the sender's page received the answer to its POST to the moment the message's element was
added to the other page (a MutationObserver stamps it). Every wait is on a condition, with
Playwright's generous timeout; the delay is asserted afterwards, against the goal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentoring import services as mentoring_services
from mentoring.models import Mentorship, Message
from tests.browser.conftest import TIMEOUT_MS
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor, make_mentorship

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The goal: a message reaches the other member within 2 seconds.
GOAL_MS = 2000

# Stamps, in each page: each time an element with an id was added, when an SSE stream
# opened, and when an htmx POST left and when its answer arrived.
RECORDER = """
window.__added = {};
window.__opened = 0;
window.__posted = [];
window.__sending = [];
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType === 1 && node.id) {
        (window.__added[node.id] = window.__added[node.id] || []).push(Date.now());
      }
    }
  }
}).observe(document, {childList: true, subtree: true});
document.addEventListener("htmx:sseOpen", () => { window.__opened += 1; });
document.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
    window.__sending.push(Date.now());
  }
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
    window.__posted.push(Date.now());
  }
});
"""


def _signed_in_context(browser: Any, server: Any, member: User) -> Any:
    client = Client()
    client.force_login(member)
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server.url,
            }
        ]
    )
    context.add_init_script(RECORDER)
    return context


@pytest.fixture
def pair(browser: Any, asgi_server: Any) -> Iterator[tuple[Mentorship, Any, Any]]:
    """A mentorship and two signed-in contexts: the mentor's and the mentee's."""
    mentor = make_mentor(PhysicianFactory.create(display_name="Dr. Amara Okafor")).user
    mentee = make_mentee(UserFactory.create(display_name="Maya Chen"))
    mentorship = make_mentorship(mentor, mentee)
    contexts = [_signed_in_context(browser, asgi_server, member) for member in (mentor, mentee)]
    try:
        yield mentorship, contexts[0], contexts[1]
    finally:
        for context in contexts:
            context.close()


def _open(context: Any, mentorship: Mentorship) -> Any:
    page = context.new_page()
    page.goto(reverse("mentoring:mentorship", args=[mentorship.pk]))
    # Both streams open (the member's and the mentorship's) before anyone writes.
    page.wait_for_function("() => window.__opened >= 2")
    return page


def _messages_shown(page: Any) -> list[str]:
    return list(
        page.locator("#message-list li.chat-message").evaluate_all("(els) => els.map((e) => e.id)")
    )


def _expect() -> Any:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    return expect


def test_messages_and_the_bell_reach_the_other_member_live_and_resume_after_a_cut(
    pair: tuple[Mentorship, Any, Any], asgi_server: Any
) -> None:
    expect = _expect()
    mentorship, mentor_context, mentee_context = pair
    mentor_page = _open(mentor_context, mentorship)
    mentee_page = _open(mentee_context, mentorship)
    bell = mentee_page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications")

    # (a) The mentor sends a message; it appears on the mentee's open page.
    form = mentor_page.locator("#message-form")
    form.get_by_role("textbox").fill("Shall we go over your personal statement on Friday?")
    form.get_by_role("button", name="Send").click()
    received = mentee_page.locator("#message-list").get_by_text("your personal statement on Friday")
    expect(received).to_be_visible()
    message = Message.objects.get(body__startswith="Shall we go over")
    sending_at = mentor_page.evaluate("() => window.__sending[0]")
    answered_at = mentor_page.evaluate("() => window.__posted[0]")
    [arrived_at] = mentee_page.evaluate(f"() => window.__added['message-{message.pk}']")

    # (b) It notified the mentee (notify): their bell counts it, live.
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(bell.locator(".badge-count")).to_have_text("1")
    bell_at = mentee_page.evaluate("() => window.__added['notification-bell'].at(-1)")

    # Both stamps come from Date.now() in one browser on this machine: an honest measure.
    # From the answer to the POST the delay is often negative (the event is published on
    # commit, before the answer is sent), so the goal is held against the stricter start:
    # the moment the mentor's POST left.
    delays = {
        "message, from the POST's answer": arrived_at - answered_at,
        "message, from the POST leaving": arrived_at - sending_at,
        "bell, from the POST leaving": bell_at - sending_at,
    }
    print("\n" + "\n".join(f"{name}: {ms} ms" for name, ms in delays.items()))
    assert arrived_at - sending_at < GOAL_MS, delays
    assert bell_at - sending_at < GOAL_MS, delays

    # (c) The server goes away; meanwhile another process (here, this test) sends two
    # messages. The mentee's browser reconnects once the server is back, with the last id it
    # saw, and each message arrives exactly once.
    asgi_server.stop()
    for body in ("First while you were away.", "Second while you were away."):
        mentoring_services.send_message(mentorship=mentorship, sender=mentorship.mentor, body=body)
    asgi_server.start()
    list_ = mentee_page.locator("#message-list")
    expect(list_.get_by_text("First while you were away.")).to_have_count(1)
    expect(list_.get_by_text("Second while you were away.")).to_have_count(1)
    expect(bell).to_have_attribute("aria-label", "Notifications, 3 unread")
    shown = _messages_shown(mentee_page)
    expected = [
        f"message-{pk}" for pk in Message.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert shown == expected, "each message once, in order"
    # The sender's page shows its own message once (from the POST answer, not the stream).
    assert _messages_shown(mentor_page) == expected[:1]


def test_a_message_sent_between_render_and_connect_arrives_once(
    pair: tuple[Mentorship, Any, Any],
) -> None:
    """The first-open gap: the mentee's page is rendered, then, before its stream connects,
    the mentor writes. The stream replays from when the page was rendered, so the message
    arrives; a message the page already showed (inside the replay's margin) stays single."""
    expect = _expect()
    mentorship, _, mentee_context = pair
    shown = mentoring_services.send_message(
        mentorship=mentorship, sender=mentorship.mentor, body="Already on the page."
    )
    sent: list[Message] = []

    def hold_the_stream(route: Any) -> None:
        # The page is rendered and its stream is about to connect: the mentor writes now.
        if not sent:
            sent.append(
                mentoring_services.send_message(
                    mentorship=mentorship,
                    sender=mentorship.mentor,
                    body="Sent before you connected.",
                )
            )
        route.continue_()

    mentee_context.route(re.compile(r"/events/mentorship-[0-9]+/"), hold_the_stream)
    page = mentee_context.new_page()
    page.goto(reverse("mentoring:mentorship", args=[mentorship.pk]))
    list_ = page.locator("#message-list")
    expect(list_.get_by_text("Sent before you connected.")).to_have_count(1)
    assert sent, "the stream connected through the held route"
    # The replay sent the shown message again (it is within the margin); it is not doubled.
    # Added twice means the replay brought it again and the page kept the first.
    replayed = page.evaluate(f"() => window.__added['message-{shown.pk}'].length > 1")
    print(f"\nthe message already shown was replayed, and kept single: {replayed}")
    assert _messages_shown(page) == [f"message-{shown.pk}", f"message-{sent[0].pk}"]
