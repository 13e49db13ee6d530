"""Resolution: drop protected findings and keep the best of overlapping ones."""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.detectors import CONF_RANK, KIND_RANK, Span
from privacy.phi.detectors.names import _is_person_name, _sentence_start
from privacy.phi.kinds import LOW, Finding
from privacy.phi.model import lower_name_like
from privacy.phi.patterns.common import _L, TOKEN_RE
from privacy.phi.patterns.international import (
    CAMEL_PART_RE,
    HASHTAG_RE,
    SUPPORT_WORDS,
    VOCATIVE_AFTER_RE,
    VOCATIVE_RE,
)
from privacy.phi.patterns.unlisted import NAME_PARTICLES, WORD_NAMES_OF_PEOPLE
from privacy.phi.vocabulary import (
    ENGLISH_WORDS,
    EPONYM_FOLLOWERS,
    EPONYMS,
    GIVEN,
    NAME_FLAGS,
    NOT_NAME,
    SURNAME,
    WORD,
)

# A capitalised word after a space: the next word of a name ("Edith [Marchbanks]", "Faisal
# [al-Hashimi]", "Yousef [Al-Khatib]", "Seánie [Ó Dálaigh]" word by word).
_NEXT_TOKEN_RE: Final = re.compile(rf"[ \t]((?:al-|el-)?{TOKEN_RE.pattern})")
# A lower-case word after a space: the next word of a lower-case name ("dorota [wiśniewska]").
_NEXT_LOWER_WORD_RE: Final = re.compile(rf"[ \t]([{_L}]{{2,}}(?:-[{_L}]+)*)(?![\w'’@])")
# The lower-case word after a word, past a possessive: "Pemberton's [sign]".
_FOLLOWING_LOWER_WORD_RE: Final = re.compile(r"(?:['’]s?)?[ \t]+([a-z]+)")
_PREVIOUS_TOKEN_RE: Final = re.compile(rf"({TOKEN_RE.pattern})[ \t]$")
# What may open a name before its first capitalised word: particles ("van der Merwe", "De La
# Cruz", "al-Rashidi") and a nickname in quotes ("'Big Tiny' Yazzie").
_PARTICLES_BEFORE_RE: Final = re.compile(
    r"(?<![\w-])(?:(?:van|von|de|del|della|da|di|du|le|la|der|den|ter|ten|bin|binti|ibn|dos"
    r"|das)[ \t]+|(?:al|el)-)+$",
    re.IGNORECASE,
)
_NICKNAME_BEFORE_RE: Final = re.compile(r"(?<!\w)['‘\"“][A-Z][\w'’. -]{1,24}?['’\"”][ \t]+$")
# The rest of a quoted nickname and the surname after it, from a name found inside the
# nickname: "Ron" of "'Big Ron' Tsosie" reaches to "' Tsosie".
_NICKNAME_THEN_SURNAME_RE: Final = re.compile(r"[\w'’. -]{0,20}?['’\"”][ \t]+([A-Z][a-z'’-]+)")
_NICKNAME_OPENING_RE: Final = re.compile(r"(?<!\w)['‘\"“][A-Z][\w'’. -]{0,20}$")
# A surname before its given name and a comma, as lists and forms write it: "JONES, Gwen",
# "Pt: YAZZIE, Harrison L"; in lower case only at the start of a sign-out line ("Bed 6 -
# Kowalczyk, Zbigniew").
_SURNAME_COMMA_BEFORE_RE: Final = re.compile(
    r"(?<![\w'’-])(?P<surname>[A-Z][A-Z'’-]{2,}|[A-Z][a-z'’-]+),[ \t]+$"
)
_SIGN_OUT_LINE_START_RE: Final = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:bed|bay|rm|room|cubicle)[ \t]*\d{1,3}[a-z]?|\d{1,3}|[-•*·])?"
    r"[ \t]*(?:[-–—:.)|][ \t]*)*$",
    re.IGNORECASE,
)
# A single initial after "SURNAME, Given": "YAZZIE, Harrison L".
_INITIAL_AFTER_RE: Final = re.compile(r"[ \t]+[A-Z]\.?(?![\w'’-])")
# A nickname in brackets right after a name: "Mr J MacKenzie (Jock)", "Dafydd Pugh ('Big Dai'
# to everyone)", "Mohammed Iqbal (Iqbal sahib to the whole of Small Heath)".
_NICKNAME_AFTER_RE: Final = re.compile(
    r"[ \t]*\([ \t]*(?P<quote>['‘\"“]?)(?P<nick>(?:(?:Big|Wee|Little|Old|Young)[ \t]+)?"
    r"(?P<word>[A-Z][a-z]+(?:['’-][A-Za-z]+)*)(?:[ \t]+(?:sahib|saab|ji|bhai|baba))?)['’\"”]?"
    r"[ \t]*(?:\)|[ \t]to[ \t])"
)


