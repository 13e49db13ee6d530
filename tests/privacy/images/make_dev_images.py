"""Write the synthetic part of the development image set and the labels of all of it.

    .venv/bin/python tests/privacy/images/make_dev_images.py

Writes tests/privacy/images/dev/*.png (radiographs with burned-in overlays, screenshots of
notes, a wristband, a sign) and dev/labels.json: for every image in dev/ (the
third-party photos too, see dev/README.md), its text boxes with their kind and its face
boxes, in pixels. Deterministic: the same files every run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.privacy.images.make_dev_images2 import (  # noqa: E402
    clean_small_radiographs,
    curved_wristbands,
    photos,
    screenshots,
    small_faces,
    small_overlay_radiographs,
    small_wristbands,
)
from tests.privacy.images.synthetic import (  # noqa: E402
    Labelled,
    note_screenshot,
    photo_scene,
    radiograph,
)

DEV = Path(__file__).resolve().parent / "dev"

# Third-party photos (dev/README.md): faces labelled by hand, in pixels of the dev copy.
PHOTO_LABELS: dict[str, dict[str, object]] = {
    "basketball.jpg": {"faces": [[68, 85, 48, 50], [508, 45, 70, 90]], "text": []},
    "messi.jpg": {"faces": [[224, 88, 40, 44]], "text": []},
    # Turned faces: three-quarter view (camera) and profile (a stereo pair).
    "camera.jpg": {"faces": [[178, 100, 80, 100]], "text": []},
    "calibration_left06.jpg": {"faces": [[240, 110, 105, 135]], "text": []},
    "calibration_right06.jpg": {"faces": [[150, 125, 100, 130]], "text": []},
    **{
        name: {"faces": [], "text": []}
        for name in (
            "baboon.jpg bird.jpg brick.jpg building.jpg coins.jpg fruits.jpg grass.jpg "
            "gravel.jpg home.jpg lake.jpg orange.jpg page.jpg stuff.jpg tree.jpg "
            "gnome_bicycle.jpg gnome_plane.jpg gnome_surfer.jpg book.jpg chelsea.jpg board.jpg "
            "sudoku.jpg"
        ).split()
    },
}


def overlay_radiographs() -> dict[str, Labelled]:
    pictures = {}

    chest = Labelled(radiograph(1024, 1024, seed=3))
    chest.write((20, 18), "DOE, JANE", size=26, fill=235, kind="name")
    chest.write((20, 52), "DOB 01/02/1950", size=22, fill=235, kind="date")
    chest.write((20, 82), "MRN 4471823", size=22, fill=235, kind="mrn")
    chest.write((760, 18), "PA ERECT", size=22, fill=235)
    chest.write((20, 950), "Acc# A20231105", size=22, fill=235, kind="other_id")
    chest.write((700, 950), "03/14/2024 10:22", size=22, fill=235, kind="date")
    chest.write((900, 160), "R", size=48, fill=255)
    pictures["xray_comma.png"] = chest

    caret = Labelled(radiograph(2048, 2048, seed=4))
    caret.write((40, 36), "SMITH^JOHN", size=44, fill=220, kind="name")
    caret.write((40, 96), "ID: 99887766", size=40, fill=220, kind="mrn")
    caret.write((40, 150), "DOB: 1931-04-03", size=40, fill=220, kind="date")
    caret.write((1560, 36), "AP SUPINE", size=40, fill=220)
    caret.write((1500, 1940), "kVp 85  mAs 3.2", size=40, fill=220)
    pictures["xray_caret.png"] = caret

    labelled = Labelled(radiograph(768, 1024, seed=5))
    labelled.write((14, 12), "Pt: GARCIA, MARIA", size=20, fill=230, kind="name")
    labelled.write((14, 40), "Acc: 55443322", size=18, fill=230, kind="other_id")
    labelled.write((560, 980), "PORTABLE", size=20, fill=230)
    pictures["xray_labels.png"] = labelled

    for index, seed in enumerate((6, 7), start=1):
        clean = Labelled(radiograph(1024, 1024, seed=seed))
        clean.write((24, 20), "PORTABLE AP", size=24, fill=230)
        clean.write((24, 960), "kVp 90  mAs 2.0", size=22, fill=230)
        clean.write((930, 150), "L", size=44, fill=255)
        pictures[f"xray_clean_{index}.png"] = clean
    return pictures


def notes() -> dict[str, Labelled]:
    return {
        "note_light.png": note_screenshot(
            [
                ("Patient: Robert Miller", "name"),
                ("MRN: 00451234", "mrn"),
                ("DOB: 04/12/1948", "date"),
                ("Assessment: community-acquired pneumonia, improving on ceftriaxone.", None),
                ("Plan: switch to oral amoxicillin tomorrow, repeat CXR in 6 weeks.", None),
            ]
        ),
        "note_dark.png": note_screenshot(
            [
                ("Seen with Dr. Okafor on the ward round.", None),
                ("Daughter's phone 555-410-2299 for updates.", "phone"),
                ("Creatinine 1.4 mg/dL, potassium 4.1 mmol/L, Hb 11.2 g/dL.", None),
            ],
            dark=True,
        ),
        "note_clean.png": note_screenshot(
            [
                ("Medications: metformin 500 mg twice daily, lisinopril 10 mg daily.", None),
                ("Labs: HbA1c 7.9%, LDL 2.1 mmol/L, eGFR 68.", None),
                ("Follow up in clinic in three months with fasting bloods.", None),
            ]
        ),
    }


def wristband() -> Labelled:
    picture = Labelled(photo_scene(1600, 1200, seed=8))
    draw = ImageDraw.Draw(picture.image)
    draw.rounded_rectangle((300, 520, 1300, 700), radius=40, fill=(245, 245, 240))
    picture.write((340, 545), "DOE, JOHN", size=44, fill=(20, 20, 20), kind="name", bold=True)
    picture.write((340, 615), "MRN 7788990", size=40, fill=(20, 20, 20), kind="mrn")
    picture.write((800, 615), "DOB 05/06/1940", size=40, fill=(20, 20, 20), kind="date")
    return picture


def sign() -> Labelled:
    picture = Labelled(photo_scene(1600, 1200, seed=9))
    draw = ImageDraw.Draw(picture.image)
    draw.rectangle((420, 300, 1180, 460), fill=(200, 30, 30))
    picture.write((460, 340), "EMERGENCY", size=72, fill=(255, 255, 255), mono=False)
    return picture


def main() -> None:
    DEV.mkdir(exist_ok=True)
    labels: dict[str, dict[str, object]] = dict(PHOTO_LABELS)
    pictures = {
        **overlay_radiographs(),
        **notes(),
        "wristband.png": wristband(),
        "sign_clean.png": sign(),
        **small_overlay_radiographs(),
        **clean_small_radiographs(),
        **screenshots(),
        **photos(),
        **curved_wristbands(),
        **small_wristbands(),
        **small_faces(DEV),
    }
    for name, picture in pictures.items():
        image: Image.Image = picture.image
        if name.endswith(".jpg"):
            image.save(DEV / name, quality=88)
        else:
            image.save(DEV / name, optimize=True)
        labels[name] = {"faces": picture.faces, "text": picture.text}
    (DEV / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"{len(pictures)} synthetic images and {len(labels)} labels written to {DEV}")


if __name__ == "__main__":
    main()
