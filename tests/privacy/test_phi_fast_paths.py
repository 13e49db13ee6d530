"""The scanner's quick passes find exactly what the plain passes they stand for would find.

Digit-led patterns run on the digit shape of the text (every digit written "0"), long codes on
a copy with every capital and digit written "X", the word scan and the model's word split on
a quicker route for text that is not ASCII. Each is checked here against the plain pattern on
many random strings made of the characters that matter to it, and on text in other scripts.
"""

from __future__ import annotations

import random
import re

import pytest

from privacy.phi import find_phi
from privacy.phi.detectors import digit_shape, lower_aligned, scan_words
from privacy.phi.detectors.common import _clear_before
from privacy.phi.detectors.dates import ages_with_units, numeric_dates
from privacy.phi.detectors.numbers import _long_codes
from privacy.phi.model import _words
from privacy.phi.patterns.international import MYKAD_RE, MYKAD_SHAPE, POSTCODE_TRIGGER_RE
from privacy.phi.patterns.keywords import KOREAN_RRN_RE, KOREAN_RRN_TRIGGER_RE
from privacy.phi.patterns.shapes import (
    AGE_RE,
    BARE_ZIP_RE,
    LONG_CODE_RE,
    NANP_RE,
    NANP_SHAPES,
    NUMERIC_DATE_RE,
)
from privacy.phi.patterns.unlisted import (
    HEALTH_NUMBER_SHAPES,
    HEALTH_NUMBER_SHAPES_RE,
    PK_MOBILE_RE,
    PK_MOBILE_SHAPE,
)

# The patterns as they ran on the text itself before their passes moved to the shapes.
PLAIN_BARE_ZIP_RE = re.compile(r"\d{5}(?:-\d{4})?(?![\w%/-]|[.,:]\d)")
PLAIN_POSTCODE_TRIGGER_RE = re.compile(r"\d[A-Z][A-Z\d]\b")
PLAIN_KOREAN_RRN_TRIGGER_RE = re.compile(r"\d-[1-8]\d{6}(?![\d-])")

# Digits of three scripts, separators, day suffixes, a month, letters of both cases and of
# other alphabets, spaces and line ends: every character the date, ZIP and code passes read.
ALPHABET = list("0123456789٠١٢٣٤٥٦٧٨٩０１２/.-:, \t\nABXYZabé") + [
    "Jan",
    "Sept",
    "st",
    "th",
    "of ",
    "’",
]


# Numbers of one to four digits with the marks between them: dates, decimals, ranges, codes.
NUMBER_PARTS = ["1", "12", "2024", "1956", "03", "7", "٣", "/", "-", ".", " ", "th ", "Jan", "a"]
# Phone numbers, identity cards and health numbers of several countries, in pieces.
PHONE_PARTS = ["555", "0172", "1", "03", "12", "340911", "4412", "٥", "-", " ", "(", ")", "+", "AB"]
# Ages with their units and sexes, and what stands next to them.
AGE_PARTS = ["9", "1", "0", "2", "٩", " ", "-", ".", "y", "o", "/", "rs", "ears old", "M", "f", "x"]


def _random_texts(parts: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(parts, k=rng.randint(1, 40))) for _ in range(count)]