def addresses_the_reader(text: str, finding: Finding) -> bool:
    """A low-confidence name greeted or thanked at the end of its clause ("You're welcome,
    Maya."): the member a reply answers, not a patient."""
    return (
        finding.kind == "name"
        and finding.confidence == LOW
        and VOCATIVE_RE.search(text, max(0, finding.start - 30), finding.start) is not None
        and VOCATIVE_AFTER_RE.match(text, finding.end) is not None
    )


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


# What joins two places into one address: "Ridge St in Parkersburg".
_PLACE_JOINER_RE: Final = re.compile(r"[ \t]+(?:in|on|at|off)[ \t]+")
# The kinds of place a landmark's own name ends with ("St Mary's church", "Riverside High").
_PLACE_KINDS = (
    "(?:church|school|market|mall|park|harbou?r|bridge|station|primary|high|plaza|cent(?:re|er)"
    "|estate|towers?|village|camp|farm|mine|mill|plant|factory|warehouse|store|shop|garage"
    "|motel|hotel|inn|pub|bar|club|stadium|arena|library|temple|mosque|chapel|lodge|house)"
)
# A landmark or workplace named before the place it stands in: "outside the Biedronka in
# Wola", "works nights at the Amazon warehouse in Rugeley", "above the grocery on Brick Lane".
_LANDMARK_BEFORE_RE: Final = re.compile(
    r"\b(?:at|outside|above|below|near|behind|by|from|opposite|beside|inside|in|on|to)[ \t]+"
    # "the grocery", or a name of its own, in capitals but for the kind of place it is
    # ("behind St Mary's church in Thornbury", "at Wuse Market in Abuja")
    r"(?:the[ \t]+(?P<landmark>(?:[\w'’&-]+[ \t]+){1,4}?)"
    rf"|(?P<named>[A-Z][\w'’&-]*[ \t]+(?:(?:[A-Z][\w'’&-]*|{_PLACE_KINDS})[ \t]+){{0,3}}))"
    r"(?:in|on|at|off|near)[ \t]+$"
)
_NOT_LANDMARK_WORDS: Final = frozenset(
    """patient patients pt man woman lady guy boy girl kid child baby family wife husband son
    daughter mother father mum mom dad team conference meeting course talk congress summit
    same other first last next one only who which that this and or but was is""".split()
)
# A street corner: "on Dundas and Ossington", "the corner of Queen & Bathurst".
_CORNER_BEFORE_RE: Final = re.compile(r"\b(?:on|at|of)[ \t]+$")
_CORNER_AFTER_RE: Final = re.compile(r"[ \t]+(?:and|&)[ \t]+(?P<street>[A-Z][\w'’-]+)(?![\w'’-])")


