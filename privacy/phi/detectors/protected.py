"""Protected spans: DOIs, ORCIDs, trial ids, mentions and citations are never reported."""

from __future__ import annotations

import re

from privacy.phi.detectors.common import Doc, Span, _finding
from privacy.phi.detectors.names import patient_handle
from privacy.phi.kinds import LOW, Finding
from privacy.phi.patterns.context import (
    SIGNATURE_BEFORE_RE,
    STAFF_NAME_AFTER_RE,
    STAFF_ROLE_QUALIFIERS,
    TITLED_NAME_THEN_JOB_RE,
    WARD_SISTER_WORDS,
)
from privacy.phi.patterns.keywords import NPI_RE, PMID_RE
from privacy.phi.patterns.shapes import DOI_RE, MENTION_RE, ORCID_RE, ORCID_TRIGGER_RE, TRIAL_ID_RE


def protected_spans(doc: Doc) -> tuple[list[Span], list[Finding]]:
    """Spans that look like identifiers but are not about a patient.

    DOIs, ORCIDs, PubMed and trial IDs, @mentions, colleagues named after their job and
    the author's NPI in a sign-off. Also returns NPIs outside a sign-off, which are reported as
    ``other_id`` because they identify the treating clinician.
    """
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    spans: list[Span] = [m.span() for m in DOI_RE.finditer(text)]
    if ORCID_TRIGGER_RE.search(text):
        spans += [m.span() for m in ORCID_RE.finditer(text)]
    if "NCT" in text or "ISRCTN" in text or "EudraCT" in text:
        spans += [m.span() for m in TRIAL_ID_RE.finditer(text)]
    handles: list[Finding] = []
    for m in MENTION_RE.finditer(text):
        if patient_handle(text, *m.span()):
            handles.append(_finding(text, "name", *m.span(), LOW))
        else:
            spans.append(m.span())
    for pos in doc.at("pmid"):
        if m := PMID_RE.match(low, pos):
            spans.append(m.span())
    for pos in doc.at("staff_role"):
        if m := STAFF_NAME_AFTER_RE.match(text, pos):
            if low.startswith("sister", pos) and not _sister_is_a_nurse(text, low, pos):
                continue
            if (job := low[pos : pos + 12].split()[0].rstrip(":(")) in STAFF_ROLE_QUALIFIERS and (
                low[low.rfind(" ", 0, max(0, pos - 1)) + 1 : pos].strip()
                not in STAFF_ROLE_QUALIFIERS[job]
            ):
                continue  # "our med student Aisha", but a patient may be "a student, Kwame"
            spans.append(m.span("name"))
    for pos in doc.at("title"):
        if m := TITLED_NAME_THEN_JOB_RE.match(text, pos):
            spans.append(m.span("name"))
    npi_findings: list[Finding] = []
    for pos in doc.at("npi"):
        m = NPI_RE.match(low, pos)
        if m is None:
            continue
        # Look back to the start of the line 100 characters earlier, so a
        # sign-off on the previous line ("Dr. X, MD\nNPI ...") counts.
        line_start = text.rfind("\n", 0, max(0, pos - 100)) + 1
        if SIGNATURE_BEFORE_RE.search("\n" + text[line_start:pos]):
            spans.append(m.span())
        else:
            npi_findings.append(_finding(text, "other_id", *m.span(1), LOW))
    return spans, npi_findings + handles


def _sister_is_a_nurse(text: str, low: str, pos: int) -> bool:
    """ "our ward sister Margaret", "thank you Sister Mary": a nurse; "her sister Margaret",
    "Sister: Becca", "Sister Fatmata on her way" (opening a sentence): a relative, or unknown."""
    if low[low.rfind(" ", 0, max(0, pos - 1)) + 1 : pos].strip() in WARD_SISTER_WORDS:
        return True
    before = text[max(0, pos - 12) : pos].rstrip()
    return (
        text.startswith("Sister ", pos)
        and bool(before)
        and (before[-1].isalpha() or before[-1] == ",")
        and not before.lower().endswith(("her", "his", "their", "my", "your", "our", "and"))
    )
