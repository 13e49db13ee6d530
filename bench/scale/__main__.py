"""Load the scale data set into PostgreSQL: `python -m bench.scale [--members N ...]`.

Run from the repository root, with DATABASE_URL naming an empty, migrated database (and
DEBUG=1, or the production settings' SECRET_KEY and ALLOWED_HOSTS). Sizes default to the
national size of BENCHMARKS.md; `--force` empties the tables of a database that already has
members. Exits 2 with a message when the database cannot take the load.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import django

from bench.scale.sizes import ScaleError, ScaleSize


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale",
        description="Load the large benchmark data set into PostgreSQL with COPY.",
    )
    default = ScaleSize()
    parser.add_argument("--members", type=int, default=default.members)
    parser.add_argument("--posts", type=int, default=default.posts)
    parser.add_argument("--comments", type=int, default=default.comments)
    parser.add_argument(
        "--reactions", type=int, default=default.reactions, help="Likes and helpfuls."
    )
    parser.add_argument("--mentors", type=int, default=default.mentors)
    parser.add_argument("--seed", type=int, default=default.seed)
    parser.add_argument(
        "--force",
        action="store_true",
        help="Empty the tables of a database that already has members.",
    )
    parser.add_argument(
        "--keep-indexes",
        action="store_true",
        help="Keep every index during the load instead of rebuilding the bulk tables' "
        "secondary indexes after it (slower; for comparison).",
    )
    parser.add_argument("--quiet", action="store_true", help="No progress bar on stderr.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    django.setup()

    from bench.scale.load import load_scale  # models: only once Django is set up

    size = ScaleSize(
        members=options.members,
        posts=options.posts,
        comments=options.comments,
        reactions=options.reactions,
        mentors=options.mentors,
        seed=options.seed,
    )
    began = time.monotonic()
    try:
        report = load_scale(
            size, force=options.force, quiet=options.quiet, keep_indexes=options.keep_indexes
        )
    except ScaleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, count in report.counts.items():
        print(f"{name:>20}: {count:,}")
    print(f"Scale data loaded in {time.monotonic() - began:,.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