def whole_places(text: str, findings: list[Finding]) -> list[Finding]:
    """Each place found, stretched over the address it belongs to.

    Two places joined by "in", "on", "at" or "off" are one address ("Ridge St in
    Parkersburg"); a street found before "and" and another capitalised word is a corner ("on
    Dundas and Ossington"); a landmark or workplace before "in" or "on" and the place is part
    of it ("outside the Biedronka in Wola"), and a name found inside the landmark joins the
    address ("the Denny's on Route 9"). A landmark holding another kind of finding (a date, a
    number) is left as it is.
    """
    out: list[Finding] = []
    for f in findings:
        if f.kind != "address":
            out.append(f)
            continue
        start, end, confidence = f.start, f.end, f.confidence
        if (corner := _CORNER_AFTER_RE.match(text, end)) and (
            _CORNER_BEFORE_RE.search(text, max(0, start - 4), start)
            and corner.group("street") not in NOT_NAME
            and not NAME_FLAGS.get(corner.group("street").lower(), 0) & GIVEN
        ):
            end = corner.end()
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == "address"
            and _PLACE_JOINER_RE.fullmatch(text, previous.end, start)
        ):
            out.pop()
            start = previous.start
            confidence = min(confidence, previous.confidence, key=CONF_RANK.__getitem__)
        landmark = _LANDMARK_BEFORE_RE.search(text, max(0, start - 60), start)
        words = landmark.group("landmark") or landmark.group("named") if landmark else ""
        if landmark and not any(w.lower() in _NOT_LANDMARK_WORDS for w in words.split()):
            opening = landmark.start("landmark" if landmark.group("landmark") else "named")
            first_inside = len(out)
            while first_inside and out[first_inside - 1].end > opening:
                first_inside -= 1
            inside = out[first_inside:]
            # A business in a landmark may read as a name ("the [Denny]'s"); a place's own
            # name holds none ("[Aunty Dulcie Walker]'s mob in Bourke" is a person's).
            allowed = ("name", "address") if landmark.group("landmark") else ("address",)
            if all(g.kind in allowed for g in inside):
                # "the [Denny]'s on Route 9": the business, not a person
                start = min([opening, *(g.start for g in inside)])
                del out[first_inside:]
        if (start, end) == (f.start, f.end):
            out.append(f)
        else:
            out.append(Finding("address", start, end, text[start:end], confidence))
    return out


# The unit written after an age: "91 yrs", "97 anos", "92 years old".
_AGE_UNIT_AFTER_RE: Final = re.compile(
    r"[ \t]?(?:years?(?:[ \t-]+old)?|yrs?(?:[ \t-]+old)?|y\.?o\.?|anos|años|ans|jahre|jaar"
    r"|tahun|saal|anyos|лет)(?![\w])"
)


def whole_ages(text: str, findings: list[Finding]) -> list[Finding]:
    """Each age found as a bare number, stretched over the unit written after it ("91 yrs",
    "97 anos"), so that the whole age is reported."""
    out: list[Finding] = []
    for f in findings:
        if f.kind == "age" and f.text.isdigit() and (unit := _AGE_UNIT_AFTER_RE.match(text, f.end)):
            f = Finding("age", f.start, unit.end(), text[f.start : unit.end()], f.confidence)
        out.append(f)
    return out


def drop_addressed_readers(text: str, findings: list[Finding]) -> list[Finding]:
    """Findings without the names that only address the reader (see `addresses_the_reader`)."""
    return [f for f in findings if not addresses_the_reader(text, f)]


def _name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's name: listed as a name, or no word."""
    if word in NOT_NAME:
        return False
    bits = NAME_FLAGS.get(word.lower(), 0)
    return bool(bits & (GIVEN | SURNAME)) or word.lower() not in ENGLISH_WORDS


def _eponym_as_surname(text: str, word: str, end: int) -> bool:
    """A surname that is also an eponym, after a name found ("Mrs Iris Pemberton"), unless a
    word of eponyms follows it ("Marcus Gunn pupil")."""
    if word not in EPONYMS:
        return False
    after = _FOLLOWING_LOWER_WORD_RE.match(text, end)
    return after is None or after.group(1) not in EPONYM_FOLLOWERS


