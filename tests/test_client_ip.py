"""The client's address, read from our own proxies' header and nothing the client wrote."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from community.client_ip import UNKNOWN, client_ip

LOAD_BALANCER = "10.0.0.2"


def _address(settings: Any, count: int, header: str = "X-Forwarded-For", **meta: Any) -> str:
    settings.TRUSTED_PROXY_COUNT = count
    settings.CLIENT_IP_HEADER = header
    meta.setdefault("REMOTE_ADDR", LOAD_BALANCER)
    return client_ip(RequestFactory().get("/", **meta))


def test_with_no_trusted_proxy_the_peer_is_the_client(settings: Any) -> None:
    assert _address(settings, 0, HTTP_X_FORWARDED_FOR="203.0.113.9") == LOAD_BALANCER


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1, 203.0.113.9", "203.0.113.9"),
        (1, "192.0.2.1,203.0.113.9", "203.0.113.9"),
        # A CDN in front of the load balancer: the CDN wrote the client, the balancer the CDN.
        (2, "192.0.2.1, 203.0.113.9, 198.51.100.7", "203.0.113.9"),
        (1, "2001:DB8::0:1", "2001:db8::1"),
        (1, "::ffff:203.0.113.9", "203.0.113.9"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_our_outermost_proxy_wrote(
    settings: Any, count: int, forwarded_for: str, expected: str
) -> None:
    assert _address(settings, count, HTTP_X_FORWARDED_FOR=forwarded_for) == expected


@pytest.mark.parametrize(
    ("count", "forwarded_for"),
    [(1, ""), (2, "203.0.113.9"), (1, "192.0.2.1, not-an-address"), (1, "203.0.113.9, ")],
)
def test_a_header_that_cannot_be_used_falls_back_to_the_peer(
    settings: Any, count: int, forwarded_for: str
) -> None:
    assert _address(settings, count, HTTP_X_FORWARDED_FOR=forwarded_for) == LOAD_BALANCER


def test_a_missing_header_falls_back_to_the_peer(settings: Any) -> None:
    assert _address(settings, 1) == LOAD_BALANCER


def test_a_configured_header_replaces_forwarded_for(settings: Any) -> None:
    meta = {"HTTP_X_REAL_IP": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
    assert _address(settings, 1, "X-Real-IP", **meta) == "203.0.113.9"


def test_without_any_address_the_client_is_unknown(settings: Any) -> None:
    assert _address(settings, 0, REMOTE_ADDR="") == UNKNOWN
    assert _address(settings, 1, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="garbage") == UNKNOWN
