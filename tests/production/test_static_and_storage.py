"""Production storage: hashed, compressed static files, and S3 media when configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.slow


def _run(code_or_args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A fresh interpreter: settings are read once per process, from the environment.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "AWS_STORAGE_BUCKET_NAME"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_collectstatic_writes_hashed_and_compressed_files(tmp_path: Path) -> None:
    static_root = tmp_path / "static"
    result = _run(
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        env={"STATIC_ROOT": str(static_root)},
    )
    assert result.returncode == 0, result.stdout + result.stderr

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/site.css"]
    assert hashed_css != "css/site.css"  # The name carries the content hash.
    assert (static_root / hashed_css).exists()
    assert (static_root / f"{hashed_css}.gz").exists()
    assert (static_root / f"{hashed_css}.br").exists()
    htmx = next(name for name in manifest["paths"] if name.startswith("django_htmx/htmx"))
    assert (static_root / f"{manifest['paths'][htmx]}.gz").exists()


def test_production_serves_static_files_through_whitenoise_manifest_storage() -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'static': settings.STORAGES['staticfiles']['BACKEND'], "
        "'middleware': settings.MIDDLEWARE}))"
    )
    result = _run(["-c", code], env={"DJANGO_SETTINGS_MODULE": "community.settings"})
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    middleware = answer["middleware"]
    # WhiteNoise answers right after the security middleware, before sessions and views.
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )


def test_a_bucket_setting_moves_uploads_to_s3_without_contacting_it() -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; "
        "default, private = storages['default'], storages['private']; "
        "print(json.dumps({'default': settings.STORAGES['default'], "
        "'private': settings.STORAGES['private'], "
        "'classes': [type(default).__module__ + '.' + type(default).__name__, "
        "type(private).__name__], "
        "'url': default.url('avatars/a.webp'), 'private_acl': private.default_acl}, default=str))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "community.settings",
        "AWS_STORAGE_BUCKET_NAME": "rounds-media",
        "AWS_PRIVATE_BUCKET_NAME": "rounds-private",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        "AWS_S3_REGION_NAME": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example-secret",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
    }
    result = _run(["-c", code], env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert answer["default"]["OPTIONS"]["bucket_name"] == "rounds-media"
    assert answer["default"]["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert answer["classes"] == ["storages.backends.s3.S3Storage", "S3Storage"]
    # Public uploads get plain URLs on the media domain; private ones stay private.
    assert answer["url"] == "https://media.example.org/avatars/a.webp"
    assert answer["private"]["OPTIONS"]["bucket_name"] == "rounds-private"
    assert answer["private"]["OPTIONS"]["querystring_auth"] is True
    assert answer["private"]["OPTIONS"]["custom_domain"] is None
    assert answer["private_acl"] == "private"


def test_without_a_bucket_uploads_stay_on_local_disk() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND'])"
    )
    result = _run(["-c", code], env={"DJANGO_SETTINGS_MODULE": "community.settings"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"
