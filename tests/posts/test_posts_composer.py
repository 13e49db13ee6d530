"""The composer: the kinds of post first, then only the chosen kind's fields (with and
without htmx); images with their alt text; and the live preview of the rendered Markdown
with the privacy findings, which reads and never writes."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from accounts.models import User
from posts.models import Post, PostKind
from posts.services import MAX_IMAGES
from privacy.models import PrivacyOverride
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import CircleFactory, MembershipFactory

pytestmark = pytest.mark.django_db

IDENTIFYING = "Mr. John Carter, DOB 03/14/1952, came in with two weeks of fever."
CREATE = "/posts/new/"


def _client(user: Any = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory.create())
    return client


def _names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def _kinds_nav(html: str) -> str:
    start = html.index('aria-label="Kind of post"')
    return html[start : html.index("</nav>", start)]


def _png(name: str = "strip.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- The kinds first ---------------------------------------------------------------------


def test_it_lists_every_kind_as_a_link_and_marks_the_default_one() -> None:
    html = _client().get(CREATE).content.decode()
    nav = _kinds_nav(html)
    for value, label in PostKind.choices:
        assert f'href="/posts/new/?kind={value}"' in nav
        assert escape(str(label)) in nav
    assert re.search(r'data-kind="discussion" aria-current="page"', nav)
    assert nav.count('aria-current="page"') == 1


def test_a_discussion_shows_no_publication_or_live_q_and_a_fields() -> None:
    html = _client().get(CREATE).content.decode()
    names = _names(html)
    assert {"title", "body", "visibility", "image_1", "alt_1", "kind"} <= names
    assert not names & {"doi", "pmid", "pub_title", "journal", "year"}
    assert not names & {"starts_at", "duration_minutes"}
    after_kinds = html[html.index(_kinds_nav(html)) + len(_kinds_nav(html)) :]
    assert "Publication" not in after_kinds and "Live Q&amp;A" not in after_kinds


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        (PostKind.PUBLICATION, {"doi", "pmid", "pub_title", "journal", "year"}, {"starts_at"}),
        (PostKind.EVENT, {"starts_at", "duration_minutes"}, {"doi", "pub_title"}),
        (PostKind.QUESTION, set(), {"doi", "starts_at"}),
        (PostKind.CASE, set(), {"doi", "starts_at"}),
    ],
)
def test_the_page_of_a_kind_shows_only_the_fields_it_uses(
    kind: str, shown: set[str], hidden: set[str]
) -> None:
    response = _client().get(CREATE, {"kind": kind})
    names = _names(response.content.decode())
    assert shown <= names
    assert not names & hidden
    assert f'name="kind" value="{kind}"' in response.content.decode()


def test_a_live_q_and_a_says_which_time_zone_its_start_is_in() -> None:
    html = _client(UserFactory.create(time_zone="Europe/Paris")).get(CREATE, {"kind": "event"})
    text = html.content.decode()
    assert '<p class="help" id="id_starts_at_helptext">In your time zone, Europe/Paris.</p>' in text
    assert 'aria-describedby="id_starts_at_helptext"' in text


def test_a_case_reminds_the_author_to_de_identify_it() -> None:
    html = _client().get(CREATE, {"kind": PostKind.CASE}).content.decode()
    assert "De-identify it: no names, dates, places, record numbers, faces" in html
    assert "De-identify it" not in _client().get(CREATE).content.decode()


def test_an_unknown_kind_in_the_link_opens_the_default_form() -> None:
    html = _client().get(CREATE, {"kind": "nonsense"}).content.decode()
    assert 'name="kind" value="discussion"' in html


def test_the_kind_links_keep_the_group_and_the_tag_the_composer_was_opened_with() -> None:
    author = UserFactory.create()
    circle = CircleFactory.create(slug="cardiology")
    MembershipFactory.create(circle=circle, member=author)
    html = _client(author).get(CREATE, {"group": "cardiology", "tag": "ECG"}).content.decode()
    assert 'href="/posts/new/?kind=case&amp;group=cardiology&amp;tag=ECG"' in html


def test_with_htmx_a_switch_of_kind_returns_only_that_kind_s_fields() -> None:
    response = _client().get(CREATE, {"kind": PostKind.EVENT}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="kind-fields"')
    assert {"kind", "starts_at", "duration_minutes"} == _names(html)
    # Title and body are not in it: what the author typed there stays in the page.
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page() -> None:
    response = _client().get(
        CREATE,
        {"kind": PostKind.EVENT},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_fields_of_another_kind_posted_anyway_are_ignored() -> None:
    response = _client().post(
        CREATE,
        {
            "kind": PostKind.QUESTION,
            "body": "Which ECG leads show an inferior infarct?",
            "visibility": "public",
            "doi": "10.1056/NEJMoa2034577",
            "pub_title": "A paper",
            "starts_at": "2030-01-01T10:00",
            "duration_minutes": "60",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.kind == PostKind.QUESTION
    assert (post.doi, post.pub_title, post.starts_at, post.duration_minutes) == ("", "", None, None)


def test_a_kind_that_does_not_exist_is_refused_clearly() -> None:
    response = _client().post(CREATE, {"kind": "advert", "body": "Buy now", "visibility": "public"})
    assert response.status_code == 200
    assert "Choose one of the kinds of post above." in response.content.decode()
    assert not Post.objects.exists()


def test_a_publication_is_validated_with_its_own_fields() -> None:
    client = _client()
    refused = client.post(
        CREATE, {"kind": PostKind.PUBLICATION, "body": "Worth a read.", "visibility": "public"}
    )
    html = refused.content.decode()
    assert "Give the DOI or the PubMed ID of the publication." in html
    assert "Give the publication&#x27;s title." in html
    # Shown again with the fields to correct, and still a publication.
    assert {"doi", "pmid", "pub_title"} <= _names(html)
    published = client.post(
        CREATE,
        {
            "kind": PostKind.PUBLICATION,
            "body": "Worth a read.",
            "visibility": "public",
            "doi": "https://doi.org/10.1056/NEJMoa2034577",
            "pub_title": "A trial",
        },
    )
    assert published.status_code == 302
    assert Post.objects.get().doi == "10.1056/NEJMoa2034577"


def test_a_live_q_and_a_needs_its_title_start_and_duration() -> None:
    response = _client().post(
        CREATE, {"kind": PostKind.EVENT, "body": "Ask me anything", "visibility": "public"}
    )
    html = response.content.decode()
    assert "Give the live Q&amp;A a title." in html
    assert "When does it start?" in html
    assert "How long does it last?" in html
    assert not Post.objects.exists()


def test_a_member_of_no_group_is_not_offered_a_group_audience() -> None:
    html = _client().get(CREATE).content.decode()
    assert 'value="group"' not in html and 'name="circle"' not in html


def test_a_group_member_chooses_among_their_groups() -> None:
    author = UserFactory.create()
    MembershipFactory.create(circle=CircleFactory.create(name="Cardiology"), member=author)
    CircleFactory.create(name="Dermatology")
    html = _client(author).get(CREATE).content.decode()
    assert 'value="group"' in html and 'name="circle"' in html
    assert "Cardiology" in html and "Dermatology" not in html


def test_the_edit_form_keeps_the_kind_and_shows_only_its_fields() -> None:
    author = UserFactory.create()
    client = _client(author)
    client.post(
        CREATE,
        {
            "kind": PostKind.PUBLICATION,
            "body": "Worth a read.",
            "visibility": "public",
            "pmid": "33301246",
            "pub_title": "A trial",
        },
    )
    post = Post.objects.get()
    html = client.get(reverse("posts:edit", kwargs={"pk": post.pk})).content.decode()
    names = _names(html)
    assert {"pmid", "pub_title"} <= names
    assert not names & {"kind", "visibility", "starts_at"}
    assert 'aria-label="Kind of post"' not in html


# --- Images and their alt text -----------------------------------------------------------


def test_the_composer_offers_the_image_slots_with_an_alt_text_each() -> None:
    html = _client().get(CREATE).content.decode()
    for number in range(1, MAX_IMAGES + 1):
        assert f'name="image_{number}"' in html
        assert f"Description of image {number} (alt text)" in html
    assert f'name="image_{MAX_IMAGES + 1}"' not in html
    assert "static/js/composer.js" in html or "/js/composer." in html


def test_each_image_keeps_its_alt_text_and_the_post_shows_it() -> None:
    client = _client()
    response = client.post(
        CREATE,
        {
            "kind": PostKind.DISCUSSION,
            "body": "Two views",
            "visibility": "public",
            "image_1": _png("a.png"),
            "alt_1": "Frontal chest film",
            "image_2": _png("b.png"),
            "alt_2": "Lateral chest film",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert list(post.images.values_list("alt_text", flat=True)) == [
        "Frontal chest film",
        "Lateral chest film",
    ]
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'alt="Frontal chest film"' in page and 'alt="Lateral chest film"' in page


# --- The live preview --------------------------------------------------------------------

PREVIEW = "/posts/preview/"


def test_the_preview_url_is_the_named_one() -> None:
    assert reverse("posts:preview") == PREVIEW


def test_a_member_gets_the_rendered_markdown_and_no_finding() -> None:
    response = _client().post(PREVIEW, {"title": "", "body": "Cool **first**, transport second"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>first</strong>" in html
    assert "No patient information found so far." in html
    assert "privacy-review" not in html


def test_the_preview_shows_the_privacy_findings_and_writes_nothing() -> None:
    author = PhysicianFactory.create()
    response = _client(author).post(PREVIEW, {"title": "Fever", "body": IDENTIFYING})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="phi phi-high">John Carter</mark>' in html
    assert '<mark class="phi phi-high">03/14/1952</mark>' in html
    assert "Patient information in your draft" in html
    assert "edit out what is marked high confidence" in html
    # Ids of its own: the page may also show the review from the last submit.
    assert 'id="live-privacy-finding-1"' in html and 'id="privacy-review"' not in html
    # No confirmation is offered nor recorded, and nothing is published.
    assert "confirm_privacy" not in html
    assert not PrivacyOverride.objects.exists()
    assert not Post.objects.exists()


def test_malicious_markup_in_the_preview_is_sanitised() -> None:
    body = (
        "<script>alert(1)</script> **safe** <img src=x onerror=alert(2)> "
        "[click](javascript:alert(3)) <iframe src=https://example.org></iframe>"
    )
    html = _client().post(PREVIEW, {"title": "<b>x</b>", "body": body}).content.decode()
    assert "<strong>safe</strong>" in html
    # What is not allowed is shown as text, never as markup.
    assert "<script" not in html and "<iframe" not in html and "<b>" not in html
    assert not re.search(r"<[a-z]+[^>]*\sonerror=", html)
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_draft_longer_than_a_post_may_be_gets_a_clear_message() -> None:
    response = _client().post(PREVIEW, {"title": "", "body": "a" * 20_001})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "The post is too long to preview or publish: it has 20001 characters, at most 20000."
    ) in html
    assert "<p>aaaa" not in html


def test_an_empty_draft_says_there_is_nothing_to_preview() -> None:
    html = _client().post(PREVIEW, {"title": " ", "body": ""}).content.decode()
    assert "Nothing to preview yet." in html


def test_the_preview_is_for_signed_in_participants_only(suspended: User) -> None:
    body = {"title": "", "body": "**hello**"}
    visitor = Client().post(PREVIEW, body)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]

    refused = _client(suspended).post(PREVIEW, body)
    assert refused.status_code == 403
    assert "<strong>hello</strong>" not in refused.content.decode()

    unconfirmed = _client(UserFactory.create(email_verified=False)).post(PREVIEW, body)
    assert unconfirmed.status_code == 403
    assert "confirm your email address" in unconfirmed.content.decode()

    assert _client().post(PREVIEW, body).status_code == 200


def test_the_preview_takes_only_post() -> None:
    assert _client().get(PREVIEW, {"body": "**hello**"}).status_code == 405


def test_the_preview_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory.create())
    assert client.post(PREVIEW, {"body": "**hello**"}).status_code == 403


def test_the_preview_is_rate_limited_with_a_fragment_that_says_when_it_resumes(
    settings: Any,
) -> None:
    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": "1/h"}
    client = _client()
    assert client.post(PREVIEW, {"body": "one"}).status_code == 200
    refused = client.post(PREVIEW, {"body": "two"})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "The preview is paused" in html and "your text is kept" in html
    assert "<html" not in html


def test_the_preview_s_queries_do_not_grow_with_mentions(
    django_assert_max_num_queries: Any,
) -> None:
    members = [UserFactory.create(handle=f"doc{number}") for number in range(12)]
    client = _client()
    body = " ".join(f"@{member.handle}" for member in members)
    with django_assert_max_num_queries(6):
        html = client.post(PREVIEW, {"body": body}).content.decode()
    assert html.count('class="mention"') == 12


def test_the_composer_page_has_the_live_preview_region() -> None:
    html = _client().get(CREATE).content.decode()
    assert 'hx-post="/posts/preview/"' in html
    assert "delay:600ms" in html
    assert re.search(r'id="composer-check-status"[^>]*aria-live="polite"', html)
