"""Names with no list entry, read from the words around them (see docs/phi.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from privacy.phi.detectors.common import Doc, _finding, signs_off
from privacy.phi.detectors.names import _extend_name, _is_person_name, _name_bits, _sentence_start
from privacy.phi.kinds import LOW, Finding
from privacy.phi.patterns.common import TOKEN_RE, WORD_JOINERS_RE
from privacy.phi.patterns.context import COLLEAGUE_BEFORE_RE, PERSON_NOUN_RE, TEMPERATURE_CUE_RE
from privacy.phi.patterns.international import COLLEAGUE_AFTER_RE, NEXT_WORD_RE
from privacy.phi.patterns.unlisted import (
    AFTER_NAME_PAIR_RE,
    AFTER_OBJECT,
    AGE_NAME_FROM_RE,
    AND_I_AFTER_RE,
    BABY_OF_RE,
    BED_NAME_RE,
    BED_NUMBER_RE,
    BEFORE_UNKNOWN_NAME,
    BRACKET_NAME_RE,
    BRACKETED_FULL_NAME_RE,
    BRACKETED_WORD_RE,
    CAPITALISED_BEFORE_RE,
    CLAUSE_OPENERS,
    CONTACT_NAME_RE,
    GIVEN_TO_AFTER,
    HEAD_NAME_AGE_RE,
    HEAD_NAME_BED_RE,
    HEAD_NAMES_AGE_RE,
    HUMAN_VERB_AFTER_RE,
    JARGON_SUFFIX_RE,
    KIN_OF_RE,
    LAB_WORD_END_RE,
    LETTER_SUBJECT_RE,
    LIST_NAME_DASH_RE,
    LISTED_NAME_VERB_RE,
    LOWER_NAME_BEFORE_BED_RE,
    MY_PATIENT_AFTER_RE,
    NAME_AND_FAMILY_RE,
    NAME_BEFORE_BED_RE,
    NAME_PARTICLES,
    NAMES_BEFORE_AGE_SEX_RE,
    NICKNAME_AFTER_RE,
    NOT_A_NAME_AFTER_PT,
    NOT_LOWER_NAME,
    PERSON_BEFORE_COMMA_NAME_RE,
    PERSON_COMMA_NAME_RE,
    PT_LOWER_NAME_RE,
    WORD_NAMES_OF_PEOPLE,
)
from privacy.phi.vocabulary import (
    ENGLISH_WORDS,
    GIVEN,
    NAME_FLAGS,
    NOT_NAME,
    PLACE_POPULATION,
    STRONG,
    SURNAME,
    WORD,
    inflected_english,
)

# --- names, places, numbers and dates with no list entry ---

# Longest post whose lines are read as a sign-out list ("kullecin: 45f, urosepsis").
SIGN_OUT_MAX_CHARS = 2_000


def _unknown_word(word: str) -> bool:
    """A word in neither the English word list nor the jargon lists: a name, in context."""
    low = word.lower().replace("’", "'")
    if low.endswith("'s"):
        low = low[:-2]
    if low.endswith(("n't", "'ll", "'re", "'ve", "'d", "'m")):
        return False  # "her mom didn't come": a contraction
    return (
        len(low) > 2
        and low not in ENGLISH_WORDS
        and not inflected_english(low)
        and low not in NOT_LOWER_NAME
        and low.capitalize() not in NOT_NAME
        and word not in NOT_NAME
        and not any(p.capitalize() in NOT_NAME for p in WORD_JOINERS_RE.split(low) if p)
        and not JARGON_SUFFIX_RE.search(low)
        and all(p.isalpha() for p in WORD_JOINERS_RE.split(low) if p)
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


# A word in any case, with its hyphens and apostrophes ("o'dwyer").
_NAME_WORD_RE: Final = re.compile(r"[^\W\d_][\w'’-]*")


def _person_word_ok(text: str, start: int, end: int, *, after_dash: bool = False) -> bool:
    """Whether the word is a person's name, not a colleague's, a sign-off's (a dash before it,
    unless ``after_dash``: "Rm 812 – garcia"), a town's or a listed non-name."""
    word = text[start:end]
    if COLLEAGUE_AFTER_RE.match(text, end) or (not after_dash and signs_off(text, start, end)):
        return False
    if word[:1].isupper():
        bits = _name_bits(word)
        if word.isupper() or (
            word in PLACE_POPULATION
            and not (bits & GIVEN and bits & STRONG)
            and word not in WORD_NAMES_OF_PEOPLE
        ):
            return False  # a town, unless a given name first ("Jerome now has", "Hope is home")
        return _is_person_name(text, start, end)
    if COLLEAGUE_BEFORE_RE.search(text, max(0, start - 25), start):
        return False  # "dr. amira haddad"
    return word.lower() not in NOT_LOWER_NAME


