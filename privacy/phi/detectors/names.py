"""Names after titles and cues, bare listed names, model names and handles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from privacy.phi.detectors.common import (
    CITY_AS_NAME,
    WORD_NAME_THRESHOLD,
    Doc,
    Span,
    _finding,
    names_a_thing,
    signs_off,
)
from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.model import joined_to_previous, names_of
from privacy.phi.patterns.common import TOKEN_RE, WORD_JOINERS_RE
from privacy.phi.patterns.context import (
    ANIMAL_BEFORE_RE,
    COLLEAGUE_BEFORE_RE,
    CREDENTIAL_AFTER_RE,
    DOSE_AFTER_RE,
    FOLLOWING_WORD_RE,
    MY_PATIENT_BEFORE_RE,
    NOT_PERSON_NAME_RE,
    PERSON_NOUN_RE,
)
from privacy.phi.patterns.international import (
    APPOSITIVE_RE,
    CAMEL_PART_RE,
    CLINICIAN_HANDLE_RE,
    COLLEAGUE_AFTER_RE,
    DETERMINER_BEFORE,
    EPONYM_KINDS,
    EPONYM_PHRASE_AFTER_RE,
    HANDLE_OF_PATIENT_RE,
    HANDLE_SOCIAL_CUE_RE,
    HASHTAG_COMMON,
    HASHTAG_NAME_BEFORE,
    HASHTAG_RE,
    LOWER_NOT_SURNAME,
    LOWER_SENTENCE_START_RE,
    LOWER_TITLE_RE,
    LOWER_WORD_START_RE,
    NAME_BEFORE_HANDLE_RE,
    NAME_BEFORE_REAL_NAME_RE,
    NAME_CUE_WORDS,
    NAME_WORD_RE,
    NEXT_WORD_RE,
    PAIRED_NAME_BEFORE_RE,
    PERSON_VERB_AFTER_RE,
    PLACE_EVENT_RE,
    PLACE_PREPOSITIONS,
    REAL_BEFORE_NAME_RE,
    REFERENCE_BEFORE,
    SIMPLE_VERB_AFTER_RE,
    SUPPORT_WORDS,
)
from privacy.phi.patterns.keywords import NAME_AFTER_CUE_RE, NAME_CUE_RE
from privacy.phi.patterns.shapes import (
    AGE_AFTER_INITIALS_RE,
    AGE_AFTER_NAME_RE,
    CREDENTIAL_INITIALS,
    FAMILY_RE,
    HONORIFIC_RE,
    INITIALS_CUE_BEFORE_RE,
    INITIALS_RE,
    INITIALS_TRIGGER_RE,
    NAME_BEFORE_RE,
    NEXT_TOKEN_RE,
)
from privacy.phi.patterns.unlisted import (
    AGE_AFTER_SURNAME_RE,
    COPULA_AFTER_RE,
    INITIALS_AFTER_KIN_RE,
    INITIALS_AFTER_PATIENT_RE,
    INITIALS_BEFORE_AGE_SEX_RE,
    JARGON_SUFFIX_RE,
    LAB_WORD_END_RE,
    LOWER_NAME_AFTER_KIN_RE,
    NAME_GIVEN_AFTER_CUE_RE,
    NAME_PARTICLES,
    NOT_A_NAME_AFTER_KIN,
    NOT_INITIALS,
    NOT_PATIENT_AFTER_RE,
    NUMBER_NEXT_RE,
    QUOTED_NICKNAME_AFTER_CUE_RE,
    ROOM_THEN_SURNAME_RE,
    THINGS_LIST_AFTER_RE,
    TITLED_CAPITALS_RE,
    WORD_NAMES_OF_PEOPLE,
)
from privacy.phi.vocabulary import (
    CREDENTIALS,
    DRUG_BRANDS,
    ENGLISH_WORDS,
    EPONYM_FOLLOWERS,
    EPONYMS,
    FIRST_NAMES,
    GIVEN,
    NAME_FLAGS,
    NOT_NAME,
    PLACE_POPULATION,
    PUBLIC_FIGURES,
    STRONG,
    SURNAME,
    WORD,
    inflected_english,
)

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
    for i, tok in enumerate(tokens):
        word = tok.group()
        parts = [p for p in WORD_JOINERS_RE.split(word) if p]
        if _REDUPLICATED_RE.fullmatch(word):
            kept.append(tok)  # "Jun-Jun", "Bong-Bong": a nickname, whatever its halves are
        elif word in NOT_NAME or all(p in NOT_NAME for p in parts):
            if not (keep_right and i == 0 and _surname_after_name(word, tokens[1:])):
                break
            kept.append(tok)
        else:
            kept.append(tok)
    if not kept:
        return None
    if keep_right:
        return kept[-1].start(), kept[0].end()
    # Keep leading particles ("de la Cruz") that precede the first token.
    return (start if kept[0].start() > start else kept[0].start()), kept[-1].end()


_SAINT_BEFORE_RE: Final = re.compile(r"\b(?:St|Ste|Saint)\.?[ \t]+$", re.IGNORECASE)
_HOSPITAL_BEFORE_RE: Final = re.compile(
    r"\b(?:Hospital|Hospitál|Ospital|Klinik|Rumah[ \t]+Sakit|Puskesmas)(?:[ \t]+[A-Z][\w'’-]*){0,2}"
    r"[ \t]+$"
)
_REDUPLICATED_RE: Final = re.compile(r"([A-Z][a-z]+)-\1", re.IGNORECASE)


def _surname_after_name(word: str, before: list[re.Match[str]]) -> bool:
    """Whether ``word``, an eponym, is the surname of the name before it ("Shoshana Weiss, 91,"
    read from the right): an eponym is a surname too, when the word before it is no eponym,
    drug or other listed non-name."""
    return word in EPONYMS and bool(before) and before[0].group() not in NOT_NAME


def _given_only(word: str) -> bool:
    """A given name that is not also a surname (or a common given name of the short list)."""
    return word in FIRST_NAMES or _name_bits(word) & (GIVEN | SURNAME) == GIVEN


def _is_person_name(text: str, start: int, end: int) -> bool:
    """Reject eponyms, colleagues, signatures, @handles and public figures."""
    if start > 0 and text[start - 1] == "@":
        return False
    if _SAINT_BEFORE_RE.search(text, max(0, start - 7), start):
        return False  # "St. Brigid's ward": a saint's name is a ward's or a hospital's
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
    if _HOSPITAL_BEFORE_RE.search(text, max(0, start - 40), start):
        return False  # "Hospital Sultanah Aminah": a hospital named after a person
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
            elif named.startswith(("goes", "known", "nicknamed")):
                pass  # said only of people: "he goes by Shankar"
            elif named.endswith(("her", "him")):
                rel = NAME_CUE_RE.fullmatch(low, start, end)
                if rel is not None and rel.group("rel"):
                    continue  # "I call her Mum"
            elif not PERSON_NOUN_RE.search(low, max(0, pos - 40), pos) or ANIMAL_BEFORE_RE.search(
                low, max(0, pos - 30), pos
            ):
                # "a drug called Ozempic", "our therapy dog is called Hope" are not people.
                continue
            # "her name is Sunny": a given name that is also a word, after the cue.
            yield _name_finding(text, start, end, HIGH) or _given_word_name(
                text, start, strict=True
            )
        elif cue.group("pt") is not None:
            # "gave pt Zofran 4 mg": a capitalised word followed by a dose is a drug.
            if DOSE_AFTER_RE.match(text, end):
                continue
            finding = _name_finding(text, start, end, HIGH)
            if finding is None and (
                MY_PATIENT_BEFORE_RE.search(low, max(0, pos - 24), pos)
                or low.startswith(":", cue.end())
            ):
                finding = _given_word_name(text, start, strict=True)  # "Pt: Hope"
            # A single word after "pt" may be a name or just a capitalised word.
            if finding is not None and " " not in finding.text.strip():
                finding = _finding(text, "name", finding.start, finding.end, LOW)
            yield finding
        else:
            finding = _name_finding(text, start, end, HIGH)
            if finding is None and cue.group("rel") in _KIN_WORDS:
                finding = _given_word_name(text, start)
            yield finding


# Relatives whose name follows the word itself ("wife Hope", "daughter Grace"); not "man",
# "young" or "sister" (a ward sister), after which a capitalised word is seldom a name.
_KIN_WORDS: Final = frozenset(
    """wife husband son daughter mother mom mum father dad brother partner spouse fiance fiancee
    boyfriend girlfriend grandson granddaughter grandmother grandfather grandma grandpa niece
    nephew aunt uncle cousin stepson stepdaughter twin baby aunty auntie nan nana granny
    gran neighbour neighbor""".split()
)


def _given_word_name(text: str, start: int, *, strict: bool = False) -> Finding | None:
    """A listed given name the other rules set aside, right after a relative ("Wife Hope is
    hoping to come", "Wife Linda cell 555-0134"), the poster's patient ("my patient Sunny")
    or a word that names ("her name is Faith"): the cue is evidence enough. ``strict``: the
    cue is not a relative, so the name must pass every check of `_is_person_name`."""
    word = TOKEN_RE.match(text, start)
    if word is None or not _name_bits(word.group()) & GIVEN or word.group().isupper():
        return None
    if strict:
        if not _is_person_name(text, start, word.end()):
            return None  # "why is it called Bell's palsy", "Dr. Will Tsosie"
    # The relative rules out an eponym ("Wife Linda cell 555-0134" is no "Linda cell").
    elif _public_figure(text, start, word.end()) or COLLEAGUE_BEFORE_RE.search(
        text, max(0, start - 25), start
    ):
        return None
    return _finding(text, "name", start, word.end(), LOW)


def _initials_and_capitals(doc: Doc) -> Iterator[Finding]:
    """A patient's initials after "pt" ("pt JK,", "Pt initials SN", "pt 'RS', 52"), a surname
    in capitals after a title ("Mrs DELACROIX", "Mr O'SULLIVAN"), a given name in lower case
    after a relative ("dtr ingrid"), a nickname in quotes after the words that bring one in
    ("goes by 'Lucky'"), a surname after a room in a texted sign-out ("rm 18 becker", "BED 9 -
    SZYMANSKI J, 90M") and initials in capitals after a relative ("Son DH") or before an age
    and sex ("MK 97M")."""
    text, low = doc.text, doc.low
    for pos in doc.at("name"):
        if low.startswith(("pt", "patient"), pos) and (
            m := INITIALS_AFTER_PATIENT_RE.match(text, pos)
        ):
            initials = m.group("initials")
            if m.group("quote") or initials.replace(".", "") not in NOT_INITIALS:
                yield _finding(text, "name", *m.span("initials"), HIGH)
    for pos in doc.at("title"):
        if m := TITLED_CAPITALS_RE.match(text, pos):
            yield _finding(text, "name", *m.span("surname"), HIGH)
    for pos in doc.at("more_names"):
        if m := LOWER_NAME_AFTER_KIN_RE.match(low, pos):
            word = m.group("name")
            bits = NAME_FLAGS.get(word, 0)
            # A name that is also a word ("june", "skip", "run") only before a number.
            if (
                text[m.start("name")].islower()
                and word not in NOT_A_NAME_AFTER_KIN
                and bits & GIVEN
                and (not bits & WORD or NUMBER_NEXT_RE.match(text, m.end()))
            ):
                yield _finding(text, "name", *m.span("name"), LOW)
        elif m := QUOTED_NICKNAME_AFTER_CUE_RE.match(text, pos) or NAME_GIVEN_AFTER_CUE_RE.match(
            text, pos
        ):
            quoted = m.re is QUOTED_NICKNAME_AFTER_CUE_RE or m.group("quote")
            if m.group("nick") not in NOT_NAME and (
                quoted or m.group("nick").split()[0] not in NOT_NAME
            ):
                yield _finding(text, "name", *m.span("nick"), HIGH)
        elif m := ROOM_THEN_SURNAME_RE.match(text, pos):
            word = m.group("name").lower()
            end = m.end("initial") if m.group("initial") else m.end("name")
            bits = NAME_FLAGS.get(word, 0)
            # A listed surname, or a word of no language before an age: not "bed 10 quiet,
            # 45F", "rm 7 etoh", "bed 1 - LRTI".
            if (
                (bits & (GIVEN | SURNAME) and not bits & WORD)
                or (word not in ENGLISH_WORDS and AGE_AFTER_SURNAME_RE.match(text, end))
            ) and (
                m.group("name").capitalize() not in NOT_NAME and word not in NOT_A_NAME_AFTER_KIN
            ):
                yield _finding(text, "name", m.start("name"), end, HIGH)
        if m := INITIALS_AFTER_KIN_RE.match(text, pos):
            if m.group("initials") not in NOT_INITIALS:
                yield _finding(text, "name", *m.span("initials"), HIGH)
    for sex in _ages_with_sex(text):
        m = INITIALS_BEFORE_AGE_SEX_RE.search(text, max(0, sex - 11), sex + 1)
        if m and m.group("initials") not in NOT_INITIALS:
            yield _finding(text, "name", *m.span("initials"), HIGH)


def _ages_with_sex(text: str) -> Iterator[int]:
    """Offsets of the sex letter of each "97M", "45F" (found with ``str.find``, quicker than a
    pattern run over the whole text)."""
    size = len(text)
    for letter in "MF":
        at = text.find(letter, 1)
        while at != -1:
            if text[at - 1].isdigit() and not (at + 1 < size and text[at + 1].isalnum()):
                yield at
            at = text.find(letter, at + 1)


def _names_before_their_real_name(doc: Doc) -> Iterator[Finding]:
    """ "'Bubba' (legal name Tyrell Jackson Jr)", "Little Sunny (real name Sunniva Haugen)"."""
    text, low = doc.text, doc.low
    at = low.find(" name")
    while at != -1:
        if (real := REAL_BEFORE_NAME_RE.search(low, max(0, at - 7), at)) and (
            m := NAME_BEFORE_REAL_NAME_RE.search(text, max(0, real.start() - 40), real.start())
        ):
            group = "quoted" if m.group("quoted") else "bare"
            if m.group(group) not in NOT_NAME:
                yield _finding(text, "name", *m.span(group), HIGH)
        at = low.find(" name", at + 5)


def _detect_names(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    found: list[Finding | None] = []
    for m in HONORIFIC_RE.finditer(text):
        if m.group("name"):
            found.append(_name_finding(text, *m.span("name"), HIGH))
        else:
            found.append(_finding(text, "name", *m.span("initial"), LOW))
    found.extend(_names_after_cues(doc))
    found.extend(_initials_and_capitals(doc))
    for m in FAMILY_RE.finditer(text):
        if m.group("name"):
            found.append(_name_finding(text, *m.span("name"), LOW))
            continue
        surname = m.group("surname")
        if _name_bits(surname) & STRONG or (
            not _name_bits(surname) and surname.lower() not in ENGLISH_WORDS
        ):
            found.append(_name_finding(text, *m.span("surname"), LOW))
    for m in AGE_AFTER_NAME_RE.finditer(text):
        before = NAME_BEFORE_RE.search(text, max(0, m.start() - 80), m.start())
        if before and not (
            before.group(1) in PLACE_POPULATION
            and _word_before(text, before.start(1)) in PLACE_PREPOSITIONS
        ):  # "a roofer from Mesa, 41,": a town, not a name
            finding = _name_finding(text, *before.span(1), HIGH, keep_right=True)
            if finding is None and before.group(1) in WORD_NAMES_OF_PEOPLE:
                finding = _finding(text, "name", *before.span(1), LOW)  # "Will, 45M, roofer"
            found.append(finding)
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
            if m.group().replace(" ", "").upper() in CREDENTIAL_INITIALS:
                continue
            start, end = m.span()
            # Between commas after a person: "I have a 91yo vet, J.T., discharging".
            between = text[max(0, start - 2) : start].strip() == "," and text[end : end + 1] == ","
            if (
                INITIALS_CUE_BEFORE_RE.search(low, max(0, start - 25), start)
                or AGE_AFTER_INITIALS_RE.match(text, end)
                or (between and PERSON_NOUN_RE.search(low, max(0, start - 40), start))
            ):
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
    parts = [p for p in WORD_JOINERS_RE.split(word) if p]
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


# A brand in brackets right after a word: "Finerenone (Kerendia)".
BRAND_IN_BRACKETS_RE: Final = re.compile(r"[ \t]*\(([A-Z][a-z]+)\)")


def _word_after_hyphen(word: str) -> bool:
    """A word joined to an English word: "Spanish-speaking", "Covid-positive", not "Hye-jin"."""
    tail = word.rpartition("-")[2]
    return tail != word and len(tail) > 4 and tail.lower() in ENGLISH_WORDS


def _bare_name_at(doc: Doc, pos: int) -> tuple[Finding | None, int]:
    text = doc.text
    m = NAME_WORD_RE.match(text, pos)
    if m is None or joined_to_previous(text, pos):
        return None, pos
    word = m.group()
    end = m.end()
    if word.isupper() and len(word) > 1:
        return None, pos  # acronyms: ANA, WEI, LEE
    if _word_after_hyphen(word):
        return None, end
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
        if (
            before not in NAME_CUE_WORDS
            and end == m.end()
            and word in ENGLISH_WORDS
            and not SIMPLE_VERB_AFTER_RE.match(text, end)
            and not PERSON_VERB_AFTER_RE.match(text, end)
        ):
            return None, end  # "amber on the news2", "ivy league": a word before a word
        if COLLEAGUE_BEFORE_RE.search(text, max(0, pos - 25), pos):
            return None, end  # "thanks to dr. amira haddad"
        return _finding(text, "name", pos, end, LOW), end
    if word in NOT_NAME or not _is_name_part(word):
        return None, pos
    end = _extend_name(text, pos, end, lower=False)
    nxt = NEXT_WORD_RE.match(text, end)
    if nxt and nxt.group("word") in NOT_NAME and nxt.group("word")[:1].isupper():
        return None, end  # part of a longer term: "Marcus Gunn pupil", "Victoria Cross"
    if names_a_thing(text, end):
        return None, end  # "Ross River virus", "Rocky Mountain spotted fever"
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
        if (
            word.lower() in ENGLISH_WORDS
            and after[:1] != ","
            and not SIMPLE_VERB_AFTER_RE.match(text, end)
            and not PERSON_VERB_AFTER_RE.match(text, end)
        ):
            return None, end  # "Ivy league grads", "Amber alert": a name that is also a word
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
    if signs_off(text, pos, end) or COLLEAGUE_AFTER_RE.match(text, end):
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
        usual = len(m.group("name")) > 2 and m.group("name") not in LOWER_NOT_SURNAME
        title = m.group("title").lower()  # "mr. okonkwo", "Mr. tran"
        if (
            bits & STRONG
            or (title != "miss" and not bits & WORD and usual)
            # A listed surname that is also a word, after "mr" or "mrs": "mr bishop in side room 7".
            or (title in ("mr", "mrs") and bits & (GIVEN | SURNAME) and usual)
        ):
            start, end = m.span("name")
            if text[end - 2 : end] in ("'s", "’s"):
                end -= 2  # "mrs brown's grandson"
            else:
                end = _lower_surname_after(text, end)  # "mrs hilda fairweather"
            yield _finding(text, "name", start, end, HIGH)
    # Unlisted names opening a sentence before a verb only people do.
    possessed = [p for p in doc.at("possessive_noun") if doc.low[p - 3 : p - 1] in ("'s", "’s")]
    for pos in doc.at("person_verb") + possessed:
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
            or _word_after_hyphen(word)
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
            all(p[:1].isupper() and p[1:].islower() for p in word.split("-"))
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
    yield from _names_before_their_kin(doc)


# Words that own a relative without being anyone's name ("the patient's daughter",
# "everyone's parents", "today's family").
_KIN_OWNERS_NOT_NAMES: Final = frozenset(
    """patient pt pts everyone everybody someone somebody anyone anybody nobody noone one other
    another today tonight yesterday tomorrow week month year night morning weekend team ward
    unit hospital god lord baby infant child kid boy girl man woman lady guy gent gentleman
    friend neighbour neighbor client resident teen toddler newborn mother father mum mom dad
    wife husband son daughter sister brother grandma grandpa aunt uncle niece nephew cousin
    partner carer caregiver parent family patient's fella bloke chap lad lass""".split()
)
# Words before an owner that make it a common noun: "the twins' mum", "my mate's dad".
_ARTICLES_AND_POSSESSIVES: Final = frozenset(
    "the a an my his her our their your its this that each every whose same".split()
)


def _names_before_their_kin(doc: Doc) -> Iterator[Finding]:
    """A name that owns a relative: "tiny's mom called", "rose's daughter says", "Mr Hopkins'
    three kids", "Mark's daughter told me"; not "the patient's son" or "everyone's parents"."""
    text = doc.text
    for pos in doc.at("kin"):
        mark = text[pos - 3 : pos - 1]
        if mark in ("'s", "’s"):
            end = pos - 3
        elif mark[1:] in ("'", "’") and mark[:1] == "s":
            end = pos - 2  # "Hopkins' kids"
        else:
            continue
        start = end
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'’-"):
            start -= 1
        word = text[start:end]
        lower = word.lower()
        if (
            len(word) < 2
            or not word.replace("-", "").replace("'", "").replace("’", "").isalpha()
            or lower in _KIN_OWNERS_NOT_NAMES
            or _word_before(text, start) in _ARTICLES_AND_POSSESSIVES
            or word in NOT_NAME
            or word.capitalize() in NOT_NAME
            or word.capitalize() in EPONYMS
            or lower == "down"  # "Down's parents group"
        ):
            continue
        bits = _name_bits(lower)
        if not (bits & (GIVEN | SURNAME) or lower not in ENGLISH_WORDS):
            continue  # "the tiny's"? an ordinary word, not a name
        if word[:1].isupper() and (
            word.isupper() and len(word) > 2 or not _is_person_name(text, start, end)
        ):
            continue
        if word in PLACE_POPULATION and not bits & GIVEN:
            continue  # "Leeds's dad joke"? a town's
        yield _finding(text, "name", start, end, LOW)


def _lower_surname_after(text: str, end: int) -> int:
    """Past one or two more lower-case words of a name after a title and a given name ("mrs
    hilda fairweather", "mdm siti aminah"): listed names or words of no English list."""
    for _ in range(2):
        m = NEXT_WORD_RE.match(text, end)
        if m is None:
            break
        word = m.group("word")
        if (
            not word.isalpha()
            or not word.islower()
            or len(word) < 3
            or word.capitalize() in NOT_NAME
            or (word in ENGLISH_WORDS and not _name_bits(word) & (GIVEN | SURNAME))
            or _name_bits(word) & WORD
        ):
            break
        end = m.end()
    return end


def _lower_name_before_verb(text: str, pos: int) -> Finding | None:
    """An unlisted lower-case name between a cue and a person's verb ("with nkem and her mum")."""
    if not PERSON_VERB_AFTER_RE.match(text, pos - 1) and not (
        text[pos - 3 : pos - 1] in ("'s", "’s") and PERSON_VERB_AFTER_RE.match(text, pos - 3)
    ):
        return None  # cheap test first: most "is", "was" and "and" start no verb of people
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
    base = m.start(1)
    # Two names joined by "And": "#JockAndJean", "#KosiAndDera" (not "#RockAndRoll").
    for i in range(1, len(parts) - 1):
        if words[i] == "and" and all(
            parts[j].group()[:1].isupper()
            and len(words[j]) > 2
            and (_name_bits(words[j]) & (GIVEN | WORD) == GIVEN or words[j] not in ENGLISH_WORDS)
            and parts[j].group() not in NOT_NAME
            for j in (i - 1, i + 1)
        ):
            for j in (i - 1, i + 1):
                yield _finding(text, "name", base + parts[j].start(), base + parts[j].end(), LOW)
    # A given name that is also a word, written as a name elsewhere in the post: "Hope is home
    # ... #HopeStrong", "Summer Okafor, 19 ... #BringSummerHome".
    repeated = [p.group() in WORD_NAMES_OF_PEOPLE and text.count(p.group()) > 1 for p in parts]
    if not any(w in SUPPORT_WORDS for w in words) and not any(repeated):
        return
    for i, (part, word) in enumerate(zip(parts, words, strict=True)):
        if (word in SUPPORT_WORDS and not repeated[i]) or not part.group()[:1].isupper():
            continue
        bits = _name_bits(word)
        after_cue = i > 0 and words[i - 1] in HASHTAG_NAME_BEFORE
        # An English word is a name only after "for" or a relative ("#PrayForPaddy"), or as a
        # listed name's possessive ("#MasonsFight"); not "#TipsForNewInterns", "#GoLive".
        english = (word in ENGLISH_WORDS or inflected_english(word)) and not (
            (after_cue and words[i - 1] not in ("go", "like"))
            or _name_bits(word.removesuffix("s")) & GIVEN
        )
        unlisted = (
            not bits
            and len(word) > 2
            and word not in HASHTAG_COMMON
            and not english
            and part.group().capitalize() not in NOT_NAME
            and not JARGON_SUFFIX_RE.search(word)  # "#TeamDexamethasone"
        )
        named = after_cue and bits & GIVEN
        if (bits & (GIVEN | SURNAME) and not bits & WORD) or unlisted or named or repeated[i]:
            yield _finding(text, "name", base + part.start(), base + part.end(), LOW)


def patient_handle(text: str, start: int, end: int) -> bool:
    """Whether the @handle at ``start`` belongs to a patient or relative, not a colleague."""
    handle = text[start + 1 : end]
    if CLINICIAN_HANDLE_RE.search(handle):
        return False
    if HANDLE_OF_PATIENT_RE.search(text, max(0, start - 16), start):
        return True
    owner = NAME_BEFORE_HANDLE_RE.search(text, max(0, start - 30), start)
    if (
        owner
        and len(owner.group(1)) > 2
        and owner.group(1).lower() in handle.lower()
        and not text.endswith(("by ", "to "), 0, owner.start(1))  # "a thread by Eric (@…)"
        and _is_person_name(text, *owner.span(1))  # not "Dr Eric Topol (@EricTopol)"
    ):
        return True  # "Anahera (@anahera.k.w)": the person named, by their own handle
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
    for start, end, probability in names_of(text, doc.tagged()):
        if _word_before(text, start) in REFERENCE_BEFORE | DETERMINER_BEFORE:
            continue
        word = text[start:end]
        if text[start - 2 : start] in ('="', "='"):
            continue  # '<input name="csrfmiddlewaretoken">': markup quoted in a post
        if probability < WORD_NAME_THRESHOLD and _name_bits(word) & WORD:
            continue  # "Hope, Faith and Charity ward": names that are words need more
        if (
            not _name_bits(word)
            and len(word) > 5
            and LAB_WORD_END_RE.search(word.lower())
            and COPULA_AFTER_RE.match(text, end)
        ):
            continue  # "Metformin is the first line": a drug or a lab, as in the rules
        if THINGS_LIST_AFTER_RE.match(text, end):
            continue  # "Lactate, cultures, antibiotics and fluids": a list of things
        if names_a_thing(text, end):
            continue  # "Ross River virus"
        if (brand := BRAND_IN_BRACKETS_RE.match(text, end)) and brand.group(1) in DRUG_BRANDS:
            continue  # "Finerenone (Kerendia)": a drug and its brand
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        if (
            _public_figure(text, start, end)
            or not _is_person_name(text, start, end)
            or signs_off(text, start, end)
            or COLLEAGUE_AFTER_RE.match(text, end)
        ):
            continue
        yield _finding(text, "name", start, end, LOW)