def _digit_groups(count: int, seed: int) -> list[str]:
    """Groups of one to nine digits between spaces, dashes and dots: every shape a phone, an
    identity card or a health number takes, and many they do not."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        groups = [
            "".join(rng.choices("0123456789", k=rng.randint(1, 9)))
            for _ in range(rng.randint(1, 5))
        ]
        texts.append("".join(g + rng.choice([" ", "-", ".", "-", " "]) for g in groups))
    return texts


TEXTS = (
    _random_texts(ALPHABET, 6_000, seed=22)
    + _random_texts(NUMBER_PARTS, 6_000, seed=23)
    + _random_texts(AGE_PARTS, 6_000, seed=24)
    + _random_texts(PHONE_PARTS, 6_000, seed=25)
    + _digit_groups(20_000, seed=26)
    + [
        "DOB 07/22/1956, seen 2024-03-14 and on 3rd of Jan 2021; f/u 5/22",
        "DOB ١٢/٠٣/١٩٥٦, call ٥٥٥-٤١٠-٢٢٩٩, ZIP ٤٥٤٠٢",
        "Code AB12CD34EF56 and 12345-6789 in SW1A 1AA, RRN 900101-1234567",
        "1.2.3 12/13/14/15 99999 123456-7890123 1st Jan",
    ]
)


def test_digit_shape_writes_every_digit_of_any_script_as_zero() -> None:
    for text in [*TEXTS, "x²½ 7", ""]:
        shape = digit_shape(text)
        assert len(shape) == len(text)
        assert shape == re.sub(r"\d", "0", text)


def test_shape_passes_find_what_the_plain_patterns_find() -> None:
    for text in TEXTS:
        _assert_shape_passes_agree(text)


def _assert_shape_passes_agree(text: str) -> None:
    shape = digit_shape(text)
    assert [m.span() for m in numeric_dates(text, shape)] == [
        m.span() for m in NUMERIC_DATE_RE.finditer(text)
    ], text
    assert [m.span() for m in BARE_ZIP_RE.finditer(shape)] == [
        m.span() for m in PLAIN_BARE_ZIP_RE.finditer(text)
    ], text
    assert [m.span() for m in POSTCODE_TRIGGER_RE.finditer(shape)] == [
        m.span() for m in PLAIN_POSTCODE_TRIGGER_RE.finditer(text)
    ], text
    # The Korean trigger on the shape also fires where the digit after the dash is 0 or 9;
    # the whole number's pattern, matched from each trigger, turns those down.
    plain = {m.start() for m in PLAIN_KOREAN_RRN_TRIGGER_RE.finditer(text)}
    shaped = {m.start() for m in KOREAN_RRN_TRIGGER_RE.finditer(shape)}
    assert plain <= shaped, text
    for start in shaped - plain:
        assert KOREAN_RRN_RE.match(text, max(0, start - 5)) is None, text
    assert [m.span() for m in ages_with_units(text, shape)] == [
        m.span() for m in AGE_RE.finditer(text) if _clear_before(text, m.start(), ".")
    ], text
    # A window pass runs only when its digit shape is in the text: it must be there whenever
    # the pattern matches.
    for pattern, shapes in (
        (NANP_RE, NANP_SHAPES),
        (MYKAD_RE, (MYKAD_SHAPE,)),
        (PK_MOBILE_RE, (PK_MOBILE_SHAPE,)),
        (HEALTH_NUMBER_SHAPES_RE, HEALTH_NUMBER_SHAPES),
    ):
        if pattern.search(text):
            assert any(digits in shape for digits in shapes), (pattern.pattern, text)
    long_codes = [m.span() for m in _long_codes(text)]
    assert long_codes == [m.span() for m in LONG_CODE_RE.finditer(text)], text


def test_findings_in_other_scripts_survive_the_shape() -> None:
    found = {(f.kind, f.text) for f in find_phi("DOB ١٢/٠٣/١٩٥٦, call ٥٥٥-٤١٠-٢٢٩٩ today")}
    assert found == {("date", "١٢/٠٣/١٩٥٦"), ("phone", "٥٥٥-٤١٠-٢٢٩٩")}


@pytest.mark.parametrize(
    ("curly", "plain"),
    [
        ("pt’s wife “mrn” — dob: 3/4", 'pt\'s wife "mrn" - dob: 3/4'),
        ("spoke to mr. josé’s son–in–law", "spoke to mr. josé's son-in-law"),
        ("sister\u00a0called re: mum’s ‘address’", "sister called re: mum's 'address'"),
    ],
)
def test_word_scan_reads_other_punctuation_as_ascii(curly: str, plain: str) -> None:
    assert len(curly) == len(plain)
    assert scan_words(lower_aligned(curly)) == scan_words(lower_aligned(plain))
    assert scan_words(lower_aligned(curly))  # the cue words were seen at all


def test_long_posts_in_other_scripts_keep_their_findings() -> None:
    ascii_post = "Mr. Hallorann's daughter: 555-410-2299. MRN 40028817, code AB12CD34EF56. "
    curly_post = ascii_post.replace("'", "’")
    assert [(f.kind, f.start, f.end) for f in find_phi(curly_post * 20)] == [
        (f.kind, f.start, f.end) for f in find_phi(ascii_post * 20)
    ]


@pytest.mark.parametrize(
    "chunk",
    ['said "Leeds," then (Hull)!', "a.b;c:d?e", "“quoted” words", "", "   ", "no marks here"],
)
def test_model_word_split_stands_marks_apart(chunk: str) -> None:
    marks: dict[str, str | int | None] = {c: f" {c} " for c in '.,;:!?()"“”'}
    spaced = chunk.translate(str.maketrans(marks))
    assert _words(chunk) == spaced.split()


@pytest.mark.parametrize(
    ("text", "corner"),
    [
        ("she sleeps at the bus stop on 9th and Pine most nights", "9th and Pine"),
        ("found near Yonge and 7th by a passer-by", "Yonge and 7th"),
        ("knocked down at the corner of Queen and Bathurst", "Queen and Bathurst"),
    ],
)
def test_corner_pass_still_reads_words_and_ordinals(text: str, corner: str) -> None:
    # The pass looks only at an "and" between a capitalised word or an ordinal on each side;
    # acronyms ("TSAT and QRS", "LBBB and QRS") no longer send it searching.
    assert any(corner in f.text and f.kind == "address" for f in find_phi(text))
    assert find_phi("given the ferritin and TSAT, and the LBBB and QRS of 148 ms") == []
