"""Conventions of identifiers in image text that the text scanner, written for prose, does
not know: overlay names and labels, name lines of lists, banners and badges, local phone
numbers, wristband numbers."""

from __future__ import annotations

import re
from typing import Final

from privacy.images.base import PictureKind
from privacy.phi import HIGH, LOW, Finding
from privacy.phi.vocabulary import GIVEN, NAME_FLAGS, WORD

# Words that appear in capitals on radiographs and are not names.
_OVERLAY_WORDS: Final = frozenset(
    """
    ap pa lat lateral ll rl obl oblique supine erect upright prone portable port decub
    chest abdomen abd pelvis skull spine hand foot knee hip shoulder wrist ankle elbow
    left right l r bilat bilateral view views frontal axial coronal sagittal kv kvp mas ma
    mm cm sec ms wl ww w l c contrast pre post ct mr mri xr cr dx us nm pet series image
    im se ex exam study accession acc date time sex age dob id mrn male female m f yes no
    inspiration expiration standing sitting weight bearing ref physician dr md
    """.split()
)

_NOT_NAME_WORDS: Final = _OVERLAY_WORDS | frozenset(
    """
    hospital hosp medical med center centre clinic clinics health healthcare radiology imaging
    university univ institute general memorial st saint county regional community children
    childrens department dept emergency er ed icu ward unit room bed floor north south east
    west main campus the of and for
    """.split()
)
_WORDS_LINE: Final = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+){1,2}$")
_BARE_CODE: Final = re.compile(r"(?<![\w.:/\-])[A-Z]{0,4}-?\d{6,12}(?![\w.:/\-])")
_NAME_PART = r"[A-Z][A-Za-z'\-]{1,}"
# OCR often reads the caret as an asterisk, a tilde, or a quotation mark (not the plain
# apostrophe, which is part of names such as O'NEILL).
_CARET = '[\\^*~"\u201c\u201d\u2018\u2019`\u00b4]'
_CARET_NAME = re.compile(
    rf"\b{_NAME_PART}{_CARET}{_NAME_PART}(?:{_CARET}[A-Za-z'.\-]*)*"
    # In capitals, OCR may add a space beside a caret read as `^` or `*` (`KAPOOR* VIKRAM`),
    # but `Weight * Factor` in a dosing chart is no name.
    r"|\b[A-Z][A-Z'\-]+ ?[\^*] ?[A-Z][A-Z'\-]+(?: ?[\^*] ?[A-Z][A-Z'.\-]*)*"
)
_COMMA_NAME_LINE = re.compile(
    rf"^\s*(?P<value>(?P<last>{_NAME_PART}(?: {_NAME_PART}){{0,2}})\s*,\s*(?P<first>{_NAME_PART})"
    r"(?:\s+[A-Z]\.?)?)\s*$"
)
# Given names (the text scanner's list), to tell a name from other capitalised words.
# Given names that are not also ordinary words ("will", "grace"), from the scanner's lists.
_GIVEN_NAMES: Final = frozenset(
    name for name, bits in NAME_FLAGS.items() if bits & GIVEN and not bits & WORD
)
_CAPS = r"[A-Z][A-Z'\-]+"
# `NGUYEN, Thi` or `Nguyen, Thi` anywhere in a line (patient lists, banners).
_COMMA_NAME = re.compile(
    rf"(?<![\w,])(?P<value>(?P<last>{_CAPS}|[A-Z][a-z][A-Za-z'\-]+), "
    r"(?P<first>[A-Z][a-z][a-z'\-]+|[A-Z][A-Z'\-]+))(?![\w'\-])"
)
# `Thi NGUYEN`: a given name, then a surname in capitals.
_FIRST_CAPS_NAME = re.compile(
    r"(?<![\w'\-])(?P<value>(?P<first>[A-Z][a-z][a-z'\-]+) (?P<last>[A-Z]{2}[A-Z'\-]+))"
    r"(?![\w'\-])"
)
_CAPS_LINE = re.compile(rf"^{_CAPS}(?: {_CAPS}){{1,2}}$")
# An overlay line starting `SURNAME,` whose given names Tesseract could not read.
_SURNAME_FIRST = re.compile(rf"^(?P<last>{_CAPS}(?: {_CAPS}){{0,2}}),")
# A single capitalised token of ten or more letters: `LAST^FIRST` with the caret read
# as a letter (`SMITHAJOHN`).
_RUN_TOGETHER = re.compile(r"^[A-Z]{10,}$")
# A bare local phone number, `555-0142` or `867 5309`.
_LOCAL_PHONE = re.compile(r"(?<![\w/.\-+:])(?P<value>[2-9]\d\d[-. ]\d{4})(?![\w/\-]|[.,]\d)")
_AFTER_QUANTITY = re.compile(
    r"\s*(?:mg|mcg|ug|g|kg|ml|l|mmol|mol|meq|units?|iu|u|%|h|hr|hrs|min|mins|days?|x)\b",
    re.IGNORECASE,
)
_LABELLED_NAME = re.compile(
    r"\b(?:pt|pat|patient|name|patient\s+name|pt\s+name)\s*[:.]\s*"
    rf"(?P<value>{_NAME_PART}(?:\s*[,^]\s*{_NAME_PART}|\s+{_NAME_PART}){{0,3}})",
    re.IGNORECASE,
)
_ID_VALUE = r"(?P<value>[A-Z0-9][A-Z0-9\-/]{3,})"
_LABELLED_ID = re.compile(
    r"\b(?:mrn|mr\s*#|mr\s*no\.?|pid|pt\s*id|patient\s*id|id|hosp(?:ital)?\s*(?:#|no\.?)"
    rf"|record\s*(?:#|no\.?))\s*[:#.]?\s*{_ID_VALUE}",
    re.IGNORECASE,
)
_LABELLED_ACCESSION = re.compile(
    r"\b(?:acc(?:ession)?\s*(?:#|no\.?|num(?:ber)?)?|acc#)\s*[:#.]?\s*" + _ID_VALUE,
    re.IGNORECASE,
)
# A month's name or its abbreviation (not any three letters: `85 mAs 32` is no date).
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[A-Za-z]*"
_DATE_VALUE = (
    r"(?P<value>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}"
    rf"|\d{{1,2}}[ \-]?{_MONTH}[ \-,]*\d{{2,4}}|{_MONTH}\.? \d{{1,2}},? \d{{4}}"
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
)
_LABELLED_BIRTH = re.compile(
    r"\b(?:dob|d\.o\.b\.?|birth\s*date|date\s*of\s*birth|born|b\.?d\.?)\s*[:.]?\s*" + _DATE_VALUE,
    re.IGNORECASE,
)
_BARE_DATE = re.compile(r"(?<![\w/.\-])" + _DATE_VALUE + r"(?![\w/\-])")


