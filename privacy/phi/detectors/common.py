"""Scan state and helpers shared by the detectors: the :class:`Doc`, word scan and ranks."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Final

import ahocorasick

from privacy.phi.kinds import HIGH, LOW, Finding
from privacy.phi.model import Tagged, tag
from privacy.phi.patterns.common import (
    ASCII_DIGITS_TO_ZERO,
    CAPITALISED_RE,
    DIGIT_RE,
    TO_SPACE,
    TO_SPACE_RE,
)
from privacy.phi.patterns.international import SIGN_OFF_BEFORE_RE
from privacy.phi.patterns.keywords import TRIGGERS
from privacy.phi.vocabulary import EPONYM_FOLLOWERS

Span = tuple[int, int]
# Cities this big name a region more than a neighbourhood ("a village near Lagos").
BIG_CITY: Final = 1_000_000
# A one-word name that is also a city this big needs a verb to be read as a person.
CITY_AS_NAME: Final = 100_000
# A town written in lower case must be at least this big ("in leeds", not "in commerce").
LOWER_CASE_TOWN: Final = 20_000
# The model's probability a listed name that is also a word ("Faith") needs: 0.7, the highest
# recall at the same precision in cross-validation on the dev posts (docs/phi.md, twenty-second
# round; 0.8 before).
WORD_NAME_THRESHOLD: Final = 0.7
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
    # The text with every digit written "0" (see digit_shape).
    shape: str
    _capitalised: list[tuple[int, int]] | None = None
    _tagged: list[Tagged] | None = None
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

    def tagged(self) -> list[Tagged]:
        """The model's reading of the candidate words (see model.py), once per text."""
        if self._tagged is None:
            self._tagged = tag(self.text, self.capitalised())
        return self._tagged


def lower_aligned(text: str) -> str:
    """Lower-case ``text`` without changing any character offset.

    ``str.lower`` lengthens a few characters (e.g. "İ"), which would shift
    every offset found in the lower-cased copy.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def digit_shape(text: str) -> str:
    """``text`` with every digit, of any script, written "0", offsets unchanged.

    Patterns that open with a digit run over this copy: "0" is a literal, which ``re``
    finds about ten times faster than the class ``\\d``, and the pattern that reads the
    digits themselves then runs only where the shape fits.
    """
    if text.isascii():
        return text.translate(ASCII_DIGITS_TO_ZERO)
    return DIGIT_RE.sub("0", text)


@cache
def _trigger_automaton() -> ahocorasick.Automaton:
    """Every trigger word between spaces (" bed "), for one pass over the padded text.

    Built on first use, once every pattern module has added its words to the table.
    """
    automaton = ahocorasick.Automaton()
    for word, rules in WORD_RULES.items():
        automaton.add_word(f" {word} ", (len(word) + 1, rules))
    automaton.make_automaton()
    return automaton


def scan_words(low: str) -> dict[str, list[int]]:
    """Offsets of trigger words in ``low``, grouped by the rules they start.

    Punctuation becomes spaces, and an Aho-Corasick automaton finds each trigger word between
    two spaces in one pass in C (neighbouring words share their space, and the automaton
    reports overlapping matches). The leading pad space makes each offset the word's offset
    in ``low``.
    """
    spaced = low.translate(TO_SPACE) if low.isascii() else TO_SPACE_RE.sub(" ", low)
    padded = " " + spaced + " "
    cues: defaultdict[str, list[int]] = defaultdict(list)
    for end, (length, rules) in _trigger_automaton().iter(padded):
        found = end - length
        for rule in rules:
            cues[rule].append(found)
    return cues


# Up to three capitalised words after a word, then the first word after them.
_REST_OF_PHRASE_RE: Final = re.compile(r"(?:[ \t]+[A-Z][\w'’-]*){0,3}[ \t]+([a-z]+)")


def names_a_thing(text: str, end: int) -> bool:
    """Whether the capitalised phrase that goes on at ``end`` names a disease, a sign or an
    institution ("Ross River virus", "Rocky Mountain spotted fever", "Murray Valley
    encephalitis"), not a person or a town."""
    m = _REST_OF_PHRASE_RE.match(text, end)
    return m is not None and m.group(1) in EPONYM_FOLLOWERS


def windows(hits: Iterable[int], before: int, after: int) -> list[Span]:
    """Stretches of text from ``before`` characters ahead of each hit to ``after`` past it,
    joined where they would overlap, so that a pattern run in each sees every match it would
    see in the whole text and the work stays linear."""
    joined: list[Span] = []
    for hit in hits:
        lo, hi = max(0, hit - before), hit + after
        if joined and lo <= joined[-1][1]:
            joined[-1] = (joined[-1][0], hi)
        else:
            joined.append((lo, hi))
    return joined


# What may follow a name that signs a post off on the same line: "— Sam K., MD".
SIGN_OFF_TAIL: Final = 30


def signs_off(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start``-``end`` signs the post off or greets a reader: after a dash
    opening a line, a farewell or a greeting ("Cheers, Sam", "Hi Dr Lee"), or after a dash inside
    a line when little more follows on that line ("great work team — Sam"), not a name the
    sentence goes on about ("Quick q — Nkechi (NHS 485 777 3456) on warfarin")."""
    m = SIGN_OFF_BEFORE_RE.search(text, max(0, start - 20), start)
    if m is None:
        return False
    if m.group("inside") is None:
        return True
    line_end = text.find("\n", end, end + SIGN_OFF_TAIL + 1)
    return line_end != -1 or len(text) - end <= SIGN_OFF_TAIL


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


# The lower-case second part of a hyphenated given name: "Hye-jin", "Eun-ji", "Seo-yeon".
_NAME_SYLLABLE_RE: Final = re.compile(r"-[a-z]{2,4}(?![\w-])")


# The rest of a town joined by hyphens or an apostrophe: "Trois-Rivières",
# "Llanrhaeadr-ym-Mochnant", "Nuku'alofa" (not a possessive: "Leeds's").
_PLACE_PARTS_RE: Final = re.compile(r"(?:-[^\W\d_]+|['’](?!s\b)[^\W\d_]+)+")


def _finding(text: str, kind: str, start: int, end: int, confidence: str) -> Finding:
    if kind == "name" and text[end : end + 1] == "-" and (m := _NAME_SYLLABLE_RE.match(text, end)):
        end = m.end()
    elif kind == "address" and text[end : end + 1] in ("-", "'", "’"):
        end = m.end() if (m := _PLACE_PARTS_RE.match(text, end)) else end
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
