"""`make audit`: the service it picks, and that it fails whenever a package is not checked clean."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import venv
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest

from tests.tools.advisories import advisory, write_advisories
from tools.audit import (
    ADVISORIES_VARIABLE,
    REPOSITORY_ROOT,
    Service,
    advisories_path,
    audit,
    installed_requirements,
    main,
    osv_answers,
    pypi_answers,
    run_pip_audit,
)
from tools.osv_server import OsvServer, load_advisories, running

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
# The probe release every answering service knows advisories for.
PROBE_ADVISORY = advisory(
    "TEST-DJANGO", "Django", events=[{"introduced": "5.2"}, {"fixed": "5.2.1"}]
)


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/query"


def _unreachable(label: str) -> Service:
    url = _closed_port_url()
    return Service(
        label, ("--vulnerability-service", "osv", "--osv-url", url), partial(osv_answers, url=url)
    )


@pytest.fixture
def fake_osv(tmp_path: Path) -> Iterator[OsvServer]:
    """An OSV-compatible service that knows the probe release and calls every pytest vulnerable."""
    path = write_advisories(
        tmp_path / "fake-osv.jsonl",
        [PROBE_ADVISORY, advisory("TEST-PYTEST", "pytest", events=[{"introduced": "0"}])],
    )
    with running(load_advisories(path)) as server:
        yield server


# --- Which service answers


def test_an_osv_service_answers_when_it_knows_the_probe_release(
    tmp_path: Path, fake_osv: OsvServer
) -> None:
    assert osv_answers(30, url=fake_osv.query_url) is True
    with running(load_advisories(write_advisories(tmp_path / "empty.jsonl", []))) as knows_nothing:
        assert osv_answers(30, url=knows_nothing.query_url) is False
    assert osv_answers(30, url=_closed_port_url()) is False


class _PypiLike(BaseHTTPRequestHandler):
    answers: dict[str, Any] = {}

    def do_GET(self) -> None:
        body = self.answers.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        if body is not None:
            self.wfile.write(json.dumps(body).encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_pypi_answers_only_when_its_json_api_lists_the_probe_release_vulnerabilities() -> None:
    _PypiLike.answers = {
        "/pypi/django/5.2/json": {"info": {}, "vulnerabilities": [{"id": "PYSEC-X"}]},
        "/pypi/empty/1.0/json": {"info": {}, "vulnerabilities": []},
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PypiLike)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert pypi_answers(30, url=f"{base}/pypi/django/5.2/json") is True
        assert pypi_answers(30, url=f"{base}/pypi/empty/1.0/json") is False
        assert pypi_answers(30, url=f"{base}/pypi/django/5.2.0/json") is False  # 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_first_public_service_that_answers_is_used(
    tmp_path: Path, fake_osv: OsvServer, capfd: pytest.CaptureFixture[str]
) -> None:
    answering = Service(
        "Test OSV",
        ("--vulnerability-service", "osv", "--osv-url", fake_osv.query_url),
        partial(osv_answers, url=fake_osv.query_url),
    )
    local_file = write_advisories(tmp_path / "local.jsonl", [])
    status = audit(
        python=sys.executable, advisories=local_file, services=[_unreachable("Down"), answering]
    )
    output = capfd.readouterr()
    assert status == 1
    assert f"packages of {sys.executable} against Test OSV\n" in output.out
    assert re.search(r"^pytest +\S+ +TEST-PYTEST", output.out, re.MULTILINE)


def test_without_an_answering_service_the_advisory_file_is_used(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    local_file = write_advisories(
        tmp_path / "local.jsonl.gz",
        [advisory("TEST-LOCAL", "pytest", events=[{"introduced": "0"}])],
    )
    status = audit(python=sys.executable, advisories=local_file, services=[_unreachable("Down")])
    output = capfd.readouterr()
    assert status == 1
    assert f"against the 1 advisories of {local_file} (Down did not answer)" in output.out
    assert re.search(r"^pytest +\S+ +TEST-LOCAL", output.out, re.MULTILINE)


def test_it_passes_when_every_package_was_checked_and_none_is_affected(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    local_file = write_advisories(
        tmp_path / "local.jsonl", [advisory("TEST-1", "unheard-of", versions=["1.0"])]
    )
    assert audit(python=sys.executable, advisories=local_file, services=[]) == 0
    assert "No known vulnerabilities found" in capfd.readouterr().err


# --- Failing loudly


def test_no_answering_service_and_no_advisory_file_fails(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.jsonl.gz"
    status = audit(
        python=sys.executable,
        advisories=missing,
        services=[_unreachable("PyPI"), _unreachable("OSV")],
    )
    assert status == 2
    assert capfd.readouterr().err == (
        f"Audit failed: no advisory file at {missing} (PyPI and OSV did not answer). "
        f"Set {ADVISORIES_VARIABLE} to the file of OSV records.\n"
    )


def test_offline_without_the_advisory_file_fails(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.jsonl.gz"
    assert main(["--offline", "--advisories", str(missing)]) == 2
    assert f"Audit failed: no advisory file at {missing}." in capfd.readouterr().err


def test_an_unreachable_advisory_service_fails_the_audit(capfd: pytest.CaptureFixture[str]) -> None:
    status = run_pip_audit(
        ["six==1.17.0"], ("--vulnerability-service", "osv", "--osv-url", _closed_port_url())
    )
    assert status != 0
    assert "Connection refused" in capfd.readouterr().err


def test_a_package_that_cannot_be_checked_fails_the_audit(
    fake_osv: OsvServer, capfd: pytest.CaptureFixture[str]
) -> None:
    # pip-audit can only skip a package installed from a URL; --strict turns that into a failure.
    status = run_pip_audit(
        ["parser @ https://example.org/parser-1.0.tar.gz"],
        ("--vulnerability-service", "osv", "--osv-url", fake_osv.query_url),
    )
    assert status == 1
    assert "parser: URL requirements cannot be pinned to a specific package version" in (
        capfd.readouterr().err
    )


def test_an_interpreter_that_cannot_be_listed_fails_the_audit(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert audit(python=str(tmp_path / "no-python"), advisories=tmp_path, services=[]) == 2
    assert f"Audit failed: `pip list` failed for {tmp_path / 'no-python'}" in capfd.readouterr().err


# --- What is audited, and where the file is


def test_the_advisory_file_defaults_to_shared_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ADVISORIES_VARIABLE, raising=False)
    assert (
        advisories_path() == REPOSITORY_ROOT.parent / "shared/advisories/pypi-advisories.jsonl.gz"
    )
    monkeypatch.setenv(ADVISORIES_VARIABLE, "elsewhere/advisories.jsonl.gz")
    assert advisories_path() == REPOSITORY_ROOT / "elsewhere/advisories.jsonl.gz"
    monkeypatch.setenv(ADVISORIES_VARIABLE, "/srv/advisories.jsonl.gz")
    assert advisories_path() == Path("/srv/advisories.jsonl.gz")


def _make_environment(path: Path) -> Path:
    venv.create(path, with_pip=False)
    return path / "bin" / "python"


def _pretend_editable_install(python: Path, name: str, version: str, source: Path) -> None:
    """The record pip keeps of `pip install -e` (PEP 610), without building anything."""
    (site_packages,) = python.parent.parent.glob("lib/python*/site-packages")
    dist_info = site_packages / f"{name}-{version}.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (dist_info / "INSTALLER").write_text("pip\n", encoding="utf-8")
    (dist_info / "RECORD").write_text("", encoding="utf-8")
    (dist_info / "direct_url.json").write_text(
        json.dumps({"url": source.as_uri(), "dir_info": {"editable": True}}), encoding="utf-8"
    )


def test_editable_installs_are_left_out_of_the_list(tmp_path: Path) -> None:
    python = _make_environment(tmp_path / "env")
    _pretend_editable_install(python, "rounds", "0.1.0", tmp_path)
    assert installed_requirements(str(python)) == []


def _run_make_audit_command(python: Path, advisories: Path) -> subprocess.CompletedProcess[str]:
    """`make audit`'s own command (public services first), pointed at another environment."""
    return subprocess.run(
        [sys.executable, "-m", "tools.audit", "--python", str(python)],
        cwd=REPOSITORY_ROOT,
        env={**os.environ, ADVISORIES_VARIABLE: str(advisories)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_a_known_vulnerable_release_fails_the_audit_and_is_named(tmp_path: Path) -> None:
    advisories = advisories_path()
    if not advisories.is_file():
        reason = f"no advisory file at {advisories} (set {ADVISORIES_VARIABLE})"
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    python = _make_environment(tmp_path / "env")
    _pretend_editable_install(python, "rounds", "0.1.0", tmp_path)

    clean = _run_make_audit_command(python, advisories)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"Auditing 0 packages of {python}" in clean.stdout

    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps"]
        + ["--disable-pip-version-check", "urllib3==1.26.4"],
        check=True,
        timeout=600,
    )
    vulnerable = _run_make_audit_command(python, advisories)
    assert vulnerable.returncode == 1, vulnerable.stdout + vulnerable.stderr
    assert f"Auditing 1 package of {python}" in vulnerable.stdout
    # CVE-2021-33503, fixed in 1.26.5: the advisory's id, its fix and its aliases.
    assert re.search(
        r"^urllib3 +1\.26\.4 +PYSEC-2021-108 +1\.26\.5 +.*CVE-2021-33503",
        vulnerable.stdout,
        re.MULTILINE,
    ), vulnerable.stdout
    assert "Found" in vulnerable.stderr
