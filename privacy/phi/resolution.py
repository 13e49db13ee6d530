"""Resolution: drop protected findings and keep the best of overlapping ones."""

from __future__ import annotations

import re
from typing import Final

from privacy.phi.detectors import CONF_RANK, KIND_RANK, Span
from privacy.phi.kinds import LOW, Finding
from privacy.phi.patterns.common import TOKEN_RE
from privacy.phi.patterns.international import VOCATIVE_AFTER_RE, VOCATIVE_RE
from privacy.phi.vocabulary import ENGLISH_WORDS, GIVEN, NAME_FLAGS, NOT_NAME, SURNAME

# A capitalised word after a space: the next word of a name ("Edith [Marchbanks]",
# "Yousef [Al-Khatib]", "Seánie [Ó Dálaigh]" word by word).
_NEXT_TOKEN_RE: Final = re.compile(rf"[ \t]({TOKEN_RE.pattern})")
_PREVIOUS_TOKEN_RE: Final = re.compile(rf"({TOKEN_RE.pattern})[ \t]$")


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


def drop_addressed_readers(text: str, findings: list[Finding]) -> list[Finding]:
    """Findings without the names that only address the reader (see `addresses_the_reader`)."""
    return [f for f in findings if not addresses_the_reader(text, f)]


def _name_word(word: str) -> bool:
    """A capitalised word that can be part of a person's name: listed as a name, or no word."""
    if word in NOT_NAME:
        return False
    bits = NAME_FLAGS.get(word.lower(), 0)
    return bool(bits & (GIVEN | SURNAME)) or word.lower() not in ENGLISH_WORDS


def whole_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Each name found, stretched over the capitalised name words right next to it.

    A rule or the model often finds one word of a full name ("Rose" of "Rose Bell 94F",
    "Marchbanks" of "Edith Marchbanks"): the name is the whole run. A word joins only if
    it is a listed name or no English word, is not a word the lists set apart (a weekday,
    "Hospital"), and no other finding holds it.
    """
    taken = bytearray(len(text))
    for f in findings:
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
    out: list[Finding] = []
    for f in findings:
        if f.kind != "name" or not f.text[:1].isupper():
            out.append(f)
            continue
        start, end = f.start, f.end
        while (m := _NEXT_TOKEN_RE.match(text, end)) and (
            _name_word(m.group(1)) and taken.find(1, m.start(1), m.end(1)) == -1
        ):
            end = m.end(1)
        while (m := _PREVIOUS_TOKEN_RE.search(text, max(0, start - 30), start)) and (
            _name_word(m.group(1))
            and NAME_FLAGS.get(m.group(1).lower(), 0) & GIVEN
            and taken.find(1, m.start(1), m.end(1)) == -1
            and not (m.start(1) and text[m.start(1) - 1].isalnum())
        ):
            start = m.start(1)
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
    return out
