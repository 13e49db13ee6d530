"""A notification email says each thing once: where the notification's title is the whole
sentence ("Ana Ruiz mentioned you"), no sentence before it says it again."""

from __future__ import annotations

import pytest

from accounts.services import follow
from notifications.models import Kind, Notification
from notifications.services.delivery import build_notification_message
from posts.services import add_comment, publish_post
from tests.factories import UserFactory
from tests.notifications.helpers import html_part

pytestmark = pytest.mark.django_db


def _email_for(kind: str) -> tuple[str, str]:
    notification = Notification.objects.get(kind=kind)
    message = build_notification_message(notification)
    return str(message.body), html_part(message)


def test_the_mention_email_says_it_once() -> None:
    ana = UserFactory.create(display_name="Ana Ruiz")
    mentioned = UserFactory.create(handle="maya")
    publish_post(author=ana, title="ECG strip", body="What do you make of this, @maya?")
    text, html = _email_for(Kind.MENTION)
    assert text.count("mentioned you") == 1 and html.count("mentioned you") == 1
    assert "Ana Ruiz mentioned you" in text and mentioned.display_name in text


def test_the_reply_and_follow_emails_say_it_once() -> None:
    ana, maya = (
        UserFactory.create(display_name="Ana Ruiz"),
        UserFactory.create(display_name="Maya Chen"),
    )
    post = publish_post(author=UserFactory.create(), title="Night shifts", body="Tips?")
    comment = add_comment(author=maya, post=post, body="Sleep first.")
    add_comment(author=ana, post=post, body="Agreed.", parent=comment)
    text, html = _email_for(Kind.REPLY)
    assert text.count("replied to your") == 1 and html.count("replied to your") == 1
    follow(follower=ana, followee=maya)
    text, html = _email_for(Kind.FOLLOW)
    assert text.count("Ana Ruiz") == 1 and "following you" in text
    assert html.count("Ana Ruiz") == 1


def test_emails_whose_title_needs_it_keep_their_opening_sentence() -> None:
    maya = UserFactory.create(display_name="Maya Chen")
    post = publish_post(author=maya, title="Night shifts", body="Tips?")
    add_comment(author=UserFactory.create(display_name="Ana Ruiz"), post=post, body="Sleep first.")
    text, _ = _email_for(Kind.COMMENT)
    assert "Ana Ruiz commented on your post." in text
