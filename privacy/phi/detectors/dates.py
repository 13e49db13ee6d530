"""Dates tied to a person and ages over 89."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from privacy.phi.detectors.common import (
    Doc,
    _clear_before,
    _finding,
    _last_match_end,
    _valid_month_day,
)
from privacy.phi.detectors.names import _name_bits, _sentence_start, _word_before
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.patterns.context import (
    APPOINTMENT_BEFORE_RE,
    DATE_CUE_RE,
    DATE_LABEL_RE,
    EVENT_CUE_RE,
    EVENT_NOT_PERSON_RE,
    FRACTION_CONTEXT_RE,
    MEETING_TAG_RE,
    RANGE_IN_DATE_RE,
    TEMPERATURE_CUE_RE,
    UNIT_AFTER_RE,
)
from privacy.phi.patterns.international import (
    AGE_AFTER_TITLE_RE,
    AGE_AFTER_VERB_RE,
    AGE_AND_A_HALF_RE,
    AGE_AT_END_RE,
    AGE_AT_RE,
    AGE_BEFORE_DAY_RE,
    AGE_BEFORE_UNIT_RE,
    AGE_BETWEEN_COMMAS_RE,
    AGE_BETWEEN_DASHES_RE,
    AGE_BETWEEN_HYPHENS_RE,
    AGE_BIRTHDAY_RE,
    AGE_HAPPY_ORDINAL_RE,
    AGE_IN_BRACKETS_RE,
    AGE_IN_OTHER_LANGUAGES_RE,
    AGE_IN_YEAR_RE,
    AGE_NEARLY_IN_BRACKETS_RE,
    AGE_NUMBER_WORD_RE,
    AGE_OLDEST_RE,
    AGE_PARENS_RE,
    AGE_SENTENCE_START_RE,
    AGE_VERB_BEFORE_RE,
    AGE_WORD_TAIL_RE,
    BED_NAME_AGE_RE,
    BED_NUMBER_BEFORE_RE,
    DAY_BEFORE_OTHER_MONTH_RE,
    DOTTED_DAY_MONTH_RE,
    EAST_ASIAN_AGE_UNITS,
    EAST_ASIAN_DATE_RE,
    EAST_ASIAN_SCRIPT_RE,
    HYPHEN_MONTH_DAY_RE,
    LAB_BEFORE_VERB_RE,
    LIFE_EVENT_BEFORE_RE,
    LONG_NUMBER_BEFORE_RE,
    NAME_IN_TWO_SCRIPTS_RE,
    OTHER_MONTH_YEAR_RE,
    PERSON_BEFORE_AGE,
    TITLED_NAME_BEFORE_RE,
    TITLED_NAME_THEN_AGE_RE,
)
from privacy.phi.patterns.keywords import (
    AGE_CUE_RE,
    HOLIDAY_RE,
    STATISTIC_BEFORE_RE,
    WEEKDAY_ORDINAL_RE,
)
from privacy.phi.patterns.shapes import (
    AGE_NINETY_RE,
    AGE_NOUN_RE,
    AGE_NUMBER_AFTER_RE,
    AGE_RE,
    AGE_SEX_BEFORE_RE,
    AGE_SLASH_RE,
    AGE_UNIT_TRIGGER_RE,
    AGE_WORDS_RE,
    DASHED_MONTH_DATE_RE,
    DATE_ORDINAL_RE,
    INITIALS_RE,
    MONTH_DATE_RE,
    NUMERIC_DATE_RE,
    NUMERIC_DATE_TRIGGER_RE,
    SLASH_TRIGGER_RE,
)
from privacy.phi.patterns.unlisted import (
    AGE_AT_CHOICE_RE,
    AGE_BEFORE_NEXT_RE,
    AGE_OF_RE,
    AGE_ORDINAL_RE,
    AGE_TO_COME_RE,
    DAYS_AND_MONTHS,
    LIFE_ACTIVITY_BEFORE_RE,
    LOWER_MONTH_AFTER_DAY_RE,
    LOWER_MONTH_FIRST_RE,
    LOWER_MONTH_TAIL_RE,
    NEXT_TAIL_RE,
    NOT_A_PERSON_BEFORE_AGE_RE,
    ORDINAL_BEFORE_RE,
    ORDINAL_EVENT_BEFORE_RE,
    ORDINAL_NOT_DAY_RE,
    PERSON_BEFORE_OF_RE,
    PERSON_WILL_BEFORE_RE,
    TREATMENT_BEFORE_RE,
    VITAL_WORD_RE,
)
from privacy.phi.vocabulary import STRONG


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


def numeric_dates(text: str, shape: str) -> Iterator[re.Match[str]]:
    """The matches of ``NUMERIC_DATE_RE.finditer(text)``, tried only where the digit shape of
    ``text`` fits the trigger (half the time on a long post: a decimal or a lone number is
    passed over in the trigger's scan, which starts from a literal)."""
    done = -1
    for trigger in NUMERIC_DATE_TRIGGER_RE.finditer(shape):
        if trigger.start() >= done and (m := NUMERIC_DATE_RE.match(text, trigger.start())):
            done = m.end()
            yield m


def ages_with_units(text: str, shape: str) -> Iterator[re.Match[str]]:
    """The matches of ``AGE_RE.finditer(text)`` that open a number ("91 yo", not "1091 yo" or
    "2.91 y"), tried only where the digit shape of ``text`` fits the trigger."""
    for trigger in AGE_UNIT_TRIGGER_RE.finditer(shape):
        if m := AGE_RE.match(text, trigger.start()):
            yield m


def _detect_dates(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    spans: list[tuple[int, int, bool]] = []
    for m in numeric_dates(text, doc.shape):
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
            # No year ("3/15", "14/02"): only a date right after an event word, and
            # never a score, fraction or device setting.
            first, second = int(m.group("md_m")), int(m.group("md_d"))
            if (
                (_valid_month_day(first, second) or (second and _valid_month_day(second, first)))
                and not _is_fraction(doc, start, end)
                and (
                    EVENT_CUE_RE.search(low, max(0, start - 25), start)
                    # "f/u 5/22", but "f/u 3/12" is in three months (and "2/52", "5/7" weeks
                    # and days), as British notes write them
                    or (
                        second not in (7, 12, 52)
                        and APPOINTMENT_BEFORE_RE.search(low, max(0, start - 25), start)
                    )
                )
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
        elif text[pos - 1 : pos] == "-":
            day = pos - 3 if text[pos - 3 : pos - 2].isdigit() else pos - 2
            if m := DASHED_MONTH_DATE_RE.match(text, max(0, day)):
                spans.append((m.start(), m.end(), False))  # "12-Jan-2024"
    for pos in doc.at("holiday"):
        if m := HOLIDAY_RE.match(text, pos):
            spans.append((m.start(), m.end(), False))
    for pos in doc.at("weekday"):
        if m := WEEKDAY_ORDINAL_RE.match(low, pos):
            spans.append((m.start(), m.end(), False))
    for start, end, is_range in spans:
        confidence = _date_confidence(doc, start, end, is_range=is_range)
        if confidence is not None:
            yield _finding(text, "date", start, end, confidence)
    for m in DATE_ORDINAL_RE.finditer(low):
        if EVENT_CUE_RE.search(low, max(0, m.start() - 25), m.start()):
            yield _finding(text, "date", *m.span(), HIGH)


# Ages each pattern finds only where its word stands, so it runs only then: "92nd birthday",
# "centenarian (101)", "Happy 100th", "in her 94th year", "(nearly 96!!)", "99 and a half",
# "oldest 99".
_AGES_AFTER_A_WORD: Final = (
    ("birthday", AGE_BIRTHDAY_RE),
    ("arian", AGE_PARENS_RE),
    ("happy", AGE_HAPPY_ORDINAL_RE),
    (" year", AGE_IN_YEAR_RE),
    ("(", AGE_NEARLY_IN_BRACKETS_RE),
    (" half", AGE_AND_A_HALF_RE),
    ("oldest", AGE_OLDEST_RE),
)


def _detect_ages(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    m: re.Match[str] | None  # reused: loop matches, then searches that may find nothing
    for m in ages_with_units(text, doc.shape):
        if m.group("sex"):
            # "99F" is an age in "99F with a fall" but a temperature in "Tmax 99F".
            if TEMPERATURE_CUE_RE.search(low, max(0, m.start() - 12), m.start()):
                continue
            # "a 94f with af", "bed 3, 91m": lower case only where a patient is described,
            # not "walked 100m".
            if m.group("sex").islower() and not AGE_SEX_BEFORE_RE.search(
                low, max(0, m.start() - 12), m.start()
            ):
                continue
            yield _finding(text, "age", *m.span(), LOW)
        else:
            yield _finding(text, "age", *m.span(), HIGH)
    for pos in doc.at("age"):
        if m := AGE_CUE_RE.match(low, pos):
            if STATISTIC_BEFORE_RE.search(low, max(0, pos - 10), pos):
                continue  # "mean age 92 in the cohort": a figure of a study
            # Keep the label when it reads as part of the age ("aged 91").
            start = pos if m.group("label") else m.start("age")
            yield _finding(text, "age", start, m.end("age"), HIGH)
    if "/" in text:
        # Two literal-led passes find the slashes with a sex letter or an age after them.
        for m in SLASH_TRIGGER_RE.finditer(text):
            if age := AGE_SLASH_RE.search(text, max(0, m.start() - 4), m.start() + 5):
                yield _finding(text, "age", *age.span(), HIGH)
    if "ninety" in low or "hundred" in low:
        for m in AGE_WORDS_RE.finditer(low):
            yield _finding(text, "age", *m.span(), HIGH)
        if "ninety" in low:
            for m in AGE_NINETY_RE.finditer(low):
                yield _finding(text, "age", *m.span(), LOW)
    if "narian" in low:
        for m in AGE_NOUN_RE.finditer(low):
            # The age itself, when given ("Centenarian (101)", "she is 96"), is the finding.
            if not AGE_NUMBER_AFTER_RE.search(low, m.end(), m.end() + 60):
                yield _finding(text, "age", *m.span(), LOW)


# --- ages, postcodes, health numbers and phone numbers from elsewhere ---


def _detect_more_ages(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("age_verb"):
        m = AGE_AFTER_VERB_RE.match(low, pos)
        if m is None:
            continue
        before = low[max(0, pos - 25) : pos]
        # "Sodium was 130": a lab or vital sign, not a person, before the verb.
        if LAB_BEFORE_VERB_RE.search(before) or STATISTIC_BEFORE_RE.search(before):
            continue
        yield _finding(text, "age", m.start("age"), m.end("tail"), HIGH)
    for m in AGE_SENTENCE_START_RE.finditer(text):
        if (
            _clear_before(text, m.start(), ".,/-+")
            and (
                _sentence_start(text, m.start())
                # Inside a sentence after a comma, with what the person still is or does: "TAVI
                # last year, 93 and sharp as a tack".
                or (
                    text[m.start() - 2 : m.start()] == ", "
                    and low.startswith("and", m.end("age") + 1)
                )
            )
        ):
            yield _finding(text, "age", *m.span("age"), LOW)
    for pos in doc.at("title"):
        if m := AGE_AFTER_TITLE_RE.match(low, pos):
            yield _finding(text, "age", *m.span("age"), HIGH)
    for pos in doc.at("bed"):
        m = BED_NAME_AGE_RE.match(low, pos)
        if m and all(_name_bits(word) & STRONG for word in m.group("name").split()):
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
        elif (
            (m := AGE_AT_CHOICE_RE.match(low, pos))
            and (
                TREATMENT_BEFORE_RE.search(low, max(0, pos - 50), pos)
                or low[max(0, pos - 4) : pos] in ("who ", "she ", " he ")
            )
            and not VITAL_WORD_RE.search(low, max(0, pos - 40), pos)
        ):
            yield _finding(text, "age", *m.span("age"), LOW)
    for pos in doc.at("age_to_come"):
        if (m := AGE_TO_COME_RE.match(low, pos)) and PERSON_WILL_BEFORE_RE.search(
            low, max(0, pos - 12), pos
        ):
            yield _finding(text, "age", *m.span("age"), HIGH)
    between = [AGE_BETWEEN_COMMAS_RE]
    if "—" in text or "–" in text:
        between.append(AGE_BETWEEN_DASHES_RE)
    if " - " in text:
        between.append(AGE_BETWEEN_HYPHENS_RE)  # "mabel in your thoughts - 98, came in"
    for m in (m for rx in between for m in rx.finditer(text)):
        before = text[max(0, m.start() - 3) : m.start()].rstrip(" \t")[-2:]
        # After a word, an initial ("Astrid S., 91,", "t.b., 99,"), a bed ("bed 3, 95,") or a
        # name in brackets ("Lola Nena (Leonora Dimaculangan), 90,").
        if (
            before[-1:].isalpha()
            or (before[-1:] == ")" and before[:1].isalpha())
            or (
                before[-1:] == "."
                and (
                    before[:1].isupper()
                    or INITIALS_RE.search(text, max(0, m.start() - 8), m.start())
                )
            )
            or BED_NUMBER_BEFORE_RE.search(low, max(0, m.start() - 16), m.start())
            or _after_long_number(text, m.start())
        ):
            yield _finding(text, "age", *m.span("age"), HIGH)
    for m in AGE_BEFORE_DAY_RE.finditer(low):
        # After a name or a place ("Peadar, 96 in May", "the Castlemilk scheme, 99 on thursday"),
        # not a reading ("HR 95 on Monday, 110 on Tuesday").
        words = text[max(0, m.start() - 30) : m.start()].split()
        word = words[-1] if words else ""
        if (
            word[:1].isalpha()
            and word.capitalize() not in DAYS_AND_MONTHS
            and not VITAL_WORD_RE.search(low, max(0, m.start() - 40), m.start())
        ):
            yield _finding(text, "age", *m.span("age"), HIGH)
    if "ninety" in low or "hundred" in low:
        for m in AGE_NUMBER_WORD_RE.finditer(low):
            if AGE_VERB_BEFORE_RE.search(low, max(0, m.start() - 12), m.start()) or (
                (_sentence_start(text, m.start()) or low[m.start() - 2 : m.start()] == ", ")
                and AGE_WORD_TAIL_RE.match(low, m.end())
            ):
                yield _finding(text, "age", *m.span("age"), HIGH)
    if "(" in text:
        for m in AGE_IN_BRACKETS_RE.finditer(text):
            before = _word_before(text, m.start())
            if (
                before in PERSON_BEFORE_AGE
                or _name_bits(before) & STRONG
                or TITLED_NAME_BEFORE_RE.search(text, max(0, m.start() - 40), m.start())
            ):
                yield _finding(text, "age", *m.span("age"), HIGH)
    for word, pattern in _AGES_AFTER_A_WORD:
        if word in low:
            for m in pattern.finditer(low):
                yield _finding(text, "age", *m.span("age"), HIGH)
    yield from _ages_in_more_phrasings(doc)


def _after_long_number(text: str, comma: int) -> bool:
    """An identifier of eight digits or more ends right before this comma."""
    m = LONG_NUMBER_BEFORE_RE.search(text, max(0, comma - 30), comma)
    return m is not None and sum(c.isdigit() for c in m.group()) >= 8


def _detect_other_languages(doc: Doc) -> Iterator[Finding]:
    """Ages, dates and names in the words and scripts of French, Spanish, German, Nordic,
    Slavic and East Asian notes pasted into a post: "95 ans", "92세", "12 de marzo",
    "2026年3月14日", "adm 14.03.", "李建国 (Li Jianguo)"; and a month and day with a hyphen by
    its word in a texted sign-out ("admit 3-9")."""
    text, low = doc.text, doc.low
    units = doc.at("age_unit")
    if not text.isascii():
        units = sorted([*units, *_char_positions(text, EAST_ASIAN_AGE_UNITS)])
    for pos in units:
        number = AGE_BEFORE_UNIT_RE.search(low, max(0, pos - 5), pos)
        if number and (m := AGE_IN_OTHER_LANGUAGES_RE.match(low, number.start())):
            yield _finding(text, "age", *m.span("age"), HIGH)
    for pos in doc.at("other_month"):
        if day := DAY_BEFORE_OTHER_MONTH_RE.search(low, max(0, pos - 8), pos):
            end = low.find(" ", pos)
            end = len(low) if end == -1 else end
            end = len(low[pos:end].rstrip(".,;:!?)")) + pos
            if year := OTHER_MONTH_YEAR_RE.match(low, end):
                end = year.end()
            confidence = _date_confidence(doc, day.start(), end, is_range=False)
            if confidence is not None:
                yield _finding(text, "date", day.start(), end, confidence)
    for pos in doc.at("stay"):
        if m := DOTTED_DAY_MONTH_RE.search(text, pos, pos + 30):
            yield _finding(text, "date", *m.span(), HIGH)
        # Searched a little past its window, so that "3-4 times" is seen whole.
        m = HYPHEN_MONTH_DAY_RE.search(text, max(0, pos - 6), pos + 40)
        if m and m.start() < pos + 16:
            yield _finding(text, "date", *m.span(), HIGH)
    if text.isascii():
        return
    if "月" in text:
        for m in EAST_ASIAN_DATE_RE.finditer(text):
            yield _finding(text, "date", *m.span(), HIGH)
    if EAST_ASIAN_SCRIPT_RE.search(text):
        for m in NAME_IN_TWO_SCRIPTS_RE.finditer(text):
            for group in ("native", "roman", "roman_first", "native_after"):
                if m.group(group):
                    yield _finding(text, "name", *m.span(group), HIGH)


def _char_positions(text: str, chars: str) -> list[int]:
    """Offsets of each of ``chars`` in ``text``."""
    found: list[int] = []
    for char in chars:
        at = text.find(char)
        while at != -1:
            found.append(at)
            at = text.find(char, at + 1)
    return found


def _ages_in_more_phrasings(doc: Doc) -> Iterator[Finding]:
    """ "a wee man of 92", "her 99th last week", "she'll be 97 this year", "95 next month",
    "Mrs Ivy Blenkinsop 102,"."""
    text, low = doc.text, doc.low
    for pos in doc.at("title"):
        if titled := TITLED_NAME_THEN_AGE_RE.match(text, pos):
            yield _finding(text, "age", *titled.span("age"), HIGH)
    if " of " in low:
        for m in AGE_OF_RE.finditer(low):
            if (
                m.start()
                and low[m.start() - 1] in " \t"
                and PERSON_BEFORE_OF_RE.search(low, max(0, m.start() - 12), m.start())
            ):
                yield _finding(text, "age", *m.span("age"), HIGH)
    for pos in doc.at("possessive"):
        if ordinal := AGE_ORDINAL_RE.match(low, pos):
            yield _finding(text, "age", *ordinal.span("age"), HIGH)
    for pos in doc.at("age_next"):
        age = AGE_BEFORE_NEXT_RE.search(low, max(0, pos - 8), pos)
        if (
            age
            and NEXT_TAIL_RE.match(low, pos)
            and not NOT_A_PERSON_BEFORE_AGE_RE.search(low, max(0, age.start() - 12), age.start())
        ):
            yield _finding(text, "age", *age.span("age"), LOW)


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