def _overlay_findings(line: str, offset: int, *, kind: PictureKind, clear: bool) -> list[Finding]:
    """Findings for the conventions of text burned into medical images. `clear` says that
    Tesseract was sure of every word: the rules for unlabelled codes and names need that,
    because misread texture also comes out as short capitalised words and digits."""
    found: list[Finding] = []
    overlay = kind == "radiograph"

    def add(what: str, match: re.Match[str], confidence: str, group: int | str = "value") -> None:
        start, end = match.span(group)
        found.append(Finding(what, offset + start, offset + end, match.group(group), confidence))

    for match in _CARET_NAME.finditer(line):
        add("name", match, HIGH, group=0)
    comma = _COMMA_NAME_LINE.match(line)
    if comma and not {*comma["last"].lower().split(), comma["first"].lower()} & _OVERLAY_WORDS:
        upper = comma["last"].isupper() and comma["first"].isupper()
        add("name", comma, HIGH if upper or overlay else LOW)
    found.extend(_name_findings(line, offset, overlay=overlay))
    for match in _LABELLED_NAME.finditer(line):
        words = re.findall(r"[A-Za-z'\-]+", match["value"])
        if not {word.lower() for word in words} <= _OVERLAY_WORDS:
            add("name", match, HIGH)
    for match in _LABELLED_ID.finditer(line):
        if any(character.isdigit() for character in match["value"]):
            add("mrn", match, HIGH)
    for match in _LABELLED_ACCESSION.finditer(line):
        if any(character.isdigit() for character in match["value"]):
            add("other_id", match, HIGH)
    for match in _LABELLED_BIRTH.finditer(line):
        add("date", match, HIGH)
    if overlay:
        # In an overlay, a date is the study date or the birth date: both identify.
        dates = list(_BARE_DATE.finditer(line))
        for match in dates:
            add("date", match, LOW)
    if overlay and clear:
        # A bare long code is a record or accession number more often than not.
        for match in _BARE_CODE.finditer(line):
            if not any(date.start() <= match.start() < date.end() for date in dates):
                add("other_id", match, LOW, group=0)
        # A line of two or three words and nothing else, none of them an overlay term or part
        # of an institution's name, is most likely the patient's name written FIRST LAST.
        words = line.split()
        if (
            _WORDS_LINE.match(line)
            and 2 <= len(words) <= 3
            and not {word.lower().strip(".") for word in words} & _NOT_NAME_WORDS
        ):
            found.append(Finding("name", offset, offset + len(line), line, LOW))
    if not overlay:
        for match in _LOCAL_PHONE.finditer(line):
            low, high = match["value"][:3], match["value"][-4:]
            if _AFTER_QUANTITY.match(line, match.end()) or (
                low.endswith("0") and high.endswith("0")
            ):
                continue  # a range of doses or values, not a phone number
            add("phone", match, LOW)
    if kind == "photo" and clear:
        # On a wristband or next to a barcode, a bare long number is a record number.
        for match in _BARE_CODE.finditer(line):
            add("mrn", match, LOW, group=0)
    return found


