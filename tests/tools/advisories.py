"""Small OSV advisory files for the audit tests."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def advisory(
    advisory_id: str,
    name: str,
    *,
    events: Sequence[dict[str, str]] = (),
    range_type: str = "ECOSYSTEM",
    versions: Sequence[str] = (),
    ecosystem: str = "PyPI",
    withdrawn: str | None = None,
) -> dict[str, Any]:
    """An OSV record with one affected package."""
    affected: dict[str, Any] = {"package": {"ecosystem": ecosystem, "name": name}}
    if events:
        affected["ranges"] = [{"type": range_type, "events": list(events)}]
    if versions:
        affected["versions"] = list(versions)
    record: dict[str, Any] = {
        "id": advisory_id,
        "summary": f"{advisory_id} in {name}",
        "modified": "2026-01-01T00:00:00Z",
        "affected": [affected],
    }
    if withdrawn:
        record["withdrawn"] = withdrawn
    return record


def write_advisories(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    """One JSON record a line, gzipped when the name ends in .gz."""
    text = "".join(json.dumps(record) + "\n" for record in records)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
