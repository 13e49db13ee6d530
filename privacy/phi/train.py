"""Train the name model ``privacy/phi/data/names.crfsuite`` on the dev data.

    python -m privacy.phi.train

Reads only the dev snippets (``tests/privacy/phi_corpus.jsonl`` and
``tests/privacy/phi_dev.jsonl``); the held-out set is never read. Each
snippet becomes one sequence of its candidate words (see
``privacy.phi.model.candidates``), labelled ``N`` when the word lies inside a
gold ``name`` span and ``O`` otherwise. To teach the contexts names appear in
without memorising the few names of the dev set, every snippet with a
one-word gold name is also used again with that name replaced by other names
of the lists (a fixed seed keeps the model reproducible).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pycrfsuite

from privacy.phi.model import CAPITALISED_RE, MODEL_PATH, candidates, features
from privacy.phi.vocabulary import GIVEN, NAME_FLAGS, STRONG

ROOT = Path(__file__).resolve().parents[2]
DEV_FILES = (ROOT / "tests/privacy/phi_corpus.jsonl", ROOT / "tests/privacy/phi_dev.jsonl")
COPIES = 4
SEED = 20261206


def _snippets() -> list[tuple[str, list[tuple[int, int]]]]:
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


def _sequence(text: str, gold: list[tuple[int, int]]) -> tuple[list[list[str]], list[str]]:
    xseq, yseq = [], []
    spans = [m.span() for m in CAPITALISED_RE.finditer(text)]
    for start, end in candidates(text, spans, include_listed=True):
        xseq.append(features(text, start, end))
        inside = any(g_start <= start and end <= g_end for g_start, g_end in gold)
        yseq.append("N" if inside else "O")
    return xseq, yseq


def _variants(
    text: str, gold: list[tuple[int, int]], names: list[str], rng: random.Random
) -> list[tuple[str, list[tuple[int, int]]]]:
    """The snippet with its one-word capitalised names swapped for other names."""
    single = [(s, e) for s, e in gold if text[s:e].isalpha() and text[s].isupper()]
    if not single:
        return []
    out = []
    for _ in range(COPIES):
        new, spans, shift = text, [], 0
        for start, end in sorted(gold):
            if (start, end) not in single:
                spans.append((start + shift, end + shift))
                continue
            name = rng.choice(names)
            new = new[: start + shift] + name + new[end + shift :]
            spans.append((start + shift, start + shift + len(name)))
            shift += len(name) - (end - start)
        out.append((new, spans))
    return out


def main() -> None:
    rng = random.Random(SEED)
    names = sorted(
        w.capitalize() for w, bits in NAME_FLAGS.items() if bits & GIVEN and bits & STRONG
    )
    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = 0
    for text, gold in _snippets():
        for variant_text, variant_gold in [(text, gold), *_variants(text, gold, names, rng)]:
            xseq, yseq = _sequence(variant_text, variant_gold)
            if xseq:
                trainer.append(xseq, yseq)
                sequences += 1
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 200})
    trainer.train(str(MODEL_PATH))
    print(f"{MODEL_PATH.name}: {sequences} sequences, {MODEL_PATH.stat().st_size} bytes")


if __name__ == "__main__":
    main()
