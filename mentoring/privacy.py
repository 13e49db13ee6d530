"""The patient-privacy guard, as mentoring messages use it: a warning, never a block."""

from __future__ import annotations

from dataclasses import dataclass

from posts.phi import KIND_LABELS, find_phi


@dataclass(frozen=True)
class PrivacyFinding:
    kind: str
    label: str
    start: int
    end: int
    text: str


def find_privacy_findings(text: str) -> list[PrivacyFinding]:
    """Possible patient identifiers in `text`, labelled for the sender."""
    return [
        PrivacyFinding(
            kind=finding.kind,
            label=str(KIND_LABELS.get(finding.kind, finding.kind)),
            start=finding.start,
            end=finding.end,
            text=finding.text,
        )
        for finding in find_phi(text)
    ]
