"""A small OSV-compatible vulnerability service over a file of OSV records.

``pip-audit -s osv --osv-url URL`` sends one ``POST`` per installed package to ``URL``
(``/v1/query``) with ``{"package": {"name": ..., "ecosystem": "PyPI"}, "version": ...}`` and
reads ``{"vulns": [record, ...]}`` back, or ``{}`` when nothing is known. It asks nothing
else (no ``/v1/querybatch``), so this service answers exactly that.

The records are those of the Python Packaging Advisory Database, one JSON object per line,
optionally gzipped. A record applies to a release when one of its ``affected`` entries names
the package (compared as PEP 503 normalised names) and either lists the version in
``versions`` or holds it in an ``ECOSYSTEM`` or ``SEMVER`` range; versions are ordered as
``packaging.version`` orders them. Withdrawn records are left out.

Only the standard library and ``packaging`` (which pip-audit itself needs) are used, so the
service runs wherever the audit runs, without Django or the project's settings.

Run it by hand::

    python -m tools.osv_server --advisories ../shared/advisories/pypi-advisories.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ECOSYSTEM = "PyPI"
QUERY_PATH = "/v1/query"
# A query is a package name and a version; anything this large is not one.
MAX_BODY_BYTES = 64 * 1024

Advisory = Mapping[str, Any]

# Ranges whose events are package versions. GIT ranges hold commit hashes, which say
# nothing about an installed release.
_VERSION_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})
_FIRST_RELEASE = Version("0")


@dataclass(frozen=True)
class AdvisoryIndex:
    """Advisories grouped by the normalised names of the packages they affect."""

    by_package: Mapping[str, tuple[Advisory, ...]]
    record_count: int

    def find(self, *, name: str, version: Version) -> list[Advisory]:
        """The advisories that apply to this release of the package, by id."""
        package = canonicalize_name(name)
        found = [
            advisory
            for advisory in self.by_package.get(package, ())
            if any(
                is_affected(affected, version)
                for affected in advisory["affected"]
                if _names_package(affected, package)
            )
        ]
        return sorted(found, key=lambda advisory: str(advisory["id"]))


def load_advisories(path: Path) -> AdvisoryIndex:
    """Read OSV records, one JSON object a line (gzipped when the name ends in .gz)."""
    opener = gzip.open if path.suffix == ".gz" else open
    by_package: dict[str, list[Advisory]] = {}
    record_count = 0
    with opener(path, "rt", encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                advisory = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}, line {line_number}: not JSON ({error})") from error
            record_count += 1
            if advisory.get("withdrawn"):
                continue
            packages = {
                canonicalize_name(affected["package"]["name"])
                for affected in advisory.get("affected", [])
                if affected.get("package", {}).get("ecosystem") == ECOSYSTEM
            }
            for package in packages:
                by_package.setdefault(package, []).append(advisory)
    return AdvisoryIndex(
        by_package={package: tuple(found) for package, found in by_package.items()},
        record_count=record_count,
    )


def is_affected(affected: Mapping[str, Any], version: Version) -> bool:
    """Whether one ``affected`` entry of a record covers this version."""
    for listed in affected.get("versions", []):
        listed_version = _parse(listed)
        if listed_version is not None and listed_version == version:
            return True
    return any(
        _range_contains(version_range.get("events", []), version)
        for version_range in affected.get("ranges", [])
        if version_range.get("type") in _VERSION_RANGE_TYPES
    )


def _range_contains(events: Sequence[Mapping[str, str]], version: Version) -> bool:
    """Whether the version lies in the range: the last event at or below it is a start.

    Events may come in any order. A bound that is not a PEP 440 version cannot be ordered, so
    the range is read as widely as it could be: an unreadable start counts as the first
    release and an unreadable end as no end. An advisory is never dropped for its spelling.
    """
    # (bound, tie order, is a start); a bound of None is the first release ("0").
    reached: list[tuple[Version | None, int, bool]] = []
    for event in events:
        if "introduced" in event:
            start = None if event["introduced"] == "0" else _parse(event["introduced"])
            if start is None or start <= version:
                reached.append((start, 0, True))
        if "fixed" in event:
            fixed = _parse(event["fixed"])
            if fixed is not None and fixed <= version:
                reached.append((fixed, 1, False))
        if "last_affected" in event:
            last_affected = _parse(event["last_affected"])
            if last_affected is not None and last_affected < version:
                reached.append((last_affected, 1, False))
    if not reached:
        return False
    _, _, is_start = max(reached, key=_event_position)
    return is_start


def _event_position(event: tuple[Version | None, int, bool]) -> tuple[bool, Version, int]:
    # When a start and an end fall on the same version, the end comes last and wins.
    bound, tie_order, _ = event
    return (bound is not None, bound or _FIRST_RELEASE, tie_order)


def _parse(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _names_package(affected: Mapping[str, Any], package: str) -> bool:
    named = affected.get("package", {})
    return (
        named.get("ecosystem") == ECOSYSTEM and canonicalize_name(named.get("name", "")) == package
    )


class QueryError(ValueError):
    """A request this service cannot answer; the message is sent back with status 400."""


def answer_query(index: AdvisoryIndex, query: object) -> dict[str, Any]:
    """The body of the answer to one ``/v1/query`` request, as OSV shapes it."""
    if not isinstance(query, dict):
        raise QueryError("the query must be a JSON object")
    package = query.get("package")
    if not isinstance(package, dict) or not isinstance(package.get("name"), str):
        raise QueryError("package.name is required")
    if package.get("ecosystem") != ECOSYSTEM:
        ecosystem = package.get("ecosystem")
        raise QueryError(f"only the {ECOSYSTEM} ecosystem is served, not {ecosystem!r}")
    text = query.get("version")
    if not isinstance(text, str):
        raise QueryError("version is required")
    version = _parse(text)
    if version is None:
        raise QueryError(f"version {text!r} is not a PEP 440 version")
    vulns = index.find(name=package["name"], version=version)
    # OSV answers an empty object, not an empty list, when nothing is known.
    return {"vulns": vulns} if vulns else {}


class OsvServer(ThreadingHTTPServer):
    """An HTTP server holding the advisory index its handlers read."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], index: AdvisoryIndex) -> None:
        super().__init__(address, _QueryHandler)
        self.index = index

    @property
    def query_url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}{QUERY_PATH}"