def _detect_unlisted_names(doc: Doc) -> Iterator[Finding]:
    """Names known only by their place in the sentence.

    The object of a verb used of people ("i told marco his a1c", "asked
    oluwadamilare whether"), a lower-case unknown word after a relative
    ("his daughter priyanka on 07700…"), an unknown or listed word opening a
    sentence before a verb only people take ("Seo-yeon came with", "Ruairí is
    6"), a name between commas after a person noun ("an old farmer, Gwilym,"),
    a pair of names ("Femi and Tolu are the parents"), a name thanked with its family
    or between an age and a home, and names joined by "w/o", "s/o", "d/o".
    """
    yield from _objects_of_person_verbs(doc)
    yield from _names_after_relatives(doc)
    yield from _names_in_sign_out(doc)
    yield from _names_opening_a_sentence(doc)
    yield from _names_between_commas(doc)
    yield from _names_before_my_patient(doc)
    yield from _pairs_of_names(doc)
    yield from _unknown_capitalised(doc)
    yield from _names_in_brackets(doc)
    yield from _names_with_family_or_home(doc)
    yield from _names_with_kin_of(doc)
    yield from _names_of_letters_babies_and_brackets(doc)


def _names_of_letters_babies_and_brackets(doc: Doc) -> Iterator[Finding]:
    """A mother named by her baby, a letter's subject, a full name in brackets after a name or
    a nickname (see `BABY_OF_RE`, `LETTER_SUBJECT_RE`, `BRACKETED_FULL_NAME_RE`)."""
    text, low = doc.text, doc.low
    if "baby of" in low or "infant of" in low or "b/o " in low or "bo of" in low:
        for m in BABY_OF_RE.finditer(text):
            first = m.group("name").split()[0]
            if _could_be_name(first) or _name_bits(first) & GIVEN:
                yield _finding(text, "name", *m.span("name"), LOW)
    if "Re:" in text:
        for m in LETTER_SUBJECT_RE.finditer(text):
            words = m.group("name").split()
            if words[0] not in NOT_NAME and words[0].capitalize() not in NOT_NAME:
                yield _finding(text, "name", *m.span("name"), LOW)
    bracket = text.find(" (")
    while bracket != -1:
        full = BRACKETED_FULL_NAME_RE.match(text, bracket + 1)
        before = text[bracket - 1 : bracket]
        bracket = text.find(" (", bracket + 2)
        if full and before and (before.isalnum() or before in "'’"):
            words = [w for w in full.group("name").split() if w.rstrip(".") not in ("Jr", "Sr")]
            if all(w not in NOT_NAME for w in words) and any(
                _name_bits(w) & (GIVEN | SURNAME) for w in words
            ):
                yield _finding(text, "name", *full.span("name"), LOW)


def _names_with_kin_of(doc: Doc) -> Iterator[Finding]:
    """Both names of "Bibi Nasreen w/o Ghulam Rasool", "Gul Zaman s/o Sher Zaman"."""
    text = doc.text
    if "/o" not in text and "/O" not in text:
        return
    for m in KIN_OF_RE.finditer(text):
        words = list(TOKEN_RE.finditer(text, *m.span("name")))
        while words and words[0].group() in NOT_NAME:
            words.pop(0)  # "Bibi Nasreen": the title is no part of the name
        if words:  # one name, as it is written: "Ramasamy s/o Pillai"
            yield _finding(text, "name", words[0].start(), m.end("kin"), LOW)


