"""Settings are strict, and production-like settings pass `check --deploy` cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from community.settings import database_from_url, envbool, envheader, envseconds

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#k2L9pQ!vR4mT8wZ1cY6nB3hJ5gF0dS@aE2uI7oP9lK4jH6gF8dS1aQ3wE5rT7y",
    "ALLOWED_HOSTS": "rounds.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://rounds.example.org",
    "SITE_URL": "https://rounds.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser suite relaxes Django's async guard for its own process only.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_envbool_refuses_unknown_values(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOME_SWITCH", value)
    with pytest.raises(ImproperlyConfigured):
        envbool("SOME_SWITCH", False)


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("off", False), ("", False)])
def test_envbool_reads_known_values(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("SOME_SWITCH", value)
    assert envbool("SOME_SWITCH", not expected) is expected


@pytest.mark.parametrize(
    "value", ["X Real IP", "X_Real_IP", "X-Real-IP:", "X-Real-IP,X-Forwarded-For"]
)
def test_envheader_refuses_what_is_not_a_header_name(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOME_HEADER", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_HEADER must be a header name"):
        envheader("SOME_HEADER", "X-Forwarded-For")


@pytest.mark.parametrize(("value", "expected"), [("X-Real-IP", "X-Real-IP"), ("", "X-Default")])
def test_envheader_reads_a_header_name(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("SOME_HEADER", value)
    assert envheader("SOME_HEADER", "X-Default") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "TRUSTED_PROXY_COUNT must be 0 or more"), ("one", "must be a whole number")],
)
def test_the_app_refuses_to_start_with_a_bad_trusted_proxy_count(value: str, message: str) -> None:
    result = _manage("check", env={"DEBUG": "1", "TRUSTED_PROXY_COUNT": value})
    assert result.returncode != 0
    assert message in result.stderr


def test_postgresql_connections_prepare_their_statements_unless_switched_off() -> None:
    url = "postgres://rounds@db.internal:5432/rounds"
    prepared = database_from_url(url, prepared_statements=True)
    assert prepared["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert prepared["CONN_MAX_AGE"] == 600
    assert prepared["CONN_HEALTH_CHECKS"] is True
    assert "OPTIONS" not in database_from_url(url, prepared_statements=False)
    # Another engine has no such options to take.
    sqlite = database_from_url("sqlite:////tmp/rounds.sqlite3", prepared_statements=True)
    assert "server_side_binding" not in sqlite.get("OPTIONS", {})


@pytest.mark.parametrize(("switch", "expected"), [("", True), ("0", False)])
def test_db_prepared_statements_switches_the_primary_and_the_replica(
    switch: str, expected: bool
) -> None:
    """Behind a pooler that cannot keep prepared statements, DB_PREPARED_STATEMENTS=0."""
    env = {
        "DEBUG": "1",
        "DATABASE_URL": "postgres://rounds@db.internal:5432/rounds",
        "DATABASE_REPLICA_URL": "postgres://rounds@replica.internal:5432/rounds",
    }
    if switch:
        env["DB_PREPARED_STATEMENTS"] = switch
    code = (
        "from django.conf import settings; "
        "print([settings.DATABASES[name].get('OPTIONS', {}).get('server_side_binding', False)"
        " for name in ('default', 'replica')])"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str([expected, expected])


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan", "inf"])
def test_envseconds_refuses_what_is_not_a_wait(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOME_TIMEOUT", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_TIMEOUT"):
        envseconds("SOME_TIMEOUT", 30)


def test_envseconds_reads_fractions_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOME_TIMEOUT", "2.5")
    assert envseconds("SOME_TIMEOUT", 30) == 2.5
    monkeypatch.setenv("SOME_TIMEOUT", "")
    assert envseconds("SOME_TIMEOUT", 30) == 30


def test_the_old_single_email_timeout_stops_the_app_with_a_pointer_to_its_replacements() -> None:
    result = _manage("check", env={"DEBUG": "1", "EMAIL_TIMEOUT": "10"})
    assert result.returncode != 0
    assert "EMAIL_TIMEOUT is replaced by one timeout per SMTP step" in result.stderr
    assert "EMAIL_FINAL_REPLY_TIMEOUT" in result.stderr


def test_smtp_timeouts_set_the_email_tasks_time_limits_and_their_lease() -> None:
    """A worker started with short SMTP timeouts gets time limits and a lease to match."""
    env = {
        "DEBUG": "1",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_CONNECT_TIMEOUT": "4",
        "EMAIL_COMMAND_TIMEOUT": "5",
        "EMAIL_DATA_TIMEOUT": "6",
        "EMAIL_BLOCK_TIMEOUT": "7",
        "EMAIL_FINAL_REPLY_TIMEOUT": "8",
    }
    code = (
        "from django.conf import settings; "
        "from notifications import services, tasks; "
        "task = tasks.send_notification_email; "
        "print(settings.EMAIL_BACKEND, task.soft_time_limit, task.time_limit,"
        " int(services.EMAIL_LEASE.total_seconds()))"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    longest_send = 4 + 5 + 6 + 7 + 8 + 4  # to the handover, the final answer, QUIT
    soft = longest_send + 60
    expected = f"community.smtp.EmailBackend {soft} {soft + 30} {soft + 30 + 60}"
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(("value", "expected"), [(None, "500"), ("0", "0"), ("1500", "1500")])
def test_the_queue_timeout_is_half_a_second_unless_set(value: str | None, expected: str) -> None:
    env = {"DEBUG": "1"} if value is None else {"DEBUG": "1", "REQUEST_QUEUE_TIMEOUT_MS": value}
    code = "from django.conf import settings; print(settings.REQUEST_QUEUE_TIMEOUT_MS)"
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize("value", ["-1", "half a second", "0.5"])
def test_a_queue_timeout_that_is_not_a_whole_number_of_milliseconds_stops_the_app(
    value: str,
) -> None:
    result = _manage("check", env={"DEBUG": "1", "REQUEST_QUEUE_TIMEOUT_MS": value})
    assert result.returncode != 0
    assert "REQUEST_QUEUE_TIMEOUT_MS must be" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "60 1"),
        # Without Redis each process would keep its own pages and miss others' writes.
        ({"REDIS_URL": ""}, "0 1"),
        ({"REDIS_URL": "", "PAGE_CACHE_SECONDS": "30", "PAGE_S_MAXAGE": "5"}, "30 5"),
    ],
)
def test_visitors_pages_are_kept_in_the_app_only_with_redis(
    env: dict[str, str], expected: str
) -> None:
    code = "from django.conf import settings as s; print(s.PAGE_CACHE_SECONDS, s.PAGE_S_MAXAGE)"
    result = _manage("shell", "-c", code, env={"DEBUG": "1", **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(("name", "value"), [("PAGE_CACHE_SECONDS", "-1"), ("PAGE_S_MAXAGE", "a")])
def test_a_page_cache_time_that_is_not_whole_seconds_stops_the_app(name: str, value: str) -> None:
    result = _manage("check", env={"DEBUG": "1", name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _python(code: str, *, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_web_server_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = _python("import community.wsgi", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_celery_worker_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    code = "from community.startup import refuse_unsafe_secret_key as r; import django; "
    code += "django.setup(); from celery.signals import worker_init; worker_init.send(None)"
    result = _python(code, env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_management_commands_run_without_a_key_and_check_deploy_flags_it() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    assert _manage("makemigrations", "--check", "--dry-run", env=env).returncode == 0
    result = _manage("check", "--deploy", env=env)
    assert "security.W009" in result.stdout + result.stderr


def test_the_web_server_starts_in_development_without_a_key() -> None:
    result = _python("import community.wsgi", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_compose_runs_web_worker_and_beat_from_one_image_and_database() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert len({service["image"] for service in app_services}) == 1
    assert len({service["environment"]["DATABASE_URL"] for service in app_services}) == 1
    assert all("@db:5432/" in s["environment"]["DATABASE_URL"] for s in app_services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "migrate" in services["web"]["command"]
