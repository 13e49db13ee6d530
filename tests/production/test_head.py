"""HEAD, which uptime monitors and link checkers send, is answered as GET without the body
(community.middleware.HeadAsGetMiddleware): every URL of the matrix, for every reader."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from community.middleware import HeadAsGetMiddleware
from tests.production.conftest import READERS, World
from tests.production.routes import named_routes, route_kwargs
from tests.production.test_url_matrix import EXPECTED, _visited

pytestmark = pytest.mark.django_db


@pytest.fixture
def bodies_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test client drops a HEAD answer's body itself, as servers do; without that,
    the body a test sees is the one the site sent."""
    monkeypatch.setattr(
        "django.test.client.conditional_content_removal", lambda request, response: response
    )


def _seen(response: Any) -> tuple[Any, ...]:
    return (
        response.status_code,
        response.get("Location"),
        response.get("Content-Type"),
        response.has_header("Content-Length"),
    )


def test_every_url_answers_head_as_it_answers_get_without_a_body(
    world: World, bodies_kept: None
) -> None:
    mismatches = []
    visited = 0
    for route in filter(_visited, named_routes()):
        if not route.is_admin and route.name not in EXPECTED:
            continue  # A URL without a row fails the URL matrix's own test.
        url = reverse(route.name, kwargs=route_kwargs(route, world))
        for reader in READERS:
            get = world.client_for(reader).get(url)
            head = world.client_for(reader).head(url)
            streamed = cast(StreamingHttpResponse, head)
            body = streamed.getvalue() if head.streaming else head.content
            visited += 1
            if _seen(head) != _seen(get) or body:
                mismatches.append(
                    f"{route.name} {url} as {reader}: GET {_seen(get)}, "
                    f"HEAD {_seen(head)} with {len(body)} bytes of body"
                )
    assert mismatches == []
    assert visited > 500


def _head(rf: RequestFactory, response: HttpResponse) -> tuple[HttpResponse, list[str]]:
    seen_methods: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen_methods.append(request.method or "")
        return response

    request = rf.head("/")
    answer = HeadAsGetMiddleware(view)(request)
    assert request.method == "HEAD"
    return answer, seen_methods


def test_the_view_sees_get_and_the_answer_keeps_its_headers_not_its_body(
    rf: RequestFactory,
) -> None:
    page = HttpResponse("<p>Hello</p>", content_type="text/html; charset=utf-8")
    page["Content-Length"] = "12"
    answer, seen_methods = _head(rf, page)
    assert seen_methods == ["GET"]
    assert answer.content == b""
    assert answer["Content-Length"] == "12"
    assert answer["Content-Type"] == "text/html; charset=utf-8"


def test_a_file_answer_is_not_read_and_its_file_is_closed(
    rf: RequestFactory, tmp_path: Any
) -> None:
    path = tmp_path / "document.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    handle = path.open("rb")
    # A streaming answer, which the middleware's HttpResponse annotation does not name.
    file_answer: Any = FileResponse(handle, content_type="application/pdf")
    answer, _ = _head(rf, file_answer)
    assert cast(FileResponse, answer).getvalue() == b""
    assert answer["Content-Length"] == "15"
    answer.close()
    assert handle.closed
