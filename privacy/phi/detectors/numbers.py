"""Numbers: phones, labelled and unlabelled ids, health numbers, codes and biometrics."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

import phonenumbers

from privacy.phi.detectors.common import (
    Doc,
    Span,
    _clear_before,
    _finding,
    _strip_trailing_punct,
    _valid_month_day,
    windows,
)
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.patterns.context import (
    CITY_BEFORE_STATE_RE,
    LAB_BEFORE_RE,
    PHONE_CUE_RE,
    STATE_BEFORE_RE,
    UNIT_AFTER_RE,
    ZIP_CUE_RE,
    ZIP_EXCLUDE_BEFORE_RE,
)
from privacy.phi.patterns.international import (
    AADHAAR_RE,
    AU_POSTCODE_RE,
    CA_POSTCODE_RE,
    CEP_RE,
    CPF_RE,
    DUBLIN_EIRCODE_RE,
    EIRCODE_RE,
    HEALTH_CARD_RE,
    INTL_PHONE_RE,
    LOCAL_NUMBER_CUE_RE,
    LOCAL_NUMBER_RE,
    MOBILE_SHAPE_RE,
    MYKAD_RE,
    MYKAD_SHAPE,
    NHS_AFTER_CUE_RE,
    PLACE_AFTER_POSTCODE_RE,
    PLACE_BEFORE_POSTCODE_RE,
    POSTCODE_CUE_RE,
    POSTCODE_TRIGGER_RE,
    UK_POSTCODE_RE,
)
from privacy.phi.patterns.keywords import (
    BIOMETRIC_RE,
    CARD_BEFORE_RE,
    CARD_ENDING_RE,
    CNIC_RE,
    CNIC_TRIGGER_RE,
    ID_AFTER_LABEL_RE,
    ID_LABEL_RE,
    ID_LABELS,
    ID_LIST_NEXT_RE,
    JAPANESE_POSTCODE_RE,
    KOREAN_RRN_RE,
    KOREAN_RRN_TRIGGER_RE,
    LABELLED_PHONE_RE,
    LAST_FOUR_SSN_RE,
    LOWER_POSTCODE_RE,
    PLATE_TAIL_RE,
    PPS_RE,
    TATTOO_RE,
    TOWN_THEN_CODE_RE,
    UPPERCASE_ONLY_LABELS,
    ZIP_LABEL_RE,
)
from privacy.phi.patterns.shapes import (
    BARE_ZIP_RE,
    CODE_CHARS_TO_X,
    DIGIT_GROUPS_RE,
    LONG_CODE_RE,
    LONG_CODE_SHAPE_RE,
    NANP_RE,
    NANP_SHAPES,
    PHONE_TRIGGER_RES,
    SSN_RE,
    SSN_TRIGGER_RE,
    UDI_RE,
    VIN_CHARS_RE,
)
from privacy.phi.patterns.unlisted import (
    BARE_ID_RE,
    DAYS_AND_MONTHS,
    HASH_ID_BEFORE_RE,
    HASH_ID_RE,
    HEALTH_NUMBER_SHAPES,
    HEALTH_NUMBER_SHAPES_RE,
    HOSP_NO_RE,
    MBI_RE,
    PK_MOBILE_RE,
    PK_MOBILE_SHAPE,
    RAMQ_RE,
    TEN_DIGITS_RE,
    UK_PLATE_RE,
)
from privacy.phi.vocabulary import NOT_NAME, PLACE_POPULATION, US_STATES


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


def _local_number(low: str, m: re.Match[str]) -> bool:
    """A North American number without its area code ("best number 555-0172"), not a range of
    doses or levels ("500-1000 mg", "trough 250-1000")."""
    if not LOCAL_NUMBER_RE.fullmatch(m.group()):
        return False
    first, second = m.group().split("-")
    return not (first.endswith("0") and second.endswith("0")) and not UNIT_AFTER_RE.match(
        low, m.end()
    )


def _detect_phones(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    # North American numbers first: their shape is enough, a cue only raises
    # confidence. Other digit groups need a cue and must not overlap these.
    taken: list[Span] = []
    starts = doc.number_starts
    # A phone is at most about 30 characters and holds a trigger near its start.
    triggers = sorted(m.start() for rx in PHONE_TRIGGER_RES for m in rx.finditer(doc.shape))
    around = windows(triggers, 30, 40)
    # Each shape's windows are searched only when its digit shape is in the text (a literal
    # search of the shape, a few microseconds, against a pattern run in every window).
    if any(digits in doc.shape for digits in NANP_SHAPES):
        for m in (m for lo, hi in around for m in NANP_RE.finditer(text, lo, hi)):
            starts.append(m.start())
            taken.append(m.span())
            kind, cue = _phone_cue(low, m.start())
            yield _finding(text, kind, *m.span(), LOW if cue is None else HIGH)
    # Malaysian identity cards ("340911-10-6683") open with six digits, more than a digit
    # group holds: their starts are noted here for the identity-number pass.
    if MYKAD_SHAPE in doc.shape:
        starts.extend(m.start() for lo, hi in around for m in MYKAD_RE.finditer(text, lo, hi))
    if PK_MOBILE_SHAPE in doc.shape:
        for m in (m for lo, hi in around for m in PK_MOBILE_RE.finditer(text, lo, hi)):
            taken.append(m.span())
            yield _finding(text, "phone", *m.span(), LOW)
    if any(digits in doc.shape for digits in HEALTH_NUMBER_SHAPES):
        for m in (m for lo, hi in around for m in HEALTH_NUMBER_SHAPES_RE.finditer(text, lo, hi)):
            taken.append(m.span())
            yield _finding(text, "health_plan", *m.span(), HIGH)
    # The US beneficiary number and British plates: within a few words after their words.
    for words, shape, kind in (
        (("mbi", "medicare"), MBI_RE, "health_plan"),
        ((" reg", "plate", "car "), UK_PLATE_RE, "vehicle"),
    ):
        for word in words:
            at = low.find(word)
            while at != -1:
                if m := shape.search(text, at, at + 80):
                    yield _finding(text, kind, *m.span(), HIGH)
                at = low.find(word, at + 1)
    for m in (m for lo, hi in around for m in DIGIT_GROUPS_RE.finditer(text, lo, hi)):
        start, end = m.span()
        starts.append(start)
        digits = sum(c.isdigit() for c in m.group())
        if not 7 <= digits <= 15 or _overlaps_any(taken, start, end):
            continue
        kind, cue = _phone_cue(low, start)
        if cue == "label":
            yield _finding(text, kind, start, end, HIGH)
        elif (cue == "generic" and digits >= 9) or (
            _local_number(low, m)
            and (cue is not None or LOCAL_NUMBER_CUE_RE.search(low, max(0, start - 25), start))
        ):
            # Low: "number" may introduce a labelled ID ("member number 882-441-090")
            # and that finding, being high, must win the overlap. Seven digits count
            # only in the North American local shape ("best number 555-0172").
            yield _finding(text, kind, start, end, LOW)
        elif MOBILE_SHAPE_RE.fullmatch(m.group().lstrip("(")):
            # UK and Australian mobiles have a shape of their own: "07469 555 210",
            # also in brackets after a name ("daughter Karen (07700 900417)").
            if ")" not in m.group():  # the area code's brackets stay: "(07) 5550 1834"
                start += len(m.group()) - len(m.group().lstrip("("))
            yield _finding(text, "phone", start, end, LOW)
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
        if kind == "vehicle" and (tail := PLATE_TAIL_RE.match(text, end)):
            end = tail.end()
        yield _finding(text, kind, start, end, HIGH)
        digits = sum(c.isdigit() for c in compact)
        while kind != "ssn" and (more := ID_LIST_NEXT_RE.match(text, end)):
            if abs(sum(c.isdigit() for c in more.group("id")) - digits) > 1:
                break
            yield _finding(text, kind, *more.span("id"), HIGH)
            end = more.end()
    if "ID" in text:
        for m in BARE_ID_RE.finditer(text):
            if not (m.start() and text[m.start() - 1].isalnum()):  # "ID", not "PID"
                yield _finding(text, "other_id", *m.span("id"), HIGH)
    for trigger in KOREAN_RRN_TRIGGER_RE.finditer(doc.shape):
        if m := KOREAN_RRN_RE.match(text, max(0, trigger.start() - 5)):
            yield _finding(text, "other_id", *m.span(), HIGH)
    if "〒" in text:
        for m in JAPANESE_POSTCODE_RE.finditer(text):
            yield _finding(text, "zip", *m.span("code"), HIGH)
    for trigger in CNIC_TRIGGER_RE.finditer(text):
        if (m := CNIC_RE.match(text, max(0, trigger.start() - 5))) and m.end() == trigger.end() + 1:
            yield _finding(text, "other_id", *m.span(), HIGH)
    for pos in doc.at("last_four"):
        if m := LAST_FOUR_SSN_RE.match(low, pos):
            yield _finding(text, "ssn", *m.span(1), HIGH)
    for pos in doc.at("pps"):
        if m := PPS_RE.match(text, pos):
            yield _finding(text, "other_id", *m.span("id"), HIGH)
    for pos in doc.at("card_ending"):
        if (m := CARD_ENDING_RE.match(low, pos)) and CARD_BEFORE_RE.search(
            low, max(0, pos - 12), pos
        ):
            yield _finding(text, "account", *m.span(1), HIGH)


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
    for m in BARE_ZIP_RE.finditer(doc.shape):
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
    for m in _long_codes(text):
        doc.number_starts.append(m.start())
        code, end = text[m.start() : m.end()], m.end()
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


def _long_codes(text: str) -> Iterator[re.Match[str]]:
    """Runs of nine or more capitals and digits (``LONG_CODE_RE``). In ASCII text each becomes
    "X" first, so that the pass opens with a literal: six times faster on a long post."""
    if text.isascii():
        return LONG_CODE_SHAPE_RE.finditer(text.translate(CODE_CHARS_TO_X))
    return LONG_CODE_RE.finditer(text)


def _detect_biometrics(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("biometric"):
        if m := BIOMETRIC_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), HIGH)
    for pos in doc.at("tattoo"):
        if m := TATTOO_RE.match(low, pos):
            yield _finding(text, "biometric", *m.span(), LOW)


def _nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number check: weights 10..2 on the first nine digits, modulus 11."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _postcodes_by_their_towns(doc: Doc) -> Iterator[Finding]:
    """A postcode written next to its town within a few words after an address's cue, and the
    town (see ``TOWN_THEN_CODE_RE``); each stretch of text is searched once."""
    text = doc.text
    done = 0
    for pos in sorted(doc.at("street") + doc.at("postal_cue")):
        lo, hi = max(pos, done), pos + 120
        done = hi
        for m in TOWN_THEN_CODE_RE.finditer(text, lo, hi):
            town = "town" if m.group("town") else "town_after"
            code = "code" if m.group("code") else "code_first"
            first = m.group(town).split()[0]
            if first in DAYS_AND_MONTHS or first.rstrip(".") in ("No", "Ph", "Tel", "Mob", "Box"):
                continue  # "seen in March 2021", "Ph 0412…"
            yield _finding(text, "zip", *m.span(code), HIGH)
            if first not in NOT_NAME:
                yield _finding(text, "address", *m.span(town), LOW)


def _mixed(code: str) -> bool:
    """Letters and digits both: an Eircode's last four ("K7P3"), not a word or a number."""
    return not code.isdigit() and not code.isalpha()


