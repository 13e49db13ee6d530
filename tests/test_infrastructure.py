"""Cache resilience, rate limits, request ids, JSON logs and the read-replica router."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from accounts.models import User
from community import db_router
from community.cache import ResilientRedisCache
from community.logging import JsonFormatter, RequestIdFilter, request_id
from community.ratelimit import parse_rate, rate_limited
from tests.conftest import migrations_digest
from tests.factories import UserFactory


def _dead_cache() -> ResilientRedisCache:
    ResilientRedisCache._down_until = 0.0
    return ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )


def test_a_cache_whose_redis_is_down_answers_misses_instead_of_failing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = _dead_cache()
    with caplog.at_level(logging.WARNING, logger="community.cache"):
        assert cache.get("key", "fallback") == "fallback"
        cache.set("key", "value")
        # As Django's DummyCache: "stored" (nothing is kept), so a lock taken with add, as
        # allauth's rate limits take theirs, is had at once instead of read as "limit hit".
        assert cache.add("key", "value") is True
        assert cache.get_many(["a", "b"]) == {}
        assert cache.incr("counter") == 0
    # One call tried Redis (and said so); the back-off window answered the rest at once,
    # without a connection attempt each.
    failures = [record for record in caplog.records if record.name == "community.cache"]
    assert len(failures) == 1
    assert failures[0].getMessage().startswith("cache unavailable, serving without it")


@pytest.mark.redis
def test_the_resilient_cache_works_normally_when_redis_is_up(settings: Any) -> None:
    ResilientRedisCache._down_until = 0.0
    cache = ResilientRedisCache(settings.REDIS_URL, {})
    cache.set("rounds-test-key", {"a": 1}, 30)
    assert cache.get("rounds-test-key") == {"a": 1}
    cache.delete("rounds-test-key")


@pytest.mark.redis
def test_the_cache_works_across_threads(settings: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ResilientRedisCache._down_until = 0.0
    cache = ResilientRedisCache(settings.REDIS_URL, {})

    def round_trip(index: int) -> Any:
        cache.set(f"rounds-thread-{index}", index, 30)
        value = cache.get(f"rounds-thread-{index}")
        cache.delete(f"rounds-thread-{index}")
        return value

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(round_trip, range(40))) == list(range(40))


def test_a_dead_cache_keeps_answering_misses_after_its_back_off() -> None:
    cache = _dead_cache()
    assert cache.get("key", "miss") == "miss"
    ResilientRedisCache._down_until = 0.0
    assert cache.get("key", "miss") == "miss"


@pytest.mark.parametrize(("rate", "expected"), [("20/h", (20, 3600)), ("3/s", (3, 1))])
def test_rates_are_parsed(rate: str, expected: tuple[int, int]) -> None:
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["20", "x/h", "5/week"])
def test_a_malformed_rate_is_refused(rate: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(rate)


@rate_limited("post")
def _posting_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("posted")


@pytest.mark.django_db
def test_a_member_is_stopped_with_a_friendly_429_past_the_limit(
    rf: RequestFactory, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "2/h"}
    member, other = UserFactory.create(), UserFactory.create()

    def post_as(user: User) -> HttpResponse:
        request = rf.post("/post")
        request.user = user
        return cast(HttpResponse, _posting_view(request))

    assert post_as(member).status_code == 200
    assert post_as(member).status_code == 200
    refused = post_as(member)
    assert refused.status_code == 429
    assert "Slow down" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    # Limits are per member.
    assert post_as(other).status_code == 200


def test_reads_and_visitors_are_not_counted(rf: RequestFactory, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": "1/h"}
    for _ in range(3):
        request = rf.get("/post")
        request.user = AnonymousUser()
        assert _posting_view(request).status_code == 200


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client: Client) -> None:
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123-def")["X-Request-ID"] == "abc-123-def"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="x\nInjected: yes")["X-Request-ID"]
    assert "\n" not in hostile and hostile != "x\nInjected: yes"


def test_json_logs_carry_the_request_id() -> None:
    record = logging.LogRecord("rounds", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    token = request_id.set("req-42")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello there"
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "INFO"


def test_reads_go_to_the_replica_unless_pinned(settings: Any) -> None:
    router = db_router.ReplicaRouter()
    assert router.db_for_read(User) == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert router.db_for_read(User) == "replica"
    token = db_router.pinned.set(True)
    try:
        assert router.db_for_read(User) == "default"
    finally:
        db_router.pinned.reset(token)
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False


@pytest.mark.django_db
def test_a_write_pins_the_member_to_the_primary_for_a_few_seconds(client: Client) -> None:
    response = client.post("/healthz")
    assert response.cookies["rounds_primary"]["max-age"] == 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/explore/?q=%00", None),
        ("get", "/search/?q=a%00b", None),
        ("post", "/accounts/login/", {"login": "a\x00b@example.org", "password": "x"}),
    ],
)
def test_a_nul_byte_gets_a_400_not_a_500(
    client: Client, method: str, path: str, data: dict[str, str] | None
) -> None:
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared_and_binds_each_runs_values() -> None:
    """PostgreSQL plans a repeated statement once per connection (settings,
    `database_from_url`); each run still gets the rows of its own values."""
    members = UserFactory.create_batch(3)
    for _ in range(3):
        for member in members:
            handle = User.objects.filter(pk=member.pk).values_list("handle", flat=True).get()
            assert handle == member.handle
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "accounts_user"."handle" AS "handle" FROM "accounts_user"%'],
        )
        statements = [row[0] for row in cursor.fetchall()]
    assert len(statements) == 1
    assert '"accounts_user"."id" = $1' in statements[0]


@pytest.mark.django_db
def test_the_sqlite_test_database_is_a_file_named_after_the_migrations() -> None:
    """So `--reuse-db` keeps it between runs and a changed migration builds a new one."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("PostgreSQL keeps pytest-django's own test database")
    assert Path(database["NAME"]).name == f"test-{migrations_digest()}.sqlite3"
    assert Path(database["NAME"]).exists()
