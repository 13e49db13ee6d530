"""Records pasted into a post as text: a DICOM header's fields and a photo's file name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from privacy.phi.detectors.common import Doc, _finding
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.patterns.international import (
    CARET_NAME_RE,
    DICOM_FIELD_RE,
    FILE_NAME_DATE_RE,
    FILE_NAME_PART_RE,
    FILE_NAME_RE,
    FORM_NAME_OWNERS,
    FORM_NAME_RE,
)
from privacy.phi.vocabulary import ENGLISH_WORDS, GIVEN, NAME_FLAGS, NOT_NAME, SURNAME

# Where a file's name may end: one pass from each full stop (ten ``in`` tests over the text
# took ten times as long), with every extension ``FILE_NAME_RE`` reads.
_FILE_EXTENSION_RE: Final = re.compile(r"\.(?:jp|png|hei|dcm|pdf|tif|gif|webp|bmp|doc|mp4|mov)")
# Words of a file's name that are no one's name.
_FILE_WORDS = frozenset(
    """img image photo pic scan dob back front left right mole lesion rash scalp face chest
    melanoma followup follow up before after wound burn derm xray ct mri us copy final edited
    crop""".split()
)


def _detect_records(doc: Doc) -> Iterator[Finding]:
    """Fields of a DICOM header pasted as text ("PatientName: NAKAMURA^HIROSHI", "StudyDate:
    20240219"), caret names anywhere, and the names and dates in a photo's file name
    ("IMG_okafor_chidi_0611.jpg", "melanoma_Kowalczyk_Anna_DOB_03-09-1947.png")."""
    text, low = doc.text, doc.low
    if "Patient" in text or "Date" in text or "Accession" in text:
        for m in DICOM_FIELD_RE.finditer(text):
            field, value = m.group("field"), m.group("value")
            if field.startswith("Patient") and "Name" in field:
                kind = "name"
            elif "Date" in field:
                kind = "date"
            elif "Age" in field:
                kind = "age"
                if not (digits := value.rstrip("Yy").lstrip("0")).isdigit() or int(digits) < 90:
                    continue
            else:
                kind = "other_id"
            if kind == "name" or any(c.isdigit() for c in value):
                yield _finding(text, kind, *m.span("value"), HIGH)
    yield from _names_in_form_fields(doc)
    if "^" in text:
        for m in CARET_NAME_RE.finditer(text):
            yield _finding(text, "name", *m.span(), HIGH)
    if not _FILE_EXTENSION_RE.search(low):
        return
    for m in FILE_NAME_RE.finditer(text):
        stem, base = m.group("stem"), m.start("stem")
        yield from _names_in_file_name(text, stem, base)
        for date in FILE_NAME_DATE_RE.finditer(stem):
            confidence = HIGH if "dob" in stem.lower() else LOW
            yield _finding(text, "date", base + date.start(), base + date.end(), confidence)


def _names_in_file_name(text: str, stem: str, base: int) -> Iterator[Finding]:
    """Two or more name parts in a row, one of them listed: "okafor_chidi", "Tran_Minh"."""
    run: list[tuple[int, int]] = []
    listed = False
    for part in [*FILE_NAME_PART_RE.finditer(stem), None]:
        word = part.group().lower() if part else ""
        bits = NAME_FLAGS.get(word, 0)
        if (
            part
            and word not in _FILE_WORDS
            and (bits & (GIVEN | SURNAME) or (word not in ENGLISH_WORDS and len(word) > 2))
        ):
            run.append(part.span())
            listed = listed or bool(bits & (GIVEN | SURNAME))
            continue
        if len(run) >= 2 and listed:
            yield _finding(text, "name", base + run[0][0], base + run[-1][1], HIGH)
        run, listed = [], False


def _names_in_form_fields(doc: Doc) -> Iterator[Finding]:
    """The value of a form's name field ("Name: HOLLOWAY, DERRICK J", "Patient name: derrick
    holloway"), when the label opens a line or a field and a word of the value is a listed
    name ("Name: Osteomyelitis protocol" names no one)."""
    text, low = doc.text, doc.low
    for pos in doc.at("form_name"):
        m = FORM_NAME_RE.match(text, pos)
        if m is None:
            continue
        line_start = low.rfind("\n", 0, pos) + 1
        before = low[line_start:pos].rstrip()
        owner = before.rpartition(" ")[2].strip("(*-•")
        if not (
            not before.strip("(*-•| \t")
            or text[pos - 2 : pos] == "  "
            or owner in FORM_NAME_OWNERS
            or before.endswith("|")
        ):
            continue
        words = [w.strip(",.'’") for w in m.group("name").split()]
        if any(w.capitalize() in NOT_NAME for w in words if len(w) > 1):
            continue
        if any(len(w) > 1 and NAME_FLAGS.get(w.lower(), 0) & (GIVEN | SURNAME) for w in words):
            yield _finding(text, "name", *m.span("name"), HIGH)
