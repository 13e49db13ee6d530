"""Score the image checks on the development set (dev/ and dev/labels.json).

    .venv/bin/python tests/privacy/images/evaluate_dev.py [-v] [--clean]

For each image: labelled text boxes found (a finding overlapping the box), labelled faces
found, and false alarms (findings overlapping no label), with the time taken.

With --clean, also the false-alarm check on variants of every clean image of the set (no
text or face labelled): two crops, a half-size copy, and a copy turned 3 degrees and saved
as a JPEG of quality 60. Every finding on these is a false alarm.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from privacy.images import Box, find_phi_in_image, open_upload, scan_image  # noqa: E402

DEV = Path(__file__).resolve().parent / "dev"


def main() -> None:
    verbose = "-v" in sys.argv
    labels = json.loads((DEV / "labels.json").read_text())
    totals = {"text": 0, "text_found": 0, "faces": 0, "faces_found": 0}
    false_alarms = {"text": 0, "face": 0}
    clean_images = clean_with_alarm = 0
    for name, label in sorted(labels.items()):
        started = time.perf_counter()
        findings = find_phi_in_image(DEV / name)
        seconds = time.perf_counter() - started
        text_boxes = [Box(*item["box"]) for item in label["text"]]
        face_boxes = [Box(*face) for face in label["faces"]]
        text_found = sum(
            any(f.kind != "face" and f.box.overlap(box) > 0.3 for f in findings)
            for box in text_boxes
        )
        faces_found = sum(
            any(f.kind == "face" and f.box.overlap(box) > 0.3 for f in findings)
            for box in face_boxes
        )
        alarms = [
            f
            for f in findings
            if not any(f.box.overlap(box) > 0.3 for box in text_boxes + face_boxes)
        ]
        for alarm in alarms:
            false_alarms["face" if alarm.kind == "face" else "text"] += 1
        if not text_boxes and not face_boxes:
            clean_images += 1
            clean_with_alarm += bool(alarms)
        totals["text"] += len(text_boxes)
        totals["text_found"] += text_found
        totals["faces"] += len(face_boxes)
        totals["faces_found"] += faces_found
        print(
            f"{name:18} {seconds:5.2f}s text {text_found}/{len(text_boxes)} "
            f"faces {faces_found}/{len(face_boxes)} false alarms {len(alarms)}"
        )
        if verbose:
            for finding in findings:
                print(f"    {finding}")
    print(
        f"text {totals['text_found']}/{totals['text']}, faces "
        f"{totals['faces_found']}/{totals['faces']}, false alarms: {false_alarms['text']} "
        f"text, {false_alarms['face']} face; clean images with any alarm "
        f"{clean_with_alarm}/{clean_images}"
    )


def variants(image: Image.Image) -> dict[str, Image.Image]:
    width, height = image.size
    turned = image.convert("RGB").rotate(3, expand=True, fillcolor=(128, 128, 128))
    buffer = io.BytesIO()
    turned.save(buffer, format="JPEG", quality=60)
    buffer.seek(0)
    return {
        "crop-top-left": image.crop((0, 0, width * 2 // 3, height * 2 // 3)),
        "crop-bottom-right": image.crop((width // 3, height // 3, width, height)),
        "half": image.resize((max(1, width // 2), max(1, height // 2))),
        "turned-jpeg": Image.open(buffer),
    }


def clean_check(labels: dict[str, dict[str, list[object]]], *, verbose: bool) -> None:
    pictures = with_alarm = 0
    seconds = []
    for name, label in sorted(labels.items()):
        if label["text"] or label["faces"]:
            continue
        original = open_upload(DEV / name)
        for variant, image in {"original": original, **variants(original)}.items():
            started = time.perf_counter()
            findings = scan_image(image)
            seconds.append(time.perf_counter() - started)
            pictures += 1
            with_alarm += bool(findings)
            if findings or verbose:
                print(f"  clean {name} {variant}: {findings}")
    print(
        f"clean pictures with any alarm {with_alarm}/{pictures}, "
        f"median {statistics.median(seconds):.2f}s"
    )


if __name__ == "__main__":
    main()
    if "--clean" in sys.argv:
        clean_check(json.loads((DEV / "labels.json").read_text()), verbose="-v" in sys.argv)
