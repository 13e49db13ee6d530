"""Query strings and form fields that are not valid UTF-8 are refused with a 400 page that
says why, instead of being saved with replacement characters (community/middleware.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

from urllib.parse import quote_from_bytes

import pytest
from django.test import Client

from accounts.models import User
from posts.models import Post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "RoundsBoundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
# What the post form needs besides the text.
FORM = b"kind=discussion&visibility=public&"
FIELDS = [(b"kind", b"discussion"), (b"visibility", b"public")]
REASON = "Part of what was sent is not valid UTF-8 text, so nothing was saved."


@pytest.fixture
def member() -> User:
    return UserFactory.create()


def _client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _multipart(fields: list[tuple[bytes, bytes]]) -> bytes:
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (BOUNDARY.encode(), name, value)
        for name, value in fields
    ]
    return b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()


def _assert_refused(response: TestResponse) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html
    assert REASON in html


@pytest.mark.parametrize(
    "body",
    [
        FORM + b"body=caf%E9",  # Latin-1, percent-encoded
        FORM + b"body=caf\xe9",  # Latin-1, raw
        FORM + b"body=%C3",  # a character cut short
        FORM + b"body=%C3&title=%A9",  # ... even when the next field "completes" it
        FORM + b"body=ok&bo%FFdy=x",  # in a field name
        FORM + b"body=%ED%A0%80",  # a UTF-16 surrogate, never valid in UTF-8
    ],
)
def test_an_urlencoded_form_that_is_not_utf8_is_refused_and_nothing_saved(
    member: User, body: bytes
) -> None:
    response = _client(member).post("/posts/new/", body, content_type=URLENCODED)

    _assert_refused(response)
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        [*FIELDS, (b"body", b"caf\xe9")],
        [*FIELDS, (b"title", b"Na\xefve"), (b"body", b"ok")],
    ],
)
def test_a_multipart_form_whose_text_is_not_utf8_is_refused_and_nothing_saved(
    member: User, fields: list[tuple[bytes, bytes]]
) -> None:
    response = _client(member).post("/posts/new/", _multipart(fields), content_type=MULTIPART)

    _assert_refused(response)
    assert not Post.objects.exists()


def test_utf8_text_is_saved_as_typed_from_either_kind_of_form(member: User) -> None:
    text = "Café, naïve, 心電図, 🩺"
    client = _client(member)
    encoded = text.encode()
    urlencoded = FORM + b"body=" + quote_from_bytes(encoded).encode()
    assert client.post("/posts/new/", urlencoded, content_type=URLENCODED).status_code == 302
    multipart = _multipart([*FIELDS, (b"body", encoded + b" again")])
    assert client.post("/posts/new/", multipart, content_type=MULTIPART).status_code == 302

    assert sorted(Post.objects.values_list("body", flat=True)) == [text, f"{text} again"]


def test_a_replacement_character_typed_into_an_urlencoded_form_is_kept(member: User) -> None:
    """Urlencoded bodies are checked byte for byte: a U+FFFD that really was sent is text."""
    body = FORM + b"body=broken+%EF%BF%BD+glyph"
    assert _client(member).post("/posts/new/", body, content_type=URLENCODED).status_code == 302
    assert Post.objects.get().body == "broken \N{REPLACEMENT CHARACTER} glyph"


@pytest.mark.parametrize("query", ["q=caf%E9", "q=%FF", "q=ok&cursor=%C3", "q=caf\xe9"])
def test_a_query_string_that_is_not_utf8_is_refused(client: Client, query: str) -> None:
    _assert_refused(client.get("/search/", QUERY_STRING=query))


def test_a_utf8_query_string_is_answered(client: Client) -> None:
    response = client.get("/search/", {"q": "café 心電図"})
    assert response.status_code == 200
    assert "café 心電図" in response.content.decode()
