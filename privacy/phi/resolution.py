"""Resolution: drop protected findings and keep the best of overlapping ones."""

from __future__ import annotations

from privacy.phi.detectors import CONF_RANK, KIND_RANK, Span
from privacy.phi.kinds import Finding


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
