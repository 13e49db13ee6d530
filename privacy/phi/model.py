"""A small sequence model for names and places the rules cannot decide.

The rules find listed names and names after a cue word. What is left are
capitalised words that no list holds ("Aditi", "Ikechukwu"), listed names
that are also ordinary words ("Connor", "Grace") and, in a post written in
lower case, words that are a listed name or no English word ("spoke to rashida
today", "cannulate gallagher"). For those words only, a linear-chain CRF
(python-crfsuite) labels each candidate ``N`` (a person's name) or ``O`` from
its spelling, its lists (names, towns, English words), its place in the
sentence and the words around it, by their form and by their class (a title, a
relative, a pronoun, a verb used of people, an age such as "71f"); the
candidates of one text form one sequence, so neighbouring names support each
other ("Aditi and Anika").

The same sequence also holds capitalised words that are towns in the place
list, and the model labels each word ``N``, ``P`` (a town, village or
neighbourhood) or ``O``: "a farmer from Tumbarumba" and "back home in Enugu" are
read from the words around them, whether or not a list holds the town, while
"the conference in Vancouver" or "moved to Leeds for the job" teach it the
poster's own places. Names and places share one pass: one set of features, one
call of the tagger.

The model file ``data/names.crfsuite`` is trained by ``python -m
privacy.phi.train`` on the dev data only (``tests/privacy/phi_corpus.jsonl``
and ``tests/privacy/phi_dev.jsonl``) and committed with that script, so anyone
can rebuild it. It is a few hundred kilobytes and loads in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pycrfsuite

from privacy.phi.patterns.unlisted import (
    JARGON_SUFFIX_RE,
    NOT_LOWER_NAME,
    PLURAL_CLASS_RE,
    WORD_NAMES_OF_PEOPLE,
)
from privacy.phi.vocabulary import (
    ENGLISH_WORDS,
    GIVEN,
    NAME_FLAGS,
    NOT_NAME,
    PLACE_POPULATION,
    REGIONS,
    STRONG,
    SURNAME,
    WORD,
    inflected_english,
)

MODEL_PATH: Final = Path(__file__).with_name("data") / "names.crfsuite"
# A candidate is reported when the model gives "N" at least this probability.
THRESHOLD: Final = 0.5
# A lower-case candidate needs more: jargon and typos are lower-case too.
LOWER_THRESHOLD: Final = 0.8
# A candidate is reported as a place when the model gives "P" at least this probability.
PLACE_THRESHOLD: Final = 0.7
# A town written in lower case is a candidate when it is at least this big.
LOWER_TOWN: Final = 20_000

LOWER_WORD_RE: Final = re.compile(
    r"(?<![\w@#/.'’-])[a-zß-öø-ÿ]{3,}(?:['’-][a-zß-öø-ÿ]+)*(?![\w@/])"
)
_TITLE_BEFORE_RE: Final = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+$")
# Marks that stand as words of their own next to a candidate ("Leeds," reads "Leeds", ",").
_MARKS: Final = '.,;:!?()"“”'
_DOUBLE_RE: Final = re.compile(r"(.)\1", re.DOTALL)
_AGE_SEX_RE: Final = re.compile(r"\d{1,3}(?:yo|y/o|y|[mf])$")
_SENTENCE_END: Final = frozenset({"<s>", ".", "!", "?", ":", ";", "\n"})
# Classes of the words around a candidate, so that the model learns from
# "her son" what it sees again in "his niece".
_CLASS_WORDS: Final = {
    "title": "mr mrs ms miss mx dr prof sister fr",
    "relative": """wife husband son daughter mum mom mother dad father brother sister niece
        nephew granddaughter grandson grandma grandpa grandmother grandfather nana gran granny
        aunt auntie uncle partner cousin baby twin fiance fiancee carer hubby boyfriend
        girlfriend stepson stepdaughter kid kids child""",
    "pronoun": "he she his her him they them their you it its",
    "first_person": "i we me my our us i'm we're i've",
    "patient": "pt pts patient patients bed bay rm room cubicle side resident",
    "person_verb": """saw see seen told tell asked ask spoke speak called call rang ring met
        visited review reviewed cannulate chase discharged admitted lost miss missed thank
        thanks love loved hugged examined consented counselled updated reassured texted
        messaged phoned sent bled cathed scoped intubated""",
    "verb_after": """is was has had came comes went goes said says says asked wants wanted
        refused refuses needs needed gets got feels felt looks looked seems seemed died passed
        turned keeps kept will would can could did does and""",
    "preposition": "in from to at of with for on by about into over after before re",
    "locative": "near outside around via towards toward nr outta",
    "determiner": "the a an this that these those your every each",
    "move": """lives live living lived moved moving born raised grew drove driven transferred
        transfer commutes commute farm farmer farms ranch home back hometown local visiting
        stays staying""",
    "event": """conference congress meeting course symposium summit workshop trip holiday
        vacation fellowship residency training trained job locum rotation interview flew
        flight talk lecture consultant registrar position role placement contract""",
    "place_noun": """town village city suburb county estate area neighbourhood neighborhood
        district region road rd street st avenue ave lane park bridge station township
        reserve rez shire""",
}
WORD_CLASS: Final = {
    word: cls for cls, blob in _CLASS_WORDS.items() for word in blob.split() if word
}


def lower_style(text: str, capitalised: list[tuple[int, int]]) -> bool:
    """Whether the post is written in lower case: it opens with a lower-case letter and has
    fewer than one capitalised word in 20, or fewer than one in 40 (acronyms do not count)."""
    words = text.count(" ") + 1
    opening = next((c for c in text[:40] if c.isalpha()), "")
    return len(capitalised) * (20 if opening.islower() else 40) < words


def english_compound(word: str, parts: int = 3) -> bool:
    """English words of four letters or more run together ("publicword", "openclubword")."""
    return any(
        word[:i] in ENGLISH_WORDS
        and (word[i:] in ENGLISH_WORDS or (parts > 2 and english_compound(word[i:], parts - 1)))
        for i in range(4, len(word) - 3)
    )


def lower_name_like(word: str) -> bool:
    """A lower-case word that may be a name: a listed name that is no word, or no English word."""
    bits = NAME_FLAGS.get(word, 0)
    if bits & WORD:
        return False
    if bits & STRONG:
        return True
    return (
        word not in ENGLISH_WORDS
        and not inflected_english(word)
        and not english_compound(word)
        and word not in NOT_LOWER_NAME
        and word.capitalize() not in NOT_NAME
        and word not in PLACE_POPULATION
        and word.capitalize() not in PLACE_POPULATION
        and not JARGON_SUFFIX_RE.search(word)
    )


def _lower_town(word: str) -> bool:
    """A lower-case word that may be a town: a listed town of some size that is no word."""
    return (
        PLACE_POPULATION.get(word.capitalize(), 0) >= LOWER_TOWN
        and word not in ENGLISH_WORDS
        and not inflected_english(word)
        and word.capitalize() not in NOT_NAME
    )


def joined_to_previous(text: str, start: int) -> bool:
    """Whether the word at ``start`` goes on from what stands before it: a letter or digit, a
    handle's or tag's mark ("@", "#", "_", "/"), a dot, a hyphen, or an apostrophe after a letter
    or digit ("O'Brien"). An apostrophe after a space or a bracket opens a quote ("'Marisol'")."""
    if not start:
        return False
    before = text[start - 1]
    if before in "'’":
        return start > 1 and text[start - 2].isalnum()
    return before.isalnum() or before in "@#_/.-"


def candidates(
    text: str, capitalised: Iterable[tuple[int, int]], *, include_listed: bool = False
) -> Iterator[tuple[int, int]]:
    """Capitalised words (spans from ``CAPITALISED_RE``) that the rules leave undecided.

    Listed towns are candidates too, for the place label, and so are a word in quotes
    ("'Marisol'"), a given name that is also a word ("Hope", "Will") and a word made of
    English words ("Ferrybridge"): the model reads them by their neighbours. In a post
    written in lower case, lower-case words that may be names or towns are candidates too
    (``lower_candidates``). ``include_listed`` also yields strong listed capitalised names;
    training uses them so that the model learns the contexts names appear in.
    """
    spans = list(capitalised)
    for start, end in spans:
        if end - start < 3 or joined_to_previous(text, start):
            continue
        # The word lists first: most capitalised words stop here, before any pattern runs.
        word = text[start:end]
        if word in NOT_NAME and word not in WORD_NAMES_OF_PEOPLE:
            continue  # the model reads "Will" and "Hope" by their neighbours
        low = word.lower()
        if word not in PLACE_POPULATION:  # a town, or a name that is also one: the model decides
            bits = NAME_FLAGS.get(low, 0)
            if bits & STRONG and not include_listed:
                continue
            if not bits and (
                low in ENGLISH_WORDS
                or (low.endswith(("ed", "ing", "ly")) and inflected_english(low))
                or PLURAL_CLASS_RE.search(low)
                or JARGON_SUFFIX_RE.search(low)
            ):
                # "Teenager", "Restarted", "Vasopressors", "Elaprase": no listed names. A word
                # made of English words stays ("Ferrybridge", "Glenburn": towns are made so).
                continue
        if end < len(text) and (text[end].isalpha() or (text[end] == ":" and low in ENGLISH_WORDS)):
            continue  # "McAllister", "HbA1c", a heading ("Course:"), but "Dariusz: 3 falls"
        if _TITLE_BEFORE_RE.search(text, max(0, start - 6), start):
            continue  # "Mr. Hallorann": the rules have it
        yield start, end
    if lower_style(text, spans):
        yield from lower_candidates(text)


def lower_candidates(text: str) -> Iterator[tuple[int, int]]:
    """Lower-case words that may be names or towns: "spoke to rashida", "moved to luton"."""
    for m in LOWER_WORD_RE.finditer(text):
        word = m.group()
        if lower_name_like(word) or _lower_town(word):
            yield m.span()


_WIDE_CLASSES: Final = ("event", "first_person", "move", "locative")


def _neighbours(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """Up to eight words on each side of the candidate, as written."""
    before = _words(text[max(0, start - 60) : start])
    after = _words(text[end : end + 60])
    if start > 60 and before:
        before = before[1:]  # the first word may be cut
    return before[-8:], after[:8]


def _words(chunk: str) -> list[str]:
    """The words of ``chunk``, each mark a word of its own. (``str.translate`` to spaced marks
    took three times as long: it maps character by character when a mark becomes three.)"""
    for mark in _MARKS:
        if mark in chunk:
            chunk = chunk.replace(mark, f" {mark} ")
    return chunk.split()


def _wide_classes(words: list[str]) -> set[str]:
    """Classes of a few words around the candidate: a trip, a move, the poster ("Moved from
    Leeds to Dunedin to start my fellowship")."""
    return {WORD_CLASS.get(w.lower(), "") for w in words}


def _word_class(token: str) -> str:
    if token in REGIONS:
        return "region"
    low = token.lower()
    if low in WORD_CLASS:
        return WORD_CLASS[low]
    if _AGE_SEX_RE.match(low):
        return "age"
    if low[:1].isdigit():
        return "number"
    if not low[:1].isalpha():
        return low[:1]
    if NAME_FLAGS.get(low, 0) & STRONG:
        return "name"
    if low in ENGLISH_WORDS:
        return "word"
    return "unknown"


def _after_class(follow: str) -> str:
    """What comes right after the word: a punctuation mark, a possessive or a space."""
    if follow in ("'s", "’s"):
        return "poss"
    return follow[:1] if follow[:1] in ",:;()?!." else "space"


def _population_band(word: str) -> str:
    people = PLACE_POPULATION.get(word) or PLACE_POPULATION.get(word.capitalize())
    if not people:
        return "none"
    return "city" if people >= 1_000_000 else "town" if people >= 100_000 else "small"


def features(text: str, start: int, end: int) -> list[str]:
    """Spelling, list and context features of the candidate word ``text[start:end]``."""
    word = text[start:end]
    low = word.lower()
    bits = NAME_FLAGS.get(low, 0)
    before, after = _neighbours(text, start, end)
    prev = before[-1] if before else "<s>"
    prev2 = before[-2] if len(before) > 1 else "<s>"
    nxt = after[0] if after else "</s>"
    nxt2 = after[1] if len(after) > 1 else "</s>"
    size = len(word)
    follow = text[end : end + 2]
    prev_class, next_class = _word_class(prev), _word_class(nxt)
    feats = [
        "bias",
        f"w={low}",
        f"suf3={low[-3:]}",
        f"suf2={low[-2:]}",
        f"pre2={low[:2]}",
        f"len={min(size, 10) // 3}",
        f"case={'cap' if word[:1].isupper() else 'low'}",
        f"given={bool(bits & GIVEN)}",
        f"surname={bool(bits & SURNAME)}",
        f"listed={bool(bits)}",
        f"wordname={bool(bits & WORD)}",
        f"english={low in ENGLISH_WORDS}",
        f"town={_population_band(word)}",
        f"p1={prev.lower()}",
        f"p2={prev2.lower()}",
        f"n1={nxt.lower()}",
        f"n2={nxt2.lower()}",
        f"p1c={prev_class}",
        f"p2c={_word_class(prev2)}",
        f"n1c={next_class}",
        f"n2c={_word_class(nxt2)}",
        f"p1c|n1c={prev_class}|{next_class}",
        f"p1cap={prev[:1].isupper()}",
        f"n1cap={nxt[:1].isupper()}",
        f"n1digit={nxt[:1].isdigit()}",
        f"start={prev in _SENTENCE_END}",
        f"after={_after_class(follow)}",
    ]
    wide_before, wide_after = _wide_classes(before), _wide_classes(after)
    feats.extend(f"b8={cls}" for cls in _WIDE_CLASSES if cls in wide_before)
    feats.extend(f"a8={cls}" for cls in _WIDE_CLASSES if cls in wide_after)
    if "-" in word or "'" in word or "’" in word:
        feats.append("joined")
    if _DOUBLE_RE.search(low):
        feats.append("double")
    return feats


def _tagger() -> pycrfsuite.Tagger | None:
    if not MODEL_PATH.exists():
        return None
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


TAGGER: Final = _tagger()
# A model trained before places were labelled knows only "N" and "O".
READS_PLACES: Final = TAGGER is not None and "P" in TAGGER.labels()


@dataclass(frozen=True, slots=True)
class Tagged:
    """A candidate word and the model's probabilities that it is a name or a place."""

    start: int
    end: int
    name: float
    place: float


def tag(text: str, capitalised: Iterable[tuple[int, int]]) -> list[Tagged]:
    """Every candidate word of ``text`` with its name and place probabilities."""
    if TAGGER is None:
        return []
    spans = list(candidates(text, capitalised, include_listed=True))
    if not spans:
        return []
    TAGGER.set([features(text, s, e) for s, e in spans])
    return [
        Tagged(
            start,
            end,
            TAGGER.marginal("N", i),
            TAGGER.marginal("P", i) if READS_PLACES else 0.0,
        )
        for i, (start, end) in enumerate(spans)
    ]


def names_of(text: str, tagged: Iterable[Tagged]) -> list[tuple[int, int, float]]:
    """The tagged words read as names, with the model's probability."""
    return [
        (t.start, t.end, t.name)
        for t in tagged
        if t.name >= (THRESHOLD if text[t.start].isupper() else LOWER_THRESHOLD)
    ]


def places_of(text: str, tagged: Iterable[Tagged]) -> list[tuple[int, int, float]]:
    """The tagged words read as places, neighbours joined ("Moose Jaw"), with the lowest
    probability of the words joined."""
    found: list[tuple[int, int, float]] = []
    for t in tagged:
        if t.place < (PLACE_THRESHOLD if text[t.start].isupper() else LOWER_THRESHOLD):
            continue
        if found and _JOIN_RE.fullmatch(text, found[-1][1], t.start):
            start, _, probability = found.pop()
            found.append((start, t.end, min(probability, t.place)))
        else:
            found.append((t.start, t.end, t.place))
    return found


_JOIN_RE: Final = re.compile(r"(?:[ \t]+|-|[ \t]+(?:upon|on|de|del|la|le|sur|en|of)[ \t]+)")


def model_names(text: str, capitalised: Iterable[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """Spans of candidate words the model reads as names, with the model's probability."""
    return names_of(text, tag(text, capitalised))


def model_places(text: str, capitalised: Iterable[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """Spans of candidate words the model reads as places, with the model's probability."""
    return places_of(text, tag(text, capitalised))