def _detect_international(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for trigger in POSTCODE_TRIGGER_RE.finditer(doc.shape):
        # A postcode ends with the trigger; look back over the outward part only.
        lo = max(0, trigger.start() - 6)
        m = UK_POSTCODE_RE.search(text, lo, trigger.end()) or CA_POSTCODE_RE.search(
            text, lo, trigger.end()
        )
        if m is None or m.end() != trigger.end():
            # An Eircode ending like a British postcode ("F26 K7P3"); the others need their
            # label (below).
            eircode = EIRCODE_RE.search(text, max(0, trigger.start() - 5), trigger.end())
            if eircode and eircode.end() == trigger.end() and _mixed(eircode.group("unique")):
                yield _finding(text, "zip", *eircode.span(), HIGH)
            continue
        before = low[max(0, m.start() - 25) : m.start()]
        confidence = HIGH if POSTCODE_CUE_RE.search(before) else LOW
        yield _finding(text, "zip", *m.span(), confidence)
        place = PLACE_AFTER_POSTCODE_RE.match(text, m.end())
        if place and place.group(1) in PLACE_POPULATION:
            yield _finding(text, "address", *place.span(1), LOW)
        town = PLACE_BEFORE_POSTCODE_RE.search(text, max(0, m.start() - 30), m.start())
        if town:
            words = town.group(1).split()
            for n in (len(words), 1):
                name = " ".join(words[-n:])
                if name in PLACE_POPULATION:
                    yield _finding(text, "address", town.end(1) - len(name), town.end(1), LOW)
                    break
    yield from _postcodes_by_their_towns(doc)
    for m in DUBLIN_EIRCODE_RE.finditer(text):
        if _mixed(m.group("unique")):
            yield _finding(text, "zip", *m.span(), HIGH)
    for pos in doc.at("cep"):
        if m := CEP_RE.match(text, pos):
            yield _finding(text, "zip", *m.span("code"), HIGH)
    if "eircode" in low:
        for m in EIRCODE_RE.finditer(text):
            if "eircode" in low[max(0, m.start() - 12) : m.start()]:
                yield _finding(text, "zip", *m.span(), HIGH)
    for pos in doc.at("au_state"):
        if (m := AU_POSTCODE_RE.match(text, pos)) and _clear_before(text, pos, ""):
            yield _finding(text, "zip", *m.span("code"), LOW)
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
        if cpf := CPF_RE.match(text, pos):
            yield _finding(text, "other_id", *cpf.span(), HIGH)
            continue
        if (card := MYKAD_RE.match(text, pos)) and _valid_month_day(
            int(card.group("month")), int(card.group("day"))
        ):
            # Malaysia's identity card: a date of birth (yymmdd), a place code, a serial.
            yield _finding(text, "other_id", *card.span(), LOW)
            continue
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
    if "aadhaar" in low or "aadhar" in low:
        # India's Aadhaar number, twelve digits in fours, anywhere near its name.
        for m in AADHAAR_RE.finditer(text):
            if "aadha" in low[max(0, m.start() - 60) : m.start()]:
                yield _finding(text, "other_id", *m.span(), HIGH)
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
