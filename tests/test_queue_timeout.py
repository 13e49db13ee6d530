"""Load shedding: a request that waited in the queue longer than REQUEST_QUEUE_TIMEOUT_MS
(from the proxy's X-Request-Start stamp) is answered 503 at once, and nothing else is.

The end-to-end behaviour behind nginx is in tests/production/test_proxy.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from community.logging import SkipQueueTimeoutsFilter
from community.middleware import (
    QueueMarkedRequest,
    RequestQueueTimeoutMiddleware,
    request_started_at,
)
from posts.models import Post
from tests.factories import UserFactory

NOW = 1_800_000_000.0  # 2027-01-15, a fixed clock for every test here


class _View:
    """Stands for the rest of the stack: answers 200 and counts the requests it got."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.calls += 1
        return HttpResponse("the page")


def _middleware(view: _View, now: float = NOW) -> RequestQueueTimeoutMiddleware:
    return RequestQueueTimeoutMiddleware(view, clock=lambda: now)


def _get(stamp: str | None, path: str = "/") -> QueueMarkedRequest:
    headers: dict[str, Any] = {} if stamp is None else {"HTTP_X_REQUEST_START": stamp}
    return cast(QueueMarkedRequest, RequestFactory().get(path, **headers))


@pytest.fixture(autouse=True)
def _half_a_second(settings: Any) -> None:
    settings.REQUEST_QUEUE_TIMEOUT_MS = 500


def test_a_request_that_queued_past_the_timeout_is_answered_503_without_reaching_the_app() -> None:
    view = _View()

    response = _middleware(view)(_get(f"t={NOW - 0.6:.3f}"))

    assert view.calls == 0
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Length"] == str(len(response.content))
    # The security middleware never runs for this answer: it carries its own headers.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    body = response.content.decode()
    assert "<h1>Rounds is busy</h1>" in body
    assert "please try again in a few" in body
    assert not response.cookies


def test_a_request_that_queued_less_than_the_timeout_is_served() -> None:
    view = _View()

    response = _middleware(view)(_get(f"t={NOW - 0.4:.3f}"))

    assert view.calls == 1
    assert response.status_code == 200


def test_a_request_that_waited_exactly_the_timeout_is_served() -> None:
    view = _View()
    assert _middleware(view)(_get(f"t={NOW - 0.5:.3f}")).status_code == 200


@pytest.mark.parametrize(
    ("stamp", "seconds"),
    [
        ("t=1800000000.123", 1_800_000_000.123),  # nginx: "t=${msec}"
        ("1800000000.123", 1_800_000_000.123),
        ("t=1800000000.123456", 1_800_000_000.123456),
        ("t=1800000000", 1_800_000_000.0),
        ("t=1800000000123", 1_800_000_000.123),  # milliseconds
        ("1800000000123456", 1_800_000_000.123456),  # microseconds
    ],
)
def test_it_reads_the_formats_proxies_write(stamp: str, seconds: float) -> None:
    assert request_started_at(stamp) == pytest.approx(seconds, abs=1e-6)


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "t=",
        "t=soon",
        "t=-1800000000.0",
        "t=+1800000000.0",
        "t=1.8e9",
        "t=1800000000.",
        "t=1800000000.1234567",  # seven decimals
        "t=180000000.0",  # nine digits of seconds
        "t=18000000001",  # eleven digits: no unit
        "t=18000000001234567",  # seventeen digits
        " t=1800000000.0",
        "t=1800000000.0 ",
        "T=1800000000.0",
        "t=1800000000.0, t=1799999000.0",  # the header twice, joined
        "t=\u0661\u0668\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660",  # Arabic-Indic digits
        "nan",
        "inf",
    ],
)
def test_a_malformed_stamp_is_ignored_and_the_request_served(stamp: str) -> None:
    assert request_started_at(stamp) is None
    view = _View()
    # Were it read as a time at all, the clock being a day later would refuse it.
    assert _middleware(view, now=NOW + 86_400)(_get(stamp)).status_code == 200
    assert view.calls == 1


