"""Score ``privacy.phi.find_phi`` on a labelled set and print a per-kind table.

Run from anywhere::

    python bench/phi_quality.py                    # the held-out set
    python bench/phi_quality.py --set dev          # tests/privacy/phi_corpus.jsonl
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
    args = parser.parse_args(argv)
    report = evaluate(load_set(args.set), set_name=args.set)
    print(format_report(report))
    if args.misses:
        print()
        print(format_errors(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