def whole_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Each name found, stretched over the capitalised name words right next to it.

    A rule or the model often finds one word of a full name ("Rose" of "Rose Bell 94F",
    "Marchbanks" of "Edith Marchbanks"): the name is the whole run. A word joins only if
    it is a listed name or no English word, is not a word the lists set apart (a weekday,
    "Hospital"), and no other finding holds it. Particles and a nickname in quotes right
    before the name join it too ("van der Merwe", "'Big Tiny' Yazzie"), so do a surname written
    before it with a comma and an initial after ("JONES, Gwen", "YAZZIE, Harrison L"); a
    nickname in brackets right after it is a name of its own ("Hemi ('Hems')"). A name found
    with its possessive loses it ("pippa's" of "pippa's mum").
    """
    taken = bytearray(len(text))
    for f in findings:
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    out: list[Finding] = []
    for f in findings:
        if f.kind == "name" and f.text.endswith(("'s", "’s")) and len(f.text) > 3:
            f = Finding("name", f.start, f.end - 2, f.text[:-2], f.confidence)  # "pippa's mum"
        if f.kind == "name" and f.text[:1].islower():
            f = _whole_lower_name(text, taken, f)
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.kind == "name"
                and previous.text[:1].islower()
                and previous.end < f.start
                and all(
                    w.capitalize() in NAME_PARTICLES for w in text[previous.end : f.start].split()
                )
            ):  # "nguyen" "thanh": one name, with "van" between
                out.pop()
                f = Finding("name", previous.start, f.end, text[previous.start : f.end], LOW)
            out.append(f)
            continue
        if f.kind != "name" or not f.text[:1].isupper():
            out.append(f)
            continue
        start, end = f.start, f.end
        if (
            (opening := _NICKNAME_OPENING_RE.search(text, max(0, start - 22), start))
            and (rest := _NICKNAME_THEN_SURNAME_RE.match(text, end))
            and _name_word(rest.group(1))
            and rest.group(1) not in NOT_NAME
            and taken.find(1, end, rest.end()) == -1
        ):
            start, end = opening.start(), rest.end()  # "'Big Ron' Tsosie" from "Ron"
        while (m := _NEXT_TOKEN_RE.match(text, end)) and (
            (_name_word(m.group(1)) or _eponym_as_surname(text, m.group(1), m.end(1)))
            and taken.find(1, m.start(1), m.end(1)) == -1
        ):
            end = m.end(1)
        while (m := _PREVIOUS_TOKEN_RE.search(text, max(0, start - 30), start)) and (
            (_name_word(m.group(1)) or m.group(1) in WORD_NAMES_OF_PEOPLE)
            and NAME_FLAGS.get(m.group(1).lower(), 0) & GIVEN
            and taken.find(1, m.start(1), m.end(1)) == -1
            and not (m.start(1) and text[m.start(1) - 1].isalnum())
        ):
            start = m.start(1)
        start, end = _surname_first(text, taken, out, start, end)
        for before in (_PARTICLES_BEFORE_RE, _NICKNAME_BEFORE_RE):
            m = before.search(text, max(0, start - 30), start)
            if m is None:
                continue
            # A name found inside the nickname ("Ron" of "'Big Ron' Tsosie") joins too.
            inner = (
                out[-1] if out and out[-1].kind == "name" and out[-1].start >= m.start() else None
            )
            free = (
                taken.find(1, m.start(), inner.start) == -1
                and taken.find(1, inner.end, start) == -1
                if inner
                else taken.find(1, m.start(), start) == -1
            )
            if free:
                if inner:
                    out.pop()
                start = m.start()
        confidence = f.confidence
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind == "name"
            and previous.end < start
            and not text[previous.end : start].strip(" \t")
        ):
            start = out.pop().start  # two findings, one name: "Rose" "Bell"
            confidence = min(confidence, previous.confidence, key=CONF_RANK.__getitem__)
        if (start, end) == (f.start, f.end):
            out.append(f)
        else:
            taken[start:end] = b"\x01" * (end - start)
            out.append(Finding("name", start, end, text[start:end], confidence))
        if (nick := _NICKNAME_AFTER_RE.match(text, end)) and (
            (_name_word(nick.group("word")) or nick.group("quote"))
            and nick.group("word") not in NOT_NAME
            and taken.find(1, nick.start(), nick.end()) == -1
        ):
            taken[nick.start("nick") : nick.end("nick")] = b"\x01" * len(nick.group("nick"))
            out.append(Finding("name", *nick.span("nick"), nick.group("nick"), confidence))
    return out


def _whole_lower_name(text: str, taken: bytearray, f: Finding) -> Finding:
    """A name found in lower case, stretched over the name words written after it ("pt
    [dorota] wiśniewska", "[nguyen] van thanh 91M"): up to three more words that may be names
    (no English words, no jargon) or particles between them."""
    end = f.end
    for _ in range(3):
        m = _NEXT_LOWER_WORD_RE.match(text, end)
        if m is None or taken.find(1, m.start(1), m.end(1)) != -1:
            break
        word = m.group(1)
        if word.capitalize() in NAME_PARTICLES and _NEXT_LOWER_WORD_RE.match(text, m.end()):
            end = m.end(1)  # "van", "thi": a name goes on after them
            continue
        if not lower_name_like(word):
            break
        end = m.end(1)
    while end > f.end and text[text.rfind(" ", 0, end) + 1 : end].capitalize() in NAME_PARTICLES:
        end = text.rfind(" ", 0, end)  # a particle with no name after it stays out
    if end == f.end:
        return f
    taken[f.start : end] = b"\x01" * (end - f.start)
    return Finding("name", f.start, end, text[f.start : end], f.confidence)


def _surname_first(
    text: str, taken: bytearray, out: list[Finding], start: int, end: int
) -> tuple[int, int]:
    """Stretch a given name over the surname written before it with a comma, and over the
    initial after it: "JONES, Gwen", "YAZZIE, Harrison L", "Bed 6 - Kowalczyk, Zbigniew"."""
    m = _SURNAME_COMMA_BEFORE_RE.search(text, max(0, start - 40), start)
    if m is None:
        return start, end
    surname = m.group("surname")
    previous = out[-1] if out else None
    found_before = (
        previous is not None
        and previous.kind == "name"
        and (previous.start == m.start("surname") and previous.end == m.end("surname"))
    )
    if surname.isupper():
        word = surname.capitalize()
        listed = NAME_FLAGS.get(surname.lower(), 0) & SURNAME
        if not (found_before or listed or (_name_word(word) and word.lower() not in ENGLISH_WORDS)):
            return start, end
    elif not _SIGN_OUT_LINE_START_RE.search(text, max(0, m.start() - 40), m.start()):
        return start, end
    elif not (found_before or _name_word(surname)):
        return start, end
    if found_before:
        out.pop()
    elif taken.find(1, m.start(), start) != -1:
        return start, end
    if initial := _INITIAL_AFTER_RE.match(text, end):
        end = initial.end()
    return m.start("surname"), end


def _occurrences(text: str, words: set[str]) -> list[tuple[int, str]]:
    """Where each of `words` stands in `text` as a whole word (or before "'s"). A few words are
    looked for one by one at C speed; many (a long list of names) in one pass over the words."""
    if len(words) > 12:
        found = []
        for m in TOKEN_RE.finditer(text):
            word = m.group()
            if word[-2:] in ("'s", "’s") and word not in words:
                word = word[:-2]
            if word in words:
                found.append((m.start(), word))
        return found
    found = []
    for word in words:
        at = text.find(word)
        while at != -1:
            end = at + len(word)
            before = text[max(0, at - 2) : at]
            # Not inside a word ("Brien" of "O'Brien"), but after an opening quote ("'Kamala").
            inside = (
                before[-1:].isalnum()
                or before[-1:] == "-"
                or (before[-1:] in ("'", "’") and before[:1].isalpha())
            )
            if not inside and not (end < len(text) and (text[end].isalnum() or text[end] == "-")):
                found.append((at, word))
            at = text.find(word, end)
    return found


def repeated_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Each name and one-word town found, found again wherever else the post writes it.

    A post names its patient once with a cue ("#PrayForPaddy", "Mr. Kaminski's son Stan") and
    again without one ("Paddy from Ballyfermot is home", a full name's surname alone later):
    the second is the same name; so with a town ("lives in Normal. Yes, Normal, Illinois"). A
    word joins when it is written the same, with its capital, as a whole word (or, for a name,
    as a part of a hashtag), no other finding holds it and nothing around it says it is no
    patient's (an eponym's "Bell's palsy", a colleague's "Dr Aroha", a town's "Leeds General");
    a name or town that is also a word ("Will update", "Long road ahead") does not join where
    it opens a sentence. Linear: a few words are looked for one by one, many in one pass over
    the words (`_occurrences`).
    """
    # Each word of a full name too: "Shirley Pocock … Mrs Pocock", "Faith Mensah … said Faith".
    names = {
        word
        for f in findings
        if f.kind == "name"
        for word in f.text.split()
        if len(word) > 2
        and word[:1].isupper()
        and word not in NOT_NAME
        and (word == f.text or word.lower() not in SUPPORT_WORDS)  # "Nana" of "Nana Ama"
    }
    towns = {
        f.text
        for f in findings
        if f.kind == "address" and len(f.text) > 2 and TOKEN_RE.fullmatch(f.text)
    }
    if not names and not towns:
        return findings
    taken = bytearray(len(text))
    for f in findings:
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    wanted = names | towns
    spans: list[Span] = []
    places: list[Span] = []
    for start, word in _occurrences(text, wanted):
        end = start + len(word)
        if start and text[start - 1] in "@#_/":
            continue
        a_word = (
            NAME_FLAGS.get(word.lower(), 0) & WORD
            if word in names
            else word.lower() in ENGLISH_WORDS
        )
        if a_word and _sentence_start(text, start):
            continue
        if word in names:
            spans.append((start, end))
        elif not _NEXT_TOKEN_RE.match(text, end):
            places.append((start, end))
    if "#" in text:
        for tag in HASHTAG_RE.finditer(text):
            base = tag.start(1)
            spans.extend(
                (base + part.start(), base + part.end())
                for part in CAMEL_PART_RE.finditer(tag.group(1))
                if part.group() in names
            )
    added = [
        Finding("name", start, end, text[start:end], LOW)
        for start, end in spans
        if taken.find(1, start, end) == -1 and _is_person_name(text, start, end)
    ] + [
        Finding("address", start, end, text[start:end], LOW)
        for start, end in places
        if taken.find(1, start, end) == -1
    ]
    if not added:
        return findings
    return sorted(findings + added, key=lambda f: f.start)


# An age right after a name in a list: "Mavis Ludlow 90, NOF", "Harriet Cobb 92 – NR14",
# "Eli 94 fell in the barn", "Edna Mae Pruitt 99 BP 190/100".
_AGE_AFTER_NAME_RE: Final = re.compile(
    r"[.)'’\"]{0,2}[ \t]*,?[ \t]*\(?(?P<age>9\d|1[01]\d)(?:[ \t]?(?:yo|y/o|y\.o\.))?"
    r"(?=[ \t]*(?:[,;:)–—-]|$)|[ \t]+[a-zA-Z])"
    r"(?![ \t]*(?:%|mg|kg|ml|mmhg|bpm|cm|mm|units?|patients?|pts|people|cases|beds|mins?"
    r"|minutes|hours|hrs|days|percent)\b)",
    re.MULTILINE,
)
# An age right after a date of birth: "DOB Sept 4 1931, 94. from Hilo".
_AGE_AFTER_DATE_RE: Final = re.compile(r",[ \t]*(?P<age>9\d|1[01]\d)(?=[ \t]*[.,;)])")


# Dotted initials before an age and sex, as a handover lists a patient: "P.K. 97F", "B.L. 33F
# POD1", "Y.T. 91F", "K. Albright" is left to the name rules.
_INITIALS_BEFORE_AGE_RE: Final = re.compile(
    r"(?P<name>[A-Z]\.[ ]?[A-Z]\.(?:[ ]?[A-Z]\.)?)"
    r"(?:[ \t]*,?[ \t]*(?P<age>\d{1,3})[ \t]?(?:[MFmf]|yo|y/o)(?![\w/])"
    # "J.K., 17, the boy from", "J.M.'s brother Desmond"
    r"|[ \t]*,[ \t]*(?P<bare_age>\d{1,3})(?=[ \t]*,)"
    r"|(?=['’]s[ \t]+(?:mum|mom|dad|wife|husband|son|daughter|brother|sister|family|parents"
    r"|partner)\b))"
)
# Its literal-led trigger (a full stop, a capital, a full stop), which ``re`` finds quickly.
_INITIALS_TRIGGER_RE: Final = re.compile(r"\.[ ]?[A-Z]\.")


_COUNTRY_INITIALS: Final = frozenset("U.S. U.K. E.U. N.Z. U.A.E. S.A. D.C. L.A. A.M. P.M.".split())


def initials_before_ages(text: str, findings: list[Finding]) -> list[Finding]:
    """Dotted initials before an age (and sex) or a relative (`_INITIALS_BEFORE_AGE_RE`), and
    the age too when it is over 89; matched only where its literal-led trigger is (a pattern
    that opens with a look-behind, run over the whole text, cost 0.17 ms on the benchmark's
    post)."""
    taken = bytearray(len(text))
    for f in findings:
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    added: list[Finding] = []
    for trigger in _INITIALS_TRIGGER_RE.finditer(text):
        start = trigger.start() - 1
        if start < 0 or (start and (text[start - 1].isalnum() or text[start - 1] == ".")):
            continue
        m = _INITIALS_BEFORE_AGE_RE.match(text, start)
        if m is None:
            continue
        if m.group("name").replace(" ", "") in _COUNTRY_INITIALS:
            continue  # "U.S. 45M"
        if taken.find(1, *m.span("name")) == -1:
            added.append(Finding("name", *m.span("name"), m.group("name"), LOW))
        age = "age" if m.group("age") else "bare_age"
        if m.group(age) and 90 <= int(m.group(age)) < 130 and taken.find(1, *m.span(age)) == -1:
            added.append(Finding("age", *m.span(age), m.group(age), LOW))
    if not added:
        return findings
    return sorted(findings + added, key=lambda f: f.start)


def ages_after_names(text: str, findings: list[Finding]) -> list[Finding]:
    """The age written right after a name found (see `_AGE_AFTER_NAME_RE`) or after a date
    and a comma: a list of patients gives each one's age after their name or their date of
    birth, without a word for it."""
    ages = [
        Finding("age", *m.span("age"), m.group("age"), LOW)
        for f in findings
        if (f.kind == "name" and (m := _AGE_AFTER_NAME_RE.match(text, f.end)))
        or (f.kind == "date" and (m := _AGE_AFTER_DATE_RE.match(text, f.end)))
    ]
    if not ages:
        return findings
    taken = {(f.start, f.end) for f in findings}
    starts = {f.start for f in findings}
    fresh = [a for a in ages if (a.start, a.end) not in taken and a.start not in starts]
    return sorted(findings + fresh, key=lambda f: f.start)
