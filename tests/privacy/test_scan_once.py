"""One submission, one scan: the form only carries the confirmation and the digest, the
service scans each field once and applies the rule, and the page shows what that scan found.

Each test counts the scanner's calls, per text, for one request: a clean submission, one
refused, and the same one confirmed, for posts (created and edited), comments (added and
edited) and mentoring messages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

import privacy.guard
import privacy.phi
from mentoring.models import Message
from posts.models import Comment, Post, PostKind
from tests.factories import PhysicianFactory
from tests.mentoring.factories import make_mentorship
from tests.posts.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

TITLE = "Chest pain in a runner"
CLEAN = "A man in his 60s presented with crushing chest pain and ST elevation in V1-V4."
LOW_ONLY = "Chest pain, clinic closed Jan 15; see https://files.example.net/heart-score"
MESSAGE = "My patient John Smith, MRN 48213377, was admitted yesterday."


class ScanCounter:
    """Stands in for the scanner and counts the texts it is given."""

    def __init__(self, scanner: Callable[[str], list[Any]]) -> None:
        self.scanner = scanner
        self.texts: Counter[str] = Counter()

    def __call__(self, text: str) -> list[Any]:
        self.texts[text] += 1
        return self.scanner(text)

    def during(self, submit: Callable[[], Any]) -> tuple[Any, Counter[str]]:
        self.texts = Counter()
        result = submit()
        return result, self.texts


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> ScanCounter:
    counter = ScanCounter(privacy.phi.find_phi)
    # The guard's own reference, and the package's, for any caller that would go round it.
    monkeypatch.setattr(privacy.guard, "find_phi", counter)
    monkeypatch.setattr(privacy.phi, "find_phi", counter)
    return counter


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _digest_in(html: str) -> str:
    match = re.search(r'name="privacy_digest" value="([^"]+)"', html)
    assert match, "the page should post back the digest of the findings shown"
    return match.group(1)


def _post(body: str, **extra: str) -> dict[str, str]:
    return {"kind": PostKind.CASE, "title": TITLE, "body": body, "visibility": "public", **extra}


def test_creating_a_post_scans_its_title_and_body_once(scans: ScanCounter) -> None:
    client = _client(PhysicianFactory.create())
    url = reverse("posts:create")

    response, texts = scans.during(lambda: client.post(url, _post(CLEAN)))
    assert response.status_code == 302
    assert texts == {TITLE: 1, CLEAN: 1}

    refused, texts = scans.during(lambda: client.post(url, _post(LOW_ONLY)))
    assert refused.status_code == 200 and "Jan 15</mark>" in refused.content.decode()
    assert texts == {TITLE: 1, LOW_ONLY: 1}

    digest = _digest_in(refused.content.decode())
    response, texts = scans.during(
        lambda: client.post(url, _post(LOW_ONLY, confirm_privacy="on", privacy_digest=digest))
    )
    assert response.status_code == 302
    assert Post.objects.filter(body=LOW_ONLY).exists()
    assert texts == {TITLE: 1, LOW_ONLY: 1}


def test_editing_a_post_scans_its_title_and_body_once(scans: ScanCounter) -> None:
    author = PhysicianFactory.create()
    post = PostFactory.create(author=author, kind=PostKind.CASE, body=CLEAN)
    client = _client(author)
    url = reverse("posts:edit", args=[post.pk])

    response, texts = scans.during(lambda: client.post(url, {"title": TITLE, "body": CLEAN}))
    assert response.status_code == 302
    assert texts == {TITLE: 1, CLEAN: 1}

    refused, texts = scans.during(lambda: client.post(url, {"title": TITLE, "body": LOW_ONLY}))
    assert refused.status_code == 200 and "Jan 15</mark>" in refused.content.decode()
    assert texts == {TITLE: 1, LOW_ONLY: 1}

    confirmed = {
        "title": TITLE,
        "body": LOW_ONLY,
        "confirm_privacy": "on",
        "privacy_digest": _digest_in(refused.content.decode()),
    }
    response, texts = scans.during(lambda: client.post(url, confirmed))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == LOW_ONLY
    assert texts == {TITLE: 1, LOW_ONLY: 1}


def test_a_comment_is_scanned_once(scans: ScanCounter) -> None:
    post = PostFactory.create()
    client = _client(PhysicianFactory.create())
    url = reverse("posts:comment_create", args=[post.pk])

    response, texts = scans.during(lambda: client.post(url, {"body": CLEAN}))
    assert response.status_code == 302
    assert texts == {CLEAN: 1}

    refused, texts = scans.during(lambda: client.post(url, {"body": LOW_ONLY}))
    assert refused.status_code == 400 and "Jan 15</mark>" in refused.content.decode()
    assert texts == {LOW_ONLY: 1}

    confirmed = {
        "body": LOW_ONLY,
        "confirm_privacy": "on",
        "privacy_digest": _digest_in(refused.content.decode()),
    }
    response, texts = scans.during(lambda: client.post(url, confirmed))
    assert response.status_code == 302
    assert Comment.objects.filter(body=LOW_ONLY).exists()
    assert texts == {LOW_ONLY: 1}


def test_an_edited_comment_is_scanned_once(scans: ScanCounter) -> None:
    comment = CommentFactory.create(body="Agreed.")
    client = _client(comment.author)
    url = reverse("posts:comment_edit", args=[comment.pk])

    response, texts = scans.during(lambda: client.post(url, {"body": CLEAN}))
    assert response.status_code == 302
    assert texts == {CLEAN: 1}

    refused, texts = scans.during(lambda: client.post(url, {"body": LOW_ONLY}))
    assert "Jan 15</mark>" in refused.content.decode()
    assert texts == {LOW_ONLY: 1}

    confirmed = {
        "body": LOW_ONLY,
        "confirm_privacy": "on",
        "privacy_digest": _digest_in(refused.content.decode()),
    }
    response, texts = scans.during(lambda: client.post(url, confirmed))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == LOW_ONLY
    assert texts == {LOW_ONLY: 1}


def test_a_mentoring_message_is_scanned_once(scans: ScanCounter) -> None:
    mentorship = make_mentorship()
    client = _client(mentorship.mentor)
    url = reverse("mentoring:send_message", kwargs={"pk": mentorship.pk})

    response, texts = scans.during(lambda: client.post(url, {"body": "See you Tuesday."}))
    assert response.status_code == 302
    assert texts == {"See you Tuesday.": 1}

    refused, texts = scans.during(lambda: client.post(url, {"body": MESSAGE}))
    assert "Check your message before sending it." in refused.content.decode()
    assert texts == {MESSAGE: 1}

    confirmed = {
        "body": MESSAGE,
        "confirm": "on",
        "privacy_digest": _digest_in(refused.content.decode()),
    }
    response, texts = scans.during(lambda: client.post(url, confirmed))
    assert response.status_code == 302
    assert Message.objects.filter(body=MESSAGE).exists()
    assert texts == {MESSAGE: 1}