def _names_with_family_or_home(doc: Doc) -> Iterator[Finding]:
    """A name thanked with its family ("asante to wanjiku & family"), or between a patient's
    age and where they come from ("6yo tanvi from Nashik")."""
    text, low = doc.text, doc.low
    if "famil" in low or "whānau" in low or "whanau" in low or " fam" in low:
        for m in NAME_AND_FAMILY_RE.finditer(text):
            start, end = m.span("name")
            word = m.group("name")
            if (_could_be_name(word) or _name_bits(word) & GIVEN) and _person_word_ok(
                text, start, end
            ):
                yield _finding(text, "name", start, end, LOW)
    for pos in doc.at("place"):
        if not low.startswith("from ", pos):
            continue
        named = AGE_NAME_FROM_RE.search(text, max(0, pos - 30), pos)
        if (
            named
            and named.group("name") not in _NOT_HEAD_NAME
            and named.group("name") not in _HONORIFICS
            and (_could_be_name(named.group("name")) or _name_bits(named.group("name")) & GIVEN)
        ):
            yield _finding(text, "name", *named.span("name"), LOW)


def _names_in_brackets(doc: Doc) -> Iterator[Finding]:
    """A name alone in brackets after a person: "the patient I posted about (Guadalupe)"."""
    text, low = doc.text, doc.low
    if "(" not in text:
        return
    for m in BRACKETED_WORD_RE.finditer(text):
        start, end = m.span(1)
        word = m.group(1)
        if (
            (_could_be_name(word) or _name_bits(word) & GIVEN)
            and PERSON_NOUN_RE.search(low, max(0, start - 40), start)
            and _person_word_ok(text, start, end)
        ):
            yield _finding(text, "name", start, end, LOW)


