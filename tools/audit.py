"""Check every installed package against known vulnerabilities (``make audit``).

pip-audit runs with ``--strict``, so a package it could not check fails the audit instead of
being listed and passed over. The advisories come from the first of these that answers:

1. PyPI's JSON API, pip-audit's default service;
2. OSV's API (api.osv.dev);
3. ``tools.osv_server``, started on a free loopback port, over the advisory file named by
   ``AUDIT_ADVISORIES_FILE`` (by default ``../shared/advisories/pypi-advisories.jsonl.gz``;
   a relative path is read from the repository root).

A public service counts as answering only when it returns advisories for a release known to
have some (Django 5.2), so a proxy that answers 404 or an empty body is passed over. With no
service answering and no advisory file, the audit fails.

The project's own editable install is not a dependency and is left out. pip-audit's
``--skip-editable`` cannot do that here: it reports the project as skipped, and ``--strict``
fails on any skipped package. So the packages are listed with ``pip list --exclude-editable``
and audited as pinned requirements, without pip installing anything.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.osv_server import load_advisories, running

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
ADVISORIES_VARIABLE = "AUDIT_ADVISORIES_FILE"
DEFAULT_ADVISORIES = "../shared/advisories/pypi-advisories.jsonl.gz"
PROBE_TIMEOUT_SECONDS = 10.0
# A release with published advisories: a service that knows none for it cannot audit.
PROBE_PACKAGE, PROBE_VERSION = "django", "5.2"
PYPI_PROBE_URL = f"https://pypi.org/pypi/{PROBE_PACKAGE}/{PROBE_VERSION}/json"
OSV_QUERY_URL = "https://api.osv.dev/v1/query"


class AuditError(Exception):
    """The audit could not be run; the message says why."""


@dataclass(frozen=True)
class Service:
    """A vulnerability service pip-audit can ask, and how to tell that it answers."""

    label: str
    pip_audit_args: tuple[str, ...]
    answers: Callable[[float], bool]


def pypi_answers(timeout: float, *, url: str = PYPI_PROBE_URL) -> bool:
    """Whether PyPI's JSON API lists the probe release's vulnerabilities."""
    body = _fetch_json(urllib.request.Request(url), timeout=timeout)
    return isinstance(body, dict) and bool(body.get("vulnerabilities"))


def osv_answers(timeout: float, *, url: str = OSV_QUERY_URL) -> bool:
    """Whether an OSV service at ``url`` returns the probe release's advisories."""
    query = {"package": {"name": PROBE_PACKAGE, "ecosystem": "PyPI"}, "version": PROBE_VERSION}
    request = urllib.request.Request(
        url,
        data=json.dumps(query).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    body = _fetch_json(request, timeout=timeout)
    return isinstance(body, dict) and bool(body.get("vulns"))


def _fetch_json(request: urllib.request.Request, *, timeout: float) -> object:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except (OSError, ValueError, http.client.HTTPException):
        # Refused, unresolvable, timed out, an HTTP error status or not JSON: not answering.
        return None


def public_services() -> tuple[Service, ...]:
    """The public services, in the order they are tried."""
    return (
        Service("PyPI", ("--vulnerability-service", "pypi"), pypi_answers),
        Service(
            "OSV",
            ("--vulnerability-service", "osv", "--osv-url", OSV_QUERY_URL),
            osv_answers,
        ),
    )


def advisories_path() -> Path:
    """The advisory file: ``AUDIT_ADVISORIES_FILE``, relative paths from the repository root."""
    path = REPOSITORY_ROOT / os.environ.get(ADVISORIES_VARIABLE, DEFAULT_ADVISORIES)
    return Path(os.path.normpath(path))


def installed_requirements(python: str) -> list[str]:
    """``name==version`` for every package installed for ``python``, editable ones left out."""
    # pip's --python lists another environment, even one without pip of its own.
    command = [sys.executable, "-m", "pip", "--python", python, "list", "--format=freeze"]
    command += ["--exclude-editable", "--disable-pip-version-check"]
    listed = subprocess.run(command, capture_output=True, text=True, check=False)
    if listed.returncode != 0:
        raise AuditError(f"`pip list` failed for {python}:\n{listed.stderr.strip()}")
    return [line for line in listed.stdout.splitlines() if line.strip()]


def run_pip_audit(requirements: Sequence[str], service_args: Sequence[str]) -> int:
    """Run pip-audit on pinned requirements against one service; its exit status."""
    with tempfile.TemporaryDirectory(prefix="audit-") as directory:
        requirements_file = Path(directory) / "installed.txt"
        requirements_file.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements_file),
            "--no-deps",
            "--disable-pip",
            "--strict",
            "--progress-spinner",
            "off",
            "--aliases",
            "on",
            *service_args,
        ]
        # Warnings only nudge towards hashed requirement files, which this list is not
        # meant to be; errors and the report itself still print.
        environment = {"PIP_AUDIT_LOGLEVEL": "ERROR", **os.environ}
        return subprocess.run(command, env=environment, check=False).returncode


def audit(
    *,
    python: str,
    advisories: Path,
    services: Sequence[Service],
    probe_timeout: float = PROBE_TIMEOUT_SECONDS,
) -> int:
    """Audit the packages installed for ``python``; 0 only when every one was checked clean."""
    try:
        requirements = installed_requirements(python)
    except AuditError as error:
        print(f"Audit failed: {error}", file=sys.stderr)
        return 2
    for service in services:
        if service.answers(probe_timeout):
            print(
                f"Auditing {_packages(requirements)} of {python} against {service.label}",
                flush=True,
            )
            return run_pip_audit(requirements, service.pip_audit_args)
    unanswered = (
        f" ({' and '.join(service.label for service in services)} did not answer)"
        if services
        else ""
    )
    if not advisories.is_file():
        print(
            f"Audit failed: no advisory file at {advisories}{unanswered}. "
            f"Set {ADVISORIES_VARIABLE} to the file of OSV records.",
            file=sys.stderr,
        )
        return 2
    index = load_advisories(advisories)
    with running(index) as server:
        print(
            f"Auditing {_packages(requirements)} of {python} against the "
            f"{index.record_count} advisories of {advisories}{unanswered}",
            flush=True,
        )
        return run_pip_audit(
            requirements, ("--vulnerability-service", "osv", "--osv-url", server.query_url)
        )


def _packages(requirements: Sequence[str]) -> str:
    return f"{len(requirements)} package{'' if len(requirements) == 1 else 's'}"


def main(argv: Sequence[str] | None = None) -> int:
    """Audit an environment's installed packages; exit non-zero unless all were checked clean."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter whose installed packages are audited (default: this one)",
    )
    parser.add_argument(
        "--advisories",
        type=Path,
        default=None,
        help=f"OSV records, JSON lines (default: ${ADVISORIES_VARIABLE} or {DEFAULT_ADVISORIES})",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="skip the public services and audit against the advisory file",
    )
    args = parser.parse_args(argv)
    return audit(
        python=args.python,
        advisories=args.advisories or advisories_path(),
        services=() if args.offline else public_services(),
    )


if __name__ == "__main__":
    sys.exit(main())
