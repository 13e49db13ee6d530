"""The privacy guard in the post and comment forms: findings highlighted and explained,
confirmation tied to the findings shown, overrides recorded, markup escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts.models import Comment, Post, PostKind
from privacy import guard
from privacy.models import PrivacyOverride
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

IDENTIFYING_CASE = "Mr. John Carter, DOB 03/14/1952, presented with crushing chest pain."
CLEAN_CASE = "A man in his 60s presented with crushing chest pain and ST elevation in V1-V4."
LOW_ONLY = "Chest pain, clinic closed Jan 15; see https://files.example.net/heart-score"
OTHER_LOW = "Chest pain, clinic closed Feb 2; see https://files.example.net/heart-score"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _case(body: str, **extra: str) -> dict[str, str]:
    return {"kind": PostKind.CASE, "title": "", "body": body, "visibility": "public", **extra}


def _digest_in(html: str) -> str:
    match = re.search(r'name="privacy_digest" value="([^"]+)"', html)
    assert match, "the page should post back the digest of the findings shown"
    return match.group(1)


# --- Posts -------------------------------------------------------------------------------


def test_an_identifying_case_is_refused_with_both_spans_marked_and_explained() -> None:
    client = _client(PhysicianFactory.create())
    response = client.post(reverse("posts:create"), _case(IDENTIFYING_CASE))
    assert response.status_code == 200
    assert not Post.objects.exists()
    html = response.content.decode()
    assert '<mark class="phi phi-high">John Carter</mark>' in html
    assert '<mark class="phi phi-high">03/14/1952</mark>' in html
    # Each mark has a visible number linking to its explanation, not colour alone.
    assert 'href="#privacy-finding-1"' in html and 'id="privacy-finding-1"' in html
    assert "Person&#x27;s name — high confidence" in html
    assert "Date linked to a person — high confidence" in html
    assert "can be matched against hospital records" in html
    assert re.search(r'role="alert">\s*<ul class="errorlist"><li>This may identify a patient', html)
    # High findings cannot be confirmed past: no checkbox is offered.
    assert 'name="confirm_privacy"' not in html
    # The text stays in the form for editing.
    assert "Mr. John Carter, DOB 03/14/1952" in html


def test_editing_the_identifiers_out_publishes_the_case() -> None:
    author = PhysicianFactory.create()
    client = _client(author)
    client.post(reverse("posts:create"), _case(IDENTIFYING_CASE))
    response = client.post(reverse("posts:create"), _case(CLEAN_CASE))
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.kind == PostKind.CASE and post.author == author
    assert not PrivacyOverride.objects.exists()


def test_a_forged_confirmation_does_not_publish_a_case_with_high_findings() -> None:
    findings = guard.scan_post(title="", body=IDENTIFYING_CASE)
    response = _client(PhysicianFactory.create()).post(
        reverse("posts:create"),
        _case(
            IDENTIFYING_CASE,
            confirm_privacy="on",
            privacy_digest=guard.findings_digest(findings),
        ),
    )
    assert response.status_code == 200
    assert not Post.objects.exists()
    assert not PrivacyOverride.objects.exists()


def test_low_findings_publish_after_confirmation_and_are_recorded() -> None:
    author = PhysicianFactory.create()
    client = _client(author)
    first = client.post(reverse("posts:create"), _case(LOW_ONLY))
    html = first.content.decode()
    assert not Post.objects.exists()
    assert '<mark class="phi phi-low">Jan 15</mark>' in html
    assert "Web address — low confidence" in html
    assert '<label for="id_confirm_privacy">These are not patient information</label>' in html

    response = client.post(
        reverse("posts:create"),
        _case(LOW_ONLY, confirm_privacy="on", privacy_digest=_digest_in(html)),
    )
    post = Post.objects.get()
    assert response.status_code == 302
    override = PrivacyOverride.objects.get()
    assert override.author == author
    assert override.target == post
    assert override.kinds == ["date", "url"]


def test_a_confirmation_for_other_findings_does_not_pass() -> None:
    client = _client(PhysicianFactory.create())
    shown = client.post(reverse("posts:create"), _case(LOW_ONLY)).content.decode()
    stale_digest = _digest_in(shown)
    # The author changes the text (a different date) but keeps the box ticked.
    response = client.post(
        reverse("posts:create"),
        _case(OTHER_LOW, confirm_privacy="on", privacy_digest=stale_digest),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Post.objects.exists()
    assert '<mark class="phi phi-low">Feb 2</mark>' in html
    # The new findings come with their own digest and an unticked box.
    assert _digest_in(html) != stale_digest
    assert re.search(r'<input type="checkbox" name="confirm_privacy"[^>]*checked', html) is None


def test_a_ticked_box_without_a_digest_does_not_pass() -> None:
    response = _client(PhysicianFactory.create()).post(
        reverse("posts:create"), _case(LOW_ONLY, confirm_privacy="on")
    )
    assert response.status_code == 200
    assert not Post.objects.exists()


def test_editing_a_post_to_add_identifiers_is_refused() -> None:
    author = PhysicianFactory.create()
    post = PostFactory.create(author=author, kind=PostKind.CASE, body=CLEAN_CASE)
    response = _client(author).post(
        reverse("posts:edit", args=[post.pk]), {"title": "", "body": IDENTIFYING_CASE}
    )
    assert response.status_code == 200
    assert '<mark class="phi phi-high">John Carter</mark>' in response.content.decode()
    post.refresh_from_db()
    assert post.body == CLEAN_CASE


def test_editing_a_post_with_low_findings_is_confirmed_and_recorded() -> None:
    author = PhysicianFactory.create()
    post = PostFactory.create(author=author, body=CLEAN_CASE)
    url = reverse("posts:edit", args=[post.pk])
    client = _client(author)
    shown = client.post(url, {"title": "", "body": LOW_ONLY}).content.decode()
    response = client.post(
        url,
        {
            "title": "",
            "body": LOW_ONLY,
            "confirm_privacy": "on",
            "privacy_digest": _digest_in(shown),
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == LOW_ONLY
    assert PrivacyOverride.objects.get().target == post


def test_a_title_finding_is_marked_in_the_title() -> None:
    response = _client(PhysicianFactory.create()).post(
        reverse("posts:create"), _case(CLEAN_CASE, title="Mrs. Alvarez and her STEMI")
    )
    html = response.content.decode()
    assert "<figcaption>Title, as you wrote it</figcaption>" in html
    assert '<mark class="phi phi-high">Alvarez</mark>' in html
    assert "Post, as you wrote it" not in html


def test_a_double_submit_creates_one_post() -> None:
    client = _client(PhysicianFactory.create())
    first = client.post(reverse("posts:create"), _case(CLEAN_CASE))
    second = client.post(reverse("posts:create"), _case(CLEAN_CASE))
    post = Post.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == post.get_absolute_url()


def test_a_suspended_member_is_still_refused() -> None:
    suspended = UserFactory.create(suspended_at=timezone.now())
    response = _client(suspended).post(reverse("posts:create"), _case(IDENTIFYING_CASE))
    assert response.status_code == 403
    assert b"suspended" in response.content
    assert not Post.objects.exists()


def test_markup_in_the_text_is_escaped_in_the_highlight() -> None:
    body = "<script>alert(1)</script> DOB 03/14/1952"
    response = _client(PhysicianFactory.create()).post(
        reverse("posts:create"), _case(body, title="<img src=x onerror=alert(2)> Mr. O'Brien")
    )
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert (
        '&lt;script&gt;alert(1)&lt;/script&gt; DOB <mark class="phi phi-high">03/14/1952</mark>'
        in (html)
    )
    assert '<mark class="phi phi-high">O&#x27;Brien</mark>' in html


def test_the_guard_section_has_no_inline_styles_or_scripts() -> None:
    html = (
        _client(PhysicianFactory.create())
        .post(reverse("posts:create"), _case(IDENTIFYING_CASE))
        .content.decode()
    )
    section = html[html.index('<section class="privacy-review') : html.index("</section>")]
    assert "style=" not in section and "<script" not in section


# --- Comments ----------------------------------------------------------------------------


def test_a_comment_with_findings_warns_then_posts_once_confirmed() -> None:
    post = PostFactory.create()
    author = PhysicianFactory.create()
    client = _client(author)
    url = reverse("posts:comment_create", args=[post.pk])
    warned = client.post(url, {"body": IDENTIFYING_CASE})
    html = warned.content.decode()
    assert warned.status_code == 400
    assert not Comment.objects.exists()
    assert '<mark class="phi phi-high">John Carter</mark>' in html
    # A warning for comments: even high findings can be confirmed past.
    assert 'name="confirm_privacy"' in html
    assert '<h4 id="privacy-review-title">' in html

    response = client.post(
        url, {"body": IDENTIFYING_CASE, "confirm_privacy": "on", "privacy_digest": _digest_in(html)}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    override = PrivacyOverride.objects.get()
    assert override.target == comment and override.author == author
    assert override.kinds == ["date", "name"]


def test_a_refused_reply_stays_a_reply_when_confirmed() -> None:
    parent = CommentFactory.create()
    client = _client(PhysicianFactory.create())
    url = reverse("posts:comment_create", args=[parent.post.pk])
    warned = client.post(url, {"body": LOW_ONLY, "parent": parent.pk}).content.decode()
    assert f'name="parent" value="{parent.pk}"' in warned
    client.post(
        url,
        {
            "body": LOW_ONLY,
            "parent": parent.pk,
            "confirm_privacy": "on",
            "privacy_digest": _digest_in(warned),
        },
    )
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent


def test_a_comment_confirmation_for_other_findings_does_not_pass() -> None:
    post = PostFactory.create()
    client = _client(PhysicianFactory.create())
    url = reverse("posts:comment_create", args=[post.pk])
    stale = _digest_in(client.post(url, {"body": LOW_ONLY}).content.decode())
    response = client.post(
        url, {"body": IDENTIFYING_CASE, "confirm_privacy": "on", "privacy_digest": stale}
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_editing_a_comment_warns_and_records_the_confirmation() -> None:
    comment = CommentFactory.create(body="Agreed.")
    client = _client(comment.author)
    url = reverse("posts:comment_edit", args=[comment.pk])
    warned = client.post(url, {"body": LOW_ONLY}).content.decode()
    assert '<mark class="phi phi-low">Jan 15</mark>' in warned
    comment.refresh_from_db()
    assert comment.body == "Agreed."
    response = client.post(
        url, {"body": LOW_ONLY, "confirm_privacy": "on", "privacy_digest": _digest_in(warned)}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == LOW_ONLY
    assert PrivacyOverride.objects.get().target == comment


def test_an_outsider_cannot_confirm_on_someone_elses_comment() -> None:
    comment = CommentFactory.create(body="Agreed.")
    response = _client(PhysicianFactory.create()).post(
        reverse("posts:comment_edit", args=[comment.pk]),
        {"body": LOW_ONLY, "confirm_privacy": "on"},
    )
    assert response.status_code == 404
    assert not PrivacyOverride.objects.exists()
