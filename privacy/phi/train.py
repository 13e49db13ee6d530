"""Train the name and place model ``privacy/phi/data/names.crfsuite`` on the dev data.

    python -m privacy.phi.train

Reads only the dev snippets (``tests/privacy/phi_corpus.jsonl`` and
``tests/privacy/phi_dev.jsonl``); the held-out set is never read. Each
snippet becomes one sequence of its candidate words (see
``privacy.phi.model.candidates``), labelled ``N`` when the word lies inside a
gold ``name`` span, ``P`` inside a gold ``address`` span, and ``O`` otherwise.

To teach the contexts names appear in rather than the few names of the dev
set, the sequences are multiplied (a fixed seed keeps the model reproducible):

* every snippet with a gold name or place is used again ``COPIES`` times with
  each word of its names swapped for another name and each capitalised word of
  its places that is no English word for another town: half of them listed,
  half made up from the halves of two listed ones ("Ikeduri", "Tumbaroo"), so
  that the model does not learn that a name or a town must be listed;
* every snippet is also used written all in lower case, and the snippets with
  names once more in lower case with their names swapped, as members write
  sign-outs and quick posts.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pycrfsuite

from privacy.phi.model import MODEL_PATH, candidates, features
from privacy.phi.patterns.common import CAPITALISED_RE
from privacy.phi.vocabulary import (
    ENGLISH_WORDS,
    GIVEN,
    NAME_FLAGS,
    PLACE_POPULATION,
    STRONG,
    SURNAME,
)

ROOT = Path(__file__).resolve().parents[2]
DEV_FILES = (ROOT / "tests/privacy/phi_corpus.jsonl", ROOT / "tests/privacy/phi_dev.jsonl")
COPIES = 4
LOWER_COPIES = 1
SEED = 20261206
# Words inside a gold name span that are not the name itself.
_KEEP = frozenset("mr mrs ms miss mx dr prof fr baby sister nana van der de la ni ní thi".split())
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]{2,}")

Spans = list[tuple[int, int]]
# Gold spans by label: "N" for names, "P" for places.
Gold = dict[str, Spans]
LABELS = {"name": "N", "address": "P"}


def _snippets(skip: frozenset[str] = frozenset()) -> list[tuple[str, Gold]]:
    """Text and gold name and place spans of every dev snippet (but those of batches ``skip``)."""
    rows = []
    for path in DEV_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") in skip:
                continue
            text = row["text"]
            gold: Gold = {"N": [], "P": []}
            for kind, needle, *rest in row["spans"]:
                if kind not in LABELS:
                    continue
                start = -1
                for _ in range((rest[0] if rest else 0) + 1):
                    start = text.find(needle, start + 1)
                gold[LABELS[kind]].append((start, start + len(needle)))
            rows.append((text, gold))
    return rows


def _sequence(text: str, gold: Gold) -> tuple[list[list[str]], list[str]]:
    xseq, yseq = [], []
    spans = [m.span() for m in CAPITALISED_RE.finditer(text)]
    for start, end in candidates(text, spans, include_listed=True):
        xseq.append(features(text, start, end))
        label = "O"
        for name, gold_spans in gold.items():
            if any(g_start <= start and end <= g_end for g_start, g_end in gold_spans):
                label = name
        yseq.append(label)
    return xseq, yseq


class _Source:
    """Listed words (names or towns), and made-up ones that no list holds, drawn with a
    fixed seed."""

    def __init__(self, rng: random.Random, listed: list[str]) -> None:
        self.rng = rng
        self.listed = [w for w in listed if w.isalpha() and len(w) > 2]

    def made_up(self) -> str:
        while True:
            a, b = self.rng.choice(self.listed), self.rng.choice(self.listed)
            word = a[: max(2, len(a) // 2 + 1)] + b[len(b) // 2 :]
            low = word.lower()
            if (
                3 < len(word) < 13
                and low not in NAME_FLAGS
                and low not in ENGLISH_WORDS
                and word.capitalize() not in PLACE_POPULATION
            ):
                return word

    def draw(self) -> str:
        return self.rng.choice(self.listed) if self.rng.random() < 0.5 else self.made_up()


def _name_source(rng: random.Random) -> _Source:
    listed = sorted(
        w for w, bits in NAME_FLAGS.items() if bits & (GIVEN | SURNAME) and bits & STRONG
    )
    return _Source(rng, listed)


def _town_source(rng: random.Random) -> _Source:
    listed = sorted(
        t.lower()
        for t, people in PLACE_POPULATION.items()
        if " " not in t and people >= 5_000 and t.lower() not in ENGLISH_WORDS
    )
    return _Source(rng, listed)


def _swap(text: str, gold: Gold, sources: dict[str, _Source]) -> tuple[str, Gold]:
    """The snippet with every word of its gold names replaced by another name, every
    capitalised word of its places that is no English word by another town, and every other
    listed town by another town too, so that the model learns the contexts of the poster's
    own towns ("moved from Leeds for the job") rather than the towns themselves."""
    pieces: list[str] = []
    swapped: Gold = {label: [] for label in gold}
    cursor = 0
    labelled = sorted((span, label) for label, spans in gold.items() for span in spans)
    capitalised = [m.span() for m in CAPITALISED_RE.finditer(text)]
    towns = [
        (span, "")
        for span in capitalised
        if text[span[0] : span[1]] in PLACE_POPULATION
        and not any(g[0] < span[1] and span[0] < g[1] for g, _ in labelled)
    ]
    for (start, end), label in sorted(labelled + towns):
        if start < cursor:
            continue  # overlapping gold spans: keep the first
        pieces.append(text[cursor:start])
        new_start = sum(len(p) for p in pieces)
        inner, last = [], start
        for m in _NAME_TOKEN_RE.finditer(text, start, end):
            inner.append(text[last : m.start()])
            word = m.group()
            if word.lower() in _KEEP or (
                label != "N" and (word.islower() or word.lower() in ENGLISH_WORDS)
            ):
                inner.append(word)  # "Mr", "Road", "upon": kept as written
            else:
                new = sources[label or "P"].draw()
                inner.append(new if word.islower() else new.capitalize())
            last = m.end()
        inner.append(text[last:end])
        pieces.append("".join(inner))
        if label:
            swapped[label].append((new_start, new_start + len(pieces[-1])))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), swapped


def _lower(text: str, gold: Gold) -> tuple[str, Gold] | None:
    low = text.lower()
    return (low, gold) if len(low) == len(text) else None


def _has_town(text: str) -> bool:
    return any(m.group() in PLACE_POPULATION for m in CAPITALISED_RE.finditer(text))


def _variants(text: str, gold: Gold, sources: dict[str, _Source]) -> list[tuple[str, Gold]]:
    """The sequences one snippet gives: itself, swapped names and towns, and lower-case
    copies."""
    out = [(text, gold)]
    lowered = _lower(text, gold)
    if lowered:
        out.append(lowered)
    if any(gold.values()) or _has_town(text):
        out.extend(_swap(text, gold, sources) for _ in range(COPIES))
        for _ in range(LOWER_COPIES):
            swapped = _lower(*_swap(text, gold, sources))
            if swapped:
                out.append(swapped)
    return out


def train(path: Path = MODEL_PATH, skip: frozenset[str] = frozenset()) -> int:
    """Train the model into ``path`` on the dev snippets (but batches ``skip``); returns the
    number of sequences."""
    rng = random.Random(SEED)
    sources = {"N": _name_source(rng), "P": _town_source(rng)}
    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = 0
    for text, gold in _snippets(skip):
        for variant_text, variant_gold in _variants(text, gold, sources):
            xseq, yseq = _sequence(variant_text, variant_gold)
            if xseq:
                trainer.append(xseq, yseq)
                sequences += 1
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 200})
    trainer.train(str(path))
    return sequences


def main() -> None:
    sequences = train()
    print(f"{MODEL_PATH.name}: {sequences} sequences, {MODEL_PATH.stat().st_size} bytes")


if __name__ == "__main__":
    main()
