"""Detectors: each turns the scanned text into candidate findings of a few kinds."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

import phonenumbers

from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.model import model_names
from privacy.phi.patterns import (
    AFTER_NAME_PAIR_RE,
    AFTER_OBJECT,
    AGE_AFTER_INITIALS_RE,
    AGE_AFTER_NAME_RE,
    AGE_AFTER_TITLE_RE,
    AGE_AFTER_VERB_RE,
    AGE_AT_END_RE,
    AGE_AT_RE,
    AGE_BETWEEN_COMMAS_RE,
    AGE_BIRTHDAY_RE,
    AGE_CUE_RE,
    AGE_IN_BRACKETS_RE,
    AGE_NUMBER_WORD_RE,
    AGE_PARENS_RE,
    AGE_RE,
    AGE_SENTENCE_START_RE,
    AGE_VERB_BEFORE_RE,
    AGE_WORD_TAIL_RE,
    AGE_WORDS_RE,
    AND_I_AFTER_RE,
    ANY_PLACE_CUE_RE,
    APPOSITIVE_RE,
    BARE_DOMAIN_RE,
    BARE_ZIP_RE,
    BED_NAME_RE,
    BEFORE_UNKNOWN_NAME,
    BIOMETRIC_RE,
    CA_POSTCODE_RE,
    CAMEL_PART_RE,
    CAPITALISED_RE,
    CITY_AFTER_CUE_RE,
    CITY_BEFORE_STATE_RE,
    CITY_CUE_RE,
    CLINICIAN_HANDLE_RE,
    COLLEAGUE_AFTER_RE,
    COLLEAGUE_BEFORE_RE,
    CONTACT_NAME_RE,
    CORNER_RE,
    CREDENTIAL_AFTER_RE,
    CREDENTIAL_INITIALS,
    DATE_BEFORE_YEAR_RE,
    DATE_CUE_RE,
    DATE_LABEL_RE,
    DATE_ORDINAL_RE,
    DETERMINER_BEFORE,
    DIGIT_GROUPS_RE,
    DOI_RE,
    DOMAIN_CHARS,
    DOSE_AFTER_RE,
    EMAIL_DOMAIN_RE,
    EMAIL_LOCAL_CHARS,
    EPONYM_KINDS,
    EPONYM_PHRASE_AFTER_RE,
    EVENT_CUE_RE,
    EVENT_NOT_PERSON_RE,
    EVENT_YEAR_BEFORE_RE,
    FAMILY_RE,
    FOLLOWING_WORD_RE,
    FRACTION_CONTEXT_RE,
    HANDLE_SOCIAL_CUE_RE,
    HASH_ID_BEFORE_RE,
    HASH_ID_RE,
    HASHTAG_COMMON,
    HASHTAG_RE,
    HEALTH_CARD_RE,
    HOLIDAY_RE,
    HONORIFIC_RE,
    HOSP_NO_RE,
    HOSPITAL_SAINT_RE,
    HUMAN_VERB_AFTER_RE,
    ID_AFTER_LABEL_RE,
    ID_LABEL_RE,
    ID_LABELS,
    INITIALS_CUE_BEFORE_RE,
    INITIALS_RE,
    INITIALS_TRIGGER_RE,
    INTL_PHONE_RE,
    IPV4_RE,
    IPV4_TRIGGER_RE,
    IPV6_RE,
    IPV6_TRIGGER_RE,
    JARGON_SUFFIX_RE,
    LAB_BEFORE_RE,
    LAB_BEFORE_VERB_RE,
    LAB_WORD_END_RE,
    LABELLED_PHONE_RE,
    LAST_FOUR_SSN_RE,
    LIFE_ACTIVITY_BEFORE_RE,
    LIFE_EVENT_BEFORE_RE,
    LISTED_NAME_VERB_RE,
    LONG_CODE_RE,
    LOWER_MONTH_AFTER_DAY_RE,
    LOWER_MONTH_FIRST_RE,
    LOWER_MONTH_TAIL_RE,
    LOWER_NOT_SURNAME,
    LOWER_POSTCODE_RE,
    LOWER_SENTENCE_START_RE,
    LOWER_TITLE_RE,
    LOWER_WORD_RE,
    LOWER_WORD_START_RE,
    MEETING_TAG_RE,
    MENTION_RE,
    MONTH_DATE_RE,
    MORE_PLACE_EVENTS_RE,
    MOVE_BEFORE_RE,
    NAME_AFTER_CUE_RE,
    NAME_BEFORE_RE,
    NAME_CUE_RE,
    NAME_CUE_WORDS,
    NAME_PARTICLES,
    NAME_WORD_RE,
    NANP_RE,
    NEXT_TOKEN_RE,
    NEXT_WORD_RE,
    NHS_AFTER_CUE_RE,
    NOT_LOWER_NAME,
    NOT_PATIENT_AFTER_RE,
    NOT_PERSON_NAME_RE,
    NPI_RE,
    NUMERIC_DATE_RE,
    ORCID_RE,
    ORCID_TRIGGER_RE,
    ORDINAL_BEFORE_RE,
    ORDINAL_EVENT_BEFORE_RE,
    ORDINAL_NOT_DAY_RE,
    PAIRED_NAME_BEFORE_RE,
    PERSON_BEFORE_AGE,
    PERSON_BEFORE_COMMA_NAME_RE,
    PERSON_COMMA_NAME_RE,
    PERSON_NOUN_RE,
    PERSON_VERB_AFTER_RE,
    PHONE_CUE_RE,
    PLACE_AFTER_POSTCODE_RE,
    PLACE_AFTER_RE,
    PLACE_EVENT_RE,
    PLACE_PREPOSITIONS,
    PLACE_SUFFIX_RE,
    PMID_RE,
    PO_BOX_RE,
    POSTCODE_CUE_RE,
    POSTCODE_TRIGGER_RE,
    PT_LOWER_NAME_RE,
    RAMQ_RE,
    RANGE_IN_DATE_RE,
    REFERENCE_BEFORE,
    SIGN_OFF_BEFORE_RE,
    SIGNATURE_BEFORE_RE,
    SIMPLE_VERB_AFTER_RE,
    SSN_RE,
    SSN_TRIGGER_RE,
    STATE_BEFORE_RE,
    STATE_TAIL_RE,
    STREET_RE,
    STRONG_PLACE_CUE_RE,
    SUPPORT_WORDS,
    TATTOO_RE,
    TEMPERATURE_CUE_RE,
    TEN_DIGITS_RE,
    TLD_TRIGGER_RE,
    TO_SPACE,
    TOKEN_RE,
    TRIAL_ID_RE,
    TRIGGERS,
    UDI_RE,
    UK_POSTCODE_RE,
    UNIT_AFTER_RE,
    UPPERCASE_ONLY_LABELS,
    URL_RES,
    VERSION_BEFORE_RE,
    VIN_CHARS_RE,
    VITAL_WORD_RE,
    WEAK_PREPOSITIONS,
    YEAR_AFTER_PLACE_RE,
    ZIP_CUE_RE,
    ZIP_EXCLUDE_BEFORE_RE,
    ZIP_LABEL_RE,
)
from privacy.phi.vocabulary import (
    CA_PROVINCES,
    CREDENTIALS,
    ENGLISH_WORDS,
    EPONYM_FOLLOWERS,
    EPONYMS,
    FIRST_NAMES,
    GIVEN,
    NAME_FLAGS,
    NOT_NAME,
    PLACE_POPULATION,
    PLACE_WORDS,
    PUBLIC_FIGURES,
    STRONG,
    SURNAME,
    US_STATES,
    WORD,
)

# ---------------------------------------------------------------------------
# Scan state and helpers
# ---------------------------------------------------------------------------

Span = tuple[int, int]
# Cities this big name a region more than a neighbourhood ("a village near Lagos").
BIG_CITY: Final = 1_000_000
# A one-word name that is also a city this big needs a verb to be read as a person.
CITY_AS_NAME: Final = 100_000
# A town written in lower case must be at least this big ("in leeds", not "in commerce").
LOWER_CASE_TOWN: Final = 20_000
# The model's probability a listed name that is also a word ("Faith") needs.
WORD_NAME_THRESHOLD: Final = 0.85
# The word scan looks words up in the small trigger table only; names are
# looked up for capitalised words, words after a cue and words opening a
# sentence (see _person_positions), which keeps the big name table out of
# the per-word loop (it measured slower under load, when caches are cold).
WORD_RULES: Final = TRIGGERS
CONF_RANK: Final = {HIGH: 0, LOW: 1}
# Tie-break for equal spans: labelled, specific kinds before generic ones.
KIND_RANK: Final = {
    kind: rank
    for rank, kind in enumerate(
        "ssn mrn health_plan account licence vehicle device email ip url fax phone date age "
        "address zip name biometric other_id".split()
    )
}


@dataclass(slots=True)
class Doc:
    """The text, its aligned lower-case copy, and trigger-word offsets by rule."""

    text: str
    low: str
    cues: dict[str, list[int]]
    _capitalised: list[tuple[int, int]] | None = None
    # Starts of digit runs the phone and code passes saw; the health-number
    # pass looks only there instead of scanning the text again.
    number_starts: list[int] = field(default_factory=list)

    def at(self, rule: str) -> list[int]:
        return self.cues.get(rule, [])

    def capitalised(self) -> list[tuple[int, int]]:
        """Spans of capitalised words ("Smith", not "SMITH"), found once per text."""
        if self._capitalised is None:
            self._capitalised = [m.span() for m in CAPITALISED_RE.finditer(self.text)]
        return self._capitalised


def lower_aligned(text: str) -> str:
    """Lower-case ``text`` without changing any character offset.

    ``str.lower`` lengthens a few characters (e.g. "İ"), which would shift
    every offset found in the lower-cased copy.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def scan_words(low: str) -> dict[str, list[int]]:
    """Offsets of trigger words in ``low``, grouped by the rules they start."""
    padded = " " + low.translate(TO_SPACE) + " "
    cues: dict[str, list[int]] = {}
    cursor = 0
    for word in padded.split(" "):
        rules = WORD_RULES.get(word)
        if rules is None:
            continue
        # Every occurrence of a trigger word is visited in order, so the next
        # whole-word occurrence after the previous hit is this one. The
        # leading pad space makes ``found`` the word's offset in ``low``.
        found = padded.find(f" {word} ", cursor)
        cursor = found + len(word) + 1
        for rule in rules:
            cues.setdefault(rule, []).append(found)
    return cues