def _objects_of_person_verbs(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for pos in doc.at("object_verb"):
        start = low.find(" ", pos) + 1
        if not start or start >= len(text) or not text[start].isalpha():
            continue
        end = _word_at(text, start)
        word = text[start:end]
        if not word:
            continue
        bits = _name_bits(word)
        if not bits and word.lower() in ENGLISH_WORDS:
            continue  # "reviewed bloods", "admitted overnight": cheap test first
        if low.startswith("called", pos) and low.endswith(("is ", "was ", "be "), 0, pos):
            continue  # "our therapy dog is called Hope" names; the naming rule reads it
        after = _next_word(text, end)
        punct = text[end : end + 1] in (",", ".", ";", ":", "!", "?", "")
        if word.islower() and low.startswith(("giv", "gave"), pos):
            # "gave kullecin the results", not "gave cryo, Hb holding": a drug is given too.
            named = (bits & STRONG or _could_be_name(word)) and after in GIVEN_TO_AFTER
        elif bits & GIVEN and bits & WORD:
            named = after in AFTER_OBJECT
        else:
            named = _could_be_name(word) and (after in AFTER_OBJECT or punct or word[0].isupper())
        if named and _person_word_ok(text, start, end):
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
        if (m := PT_LOWER_NAME_RE.match(low, pos)) and m.group("name") == text[
            m.start("name") : m.end("name")
        ]:
            # "pt kullecin, 45f", "Pt summer, 23F", "pt tran van minh, 93M": the words before an
            # age, each unknown, a listed name or a particle between names.
            words = m.group("name").split()
            if words[0] not in NOT_A_NAME_AFTER_PT and all(
                _unknown_word(w)
                or _name_bits(w) & (GIVEN | SURNAME)
                or (0 < i < len(words) - 1 and w.capitalize() in NAME_PARTICLES)
                for i, w in enumerate(words)
            ):
                yield _finding(text, "name", *m.span("name"), LOW)
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
        if low[start - 3 : start - 1] in ("'s", "’s"):
            continue  # "his wife's mansaf": what the relative has, not who they are
        end = _word_at(text, start)
        word = text[start:end]
        if word and _unknown_word(word) and not _name_bits(word) & WORD:
            yield _finding(text, "name", start, end, LOW)


def _names_in_sign_out(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    # A line that opens with a word and an age and sex: "kullecin: 45f, urosepsis". Sign-out
    # lists are short posts; a long essay is not read this way (it would cost 0.04 ms).
    line = 0 if len(text) <= SIGN_OUT_MAX_CHARS else -1
    while line != -1:
        head = HEAD_NAME_AGE_RE.match(text, line)
        line = text.find("\n", line) + 1 or -1
        if head is None:
            continue
        start, end = head.span("name")
        word = text[start:end]
        if TEMPERATURE_CUE_RE.search(low, start, head.start("age")):
            continue  # "Tmax 99F"
        if (_could_be_name(word) or _name_bits(word) & GIVEN) and _person_word_ok(
            text, start, end, after_dash=True
        ):
            yield _finding(text, "name", start, end, LOW)
    if len(text) <= SIGN_OUT_MAX_CHARS:
        yield from _names_heading_lines(doc)
        yield from _names_heading_a_list(doc)
    if len(text) <= SIGN_OUT_MAX_CHARS:
        # Anywhere in a line: "bed 4: Rose Bell 94F", "Grace Tupou (3M)".
        for hit in NAMES_BEFORE_AGE_SEX_RE.finditer(text):
            age_start = hit.start("age") if hit.group("age") else hit.start("years")
            if TEMPERATURE_CUE_RE.search(low, max(0, hit.start() - 10), age_start):
                continue
            for token in TOKEN_RE.finditer(text, hit.start("names"), hit.end("names")):
                start, end = token.span()
                name = token.group()
                if (_could_be_name(name) or _name_bits(name) & (GIVEN | SURNAME)) and (
                    name not in NOT_NAME and _person_word_ok(text, start, end)
                ):
                    yield _finding(text, "name", start, end, LOW)
    for pos in doc.at("bed"):
        if (
            text[pos].islower()
            and BED_NUMBER_RE.match(low, pos)
            and (lower := LOWER_NAME_BEFORE_BED_RE.search(text, max(0, pos - 30), pos))
        ):
            start, end = lower.span("name")
            name = text[start:end]
            if (
                name not in _NOT_HEAD_NAME
                and (_could_be_name(name) or _name_bits(name) & GIVEN)
                and name.capitalize() not in NOT_NAME
                and _person_word_ok(text, start, end)
            ):
                yield _finding(text, "name", start, end, LOW)
        if (before := NAME_BEFORE_BED_RE.search(text, max(0, pos - 40), pos)) and text[
            pos
        ].islower():
            start, end = before.span("name")
            name = text[start:end]
            if (
                name not in NOT_NAME
                and (_could_be_name(name) or _name_bits(name) & GIVEN)
                and _person_word_ok(text, start, end)
            ):
                yield _finding(text, "name", start, end, LOW)
        if m := BED_NAME_RE.match(low, pos):
            # "bed 6 seamus o'dwyer 88", "Rm 812 – garcia, 59M": every word a name, or the first.
            words = list(_NAME_WORD_RE.finditer(text, *m.span("name")))
            if not all(_could_be_name(w.group()) for w in words):
                words = words[:1]
            start, end = words[0].start(), words[-1].end()
            if _could_be_name(words[0].group()) and _person_word_ok(
                text, start, end, after_dash=True
            ):
                yield _finding(text, "name", start, end, LOW)


def _names_heading_a_list(doc: Doc) -> Iterator[Finding]:
    """Names opening the entries of a numbered or bulleted list of patients ("1. ambrose -
    septic", "2. faith - EtOH w/d"): two such entries or more, each a listed name or no word."""
    text = doc.text
    if " - " not in text and " – " not in text and " — " not in text:
        return
    entries = list(LIST_NAME_DASH_RE.finditer(text))
    if len(entries) < 2:
        return
    for m in entries:
        start, end = m.span("name")
        name = text[start:end]
        if (
            name.lower() not in _NOT_HEAD_NAME
            and name.capitalize() not in NOT_NAME
            and (_could_be_name(name) or _name_bits(name) & GIVEN)
            and _person_word_ok(text, start, end, after_dash=True)
        ):
            yield _finding(text, "name", start, end, LOW)


def _names_heading_lines(doc: Doc) -> Iterator[Finding]:
    """A name in lower case heading a sign-out entry before an age (`HEAD_NAMES_AGE_RE`: at a
    line's start, after a bed or a room, or inside the line after a label's colon or a list's
    number: "- mohd. irfan 90,", "- bed 7 reg o'hare M/91", "on call: seán ó murchú 92,"):
    every word a name, a particle, an initial or an abbreviation of one, a title before it left
    out; a name in the entry's bracket too ("jp (jean-philippe) 33M"); the age when it is over
    89. Or a name before its bed ("• njoroge (bed 2) -")."""
    text = doc.text
    if "(" in text:
        for m in HEAD_NAME_BED_RE.finditer(text):
            start, end = m.span("name")
            if all(
                _could_be_name(w) or _name_bits(w) & GIVEN for w in m.group("name").split()
            ) and _person_word_ok(text, start, end, after_dash=True):
                yield _finding(text, "name", start, end, LOW)
    for m in HEAD_NAMES_AGE_RE.finditer(text):
        years = int(m.group("years"))
        marked = m.group("age") != m.group("years")  # "47F", "M/91", "94yo"
        if m.group("inline") is not None and not (marked or m.group("after")):
            continue  # inside a line, an age needs its sex or a comma: not "treat: doxy 100 bd"
        words = list(_NAME_WORD_RE.finditer(text, *m.span("name")))
        if len(words) > 1 and words[0].group().rstrip(".") in _HONORIFICS:
            words = words[1:]  # "lola remedios", "pakcik hamid": the name is what follows
        names = [w.group().strip("'’.") for w in words]
        bracketed: list[Finding] = []
        if m.group("bracket") and (
            marked or 90 <= years < 130 or (m.group("comma") and m.group("after"))
        ):
            # "jp (jean-philippe) 33M", "'nana jo' (josephine), 93", "pinky (real name gurpreet)"
            bracketed = list(_bracketed_names(text, *m.span("bracket")))
            yield from bracketed
            if bracketed and 90 <= years < 130:
                yield _finding(text, "age", *m.span("age"), LOW)
        if len(words) > 3 or (len(names) == 1 and len(names[0]) < 3):
            continue  # four words with no title, or "a 93-y/o": no name
        if any(w in _NOT_HEAD_NAME for w in names):
            continue  # "the 92 y/o", "my 89yo pt", "she's 90"
        if any(len(w) > 2 and not _VOWELS & set(w) for w in names):
            continue  # "kvp 120", "mrn 4471": a name has a vowel
        listed = all(_name_bits(w) & (GIVEN | SURNAME) for w in names)
        if not (marked or 90 <= years < 130 or (m.group("comma") and m.group("after") and listed)):
            continue
        if not all(
            _could_be_name(w)
            or _name_bits(w) & (GIVEN | SURNAME)
            # Before an age and a sex any word that is no English word is a name ("aslam").
            or (
                marked
                and w.replace("-", "").replace("'", "").isalpha()
                and w not in ENGLISH_WORDS
                and w not in NOT_LOWER_NAME
            )
            or w.capitalize() in NAME_PARTICLES
            or w + "." in _NAME_ABBREVIATIONS
            or w in _NAME_ABBREVIATIONS
            or _INITIALS_WORD_RE.fullmatch(w)
            for w in names
        ):
            continue
        start, end = words[0].start(), words[-1].end()
        if text[end - 1] in "'’":
            end -= 1
        if not _person_word_ok(text, start, end, after_dash=True):  # a bullet, no sign-off
            continue
        yield _finding(text, "name", start, end, LOW)
        if 90 <= years < 130:
            yield _finding(text, "age", *m.span("age"), LOW)


def _bracketed_names(text: str, start: int, end: int) -> Iterator[Finding]:
    """The name in a sign-out line's bracket: its words, after "real name" or "goes by" if
    they come first, each a name or an initial."""
    inner = BRACKET_NAME_RE.match(text, start, end)
    if inner is None:
        return
    words = [w.group().strip("'’.") for w in _NAME_WORD_RE.finditer(text, *inner.span("name"))]
    if words and all(
        _could_be_name(w) or _name_bits(w) & GIVEN or _INITIALS_WORD_RE.fullmatch(w) for w in words
    ):
        yield _finding(text, "name", *inner.span("name"), LOW)


# Abbreviated given names: "mohd. irfan", "md. rahim", "muhd ali".
_NAME_ABBREVIATIONS: Final = frozenset({"mohd.", "mohd", "md.", "muhd.", "muhd", "mohamed"})
# Initials written as a word of a name: "aroha t.", "m. aslam", "b.h.".
_INITIALS_WORD_RE: Final = re.compile(r"[a-z](?:\.[a-z])?\.?")
_VOWELS: Final = frozenset("aeiouyáéíóúàèìòùâêîôûäëïöüāēīōūåøæœ")
# Words that open a line before an age and are no name.
_NOT_HEAD_NAME: Final = frozenset(
    """the a an my our his her their she he she's he's shes hes this that pt pts patient
    patients your lady man woman gent gentleman male female boy girl baby infant
    grandma grandpa mum mom dad also and but now wahine tane mzee bloke chap lad lass fella
    guy kid child toddler teen farmer""".split()
)
# Titles and kin words that open a name in a sign-out line and are not part of it.
_HONORIFICS: Final = frozenset(
    """lola lolo pakcik makcik en encik mrs mr ms miss iya baba mama nana gogo uncle aunty
    auntie tita tito kuya ate dadi nani bibi bhai baby little big mzee cucu oupa ouma tatay
    nanay koro kuia whaea matua shri smt""".split()
)


def _names_opening_a_sentence(doc: Doc) -> Iterator[Finding]:
    text, low = doc.text, doc.low
    for start, cap_end in doc.capitalised():
        after = text[cap_end : cap_end + 2]
        # Cheap tests first: a lower-case word, or more letters, must follow, and
        # a word after a space after a letter does not open a sentence.
        if not (after[1:2].islower() or after[:1].isalpha() or after[:1] in "-'’"):
            continue
        if start > 1 and text[start - 1] == " " and text[start - 2].isalnum():
            # Inside a sentence, only an unknown word at the head of a clause: "found out
            # today that Abimbola passed", "when Xochitl came in" (listed names are read
            # elsewhere; "that Epic crashed" is a word). Cheap tests first.
            head = low[start:cap_end]
            if head in NAME_FLAGS or head in ENGLISH_WORDS:
                continue
            if low[low.rfind(" ", 0, start - 1) + 1 : start - 1] not in CLAUSE_OPENERS:
                continue
        elif not _sentence_start(text, start):
            continue
        follow = text[cap_end : cap_end + 1]
        # The capitalised run is the word unless letters or joiners go on ("McAllister").
        end = _word_at(text, start) if follow.isalpha() or follow in ("-", "'", "’") else cap_end
        word = text[start:end]
        quoted = start and text[start - 1] in "'‘\"“" and text[end : end + 1] in "'’\"”"
        if quoted and NICKNAME_AFTER_RE.match(text, end + 1):
            yield _finding(text, "name", start, end, LOW)  # "'Oupa' (real name Johannes)"
            continue
        # A nickname in quotes before its verb: "'Boeta' came back to say thank you".
        verb_at = end + 1 if quoted else end
        if (
            text[verb_at : verb_at + 1] not in (" ", "\t", "'", "’")  # each verb opens so
            or len(word) < 3
            or (word in NOT_NAME and word not in WORD_NAMES_OF_PEOPLE)  # "Son wants her on"
        ):
            continue
        verb = HUMAN_VERB_AFTER_RE.match(text, verb_at) or AND_I_AFTER_RE.match(text, verb_at)
        if verb is None and _name_bits(word) & STRONG:
            # A listed name takes the copula too: "Rafferty was the sweetest kid".
            verb = LISTED_NAME_VERB_RE.match(text, verb_at)
        if verb and any(c.isdigit() for c in verb.group()):
            # "Ruairí is 6", but not "Troponin is 45": a listed given name or no lab ending.
            if (
                not _name_bits(word) & GIVEN
                and len(word) > 5
                and LAB_WORD_END_RE.search(word.lower())
            ):
                continue
        if (
            not verb
            or not (_could_be_name(word) or _name_bits(word) & GIVEN)
            or not _person_word_ok(text, start, end)
        ):
            continue
        yield _finding(text, "name", start, end, LOW)


def _names_before_my_patient(doc: Doc) -> Iterator[Finding]:
    """A name with the poster's patient in apposition after it: "Summer, my 16yo patient",
    "Will, our 8yo with Kawasaki", "Shout out to Bill, my 90-year-old regular", "Will (pt, 23,
    T1DM)", "Will (the pt, not the verb)"; found from each ", my ", ", our " and " (pt" with
    ``str.find``. A name that is also a word counts here when it is one people are given
    (`WORD_NAMES_OF_PEOPLE`)."""
    text = doc.text
    for opener in (", my ", ", our ", " (pt", " (patient", " (the pt", " (the patient"):
        at = text.find(opener)
        while at != -1:
            after = at + len(opener)
            if (
                MY_PATIENT_AFTER_RE.match(text, after)
                if opener.startswith(",")
                else text[after : after + 1] in (",", ")", " ")  # "Will (pt, 23, T1DM)"
            ) and (name := CAPITALISED_BEFORE_RE.search(text, max(0, at - 30), at)):
                start, word = name.start(1), name.group(1)
                if (
                    (_could_be_name(word) or _name_bits(word) & GIVEN)
                    and (word not in NOT_NAME or word in WORD_NAMES_OF_PEOPLE)
                    and _person_word_ok(text, start, at)
                ):
                    yield _finding(text, "name", start, at, LOW)
            at = text.find(opener, at + 1)


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