def test_a_request_without_a_stamp_is_served() -> None:
    view = _View()
    assert _middleware(view)(_get(None)).status_code == 200
    assert view.calls == 1


def test_a_stamp_from_the_future_is_served() -> None:
    # The proxy's clock ahead of the app's: no wait to speak of.
    view = _View()
    assert _middleware(view)(_get(f"t={NOW + 30:.3f}")).status_code == 200


def test_a_stamp_older_than_an_hour_is_taken_for_a_clock_fault_and_served() -> None:
    view = _View()
    assert _middleware(view)(_get(f"t={NOW - 3601:.3f}")).status_code == 200
    # Long waits short of that are refused: a request left in the backlog for minutes.
    assert _middleware(view)(_get(f"t={NOW - 600:.3f}")).status_code == 503
    assert view.calls == 1


def test_the_health_check_is_served_however_long_it_queued() -> None:
    view = _View()
    assert _middleware(view)(_get(f"t={NOW - 30:.3f}", path="/healthz")).status_code == 200
    assert view.calls == 1


def test_the_timeout_follows_the_setting(settings: Any) -> None:
    settings.REQUEST_QUEUE_TIMEOUT_MS = 2000
    view = _View()
    assert _middleware(view)(_get(f"t={NOW - 1.5:.3f}")).status_code == 200
    assert _middleware(view)(_get(f"t={NOW - 2.5:.3f}")).status_code == 503


def test_a_timeout_of_zero_takes_the_middleware_out(settings: Any) -> None:
    settings.REQUEST_QUEUE_TIMEOUT_MS = 0
    with pytest.raises(MiddlewareNotUsed):
        _middleware(_View())


@pytest.mark.django_db
def test_with_a_timeout_of_zero_a_request_that_queued_for_a_minute_is_served(
    settings: Any,
) -> None:
    settings.REQUEST_QUEUE_TIMEOUT_MS = 0
    response = Client().get("/explore/", HTTP_X_REQUEST_START=f"t={time.time() - 60:.3f}")
    assert response.status_code == 200


def test_it_comes_first_in_the_middleware_stack() -> None:
    assert django_settings.MIDDLEWARE[0] == "community.middleware.RequestQueueTimeoutMiddleware"


# --- Through the whole stack, on the real clock ----------------------------------------


@pytest.mark.django_db
def test_a_refused_request_reads_no_session_no_database_and_logs_no_error(
    client: Client, django_assert_num_queries: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(UserFactory.create())
    with caplog.at_level(logging.INFO), django_assert_num_queries(0):
        response = client.get("/", HTTP_X_REQUEST_START=f"t={time.time() - 60:.3f}")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "sessionid" not in response.cookies
    # Each one is in the access logs; thousands of "Service Unavailable" errors a second
    # under overload would bury real faults.
    assert [record for record in caplog.records if record.name == "django.request"] == []


@pytest.mark.django_db
def test_a_refused_post_writes_nothing(client: Client) -> None:
    member = UserFactory.create()
    client.force_login(member)
    response = client.post(
        "/posts/new/",
        {"kind": "discussion", "body": "A pearl about fluid balance.", "visibility": "public"},
        HTTP_X_REQUEST_START=f"t={time.time() - 60:.3f}",
    )
    assert response.status_code == 503
    assert not Post.objects.filter(author=member).exists()
    # The same post, fresh from the proxy, is published.
    response = client.post(
        "/posts/new/",
        {"kind": "discussion", "body": "A pearl about fluid balance.", "visibility": "public"},
        HTTP_X_REQUEST_START=f"t={time.time():.3f}",
    )
    assert response.status_code == 302
    assert Post.objects.filter(author=member).count() == 1


def test_other_errors_of_django_request_are_still_logged() -> None:
    # Typed Any: Django's request logging adds `request` to the record, LogRecord has none.
    record: Any = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.request = RequestFactory().get("/")
    assert SkipQueueTimeoutsFilter().filter(record) is True
    record.request.refused_after_queueing = True
    assert SkipQueueTimeoutsFilter().filter(record) is False
