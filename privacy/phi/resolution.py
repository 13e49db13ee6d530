"""Resolution: drop protected findings and keep the best of overlapping ones."""

from __future__ import annotations

from privacy.phi.detectors import CONF_RANK, KIND_RANK, Span
from privacy.phi.kinds import LOW, Finding
from privacy.phi.patterns.international import VOCATIVE_AFTER_RE, VOCATIVE_RE


def addresses_the_reader(text: str, finding: Finding) -> bool:
    """A low-confidence name greeted or thanked at the end of its clause ("You're welcome,
    Maya."): the member a reply answers, not a patient."""
    return (
        finding.kind == "name"
        and finding.confidence == LOW
        and VOCATIVE_RE.search(text, max(0, finding.start - 30), finding.start) is not None
        and VOCATIVE_AFTER_RE.match(text, finding.end) is not None
    )


def resolve(candidates: list[Finding], protected: list[Span], size: int) -> list[Finding]:
    """Drop protected findings, then keep the longest, most confident of overlaps.

    A byte per character marks what is taken, so each check is a C-level
    ``find`` and the whole step stays linear in the text and findings.
    """
    taken = bytearray(size)
    for start, end in protected:
        taken[start:end] = b"\x01" * (end - start)
    candidates = [f for f in candidates if f.kind == "url" or taken.find(1, f.start, f.end) == -1]
    taken = bytearray(size)
    candidates.sort(
        key=lambda f: (f.start - f.end, CONF_RANK[f.confidence], KIND_RANK[f.kind], f.start)
    )
    kept: list[Finding] = []
    for f in candidates:
        if taken.find(1, f.start, f.end) == -1:
            taken[f.start : f.end] = b"\x01" * (f.end - f.start)
            kept.append(f)
    kept.sort(key=lambda f: f.start)
    return kept


def drop_addressed_readers(text: str, findings: list[Finding]) -> list[Finding]:
    """Findings without the names that only address the reader (see `addresses_the_reader`)."""
    return [f for f in findings if not addresses_the_reader(text, f)]