class _QueryHandler(BaseHTTPRequestHandler):
    server: OsvServer

    def do_POST(self) -> None:
        if self.path != QUERY_PATH:
            self._send(HTTPStatus.NOT_FOUND, {"message": f"no such endpoint: {self.path}"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY_BYTES:
            self._send(HTTPStatus.BAD_REQUEST, {"message": "a JSON body of up to 64 KiB"})
            return
        try:
            query = json.loads(self.rfile.read(length))
            answer = answer_query(self.server.index, query)
        except json.JSONDecodeError:
            self._send(HTTPStatus.BAD_REQUEST, {"message": "the body is not JSON"})
            return
        except QueryError as error:
            self._send(HTTPStatus.BAD_REQUEST, {"message": str(error)})
            return
        self._send(HTTPStatus.OK, answer)

    def do_GET(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"message": f"POST {QUERY_PATH}"})

    def _send(self, status: HTTPStatus, body: Mapping[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        # One line per package audited would bury pip-audit's own report.
        pass


@contextmanager
def running(index: AdvisoryIndex, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[OsvServer]:
    """Serve the index on a free port of the loopback interface while the block runs."""
    server = OsvServer((host, port), index)
    thread = threading.Thread(target=server.serve_forever, name="osv-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve an advisory file until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--advisories", type=Path, required=True, help="OSV records, JSON lines")
    parser.add_argument("--port", type=int, default=0, help="0 (the default) picks a free one")
    args = parser.parse_args(argv)
    index = load_advisories(args.advisories)
    server = OsvServer(("127.0.0.1", args.port), index)
    print(f"{server.query_url} (records in {args.advisories}: {index.record_count})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
