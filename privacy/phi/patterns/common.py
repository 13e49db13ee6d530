"""Shared regex building blocks: name tokens, months, days, years and the word splitter."""

from __future__ import annotations

import re
from typing import Final

_U = "A-ZÀ-ÖØ-Þ"
# Latin-1, Latin Extended-A and Vietnamese: "Wiśniewska", "Dvořák", "Trần Thị Hoa".
_L = "a-zß-öø-ÿā-žơưạ-ỹ"
# A capitalised name word: Smith, O'Sullivan, McAllister, Delgado-Rivera.
_TOKEN = rf"[{_U}](?:[{_L}]+(?:[{_U}][{_L}]+)?|['’][{_U}][{_L}]+)(?:[-'’][{_U}][{_L}]+)*"
_PARTICLE = (
    r"(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]el|[Dd]ella|[Dd]a|[Dd]i|[Dd]u|[Ll]e|[Ll]a|[Dd]er|[Dd]en"
    r"|[Bb]in|[Aa]l|[Dd]os|Ó|Ní|Nic|Uí|Mac)[ \t]+)"
)
_NAME_SEQ = rf"{_PARTICLE}{{0,3}}{_TOKEN}(?:[ \t]+{_PARTICLE}{{0,3}}{_TOKEN}){{0,2}}"

_MONTH = (
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_RANGE_END = rf"(?:[ \t]*(?:-|–|—|to|through|thru)[ \t]*(?:{_MONTH}[ \t]+)?{_DAY}\b)"
_AGE_NUMBER = r"(?:9\d|1[0-2]\d)"

TOKEN_RE: Final = re.compile(_TOKEN)
# What joins the parts of a name or a word: "Delgado-Rivera", "O'Sullivan".
WORD_JOINERS_RE: Final = re.compile(r"[-'’]")
# A capitalised word, accents included ("Siobhán", "Łukasz", "Zoë"), not an acronym.
_UPPER_EXT = "ĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
CAPITALISED_RE: Final = re.compile(rf"[{_U}{_UPPER_EXT}][{_L}ā-ž]+")
# Punctuation and spacing become a plain space, so that ``split(" ")`` yields
# the words of the lower-cased text ("s/n" stays one word) at C speed.
TO_SPACE: Final = {
    c: " "
    for c in [*range(0x80), 0xA0, 0x2019, 0x2018, 0x201C, 0x201D, 0x2013, 0x2014, 0x2028]
    if not (chr(c).isalnum() or chr(c) == "/")
}
# The same characters as one class: ``str.translate`` is quick on ASCII text only, and a
# single curly quote made it forty times slower (0.26 ms on 5,000 characters).
TO_SPACE_RE: Final = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in TO_SPACE if c != ord(" ")) + "]"
)
# Every digit as "0" (see ``digit_shape``): a pattern that opens with a digit runs over
# that copy from a literal, which ``re`` skips to many times faster than to a class.
ASCII_DIGITS_TO_ZERO: Final = str.maketrans("123456789", "0" * 9)
DIGIT_RE: Final = re.compile(r"\d")


def any_word(words: str, *phrases: str) -> re.Pattern[str]:
    """One of `words` (split on white space; each may be a small pattern such as
    ``tab(?:let)?s?``) or of `phrases` (which hold spaces), as a whole word."""
    return re.compile(r"\b(?:" + "|".join([*words.split(), *phrases]) + r")\b")
