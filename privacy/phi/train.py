"""Train the name model ``privacy/phi/data/names.crfsuite`` on the dev data.

    python -m privacy.phi.train

Reads only the dev snippets (``tests/privacy/phi_corpus.jsonl`` and
``tests/privacy/phi_dev.jsonl``); the held-out set is never read. Each
snippet becomes one sequence of its candidate words (see
``privacy.phi.model.candidates``), labelled ``N`` when the word lies inside a
gold ``name`` span and ``O`` otherwise.

To teach the contexts names appear in rather than the few names of the dev
set, the sequences are multiplied (a fixed seed keeps the model reproducible):

* every snippet with a gold name is used again ``COPIES`` times with each word
  of its names swapped for another: half of them listed names, half made-up
  names that no list holds (the halves of two listed names joined, "Ikeduri"),
  so that the model does not learn that a name must be listed;
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
from privacy.phi.vocabulary import ENGLISH_WORDS, GIVEN, NAME_FLAGS, STRONG, SURNAME

ROOT = Path(__file__).resolve().parents[2]
DEV_FILES = (ROOT / "tests/privacy/phi_corpus.jsonl", ROOT / "tests/privacy/phi_dev.jsonl")
COPIES = 4
LOWER_COPIES = 1
SEED = 20261206
# Words inside a gold name span that are not the name itself.
_KEEP = frozenset("mr mrs ms miss mx dr prof fr baby sister nana van der de la ni ní thi".split())
_NAME_TOKEN_RE = re.compile(r"[^\W\d_]{2,}")

Spans = list[tuple[int, int]]


def _snippets() -> list[tuple[str, Spans]]:
    """Text and gold name spans of every dev snippet."""
    rows = []
    for path in DEV_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"]
            spans = []
            for kind, needle, *rest in row["spans"]:
                if kind != "name":
                    continue
                start = -1
                for _ in range((rest[0] if rest else 0) + 1):
                    start = text.find(needle, start + 1)
                spans.append((start, start + len(needle)))
            rows.append((text, spans))
    return rows


def _sequence(text: str, gold: Spans) -> tuple[list[list[str]], list[str]]:
    xseq, yseq = [], []
    spans = [m.span() for m in CAPITALISED_RE.finditer(text)]
    for start, end in candidates(text, spans, include_listed=True):
        xseq.append(features(text, start, end))
        inside = any(g_start <= start and end <= g_end for g_start, g_end in gold)
        yseq.append("N" if inside else "O")
    return xseq, yseq


class _NameSource:
    """Listed names, and made-up names that no list holds, drawn with a fixed seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.listed = sorted(
            w for w, bits in NAME_FLAGS.items() if bits & (GIVEN | SURNAME) and bits & STRONG
        )
        self.listed = [w for w in self.listed if w.isalpha() and len(w) > 2]

    def made_up(self) -> str:
        while True:
            a, b = self.rng.choice(self.listed), self.rng.choice(self.listed)
            word = a[: max(2, len(a) // 2 + 1)] + b[len(b) // 2 :]
            if 3 < len(word) < 13 and word not in NAME_FLAGS and word not in ENGLISH_WORDS:
                return word

    def draw(self) -> str:
        return self.rng.choice(self.listed) if self.rng.random() < 0.5 else self.made_up()


def _swap_names(text: str, gold: Spans, source: _NameSource) -> tuple[str, Spans]:
    """The snippet with every word of its gold names replaced by another name."""
    pieces: list[str] = []
    spans: Spans = []
    cursor = 0
    for start, end in sorted(gold):
        if start < cursor:
            continue  # overlapping gold spans: keep the first
        pieces.append(text[cursor:start])
        new_start = sum(len(p) for p in pieces)
        inner, last = [], start
        for m in _NAME_TOKEN_RE.finditer(text, start, end):
            inner.append(text[last : m.start()])
            word = m.group()
            if word.lower() in _KEEP:
                inner.append(word)
            else:
                name = source.draw()
                inner.append(name if word.islower() else name.capitalize())
            last = m.end()
        inner.append(text[last:end])
        pieces.append("".join(inner))
        spans.append((new_start, new_start + len(pieces[-1])))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), spans


def _lower(text: str, gold: Spans) -> tuple[str, Spans] | None:
    low = text.lower()
    return (low, gold) if len(low) == len(text) else None


def _variants(text: str, gold: Spans, source: _NameSource) -> list[tuple[str, Spans]]:
    """The sequences one snippet gives: itself, swapped names, and lower-case copies."""
    out = [(text, gold)]
    lowered = _lower(text, gold)
    if lowered:
        out.append(lowered)
    if gold:
        out.extend(_swap_names(text, gold, source) for _ in range(COPIES))
        for _ in range(LOWER_COPIES):
            swapped = _lower(*_swap_names(text, gold, source))
            if swapped:
                out.append(swapped)
    return out


def main() -> None:
    source = _NameSource(random.Random(SEED))
    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = 0
    for text, gold in _snippets():
        for variant_text, variant_gold in _variants(text, gold, source):
            xseq, yseq = _sequence(variant_text, variant_gold)
            if xseq:
                trainer.append(xseq, yseq)
                sequences += 1
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 200})
    trainer.train(str(MODEL_PATH))
    print(f"{MODEL_PATH.name}: {sequences} sequences, {MODEL_PATH.stat().st_size} bytes")


if __name__ == "__main__":
    main()