def _clear_before(text: str, start: int, also: str) -> bool:
    """True if ``text[start - 1]`` is neither a word character nor in ``also``.

    Simple shape patterns check this here rather than with a leading
    look-behind, which measured two to three times slower; a match rejected
    here cannot hide a valid one inside it, because every position inside is
    preceded by a digit or separator.
    """
    if not start:
        return True
    prev = text[start - 1]
    return not (prev.isalnum() or prev == "_" or prev in also)


def _finding(text: str, kind: str, start: int, end: int, confidence: str) -> Finding:
    return Finding(kind, start, end, text[start:end], confidence)


def _strip_trailing_punct(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?":
        end -= 1
    return end


def _valid_month_day(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _last_match_end(rx: re.Pattern[str], text: str, start: int, end: int) -> int:
    """End offset of the last match of ``rx`` in ``text[start:end]``, or -1."""
    last = -1
    for m in rx.finditer(text, start, end):
        last = m.end()
    return last


# ---------------------------------------------------------------------------
# Protected spans
# ---------------------------------------------------------------------------


def protected_spans(doc: Doc) -> tuple[list[Span], list[Finding]]:
    """Spans that look like identifiers but are not about a patient.

    DOIs, ORCIDs, PubMed and trial IDs, @mentions and the author's NPI in a
    sign-off. Also returns NPIs outside a sign-off, which are reported as
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


# ---------------------------------------------------------------------------
# Detectors
# ---------------------------------------------------------------------------


def _detect_contacts(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in EMAIL_LOCAL_CHARS:
            start -= 1
        while start < at and not text[start].isalnum():
            start += 1
        domain = EMAIL_DOMAIN_RE.match(text, at) if start < at else None
        if domain is not None:
            yield _finding(text, "email", start, domain.end(), HIGH)
            at = text.find("@", domain.end())
        else:
            at = text.find("@", at + 1)
    for rx in URL_RES:
        for m in rx.finditer(low):
            yield _finding(text, "url", m.start(), _strip_trailing_punct(text, *m.span()), LOW)
    done = -1
    for tld in TLD_TRIGGER_RE.finditer(low):
        if tld.start() < done:
            continue
        # Walk back to the start of the host name, then match from there.
        start = tld.start()
        floor = max(0, start - 253)  # longest possible host name
        while start > floor and low[start - 1] in DOMAIN_CHARS:
            start -= 1
        if m := BARE_DOMAIN_RE.match(low, start):
            done = m.end()
            yield _finding(text, "url", start, _strip_trailing_punct(text, start, done), LOW)


def _phone_cue(low: str, start: int) -> tuple[str, str | None]:
    """Phone kind ("phone"/"fax") and the nearest cue type before ``start``.

    The cue type is "label" for words like "phone" or "fax", "generic" for
    "call", "number" and the like, and None when there is no cue.
    """
    cues = list(PHONE_CUE_RE.finditer(low, max(0, start - 40), start))
    if not cues:
        return "phone", None
    nearest = cues[-1]
    if nearest.group("fax"):
        return "fax", "label"
    return "phone", "label" if nearest.group("label") else "generic"


def _detect_phones(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    # North American numbers first: their shape is enough, a cue only raises
    # confidence. Other digit groups need a cue and must not overlap these.
    taken: list[Span] = []
    starts = doc.number_starts
    for m in NANP_RE.finditer(text):
        starts.append(m.start())
        taken.append(m.span())
        kind, cue = _phone_cue(low, m.start())
        yield _finding(text, kind, *m.span(), LOW if cue is None else HIGH)
    for m in DIGIT_GROUPS_RE.finditer(text):
        start, end = m.span()
        starts.append(start)
        digits = sum(c.isdigit() for c in m.group())
        if not 7 <= digits <= 15 or _overlaps_any(taken, start, end):
            continue
        kind, cue = _phone_cue(low, start)
        if cue == "label":
            yield _finding(text, kind, start, end, HIGH)
        elif cue == "generic" and digits >= 9:
            # Low: "number" may introduce a labelled ID ("member number 882-441-090")
            # and that finding, being high, must win the overlap.
            yield _finding(text, kind, start, end, LOW)
    for pos in doc.at("phone_label"):
        m = LABELLED_PHONE_RE.match(low, pos)
        if m is None:
            continue
        start, end = m.span("num")
        end = _strip_trailing_punct(text, start, end)
        while end > start and not text[end - 1].isdigit():
            end -= 1
        if 7 <= sum(c.isdigit() for c in text[start:end]) <= 15 and not _overlaps_any(
            taken, start, end
        ):
            kind, _ = _phone_cue(low, start)
            yield _finding(text, kind, start, end, HIGH)


def _overlaps_any(spans: list[Span], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of ``spans`` (sorted, non-overlapping)."""
    i = bisect_right(spans, (end,))
    return i > 0 and spans[i - 1][1] > start


def _detect_network(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    if IPV4_TRIGGER_RE.search(text):
        for m in IPV4_RE.finditer(text):
            if not VERSION_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()):
                yield _finding(text, "ip", *m.span(), HIGH)
    if IPV6_TRIGGER_RE.search(text):
        for m in IPV6_RE.finditer(text):
            candidate = m.group()
            groups = [g for g in candidate.split(":") if g]
            compressed = candidate.count("::") == 1
            if len(groups) >= 3 and (compressed or candidate.count(":") == 7):
                yield _finding(text, "ip", *m.span(), HIGH)


def _detect_labelled_ids(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("id"):
        m = ID_LABEL_RE.match(low, pos)
        if m is None:
            continue
        kind = next(k for k in ID_LABELS if m.group(k) is not None)
        if (
            m.group(kind).rstrip("# \t") in UPPERCASE_ONLY_LABELS
            and not text[m.start() : m.end()].isupper()
        ):
            continue
        after = ID_AFTER_LABEL_RE.match(text, m.end())
        if after is None:
            continue
        start, end = after.span("id")
        compact = text[start:end].replace(" ", "").replace("-", "").replace("/", "")
        if kind == "ssn":
            if not compact.isdigit() or len(compact) not in (4, 9):
                continue
        elif len(compact) < 4 or sum(c.isdigit() for c in compact) < 2:
            continue
        yield _finding(text, kind, start, end, HIGH)
    for pos in doc.at("last_four"):
        if m := LAST_FOUR_SSN_RE.match(low, pos):
            yield _finding(text, "ssn", *m.span(1), HIGH)


def _detect_numbers(doc: Doc) -> Iterator[Finding]:
    """SSNs, ZIP codes, UDIs, VINs and long unlabelled codes."""
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    if SSN_TRIGGER_RE.search(text):
        for m in SSN_RE.finditer(text):
            area, group, serial = m.groups()
            if area not in ("000", "666") and group != "00" and serial != "0000":
                yield _finding(text, "ssn", *m.span(), HIGH)
    for pos in doc.at("zip"):
        if m := ZIP_LABEL_RE.match(low, pos):
            yield _finding(text, "zip", *m.span(1), HIGH)
    for m in BARE_ZIP_RE.finditer(text):
        start, end = m.span()
        if not _clear_before(text, start, ".,$/#:()+-"):
            continue
        state = STATE_BEFORE_RE.search(text, max(0, start - 4), start)
        if state and state.group(1) in US_STATES:
            yield _finding(text, "zip", start, end, HIGH)
            city = CITY_BEFORE_STATE_RE.search(text, max(0, state.start() - 40), state.start())
            if city and city.group(1).split()[0] not in NOT_NAME:
                yield _finding(text, "address", city.start(1), end, HIGH)
            continue
        # Billing talk lists several codes per sentence, so look well back.
        before = low[max(0, start - 120) : start]
        if (
            ZIP_EXCLUDE_BEFORE_RE.search(before)
            or LAB_BEFORE_RE.search(before)
            or UNIT_AFTER_RE.match(low, end)
        ):
            continue
        confidence = HIGH if ZIP_CUE_RE.search(before[-25:]) else LOW
        yield _finding(text, "zip", start, end, confidence)
    if "(01)" in text:
        for m in UDI_RE.finditer(text):
            yield _finding(text, "device", *m.span(), HIGH)
    for m in LONG_CODE_RE.finditer(text):
        doc.number_starts.append(m.start())
        code, end = m.group(), m.end()
        after = text[end : end + 2]
        if (
            not _clear_before(text, m.start(), "./#$-")
            or after[:1].isalnum()
            or after[:1] == "_"
            or (after[:1] in (".", ",", "-") and after[1:2].isdigit())
        ):
            continue
        if UNIT_AFTER_RE.match(low, m.end()):
            continue
        digits = sum(c.isdigit() for c in code)
        if code.isdigit():
            kind, cue = _phone_cue(low, m.start())
            if cue is None or len(code) not in (10, 11):
                kind = "other_id"
            yield _finding(text, kind, *m.span(), LOW)
        elif len(code) == 17 and VIN_CHARS_RE.fullmatch(code) and digits >= 3:
            yield _finding(text, "vehicle", *m.span(), LOW)
        elif digits >= 4:
            yield _finding(text, "other_id", *m.span(), LOW)


def _date_confidence(doc: Doc, start: int, end: int, *, is_range: bool) -> str | None:
    """HIGH if the date is tied to a person, LOW if bare, None if it is an event date.

    When both kinds of cue precede the date, the nearer one wins: "the
    ultrasound workshop closes on Feb 28" is about the workshop.
    """
    text, low = doc.text, doc.low
    if DATE_LABEL_RE.search(low, max(0, start - 20), start):
        return HIGH
    person = _last_match_end(DATE_CUE_RE, low, max(0, start - 40), start)
    event = max(
        _last_match_end(EVENT_NOT_PERSON_RE, low, max(0, start - 80), start),
        _last_match_end(MEETING_TAG_RE, text, max(0, start - 80), start),
    )
    if person > event:
        return HIGH
    if is_range or event >= 0 or EVENT_NOT_PERSON_RE.search(low, end, end + 30):
        return None
    return LOW


def _is_fraction(doc: Doc, start: int, end: int) -> bool:
    low = doc.low
    return bool(
        FRACTION_CONTEXT_RE.search(low, max(0, start - 25), start)
        or FRACTION_CONTEXT_RE.match(low, end + 1, end + 12)
        or UNIT_AFTER_RE.match(low, end)
    )


def _detect_dates(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    spans: list[tuple[int, int, bool]] = []
    for m in NUMERIC_DATE_RE.finditer(text):
        start, end = m.span()
        if m.group("iso_y"):
            valid = _valid_month_day(int(m.group("iso_m")), int(m.group("iso_d")))
        elif m.group("a"):
            a, b = int(m.group("a")), int(m.group("b"))
            # Either US (month/day) or European (day/month) order; a dotted
            # date needs a four-digit year to differ from a version number.
            valid = (_valid_month_day(a, b) or _valid_month_day(b, a)) and (
                m.group("sep") != "." or len(m.group("y")) == 4
            )
        elif m.group("md_m"):
            # No year ("3/15"): only a date right after an event word, and
            # never a score, fraction or device setting.
            if (
                _valid_month_day(int(m.group("md_m")), int(m.group("md_d")))
                and not _is_fraction(doc, start, end)
                and EVENT_CUE_RE.search(low, max(0, start - 25), start)
            ):
                yield _finding(text, "date", start, end, HIGH)
            continue
        else:
            valid = True
        if valid:
            spans.append((start, end, False))
    done = -1
    for pos in doc.at("month"):
        # Skip the second month of a range ("Aug 30 - Sept 2"), already inside a match.
        if pos >= done and (m := MONTH_DATE_RE.match(text, pos)):
            done = m.end()
            spans.append((m.start(), m.end(), bool(RANGE_IN_DATE_RE.search(m.group()))))
    for pos in doc.at("holiday"):
        if m := HOLIDAY_RE.match(text, pos):
            spans.append((m.start(), m.end(), False))
    for start, end, is_range in spans:
        confidence = _date_confidence(doc, start, end, is_range=is_range)
        if confidence is not None:
            yield _finding(text, "date", start, end, confidence)
    for m in DATE_ORDINAL_RE.finditer(low):
        if EVENT_CUE_RE.search(low, max(0, m.start() - 25), m.start()):
            yield _finding(text, "date", *m.span(), HIGH)


def _detect_ages(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    for m in AGE_RE.finditer(text):
        if not _clear_before(text, m.start(), "."):
            continue
        if m.group("sex"):
            # "99F" is an age in "99F with a fall" but a temperature in "Tmax 99F".
            if TEMPERATURE_CUE_RE.search(low, max(0, m.start() - 12), m.start()):
                continue
            yield _finding(text, "age", *m.span(), LOW)
        else:
            yield _finding(text, "age", *m.span(), HIGH)
    for pos in doc.at("age"):
        if m := AGE_CUE_RE.match(low, pos):
            # Keep the label when it reads as part of the age ("aged 91").
            start = pos if m.group("label") else m.start("age")
            yield _finding(text, "age", start, m.end("age"), HIGH)
    if "ninety" in low or "hundred" in low:
        for m in AGE_WORDS_RE.finditer(low):
            yield _finding(text, "age", *m.span(), HIGH)


def _address_end(m: re.Match[str]) -> int:
    """Drop a captured ", City" or ", XX" tail that is really the next phrase."""
    city = m.group("city")
    if city and city.lstrip(", \t").split()[0] in NOT_NAME:
        return m.start("city")
    state = m.group("state")
    if state and state.strip(", \t")[:2] not in US_STATES:
        return m.start("state")
    return m.end()


def _detect_addresses(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    # Addresses contain a capitalised street word ("Ave", "Road"); scan only
    # around those, merging windows that overlap so the work stays linear.
    windows: list[list[int]] = []
    for pos in doc.at("street"):
        if not text[pos].isupper():
            continue
        if windows and pos - 90 <= windows[-1][1]:
            windows[-1][1] = pos + 100
        else:
            windows.append([max(0, pos - 90), pos + 100])
    for lo, hi in windows:
        for m in STREET_RE.finditer(text, lo, hi):
            yield from _street_finding(text, m)
    if "box" in low:
        for m in PO_BOX_RE.finditer(text):
            yield _finding(text, "address", m.start(), _address_end(m), HIGH)
    for pos in doc.at("city"):
        cue = CITY_CUE_RE.match(low, pos)
        if cue is None:
            continue
        place = CITY_AFTER_CUE_RE.match(text, cue.end())
        if place and place.group().split()[0] not in NOT_NAME:
            yield _finding(text, "address", *place.span(), LOW)


def _street_finding(text: str, m: re.Match[str]) -> Iterator[Finding]:
    if m.group("address"):
        yield _finding(text, "address", m.start(), _address_end(m), HIGH)
    elif m.group("crossing"):
        yield _finding(text, "address", *m.span(), HIGH)
    elif m.group("road"):
        yield _finding(text, "address", m.start("road"), m.end(), LOW)
    elif m.group("numbered"):
        yield _finding(text, "address", m.start("numbered"), m.end(), LOW)
    elif m.group("named") not in NOT_NAME:
        yield _finding(text, "address", m.start("named"), m.end(), LOW)


def _detect_biometrics(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("biometric"):
        if m := BIOMETRIC_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), HIGH)
    for pos in doc.at("tattoo"):
        if m := TATTOO_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), LOW)


# --- names ---


def _trim_name(text: str, start: int, end: int, *, keep_right: bool = False) -> Span | None:
    """Cut a raw capitalised run down to the words that can be a person's name.

    Cue-based rules keep the run from the left (the name follows the cue);
    the "Name, 45," rule keeps it from the right (the name precedes the age).
    """
    tokens = list(TOKEN_RE.finditer(text, start, end))
    if keep_right:
        tokens.reverse()
    kept: list[re.Match[str]] = []
    for tok in tokens:
        word = tok.group()
        parts = [p for p in re.split(r"[-'’]", word) if p]
        if word in NOT_NAME or all(p in NOT_NAME for p in parts):
            break
        kept.append(tok)
    if not kept:
        return None
    if keep_right:
        return kept[-1].start(), kept[0].end()
    # Keep leading particles ("de la Cruz") that precede the first token.
    return (start if kept[0].start() > start else kept[0].start()), kept[-1].end()


def _given_only(word: str) -> bool:
    """A given name that is not also a surname (or a common given name of the short list)."""
    return word in FIRST_NAMES or _name_bits(word) & (GIVEN | SURNAME) == GIVEN


def _is_person_name(text: str, start: int, end: int) -> bool:
    """Reject eponyms, colleagues, signatures, @handles and public figures."""
    if start > 0 and text[start - 1] == "@":
        return False
    if _public_figure(text, start, end) or EPONYM_PHRASE_AFTER_RE.match(text, end):
        return False
    follow = FOLLOWING_WORD_RE.match(text, end)
    if follow:
        nxt = follow.group(1).lower().rstrip(".,")
        possessive_given = (
            text[end : end + 1] in ("'", "’")
            and _given_only(text[start:end].split()[-1])
            and nxt not in EPONYM_KINDS
        )
        second = (follow.group(2) or "").lower()
        if (
            (nxt in EPONYM_FOLLOWERS and not possessive_given)
            or (nxt == "et" and second == "al")
            or (nxt.islower() and second in EPONYM_KINDS)  # "Chester step test"
        ):
            return False
    if COLLEAGUE_BEFORE_RE.search(text, max(0, start - 25), start):
        return False
    if NOT_PATIENT_AFTER_RE.match(text, end):
        return False
    cred = CREDENTIAL_AFTER_RE.match(text, end)
    return not (cred and cred.group(1) in CREDENTIALS)


def _name_finding(
    text: str, start: int, end: int, confidence: str, *, keep_right: bool = False
) -> Finding | None:
    span = _trim_name(text, start, end, keep_right=keep_right)
    if span is None or not _is_person_name(text, *span):
        return None
    return _finding(text, "name", *span, confidence)


def _names_after_cues(doc: Doc) -> Iterator[Finding | None]:
    text, low = doc.text, doc.low
    for pos in doc.at("name"):
        cue = NAME_CUE_RE.match(low, pos)
        if cue is None:
            continue
        after = NAME_AFTER_CUE_RE.match(text, cue.end())
        if after is None:
            continue
        start, end = after.span("name")
        named = cue.group("named")
        if named is not None:
            if named.startswith("name"):
                # "the name Ortega", but not "brand name Eliquis" or "file name".
                if NOT_PERSON_NAME_RE.search(low, max(0, pos - 12), pos):
                    continue
            elif not PERSON_NOUN_RE.search(low, max(0, pos - 40), pos):
                # "a drug called Ozempic" is not a person; require a person noun.
                continue
            yield _name_finding(text, start, end, HIGH)
        elif cue.group("pt") is not None:
            # "gave pt Zofran 4 mg": a capitalised word followed by a dose is a drug.
            if DOSE_AFTER_RE.match(text, end):
                continue
            finding = _name_finding(text, start, end, HIGH)
            # A single word after "pt" may be a name or just a capitalised word.
            if finding is not None and " " not in finding.text.strip():
                finding = _finding(text, "name", finding.start, finding.end, LOW)
            yield finding
        else:
            yield _name_finding(text, start, end, HIGH)


def _detect_names(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    found: list[Finding | None] = []
    for m in HONORIFIC_RE.finditer(text):
        if m.group("name"):
            found.append(_name_finding(text, *m.span("name"), HIGH))
        else:
            found.append(_finding(text, "name", *m.span("initial"), LOW))
    found.extend(_names_after_cues(doc))
    for m in FAMILY_RE.finditer(text):
        found.append(_name_finding(text, *m.span("name"), LOW))
    for m in AGE_AFTER_NAME_RE.finditer(text):
        before = NAME_BEFORE_RE.search(text, max(0, m.start() - 80), m.start())
        if before and not (
            before.group(1) in PLACE_POPULATION
            and _word_before(text, before.start(1)) in PLACE_PREPOSITIONS
        ):  # "a roofer from Mesa, 41,": a town, not a name
            found.append(_name_finding(text, *before.span(1), HIGH, keep_right=True))
    for start, end in doc.capitalised():
        prev = text[start - 1] if start else " "
        if (
            text[start:end] not in FIRST_NAMES
            or prev.isalnum()
            or prev in "@.'’-"
            or text[end : end + 1] not in (" ", "\t")
        ):
            continue
        nxt = NEXT_TOKEN_RE.match(text, end)
        if nxt is None:
            continue
        # Both words must survive trimming: "Marcus Gunn" loses "Gunn" (an
        # eponym), and "Marcus" alone is no evidence of a name.
        finding = _name_finding(text, start, nxt.end("last"), LOW)
        if finding is not None and finding.end == nxt.end("last"):
            found.append(finding)
    if INITIALS_TRIGGER_RE.search(text):
        for m in INITIALS_RE.finditer(text):
            if m.group().replace(" ", "") in CREDENTIAL_INITIALS:
                continue
            start, end = m.span()
            if INITIALS_CUE_BEFORE_RE.search(
                low, max(0, start - 25), start
            ) or AGE_AFTER_INITIALS_RE.match(text, end):
                found.append(_finding(text, "name", start, end, HIGH))
    yield from (f for f in found if f is not None)


# --- names without a cue word, hashtags and handles ---


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``start`` opens the text, a line or a sentence."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘(*-•":
        i -= 1
    return i < 0 or text[i] in ".!?:\n;"


def _span_before(text: str, start: int) -> tuple[int, int]:
    """Offsets of the word before ``start`` (across spaces and one full stop); empty if none."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == start:
        return start, start
    if end > 0 and text[end - 1] == ".":
        end -= 1
    begin = end
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "'’-"):
        begin -= 1
    return begin, end


def _word_before(text: str, start: int) -> str:
    """The word before ``start``, across spaces, a bracket or a comma ("daughter (priya")."""
    while start > 0 and text[start - 1] in "(,:":
        start -= 1
    begin, end = _span_before(text, start)
    return text[begin:end].lower()


def _name_bits(word: str) -> int:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return NAME_FLAGS.get(word, 0)


def _is_name_part(word: str) -> bool:
    """A word that may continue a name: listed, not an ordinary word or jargon."""
    if word in NOT_NAME:
        return False
    bits = _name_bits(word)
    if bits & STRONG or word in NAME_PARTICLES:
        return True
    # "O'Brien", "Al-Rashid", "Huerta-Castillo": every part a name or a prefix.
    parts = [p for p in re.split(r"[-'’]", word) if p]
    return len(parts) > 1 and all(
        _name_bits(p) & (GIVEN | SURNAME) or p.lower() in ("o", "al", "el", "mc", "mac", "d")
        for p in parts
    )


def _extend_name(text: str, start: int, end: int, *, lower: bool) -> int:
    """Grow a name to the right over more name words, particles and an initial ("Keanu P.")."""
    for _ in range(3):
        m = NEXT_WORD_RE.match(text, end)
        if m is None:
            break
        word = m.group("word")
        if word.endswith(".") and len(word) == 2:
            if lower or m.group("particle"):
                break
            after = text[m.end() : m.end() + 2]
            # "Keanu P. was" but not "Lucia P.O. twice" or an abbreviation.
            if after[:1] in ("", " ", "\n", ",") and not after[1:2].isupper():
                return m.end()
            break
        if lower != word.islower() or not _is_name_part(word):
            break
        end = m.end()
    return end


def _public_figure(text: str, start: int, end: int) -> bool:
    span = text[start:end].lower()
    before = _word_before(text, start)
    nxt = NEXT_WORD_RE.match(text, end)
    candidates = {span, f"{before} {span}"}
    if nxt:
        candidates.add(f"{span} {nxt.group('word').lower()}")
    return any(c.replace(".", "") in PUBLIC_FIGURES for c in candidates)


def _bare_name(doc: Doc, pos: int) -> tuple[Finding | None, int]:
    """A listed name at ``pos`` with no cue word: "Lucia came back", "pt maria lopez".

    Also returns where the candidate ended, so that the words of a rejected
    name ("Dr. Lena Fischer") are not tried again one by one.
    """
    finding, end = _bare_name_at(doc, pos)
    return finding, end


def _bare_name_at(doc: Doc, pos: int) -> tuple[Finding | None, int]:
    text = doc.text
    m = NAME_WORD_RE.match(text, pos)
    if m is None or (pos and (text[pos - 1].isalnum() or text[pos - 1] in "@#_/.'’-")):
        return None, pos
    word = m.group()
    end = m.end()
    if word.isupper() and len(word) > 1:
        return None, pos  # acronyms: ANA, WEI, LEE
    lower = word.islower()
    if lower:
        before = _word_before(text, pos)
        if before not in NAME_CUE_WORDS and not _sentence_start(text, pos):
            return None, pos
        if not _name_bits(word) & STRONG:
            return None, pos
        end = _extend_name(text, pos, end, lower=True)
        # A lone lower-case word at a sentence start must be a given name and
        # be followed by a verb-like lower-case word ("lucia came back").
        if before not in NAME_CUE_WORDS and (end == m.end() and not _name_bits(word) & GIVEN):
            return None, end
        return _finding(text, "name", pos, end, LOW), end
    if word in NOT_NAME or not _is_name_part(word):
        return None, pos
    end = _extend_name(text, pos, end, lower=False)
    nxt = NEXT_WORD_RE.match(text, end)
    if nxt and nxt.group("word") in NOT_NAME and nxt.group("word")[:1].isupper():
        return None, end  # part of a longer term: "Marcus Gunn pupil", "Victoria Cross"
    before = _word_before(text, pos)
    if before in ("st", "saint", "san", "santa", "mount", "mt", "fort", "port", "lake"):
        return None, end
    if before in REFERENCE_BEFORE:
        return None, end  # "per Tintinalli"
    if before == "and" and _word_before(text, pos - 4).capitalize() in EPONYMS:
        return None, end  # "Hodgkin and Huxley"
    if _sentence_start(text, pos) and end == m.end():
        # One word opening a sentence: a given name, followed by a lower-case word or a comma.
        after = text[end : end + 2]
        if not _name_bits(word) & GIVEN or not (
            after[:1] == "," or after[1:2].islower() or after[1:2] == "("
        ):
            return None, end
    span = text[pos:end]
    if span in PLACE_POPULATION and (
        before in PLACE_PREPOSITIONS
        or not _name_bits(word) & GIVEN
        or PLACE_EVENT_RE.search(doc.low, max(0, pos - 60), end + 40)
        # "Wells, Geneva and PERC": a city that is also a given name needs a
        # verb only people take.
        or (
            PLACE_POPULATION[span] >= CITY_AS_NAME
            and not PERSON_VERB_AFTER_RE.match(text, end)
            and not SIMPLE_VERB_AFTER_RE.match(text, end)
        )
    ):
        return None, end  # "transferred from Lowell": a place, see _detect_places
    if _public_figure(text, pos, end) or not _is_person_name(text, pos, end):
        return None, end
    if SIGN_OFF_BEFORE_RE.search(text, max(0, pos - 20), pos) or COLLEAGUE_AFTER_RE.match(
        text, end
    ):
        return None, end
    return _finding(text, "name", pos, end, LOW), end


def _person_positions(doc: Doc) -> list[int]:
    """Offsets of strong listed names: capitalised, after a cue word, or opening a sentence."""
    text, low = doc.text, doc.low
    found = [s for s, e in doc.capitalised() if NAME_FLAGS.get(low[s:e], 0) & STRONG]
    starts = [m.end() - 1 for m in LOWER_SENTENCE_START_RE.finditer(text)]
    if text[:1].islower():
        starts.append(0)
    for pos in doc.at("name_cue"):
        space = low.find(" ", pos)
        if space != -1:
            nxt = space + 1
            while nxt < len(text) and text[nxt] in "(,: ":
                nxt += 1
            if text[nxt : nxt + 1].islower():
                starts.append(nxt)
    for start in starts:
        m = LOWER_WORD_START_RE.match(low, start)
        if m and NAME_FLAGS.get(m.group(), 0) & STRONG:
            found.append(start)
    found.sort()
    return found


def _detect_bare_names(doc: Doc) -> Iterator[Finding]:
    done = -1
    for pos in _person_positions(doc):
        if pos < done:
            continue
        finding, done = _bare_name(doc, pos)
        if finding is not None:
            yield finding
    text = doc.text
    # Lower-case surnames after a title: "mr. okonkwo", "mrs kowalczyk".
    for pos in doc.at("title"):
        m = LOWER_TITLE_RE.match(text, pos)
        if m is None:
            continue
        bits = _name_bits(m.group("name"))
        if bits & STRONG or (
            m.group("title") != "miss"
            and not bits & WORD
            and len(m.group("name")) > 2
            and m.group("name") not in LOWER_NOT_SURNAME
        ):
            yield _finding(text, "name", *m.span("name"), HIGH)
    # Unlisted names opening a sentence before a verb only people do.
    for pos in doc.at("person_verb"):
        # Cheap test first: the word before must start with a capital.
        space = text.rfind(" ", max(0, pos - 40), pos - 1)
        if not text[space + 1 : space + 2].isupper():
            if finding := _lower_name_before_verb(text, pos):
                yield finding
            continue
        start, end = _span_before(text, pos)
        if end < pos and text[end] == ".":
            continue  # the word before ends a sentence
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2  # "Femi's dad"
        word = text[start:end]
        if (
            not word[:1].isupper()
            or not word[1:].islower()
            or len(word) < 3
            or word in NOT_NAME
            or not _sentence_start(text, start)
            or not PERSON_VERB_AFTER_RE.match(text, end)
        ):
            continue
        yield _finding(text, "name", start, end, LOW)
    for m in APPOSITIVE_RE.finditer(text):
        end = start = m.start()
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'’-"):
            start -= 1
        word = text[start:end]
        if (
            word[:1].isupper()
            and word[1:].islower()
            and len(word) > 2
            and word not in NOT_NAME
            and word not in PLACE_POPULATION
            and _is_person_name(text, start, end)
        ):
            yield _finding(text, "name", start, end, LOW)
            # "Fatou and Ousmane, the parents": the first name too.
            pair = PAIRED_NAME_BEFORE_RE.search(text, max(0, start - 30), start)
            if pair and pair.group(1) not in NOT_NAME:
                yield _finding(text, "name", *pair.span(1), LOW)
    if "#" in text:
        for m in HASHTAG_RE.finditer(text):
            yield from _hashtag_names(text, m)


def _lower_name_before_verb(text: str, pos: int) -> Finding | None:
    """An unlisted lower-case name between a cue and a person's verb ("with nkem and her mum")."""
    start, end = _span_before(text, pos)
    word = text[start:end]
    if (
        len(word) < 3
        or not word.isalpha()
        or not word.islower()
        or _name_bits(word) & WORD
        or word.capitalize() in NOT_NAME
        or _word_before(text, start) not in NAME_CUE_WORDS
        or not PERSON_VERB_AFTER_RE.match(text, end)
    ):
        return None
    return _finding(text, "name", start, end, LOW)


def _hashtag_names(text: str, m: re.Match[str]) -> Iterator[Finding]:
    """Names inside a hashtag: "#StrongForSofia", "#PrayForLiam", "#AmaraStrong"."""
    tag = m.group(1)
    parts = list(CAMEL_PART_RE.finditer(tag))
    if len(parts) < 2:
        return
    words = [p.group().lower() for p in parts]
    if not any(w in SUPPORT_WORDS for w in words):
        return
    base = m.start(1)
    for part, word in zip(parts, words, strict=True):
        if word in SUPPORT_WORDS or not part.group()[:1].isupper():
            continue
        bits = _name_bits(word)
        unlisted = (
            not bits
            and len(word) > 2
            and word not in HASHTAG_COMMON
            and part.group().capitalize() not in NOT_NAME
        )
        if (bits & (GIVEN | SURNAME) and not bits & WORD) or unlisted:
            yield _finding(text, "name", base + part.start(), base + part.end(), LOW)


def patient_handle(text: str, start: int, end: int) -> bool:
    """Whether the @handle at ``start`` belongs to a patient or relative, not a colleague."""
    handle = text[start + 1 : end]
    if CLINICIAN_HANDLE_RE.search(handle):
        return False
    parts = [p.lower() for p in CAMEL_PART_RE.findall(handle)]
    support = any(p in SUPPORT_WORDS or p == "4" for p in parts) or any(
        w in handle.lower() for w in ("journey", "pray", "strong", "warrior", "fight")
    )
    cue = HANDLE_SOCIAL_CUE_RE.search(text, max(0, start - 50), start)
    return bool(
        support
        and (cue or any(_name_bits(p) & GIVEN for p in parts))
        or (cue and any(_name_bits(p) & STRONG for p in parts))
    )


def _detect_model_names(doc: Doc) -> Iterator[Finding]:
    """Names the rules leave undecided, read by the small sequence model (see model.py)."""
    text = doc.text
    for start, end, probability in model_names(text, doc.capitalised()):
        if _word_before(text, start) in REFERENCE_BEFORE | DETERMINER_BEFORE:
            continue
        if probability < WORD_NAME_THRESHOLD and _name_bits(text[start:end]) & WORD:
            continue  # "Hope, Faith and Charity ward": names that are words need more
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        if (
            _public_figure(text, start, end)
            or not _is_person_name(text, start, end)
            or SIGN_OFF_BEFORE_RE.search(text, max(0, start - 20), start)
            or COLLEAGUE_AFTER_RE.match(text, end)
        ):
            continue
        yield _finding(text, "name", start, end, LOW)


# --- places ---


def _known_place(words: list[str]) -> int:
    """How many leading words of ``words`` form a listed town or city (0 if none)."""
    for n in range(min(3, len(words)), 0, -1):
        if " ".join(words[:n]) in PLACE_POPULATION:
            return n
    return 0


def _lower_case_place(doc: Doc, pos: int, prep_end: int, start: int) -> Finding | None:
    """A town written in lower case after a locative word ("moved to luton")."""
    text, low = doc.text, doc.low
    m = LOWER_WORD_RE.match(text, start)
    if m is None:
        return None
    name = m.group().capitalize()
    if (
        name not in PLACE_POPULATION
        or name in PLACE_WORDS
        or name in NOT_NAME
        or PLACE_POPULATION[name] < LOWER_CASE_TOWN
        or _name_bits(name) & GIVEN
    ):
        return None
    prep = low[pos:prep_end]
    window_start = max(0, pos - 60)
    if prep not in PLACE_PREPOSITIONS or (
        prep == "to" and not MOVE_BEFORE_RE.search(low, window_start, pos)
    ):
        return None
    if prep in WEAK_PREPOSITIONS or PLACE_EVENT_RE.search(low, window_start, m.end() + 40):
        return None
    return _finding(text, "address", start, m.end(), LOW)


def _detect_places(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("place"):
        prep_end = low.find(" ", pos)
        if prep_end == -1 or (pos and not low[pos - 1].isspace() and low[pos - 1] not in "(,;:"):
            continue  # "sister-in-law": not a preposition
        start = prep_end + 1
        if low.startswith("the ", start):
            start += 4
        if start >= len(text):
            continue
        if text[start].islower():
            if finding := _lower_case_place(doc, pos, prep_end, start):
                yield finding
            continue
        if not text[start].isupper():
            continue
        m = PLACE_AFTER_RE.match(text, start)
        if m is None:
            continue
        prep = low[pos:prep_end]
        if prep not in PLACE_PREPOSITIONS and prep not in WEAK_PREPOSITIONS:
            continue
        window_start = max(0, pos - 60)
        window_end = min(len(low), m.end() + 40)
        if (
            PLACE_EVENT_RE.search(low, window_start, window_end)
            or MORE_PLACE_EVENTS_RE.search(low, window_start, window_end)
            or MEETING_TAG_RE.search(text, window_start, pos)
            or (
                EVENT_YEAR_BEFORE_RE.search(low, window_start, pos)
                and not DATE_BEFORE_YEAR_RE.search(low, window_start, pos)
            )
        ):
            continue
        tokens = list(TOKEN_RE.finditer(text, m.start(), m.end()))
        words = [t.group() for t in tokens]
        if (words[0] in NOT_NAME and _known_place(words) < 2) or (
            words[0] in ("St", "Saint", "Mt", "Mount")
            and HOSPITAL_SAINT_RE.match(text, tokens[0].end())
        ):
            continue  # "St. Jude's" is a hospital
        strong_any = ANY_PLACE_CUE_RE.search(low, window_start, prep_end)
        n = _known_place(words)
        if strong_any:
            # Any capitalised words: neighbourhoods and towns alike.
            kept = [t for t in tokens if t.group() not in NOT_NAME or t.group() in ("County",)]
            end = tokens[0].end()
            for t in tokens[1:]:
                if t.group() in NOT_NAME and t.group() not in ("County", "Heights", "Park"):
                    break
                end = t.end()
            if kept:
                yield _finding(text, "address", tokens[0].start(), end, LOW)
            continue
        if n == 0 or prep in ("off", "of", "by"):
            continue
        name = " ".join(words[:n])
        if prep == "to" and not MOVE_BEFORE_RE.search(low, window_start, pos):
            continue
        if PLACE_POPULATION[name] >= BIG_CITY and prep in ("near", "outside", "around"):
            continue  # "a village near Lagos" names a region, not a town
        if name in PLACE_WORDS and not (
            prep == "from" or STRONG_PLACE_CUE_RE.search(low, window_start, pos)
        ):
            continue
        after = text[tokens[n - 1].end() : tokens[n - 1].end() + 2]
        if after[:1] == "'" or after[:1] == "’":
            continue  # "in Lowell's clinic" reads as a name or an institution
        if YEAR_AFTER_PLACE_RE.match(text, tokens[n - 1].end()):
            continue  # "a locum in Cornwall in 2019": a job or a trip
        yield _finding(text, "address", tokens[0].start(), tokens[n - 1].end(), LOW)
    for m in STATE_TAIL_RE.finditer(text):
        code = m.group(1)
        if code not in US_STATES and code not in CA_PROVINCES:
            continue
        city = CITY_BEFORE_STATE_RE.search(text, max(0, m.start() - 40), m.start() + 1)
        if city is None:
            continue
        words = city.group(1).split()
        for n in range(len(words), 0, -1):
            place = " ".join(words[-n:])
            if place in PLACE_POPULATION and words[-n] not in NOT_NAME:
                if code in CREDENTIALS and _name_bits(words[-1]) & (GIVEN | SURNAME):
                    break  # "Anna Kowalski, MD" signs a post
                start = city.end(1) - len(place)
                yield _finding(text, "address", start, m.end(), LOW)
                break
    for pos in doc.at("corner"):
        if low.startswith("and", pos):
            # Both sides of "and" must be a capitalised word or an ordinal.
            after = text[pos + 4 : pos + 5]
            if not (after.isupper() or after.isdigit()) or not text[pos - 2 : pos - 1].isalnum():
                continue
        elif not low.startswith("corner", pos):
            continue
        if low.startswith("and", pos):
            prev = text[max(0, pos - 2) : pos]
            if not (prev[:1].isalpha() or prev[:1].isdigit()):
                continue
        c = CORNER_RE.search(text, max(0, pos - 45), pos + 40)
        if c is None:
            continue
        a, b = c.group("a"), c.group("b")
        ordinal = a[0].isdigit() or b[0].isdigit()
        if not c.group("corner") and (a in NOT_NAME or b in NOT_NAME):
            continue
        # "near Yonge and Dundas": two street names, but "at Smith and Jones" is a firm.
        if (
            not c.group("corner")
            and not ordinal
            and (
                c.group("near") not in ("near", "at")
                or _name_bits(a) & GIVEN
                or _name_bits(b) & GIVEN
                or a in PLACE_POPULATION
            )
        ):
            continue
        yield _finding(text, "address", c.start("a"), c.end("b"), LOW)


# --- ages, postcodes, health numbers and phone numbers from elsewhere ---


def _detect_more_ages(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("age_verb"):
        m = AGE_AFTER_VERB_RE.match(low, pos)
        if m is None:
            continue
        before = low[max(0, pos - 25) : pos]
        # "Sodium was 130": a lab or vital sign, not a person, before the verb.
        if LAB_BEFORE_VERB_RE.search(before):
            continue
        yield _finding(text, "age", m.start("age"), m.end("tail"), HIGH)
    for m in AGE_SENTENCE_START_RE.finditer(text):
        if _clear_before(text, m.start(), ".,/-+") and _sentence_start(text, m.start()):
            yield _finding(text, "age", *m.span("age"), LOW)
    for pos in doc.at("title"):
        if m := AGE_AFTER_TITLE_RE.match(low, pos):
            yield _finding(text, "age", *m.span("age"), HIGH)
    for pos in doc.at("at_age"):
        if m := AGE_AT_RE.match(low, pos):
            yield _finding(text, "age", *m.span("age"), HIGH)
        elif (m := AGE_AT_END_RE.match(low, pos)) and (
            LIFE_EVENT_BEFORE_RE.search(low, max(0, pos - 50), pos)
            or (
                # "still makes tamales at 93", "a big party at 95"
                LIFE_ACTIVITY_BEFORE_RE.search(low, max(0, pos - 50), pos)
                and not VITAL_WORD_RE.search(low, max(0, pos - 40), pos)
            )
        ):
            yield _finding(text, "age", *m.span("age"), HIGH)
    for m in AGE_BETWEEN_COMMAS_RE.finditer(text):
        if m.start() and text[m.start() - 1].isalpha():
            yield _finding(text, "age", *m.span("age"), HIGH)
    if "ninety" in low or "hundred" in low:
        for m in AGE_NUMBER_WORD_RE.finditer(low):
            if AGE_VERB_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()) or (
                _sentence_start(text, m.start()) and AGE_WORD_TAIL_RE.match(low, m.end())
            ):
                yield _finding(text, "age", *m.span("age"), HIGH)
    if "(" in text:
        for m in AGE_IN_BRACKETS_RE.finditer(text):
            before = _word_before(text, m.start())
            if before in PERSON_BEFORE_AGE or _name_bits(before) & STRONG:
                yield _finding(text, "age", *m.span("age"), HIGH)
    if "birthday" in low:
        for m in AGE_BIRTHDAY_RE.finditer(low):
            yield _finding(text, "age", *m.span("age"), HIGH)
    if "arian" in low:
        for m in AGE_PARENS_RE.finditer(low):
            yield _finding(text, "age", *m.span("age"), HIGH)


def _nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number check: weights 10..2 on the first nine digits, modulus 11."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _detect_international(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for trigger in POSTCODE_TRIGGER_RE.finditer(text):
        # A postcode ends with the trigger; look back over the outward part only.
        lo = max(0, trigger.start() - 6)
        m = UK_POSTCODE_RE.search(text, lo, trigger.end()) or CA_POSTCODE_RE.search(
            text, lo, trigger.end()
        )
        if m is None or m.end() != trigger.end():
            continue
        before = low[max(0, m.start() - 25) : m.start()]
        confidence = HIGH if POSTCODE_CUE_RE.search(before) else LOW
        yield _finding(text, "zip", *m.span(), confidence)
        place = PLACE_AFTER_POSTCODE_RE.match(text, m.end())
        if place and place.group(1) in PLACE_POPULATION:
            yield _finding(text, "address", *place.span(1), LOW)
    for pos in doc.at("zip"):
        if m := LOWER_POSTCODE_RE.match(low, pos):
            if text[m.start("code") : m.end("code")].islower():
                yield _finding(text, "zip", *m.span("code"), HIGH)
    for pos in doc.at("nhs"):
        if m := NHS_AFTER_CUE_RE.match(low, pos):
            digits = re.sub(r"\D", "", m.group("id"))
            if _nhs_check_digit_ok(digits) or low.startswith("nhs", pos):
                yield _finding(text, "health_plan", *m.span("id"), HIGH)
    for pos in doc.at("health_card"):
        if m := HEALTH_CARD_RE.match(text, pos):
            yield _finding(text, "health_plan", *m.span("id"), HIGH)
    if "+" in text:
        for m in INTL_PHONE_RE.finditer(text):
            start, end = m.span()
            number = m.group()
            try:
                parsed = phonenumbers.parse(number, None)
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_possible_number(parsed):
                continue
            kind, cue = _phone_cue(low, start)
            valid = phonenumbers.is_valid_number(parsed)
            yield _finding(text, kind, start, end, HIGH if cue or valid else LOW)


# --- names, places, numbers and dates with no list entry ---


def _unknown_word(word: str) -> bool:
    """A word in neither the English word list nor the jargon lists: a name, in context."""
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    return (
        len(low) > 2
        and low not in ENGLISH_WORDS
        and low not in NOT_LOWER_NAME
        and low.capitalize() not in NOT_NAME
        and word not in NOT_NAME
        and not any(p.capitalize() in NOT_NAME for p in re.split(r"[-'’]", low) if p)
        and not JARGON_SUFFIX_RE.search(low)
        and all(p.isalpha() for p in re.split(r"[-'’]", low) if p)
    )


def _could_be_name(word: str) -> bool:
    """A listed given name or surname that is not an ordinary word, or an unknown word."""
    bits = _name_bits(word)
    if bits & STRONG:
        return True
    return not bits and _unknown_word(word)


def _next_word(text: str, end: int) -> str:
    m = NEXT_WORD_RE.match(text, end)
    return m.group("word").lower().rstrip(".,") if m else ""


def _word_at(text: str, pos: int) -> int:
    """End of the word (letters, hyphens, apostrophes) starting at ``pos``."""
    end = pos
    while end < len(text) and (text[end].isalpha() or text[end] in "-'’"):
        end += 1
    while end > pos and text[end - 1] in "-'’":
        end -= 1
    return end


def _person_word_ok(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if COLLEAGUE_AFTER_RE.match(text, end) or SIGN_OFF_BEFORE_RE.search(
        text, max(0, start - 20), start
    ):
        return False
    if word[:1].isupper():
        if word.isupper() or word in PLACE_POPULATION:
            return False
        return _is_person_name(text, start, end)
    return word.lower() not in NOT_LOWER_NAME


def _detect_unlisted_names(doc: Doc) -> Iterator[Finding]:
    """Names known only by their place in the sentence.

    The object of a verb used of people ("i told marco his a1c", "asked
    oluwadamilare whether"), a lower-case unknown word after a relative
    ("his daughter priyanka on 07700…"), an unknown or listed word opening a
    sentence before a verb only people take ("Seo-yeon came with", "Ruairí is
    6"), a name between commas after a person noun ("an old farmer, Gwilym,"),
    and a pair of names ("Femi and Tolu are the parents").
    """
    yield from _objects_of_person_verbs(doc)
    yield from _names_after_relatives(doc)
    yield from _names_in_sign_out(doc)
    yield from _names_opening_a_sentence(doc)
    yield from _names_between_commas(doc)
    yield from _pairs_of_names(doc)
    yield from _unknown_capitalised(doc)


def _objects_of_person_verbs(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("object_verb"):
        start = low.find(" ", pos) + 1
        if not start or start >= len(text) or not text[start].isalpha():
            continue
        end = _word_at(text, start)
        word = text[start:end]
        if not word or not _person_word_ok(text, start, end):
            continue
        bits = _name_bits(word)
        after = _next_word(text, end)
        punct = text[end : end + 1] in (",", ".", ";", ":", "!", "?", "")
        if bits & GIVEN and bits & WORD:
            named = after in AFTER_OBJECT
        else:
            named = _could_be_name(word) and (after in AFTER_OBJECT or punct or word[0].isupper())
        if named:
            if word[0].isupper():
                end = _extend_name(text, start, end, lower=False)
            yield _finding(text, "name", start, end, LOW)
    if "contact" in low:
        for m in CONTACT_NAME_RE.finditer(text):
            start, end = m.span("name")
            if _could_be_name(m.group("name")) and _person_word_ok(text, start, end):
                yield _finding(
                    text, "name", start, _extend_name(text, start, end, lower=False), LOW
                )


def _names_after_relatives(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("name"):
        if m := PT_LOWER_NAME_RE.match(low, pos):
            start, end = m.span("name")
            if _unknown_word(text[start:end]) and text[start:end].islower():
                yield _finding(text, "name", start, end, LOW)
    for pos in doc.at("relative"):
        if low[max(0, pos - 3) : pos] in ("'s ", "’s "):
            # "tolu's mum called": a lower-case unknown word owns the relative.
            begin = end = pos - 3
            while begin > 0 and text[begin - 1].isalpha():
                begin -= 1
            word = text[begin:end]
            if word.islower() and _unknown_word(word) and not _name_bits(word) & WORD:
                yield _finding(text, "name", begin, end, LOW)
        start = low.find(" ", pos) + 1
        if not start or start >= len(text) or not text[start].islower():
            continue
        end = _word_at(text, start)
        word = text[start:end]
        if word and _unknown_word(word) and not _name_bits(word) & WORD:
            yield _finding(text, "name", start, end, LOW)


def _names_in_sign_out(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("bed"):
        if m := BED_NAME_RE.match(low, pos):
            start, end = m.span("name")
            word = text[start:end]
            if _could_be_name(word) and _person_word_ok(text, start, end):
                yield _finding(text, "name", start, end, LOW)


def _names_opening_a_sentence(doc: Doc) -> Iterator[Finding]:
    text = doc.text
    for start, cap_end in doc.capitalised():
        after = text[cap_end : cap_end + 2]
        # Cheap tests first: a lower-case word, or more letters, must follow, and
        # a word after a space after a letter does not open a sentence.
        if not (after[1:2].islower() or after[:1].isalpha() or after[:1] in "-'’"):
            continue
        if start > 1 and text[start - 1] == " " and text[start - 2].isalnum():
            continue
        if not _sentence_start(text, start):
            continue
        end = _word_at(text, start)
        word = text[start:end]
        verb = HUMAN_VERB_AFTER_RE.match(text, end) or AND_I_AFTER_RE.match(text, end)
        if verb is None and _name_bits(word) & STRONG:
            # A listed name takes the copula too: "Rafferty was the sweetest kid".
            verb = LISTED_NAME_VERB_RE.match(text, end)
        if verb and any(c.isdigit() for c in verb.group()):
            # "Ruairí is 6", but not "Troponin is 45": a listed given name or no lab ending.
            if (
                not _name_bits(word) & GIVEN
                and len(word) > 5
                and LAB_WORD_END_RE.search(word.lower())
            ):
                continue
        if (
            len(word) < 3
            or not verb
            or not (_could_be_name(word) or _name_bits(word) & GIVEN)
            or not _person_word_ok(text, start, end)
        ):
            continue
        yield _finding(text, "name", start, end, LOW)


def _names_between_commas(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    if "," in text:
        for m in PERSON_COMMA_NAME_RE.finditer(text):
            start, end = m.span("name")
            if PERSON_BEFORE_COMMA_NAME_RE.search(low, max(0, start - 30), start) and (
                _could_be_name(m.group("name")) and _person_word_ok(text, start, end)
            ):
                yield _finding(text, "name", start, end, LOW)


def _unknown_capitalised(doc: Doc) -> Iterator[Finding]:
    """A capitalised word inside a sentence that is no English word, jargon, place or list entry.

    "d/c planning for Eskandar:": low confidence, the weakest name rule. It must
    follow a word that comes before people more than drugs ("for", "with",
    "poor", "little"...); a word before another capitalised word (names of
    things: "Moose Factory", "Ottawa Hospital") is left alone.
    """
    text, low = doc.text, doc.low
    for start, _ in doc.capitalised():
        if start < 2 or text[start - 1] != " ":
            continue
        # Cheap test first: the word before must be one of the few that precede people.
        if low[low.rfind(" ", 0, start - 1) + 1 : start - 1] not in BEFORE_UNKNOWN_NAME:
            continue
        end = _word_at(text, start)
        word = text[start:end]
        if len(word) < 4 or _name_bits(word) or not _unknown_word(word):
            continue
        if word in PLACE_POPULATION or _sentence_start(text, start):
            continue
        if not word[1:].islower():
            continue  # "CrCl", "BiPAP": jargon
        nxt = NEXT_WORD_RE.match(text, end)
        if nxt and nxt.group("word")[:1].isupper():
            continue
        if text[end : end + 1].isdigit() or not _person_word_ok(text, start, end):
            continue
        yield _finding(text, "name", start, end, LOW)


def _pairs_of_names(doc: Doc) -> Iterator[Finding]:
    text = doc.text
    caps = doc.capitalised()
    for (a_start, a_end), (b_start, b_end) in zip(caps, caps[1:], strict=False):
        if text[a_end:b_start] not in (" and ", " & "):
            continue
        a, b = text[a_start:a_end], text[b_start:b_end]
        if not (_could_be_name(a) and _could_be_name(b)):
            continue
        if a in PLACE_POPULATION or b in PLACE_POPULATION:
            continue
        # Both listed, or a verb of people after them, or a person noun before
        # ("The parents, Yaw and Efua,"); "Kerry and Tipperary both had" is neither.
        strong = _name_bits(a) & STRONG and _name_bits(b) & STRONG
        if not (
            strong
            or AFTER_NAME_PAIR_RE.match(text, b_end)
            or PERSON_BEFORE_COMMA_NAME_RE.search(doc.low, max(0, a_start - 30), a_start)
        ):
            continue
        if _person_word_ok(text, a_start, a_end) and _person_word_ok(text, b_start, b_end):
            yield _finding(text, "name", a_start, a_end, LOW)
            yield _finding(text, "name", b_start, b_end, LOW)


def _detect_more_places(doc: Doc) -> Iterator[Finding]:
    """Towns named by what follows them: "Kamloops native", "a Leeds-based GP"."""
    text = doc.text
    if "native" not in doc.low and "-based" not in doc.low and "raised" not in doc.low:
        return
    for m in PLACE_SUFFIX_RE.finditer(text):
        words = text[max(0, m.start() - 40) : m.start()].split()
        for n in (3, 2, 1):
            place = " ".join(words[-n:])
            if len(words) >= n and place in PLACE_POPULATION and place not in PLACE_WORDS:
                yield _finding(text, "address", m.start() - len(place), m.start(), LOW)
                break


def _ten_digit_check_ok(digits: str) -> bool:
    """NHS/CHI (weights 10..2) or BC PHN (leading 9, weights 2,4,8,5,10,9,7,3) mod 11."""
    if _nhs_check_digit_ok(digits):
        return True
    if digits[0] != "9":
        return False
    total = sum(int(d) * w for d, w in zip(digits[1:9], (2, 4, 8, 5, 10, 9, 7, 3), strict=True))
    return (11 - total % 11) % 11 == int(digits[9])


def _detect_more_ids(doc: Doc) -> Iterator[Finding]:
    """Health numbers and hospital numbers written without the usual label."""
    text, low = doc.text, doc.low
    for pos in sorted(set(doc.number_starts)):
        m = TEN_DIGITS_RE.match(text, pos)
        if m is None:
            continue
        if m.group("ohip"):
            # An Ontario card number with its version code ("1234-567-890-AB").
            yield _finding(text, "health_plan", *m.span(), LOW)
            continue
        digits = re.sub(r"\D", "", m.group())
        if digits[0] in "01" and not m.group("sep"):
            # CHI numbers open with a date of birth (ddmmyy).
            if not (1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12):
                continue
        if not _ten_digit_check_ok(digits):
            continue
        _kind, cue = _phone_cue(low, m.start())
        if cue is None:
            yield _finding(text, "health_plan", *m.span(), LOW)
    if "ramq" in low or "carte" in low:
        for m in RAMQ_RE.finditer(text):
            yield _finding(text, "health_plan", *m.span(), HIGH)
    for pos in doc.at("hosp_no"):
        if m := HOSP_NO_RE.match(text, pos):
            yield _finding(text, "mrn", *m.span("id"), HIGH)
    if "#" in text:
        for m in HASH_ID_RE.finditer(text):
            if HASH_ID_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()):
                yield _finding(text, "mrn", *m.span("id"), HIGH)


def _detect_more_dates(doc: Doc) -> Iterator[Finding]:
    """Days named by their ordinal ("on the 14th", "Thursday 14th") and lower-case months."""
    text, low = doc.text, doc.low
    for pos in doc.at("month"):
        if not text[pos].islower():
            continue  # capitalised months are the date pass's
        if m := LOWER_MONTH_FIRST_RE.match(low, pos):
            yield _finding(text, "date", pos, m.end(), LOW)
        elif (m := LOWER_MONTH_TAIL_RE.match(low, pos)) and (
            day := LOWER_MONTH_AFTER_DAY_RE.search(low, max(0, pos - 12), pos)
        ):
            yield _finding(text, "date", day.start(), m.end(), LOW)
    for pos in doc.at("ordinal"):
        end = low.find(" ", pos)
        end = len(low) if end == -1 else end
        while end > pos and not low[end - 1].isalnum():
            end -= 1
        m = ORDINAL_BEFORE_RE.search(low, max(0, pos - 24), pos)
        if (
            m is None
            or ORDINAL_NOT_DAY_RE.match(low, end)
            or ORDINAL_EVENT_BEFORE_RE.search(low, max(0, pos - 40), end + 30)
        ):
            continue
        # The span takes "the" too: "on the 14th" names the day as "the 14th".
        start = m.start("weekday") if m.group("weekday") else m.end("lead") + 1
        yield _finding(doc.text, "date", start, end, LOW)


DETECTORS: Final[tuple[Callable[[Doc], Iterator[Finding]], ...]] = (
    _detect_contacts,
    _detect_phones,
    _detect_network,
    _detect_labelled_ids,
    _detect_numbers,
    _detect_dates,
    _detect_ages,
    _detect_addresses,
    _detect_biometrics,
    _detect_names,
    _detect_bare_names,
    _detect_model_names,
    _detect_places,
    _detect_more_ages,
    _detect_international,
    _detect_unlisted_names,
    _detect_more_places,
    _detect_more_ids,
    _detect_more_dates,
)
