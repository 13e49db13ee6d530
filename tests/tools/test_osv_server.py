"""The local OSV service: which releases an advisory covers, and what pip-audit is answered."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from tests.tools.advisories import advisory, write_advisories
from tools.osv_server import AdvisoryIndex, OsvServer, load_advisories, running


def _index(tmp_path: Path, *advisories: dict[str, Any]) -> AdvisoryIndex:
    return load_advisories(write_advisories(tmp_path / "advisories.jsonl.gz", advisories))


def _ids(index: AdvisoryIndex, name: str, version: str) -> list[str]:
    return [advisory["id"] for advisory in index.find(name=name, version=Version(version))]


def test_it_covers_releases_from_introduced_up_to_but_not_including_fixed(
    tmp_path: Path,
) -> None:
    index = _index(
        tmp_path, advisory("TEST-1", "parser", events=[{"introduced": "1.0"}, {"fixed": "2.0"}])
    )
    assert _ids(index, "parser", "0.9") == []
    assert _ids(index, "parser", "1.0") == ["TEST-1"]
    assert _ids(index, "parser", "1.9.9") == ["TEST-1"]
    assert _ids(index, "parser", "2.0rc1") == ["TEST-1"]
    assert _ids(index, "parser", "2.0") == []
    assert _ids(index, "parser", "2.1") == []


def test_introduced_zero_covers_every_release_before_the_fix(tmp_path: Path) -> None:
    index = _index(
        tmp_path, advisory("TEST-1", "parser", events=[{"introduced": "0"}, {"fixed": "1.2"}])
    )
    assert _ids(index, "parser", "0.dev1") == ["TEST-1"]
    assert _ids(index, "parser", "0.1") == ["TEST-1"]
    assert _ids(index, "parser", "1.1.9") == ["TEST-1"]
    assert _ids(index, "parser", "1.2") == []


def test_a_range_without_an_end_covers_every_later_release(tmp_path: Path) -> None:
    index = _index(tmp_path, advisory("TEST-1", "parser", events=[{"introduced": "3.1"}]))
    assert _ids(index, "parser", "3.0") == []
    assert _ids(index, "parser", "3.1") == ["TEST-1"]
    assert _ids(index, "parser", "99") == ["TEST-1"]


def test_last_affected_is_itself_covered_and_the_next_release_is_not(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        advisory("TEST-1", "parser", events=[{"introduced": "1.0"}, {"last_affected": "1.4"}]),
    )
    assert _ids(index, "parser", "1.4") == ["TEST-1"]
    assert _ids(index, "parser", "1.4.post1") == []
    assert _ids(index, "parser", "1.5") == []


def test_events_in_any_order_make_several_ranges(tmp_path: Path) -> None:
    # The order of urllib3's PYSEC-2023-192: the 2.x range first, then the 1.x one.
    events = [
        {"introduced": "2.0.0"},
        {"fixed": "2.0.6"},
        {"introduced": "0"},
        {"fixed": "1.26.17"},
    ]
    index = _index(tmp_path, advisory("TEST-1", "http-client", events=events))
    assert _ids(index, "http-client", "1.26.16") == ["TEST-1"]
    assert _ids(index, "http-client", "1.26.17") == []
    assert _ids(index, "http-client", "1.27") == []
    assert _ids(index, "http-client", "2.0.5") == ["TEST-1"]
    assert _ids(index, "http-client", "2.0.6") == []


def test_semver_ranges_are_read_like_ecosystem_ones(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        advisory(
            "TEST-1",
            "parser",
            range_type="SEMVER",
            events=[{"introduced": "1.0.0"}, {"fixed": "1.3.0"}],
        ),
    )
    assert _ids(index, "parser", "1.2.0") == ["TEST-1"]
    assert _ids(index, "parser", "1.3.0") == []


def test_git_ranges_say_nothing_about_releases(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        advisory(
            "TEST-1", "parser", range_type="GIT", events=[{"introduced": "0"}, {"fixed": "a1b2c3"}]
        ),
    )
    assert _ids(index, "parser", "1.0") == []


def test_listed_versions_are_covered_as_pep_440_equals_them(tmp_path: Path) -> None:
    index = _index(tmp_path, advisory("TEST-1", "parser", versions=["1.2", "1.3", "trunk"]))
    assert _ids(index, "parser", "1.2") == ["TEST-1"]
    assert _ids(index, "parser", "1.2.0") == ["TEST-1"]
    assert _ids(index, "parser", "1.3") == ["TEST-1"]
    assert _ids(index, "parser", "1.2.1") == []


def test_a_bound_that_is_not_a_version_widens_the_range_instead_of_dropping_it(
    tmp_path: Path,
) -> None:
    index = _index(
        tmp_path,
        advisory("TEST-1", "parser", events=[{"introduced": "0"}, {"last_affected": "2.9.0-NA"}]),
        advisory("TEST-2", "parser", events=[{"introduced": "next"}, {"fixed": "3.0"}]),
    )
    assert _ids(index, "parser", "5.0") == ["TEST-1"]
    assert _ids(index, "parser", "0.1") == ["TEST-1", "TEST-2"]


def test_withdrawn_advisories_are_left_out(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        advisory(
            "TEST-1", "parser", events=[{"introduced": "0"}], withdrawn="2026-02-01T00:00:00Z"
        ),
        advisory("TEST-2", "parser", events=[{"introduced": "0"}]),
    )
    assert _ids(index, "parser", "1.0") == ["TEST-2"]
    assert index.record_count == 2


def test_package_names_are_compared_as_pep_503_normalises_them(tmp_path: Path) -> None:
    index = _index(tmp_path, advisory("TEST-1", "Zope_Interface.Extras", versions=["1.0"]))
    for spelling in ("zope-interface-extras", "ZOPE.INTERFACE_EXTRAS", "zope__interface--extras"):
        assert _ids(index, spelling, "1.0") == ["TEST-1"]


def test_unknown_packages_and_other_ecosystems_have_no_advisories(tmp_path: Path) -> None:
    index = _index(
        tmp_path,
        advisory("TEST-1", "parser", versions=["1.0"], ecosystem="npm"),
        advisory("TEST-2", "parser-extras", versions=["1.0"]),
    )
    assert _ids(index, "parser", "1.0") == []
    assert _ids(index, "unheard-of", "1.0") == []


def test_plain_and_gzipped_files_are_read_alike(tmp_path: Path) -> None:
    record = advisory("TEST-1", "parser", versions=["1.0"])
    plain = load_advisories(write_advisories(tmp_path / "advisories.jsonl", [record]))
    gzipped = load_advisories(write_advisories(tmp_path / "advisories.jsonl.gz", [record]))
    assert _ids(plain, "parser", "1.0") == _ids(gzipped, "parser", "1.0") == ["TEST-1"]


def test_a_line_that_is_not_json_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "advisories.jsonl"
    path.write_text(json.dumps(advisory("TEST-1", "parser")) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: not JSON"):
        load_advisories(path)


# --- HTTP


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OsvServer]:
    index = _index(
        tmp_path,
        advisory("TEST-1", "parser", events=[{"introduced": "1.0"}, {"fixed": "2.0"}]),
        advisory("TEST-2", "parser", versions=["1.5"]),
    )
    with running(index) as osv_server:
        yield osv_server


def _post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _query(name: str, version: str, ecosystem: str = "PyPI") -> bytes:
    return json.dumps(
        {"package": {"name": name, "ecosystem": ecosystem}, "version": version}
    ).encode()


def test_it_listens_on_a_free_loopback_port(server: OsvServer) -> None:
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    assert port > 0
    assert server.query_url == f"http://127.0.0.1:{port}/v1/query"


def test_a_query_answers_the_full_records_that_apply(server: OsvServer) -> None:
    status, body = _post(server.query_url, _query("Parser", "1.5"))
    assert status == 200
    assert [vuln["id"] for vuln in body["vulns"]] == ["TEST-1", "TEST-2"]
    assert body["vulns"][0]["affected"][0]["ranges"][0]["events"] == [
        {"introduced": "1.0"},
        {"fixed": "2.0"},
    ]


def test_a_release_without_advisories_gets_an_empty_object(server: OsvServer) -> None:
    assert _post(server.query_url, _query("parser", "2.0")) == (200, {})
    assert _post(server.query_url, _query("unheard-of", "1.0")) == (200, {})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "the body is not JSON"),
        (b"[]", "the query must be a JSON object"),
        (json.dumps({"version": "1.0"}).encode(), "package.name is required"),
        (_query("parser", "1.0", ecosystem="npm"), "only the PyPI ecosystem is served, not 'npm'"),
        (
            json.dumps({"package": {"name": "parser", "ecosystem": "PyPI"}}).encode(),
            "version is required",
        ),
        (_query("parser", "not-a-version"), "version 'not-a-version' is not a PEP 440 version"),
        (b"", "a JSON body of up to 64 KiB"),
        (b" " * (64 * 1024 + 1), "a JSON body of up to 64 KiB"),
    ],
)
def test_a_query_it_cannot_answer_gets_400_saying_why(
    server: OsvServer, body: bytes, message: str
) -> None:
    assert _post(server.query_url, body) == (400, {"message": message})


def test_other_paths_and_methods_are_refused(server: OsvServer) -> None:
    base = server.query_url.removesuffix("/v1/query")
    assert _post(f"{base}/v1/querybatch", _query("parser", "1.5")) == (
        404,
        {"message": "no such endpoint: /v1/querybatch"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.query_url, timeout=30)
    assert refused.value.code == 405


def test_it_runs_from_the_command_line_on_the_port_it_prints(tmp_path: Path) -> None:
    path = write_advisories(
        tmp_path / "advisories.jsonl.gz", [advisory("TEST-1", "parser", versions=["1.0"])]
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.osv_server", "--advisories", str(path)],
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        url, _ = first_line.split(" ", 1)
        assert url.startswith("http://127.0.0.1:")
        assert first_line.endswith(f"(records in {path}: 1)")
        status, body = _post(url, _query("parser", "1.0"))
        assert status == 200
        assert [vuln["id"] for vuln in body["vulns"]] == ["TEST-1"]
    finally:
        process.terminate()
        process.wait(timeout=60)
