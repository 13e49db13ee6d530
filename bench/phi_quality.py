"""Score ``privacy.phi.find_phi`` on a labelled set and print a per-kind table.

Run from anywhere::

    python bench/phi_quality.py                    # the held-out set
    python bench/phi_quality.py --set dev          # tests/privacy/phi_corpus.jsonl
    python bench/phi_quality.py --set posts        # tests/privacy/phi_dev.jsonl
    python bench/phi_quality.py --set posts --batch batch20 --batch batch21
    python bench/phi_quality.py --set fresh        # blind batches scored, not yet read
    python bench/phi_quality.py --misses           # also list every miss and false alarm

The held-out set is for measuring only: read the scores, never tune on its snippets
(tests/privacy/heldout/README.md). Scoring rules are in privacy/evaluation.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Make the repository root importable when run as a script from anywhere.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from privacy.evaluation import SET_PATHS, evaluate, format_errors, format_report, load_set  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", choices=sorted(SET_PATHS), default="heldout", help="which labelled set"
    )
    parser.add_argument(
        "--misses", action="store_true", help="list every miss and false alarm after the table"
    )
    parser.add_argument(
        "--batch",
        action="append",
        default=[],
        metavar="NAME",
        help='score only the snippets of this batch (their "split", e.g. batch20); repeatable',
    )
    args = parser.parse_args(argv)
    snippets = load_set(args.set)
    if args.batch:
        snippets = [s for s in snippets if s.style in args.batch]
        if not snippets:
            parser.error(f"no snippet of {args.set!r} is in batch {', '.join(args.batch)}")
    report = evaluate(snippets, set_name=args.set)
    print(format_report(report))
    if args.misses:
        print()
        print(format_errors(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
