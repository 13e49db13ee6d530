"""A small sequence model for names the rules cannot decide.

The rules find listed names and names after a cue word. What is left are
capitalised words that no list holds ("Aditi", "Ikechukwu") and listed names
that are also ordinary words ("Connor", "Grace"). For those words only, a
linear-chain CRF (python-crfsuite) labels each candidate ``N`` (a person's
name) or ``O`` from its spelling and the words around it; the candidates of
one text form one sequence, so neighbouring names support each other ("Aditi
and Anika").

The model file ``data/names.crfsuite`` is trained by ``python -m
privacy.phi.train`` on the dev data only (``tests/privacy/phi_corpus.jsonl``
and ``tests/privacy/phi_dev.jsonl``) and committed with that script, so anyone
can rebuild it. It is a few hundred kilobytes and loads in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import pycrfsuite

from privacy.phi.vocabulary import GIVEN, NAME_FLAGS, NOT_NAME, PLACE_POPULATION, STRONG, SURNAME

MODEL_PATH: Final = Path(__file__).with_name("data") / "names.crfsuite"
# A candidate is reported when the model gives "N" at least this probability.
THRESHOLD: Final = 0.7

CAPITALISED_RE: Final = re.compile(r"[A-Z][a-z]+")
_TITLE_BEFORE_RE: Final = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+$")
_PUNCT: Final = str.maketrans({c: f" {c} " for c in '.,;:!?()"“”'})


def candidates(
    text: str, capitalised: Iterable[tuple[int, int]], *, include_listed: bool = False
) -> Iterator[tuple[int, int]]:
    """Capitalised words (spans from ``CAPITALISED_RE``) that the rules leave undecided.

    ``include_listed`` also yields strong listed names; training uses them so
    that the model learns the contexts names appear in.
    """
    for start, end in capitalised:
        if end - start < 3 or (
            start and (text[start - 1].isalnum() or text[start - 1] in "@#_/.'’-")
        ):
            continue
        if end < len(text) and (text[end].isalpha() or text[end] == ":"):
            continue  # "McAllister", "HbA1c", a heading ("Course:")
        if _TITLE_BEFORE_RE.search(text, max(0, start - 6), start):
            continue  # "Mr. Hallorann": the rules have it
        word = text[start:end]
        if word in NOT_NAME or word in PLACE_POPULATION:
            continue
        if NAME_FLAGS.get(word.lower(), 0) & STRONG and not include_listed:
            continue
        yield start, end


def _neighbours(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    before = text[max(0, start - 30) : start].translate(_PUNCT).split()
    after = text[end : end + 30].translate(_PUNCT).split()
    if start > 30 and before:
        before = before[1:]  # the first word may be cut
    return before[-2:], after[:2]


def features(text: str, start: int, end: int) -> list[str]:
    """Spelling and context features of the candidate word ``text[start:end]``."""
    word = text[start:end]
    low = word.lower()
    bits = NAME_FLAGS.get(low, 0)
    before, after = _neighbours(text, start, end)
    prev = before[-1] if before else "<s>"
    prev2 = before[-2] if len(before) > 1 else "<s>"
    nxt = after[0] if after else "</s>"
    nxt2 = after[1] if len(after) > 1 else "</s>"
    size = len(word)
    feats = [
        "bias",
        f"w={low}",
        f"suf3={low[-3:]}",
        f"suf2={low[-2:]}",
        f"pre2={low[:2]}",
        f"len={min(size, 10) // 3}",
        f"given={bool(bits & GIVEN)}",
        f"surname={bool(bits & SURNAME)}",
        f"listed={bool(bits)}",
        f"p1={prev.lower()}",
        f"p2={prev2.lower()}",
        f"n1={nxt.lower()}",
        f"n2={nxt2.lower()}",
        f"p1cap={prev[:1].isupper()}",
        f"n1cap={nxt[:1].isupper()}",
        f"n1digit={nxt[:1].isdigit()}",
        f"start={prev in ('<s>', '.', '!', '?', ':', ';') or prev == chr(10)}",
    ]
    if "-" in word or "'" in word or "’" in word:
        feats.append("joined")
    if any(a == b for a, b in zip(low, low[1:], strict=False)):
        feats.append("double")
    return feats


def _tagger() -> pycrfsuite.Tagger | None:
    if not MODEL_PATH.exists():
        return None
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL_PATH))
    return tagger


TAGGER: Final = _tagger()


def model_names(text: str, capitalised: Iterable[tuple[int, int]]) -> list[tuple[int, int, float]]:
    """Spans of candidate words the model reads as names, with the model's probability."""
    if TAGGER is None:
        return []
    spans = list(candidates(text, capitalised))
    if not spans:
        return []
    TAGGER.set([features(text, s, e) for s, e in spans])
    found = []
    for i, (start, end) in enumerate(spans):
        probability = TAGGER.marginal("N", i)
        if probability >= THRESHOLD:
            found.append((start, end, probability))
    return found
