"""Patient-privacy scanner for Rounds posts.

``find_phi(text)`` looks for text that could identify a patient, following the
text identifiers of the HIPAA Safe Harbor list (names, small geographic units,
person-linked dates and ages over 89, contact details, record and account
numbers, device and vehicle identifiers, URLs, IP addresses, biometrics and
other unique codes). It returns :class:`Finding` objects sorted by position;
the UI shows :data:`KIND_LABELS` and :data:`KIND_EXPLANATIONS` next to them.

The scanner is plain Python, regular expressions compiled at import time and a
small sequence model for names and towns (``model.py``), loaded once: no
download, no I/O per scan. Every rule is a cheap pattern plus a small context
check around the hit, because in clinical writing the same digits are a dose, a
lab value or a date depending on the words next to them.

Confidence is ``"high"`` when the context makes the identifier unambiguous
(a label such as "MRN", "DOB" or "Mr.", an SSN or email pattern) and
``"low"`` when the text might be innocent (a bare date, a bare five-digit
number, a capitalised word after "pt", any URL).

Speed: ``re`` scans fast only when a pattern starts with a literal, so the
scanner (1) finds all keyword cues in one pass over the lower-cased words and
then runs anchored ``match`` calls at those positions, (2) gives rare shapes a
literal-prefixed trigger (".", "-", "@") and runs the full pattern only when
the trigger fires, and (3) merges shapes that start at the same place
(numeric dates, digit groups, streets) into single passes, and (4) runs the
patterns that open with a digit over the text's digit shape, where every digit
is "0", a literal. A 5,000-character post takes about 2 ms (see
``bench/phi_bench.py`` and docs/phi.md).
"""

from __future__ import annotations

from privacy.phi.detectors import (
    DETECTORS,
    Doc,
    digit_shape,
    lower_aligned,
    protected_spans,
    scan_words,
)
from privacy.phi.kinds import HIGH, KIND_EXPLANATIONS, KIND_LABELS, LOW, Finding
from privacy.phi.resolution import (
    ages_after_names,
    drop_addressed_readers,
    initials_before_ages,
    repeated_names,
    resolve,
    whole_ages,
    whole_names,
    whole_places,
)

__all__ = ["HIGH", "KIND_EXPLANATIONS", "KIND_LABELS", "LOW", "Finding", "find_phi"]


def find_phi(text: str) -> list[Finding]:
    """Return suspected patient identifiers in ``text``, sorted by start offset."""
    if not text:
        return []
    low = lower_aligned(text)
    doc = Doc(text, low, scan_words(low), digit_shape(text))
    protected, candidates = protected_spans(doc)
    for detect in DETECTORS:
        candidates.extend(detect(doc))
    found = whole_places(
        text, drop_addressed_readers(text, resolve(candidates, protected, len(text)))
    )
    found = repeated_names(text, whole_names(text, found))
    return whole_ages(text, ages_after_names(text, initials_before_ages(text, found)))
