"""What a newcomer sees on `make run` (SQLite, no Redis): no warning they can do nothing
about, and no log line for each background task the demo data sets off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """manage.py as `make run` runs it: DEBUG=1, no DATABASE_URL and no REDIS_URL."""
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_make_run_on_sqlite_prints_no_covering_index_warning_and_no_task_lines(
    tmp_path: Path,
) -> None:
    env = {"VAR_DIR": str(tmp_path)}
    migrate = _manage("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr
    check = _manage("check", "--database", "default", env=env)
    assert check.returncode == 0, check.stderr
    seed = _manage("seed_demo", env=env)
    assert seed.returncode == 0, seed.stderr
    for step in (migrate, check, seed):
        output = step.stdout + step.stderr
        assert "W040" not in output
        assert "No hostname was supplied" not in output
        assert "celery.app.trace" not in output and " succeeded in " not in output
    assert "Demo data is ready." in seed.stdout
    assert "campaign(s)" not in seed.stdout
    # The programs demo (programs/demo.py) builds on SQLite too, once.
    assert "Created demo mentoring programs" in seed.stdout
    again = _manage("seed_demo", env=env)
    assert again.returncode == 0, again.stderr
    assert "Demo mentoring programs are in place." in again.stdout


def test_postgresql_keeps_the_covering_index_check() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(sorted(settings.SILENCED_SYSTEM_CHECKS))"
    )
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    base = {**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "community.settings"}

    def silenced(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    # Settings only: nothing connects to this server.
    assert silenced(DATABASE_URL="postgres://rounds@127.0.0.1:9/rounds") == "[]"
    assert silenced() == "['models.W040']"
