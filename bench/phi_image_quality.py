"""Score ``privacy.find_phi_in_image`` on the held-out image set.

Run from the repository root::

    python bench/phi_image_quality.py                 # markdown table and goal verdict
    python bench/phi_image_quality.py --misses        # also list every miss and false alarm
    python bench/phi_image_quality.py --category radiograph_phi

The set and its labels are in ``tests/privacy/heldout`` (see IMAGES.md there);
the matching rules and goals are in ``privacy/image_evaluation.py``. Each image
is passed to the detector once, as bytes, and timed. Exits 1 when the goals are
not met, 2 when the detector cannot be imported.

Score a detector once per change and record the figure with its commit: this set
is for measuring, never for tuning.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

# Make the repository root importable when run as a script from anywhere.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privacy.image_evaluation import (  # noqa: E402
    ImageScore,
    evaluate,
    load_labels,
    render_markdown,
    render_misses,
)

HELDOUT = ROOT / "tests" / "privacy" / "heldout"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=HELDOUT / "images.json")
    parser.add_argument("--images", type=Path, default=HELDOUT / "images")
    parser.add_argument("--category", action="append", help="score only this category")
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args()

    try:
        from privacy.images import find_phi_in_image
    except ImportError as exc:
        print(f"privacy.images cannot be imported: {exc}", file=sys.stderr)
        return 2

    images = load_labels(args.labels)
    if args.category:
        images = [i for i in images if i.category in set(args.category)]

    def progress(score: ImageScore) -> None:
        if not args.quiet:
            print(
                f"{score.image.name}: {score.findings} findings, "
                f"{len(score.missed())} missed, {len(score.false_alarms)} false alarms, "
                f"{score.seconds * 1000:.0f} ms",
                file=sys.stderr,
            )

    report = evaluate(find_phi_in_image, images, args.images, on_image=progress)
    print(
        f"{len(images)} images; Python {platform.python_version()}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs\n"
    )
    print(render_markdown(report))
    if args.misses:
        print()
        print(render_misses(report) or "No misses and no false alarms.")
    return 1 if report.goal_failures() else 0


if __name__ == "__main__":
    sys.exit(main())
