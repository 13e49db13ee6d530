"""Cross-validate the name and place model on the dev posts: learning curve and frontier.

Run from anywhere::

    python bench/phi_crossval.py                              # folds 0-2, all the data
    python bench/phi_crossval.py --fraction 0.25 --fraction 0.5 --fraction 1
    python bench/phi_crossval.py --thresholds 0.5,0.8,0.7 --thresholds 0.01,0.02,0.02

Fold ``k`` holds back the dev post batches whose number is ``k`` modulo 5 (``batch20``
is in fold 0): the model is trained without them (``privacy.phi.train.train``) and the
whole scanner is scored on them. ``--fraction F`` also leaves out a fixed random share
``1 - F`` of the other batches, to see whether more labelled posts would help the model.
``--thresholds NAME,LOWER,PLACE`` scores the same models with other probability cut-offs
(capitalised names, lower-case words, places), to see how much recall the model holds
below the cut-offs the scanner uses. Each row adds up the folds. Only the dev posts are
read: the held-out and fresh sets are not.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from privacy import evaluation  # noqa: E402
from privacy.evaluation import PLACE_KINDS, POSTS_PATH, load_dev  # noqa: E402
from privacy.phi import model  # noqa: E402
from privacy.phi.train import train  # noqa: E402

FOLDS = 5
_BATCH_RE = re.compile(r"batch(\d+)")


@dataclass
class Tally:
    """Gold spans and findings added up over the folds of one row."""

    gold: int = 0
    caught: int = 0
    names: tuple[int, int] = (0, 0)
    places: tuple[int, int] = (0, 0)
    findings: int = 0
    true_positives: int = 0

    def add(self, report: evaluation.Report) -> None:
        self.gold += sum(report.gold.values())
        self.caught += sum(report.caught.values())
        self.names = (
            self.names[0] + report.caught["name"],
            self.names[1] + report.gold["name"],
        )
        self.places = (
            self.places[0] + sum(report.caught[k] for k in PLACE_KINDS),
            self.places[1] + sum(report.gold[k] for k in PLACE_KINDS),
        )
        self.findings += sum(report.findings.values())
        self.true_positives += sum(report.true_positives.values())

    def row(self, label: str) -> str:
        ratio = evaluation.ratio
        return (
            f"| {label} | {ratio(self.caught, self.gold):.4f} | {ratio(*self.names):.4f} "
            f"| {ratio(*self.places):.4f} | {ratio(self.true_positives, self.findings):.4f} |"
        )


def batch_number(split: str) -> int | None:
    """``20`` for ``"batch20"``; None for a snippet in no batch."""
    m = _BATCH_RE.fullmatch(split)
    return int(m.group(1)) if m else None


@contextmanager
def scanning_with(path: Path, thresholds: tuple[float, float, float] | None) -> Iterator[None]:
    """Let the scanner read the model at ``path`` (and cut-offs), as it reads the committed one."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    swapped: dict[str, object] = {"TAGGER": tagger}
    if thresholds is not None:
        swapped |= zip(("THRESHOLD", "LOWER_THRESHOLD", "PLACE_THRESHOLD"), thresholds, strict=True)
    saved = {name: getattr(model, name) for name in swapped}
    for name, value in swapped.items():
        setattr(model, name, value)  # the module's constants, swapped for the run
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(model, name, value)


def _thresholds(value: str) -> tuple[float, float, float]:
    parts = [float(p) for p in value.split(",")]
    if len(parts) != 3 or not all(0 <= p <= 1 for p in parts):
        raise argparse.ArgumentTypeError("three probabilities: NAME,LOWER,PLACE")
    return parts[0], parts[1], parts[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fold", type=int, action="append", choices=range(FOLDS), default=[])
    parser.add_argument("--fraction", type=float, action="append", default=[])
    parser.add_argument("--thresholds", type=_thresholds, action="append", default=[])
    args = parser.parse_args(argv)
    folds = args.fold or [0, 1, 2]
    fractions = args.fraction or [1.0]
    if not all(0 < f <= 1 for f in fractions):
        parser.error("a fraction is in (0, 1]")
    if args.thresholds and 1.0 not in fractions:
        fractions.append(1.0)
    snippets = load_dev(POSTS_PATH)
    numbers = {s.style: n for s in snippets if (n := batch_number(s.style)) is not None}
    batches = sorted(numbers)
    posts = [s for s in snippets if s.style in numbers]
    rows: dict[str, Tally] = {}
    print(f"folds {folds}; {len(posts)} posts in {len(batches)} batches")
    print("| model | recall | names | places | precision |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for fold in folds:
            held = frozenset(b for b in batches if numbers[b] % FOLDS == fold)
            scored = [s for s in posts if s.style in held]
            others = [b for b in batches if b not in held]
            for fraction in fractions:
                left_out = random.Random(fold).sample(others, round(len(others) * (1 - fraction)))
                path = Path(tmp) / f"fold{fold}-{fraction}.crfsuite"
                train(path, held | frozenset(left_out))
                cut_offs: list[tuple[float, float, float] | None] = [None]
                if fraction == 1.0:
                    cut_offs += args.thresholds
                for thresholds in cut_offs:
                    label = f"{fraction:.0%} of the other batches" + (
                        f", cut-offs {','.join(map(str, thresholds))}" if thresholds else ""
                    )
                    with scanning_with(path, thresholds):
                        rows.setdefault(label, Tally()).add(evaluation.evaluate(scored))
    for label, tally in rows.items():
        print(tally.row(label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