def _not_name(*words: str) -> bool:
    return any(word.lower().strip(".'") in _NOT_NAME_WORDS for word in words)


def _name_findings(line: str, offset: int, *, overlay: bool) -> list[Finding]:
    """Names written the ways lists, banners, badges and overlays write them, beyond what
    the text scanner (written for prose) finds: all low findings."""
    found = []

    def add(start: int, end: int) -> None:
        found.append(Finding("name", offset + start, offset + end, line[start:end], LOW))

    for match in _COMMA_NAME.finditer(line):
        last, first = match["last"], match["first"]
        if _not_name(*last.split(), first):
            continue
        if (last.isupper() and len(last) >= 2) or first.lower() in _GIVEN_NAMES:
            add(*match.span("value"))
    for match in _FIRST_CAPS_NAME.finditer(line):
        if match["first"].lower() in _GIVEN_NAMES and not _not_name(match["last"]):
            add(*match.span("value"))
    stripped = line.strip()
    words = stripped.split()
    if (
        _CAPS_LINE.match(stripped)
        and not _not_name(*words)
        and (
            any(word.lower() in _GIVEN_NAMES for word in words)
            # Names missing from the list: no word of the line is common English.
            or all(len(word) >= 3 and _rare(word) for word in words)
        )
    ):
        add(0, len(line))
    if overlay:
        surname = _SURNAME_FIRST.match(line)
        if surname and not _not_name(*surname["last"].split()):
            add(0, len(line))
        if _RUN_TOGETHER.match(stripped) and not _is_word(stripped):
            add(0, len(line))
    return found


def _rare(word: str) -> bool:
    """Less common in English than about once in a million words (wordfreq's Zipf scale
    under 3): most surnames and many given names, few words of signs and labels."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en") < _RARE_ZIPF


_RARE_ZIPF: Final = 3.0


def _is_word(token: str) -> bool:
    """A word of English (wordfreq's list), as opposed to a name or run-together names."""
    from wordfreq import zipf_frequency

    return zipf_frequency(token.lower(), "en") > 0
