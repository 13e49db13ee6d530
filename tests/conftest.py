"""Shared fixtures: test settings, service detection, and the personas tests talk about.

The personas, each a fresh member in the database (folders may narrow one down locally):
`member` (a pre-med student, email verified, able to take part), `minor` (a high-school
student: members-only profile and posts), `mentor` (a verified physician with a mentor
profile), `moderator` (staff in the Moderators group with an authenticator app) and
`suspended` (a member a moderator suspended, with no end date).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches

from accounts.models import User
from community.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Fixtures shared across folders: `scripted_smtp`, a real SMTP server the test scripts.
pytest_plugins = ["tests.smtp_server"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say which services the run used, so a CI log shows it ran on PostgreSQL."""
    database = django_settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    terminalreporter.write_line(
        f"services: database={engine} ({database['NAME']}), "
        f"redis={django_settings.REDIS_URL or 'not configured'}, "
        f"require_services={REQUIRE_SERVICES}"
    )


def migrations_digest() -> str:
    """A digest of every installed app's migration files, names and contents."""
    from django.apps import apps

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> None:
    """On SQLite, keep the test database in a file named after the migrations.

    Django's SQLite test database is in memory, so every run built it from the migrations
    again. In `VAR_DIR/test-<digest>.sqlite3` the `--reuse-db` in pyproject.toml keeps it
    between runs; a changed, added or removed migration (here or in an installed package)
    names a new file, and the old ones are deleted. `--create-db` (CI) rebuilds it as
    before. PostgreSQL keeps pytest-django's own `test_<name>` database.
    """
    database = django_settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        folder = Path(django_settings.VAR_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"test-{migrations_digest()}.sqlite3"
        for stale in folder.glob("test-*.sqlite3*"):
            if not stale.name.startswith(name):
                stale.unlink(missing_ok=True)
        test["NAME"] = str(folder / name)
    # Then pytest-django's own suffixes for parallel workers (xdist, tox).
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database as migrations leave it, at the start of every run.

    A database kept from an earlier run (`--reuse-db`) was emptied by that run's
    transactional tests, which pytest-django runs last: Django's flush gives back the
    content types and permissions but not what data migrations wrote, the Moderators group
    (moderation migrations 0006, 0010, 0011 and 0012). It is set up again here, as the latest of
    those migrations sets it up."""
    import importlib

    from django.apps import apps

    with django_db_blocker.unblock():
        importlib.import_module(
            "moderation.migrations.0012_moderators_appoint_program_coordinators"
        ).set_up_group(apps)


def _missing_services() -> dict[str, str]:
    missing = {}
    if not django_settings.IS_POSTGRES:
        missing["postgres"] = "needs DATABASE_URL=postgres://..."
    if not django_settings.REDIS_URL:
        missing["redis"] = "needs REDIS_URL=redis://..."
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres/redis skip without those services, unless REQUIRE_SERVICES=1
    (then `_require_services` below fails them instead)."""
    if REQUIRE_SERVICES:
        return
    for item in items:
        for marker, reason in _missing_services().items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _require_services(request: pytest.FixtureRequest) -> None:
    for marker, reason in _missing_services().items():
        if request.node.get_closest_marker(marker):
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    # Rate limits and other cached state must not leak from one test into the next.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-fragments",
        },
    }
    settings.SECURE_SSL_REDIRECT = False
    # Tests write with factories, which retire no cached page: the app's cache of visitors'
    # pages is on only in the tests about it (tests/test_page_cache.py).
    settings.PAGE_CACHE_SECONDS = 0
    cache.clear()
    caches["fragments"].clear()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    cache.clear()


@pytest.fixture
def session_queries(settings: Any) -> int:
    """Queries a signed-in request spends on its session: none where sessions are cached
    (REDIS_URL set: the test cache holds them), one read from the database otherwise."""
    return 0 if "cache" in settings.SESSION_ENGINE else 1


def warm_rail(client: Any) -> None:
    """Render the right rail once for `client`'s reader (on a page that has it), as any
    earlier page in the last minute would have: query-count tests then measure the page's
    own reads. The rail's own cost, cold and warm, is tested in tests/test_rail.py."""
    from django.urls import reverse

    assert client.get(reverse("about")).status_code == 200


# --- Personas ----------------------------------------------------------------------------

SUSPENSION_REASON = "Posting patient photos"


@pytest.fixture
def member(db: None) -> User:
    from tests.factories import UserFactory

    return UserFactory.create(display_name="Maya Chen")


@pytest.fixture
def minor(db: None) -> User:
    from tests.factories import HighSchoolStudentFactory

    return HighSchoolStudentFactory.create(display_name="Sam Lee")


@pytest.fixture
def mentor(db: None) -> User:
    from tests.factories import PhysicianFactory
    from tests.mentoring.factories import make_mentor

    return make_mentor(PhysicianFactory.create(display_name="Dr. Amara Okafor")).user


@pytest.fixture
def moderator(db: None) -> User:
    from tests.moderation.conftest import make_moderator

    return make_moderator()


@pytest.fixture
def suspended(db: None) -> User:
    from moderation.services import suspend_member
    from tests.factories import ModeratorFactory, UserFactory

    member = UserFactory.create(display_name="Suspended Member")
    suspend_member(
        moderator=ModeratorFactory.create(), member=member, reason=SUSPENSION_REASON, until=None
    )
    return User.objects.get(pk=member.pk)
