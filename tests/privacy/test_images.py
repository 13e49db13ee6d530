"""privacy.images: burned-in text and faces found in images, with boxes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from PIL import Image, ImageDraw, ImageFont

import privacy
from privacy.images import Box, ImageFinding, find_phi_in_image, scan_image
from privacy.images.rules import _overlay_findings
from privacy.phi import HIGH, LOW
from tests.privacy.images.synthetic import Labelled, note_screenshot, photo_scene, radiograph

DEV = Path(__file__).parent / "images" / "dev"


def png(image: Image.Image) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def covers(finding: ImageFinding, box: tuple[int, int, int, int] | list[int]) -> bool:
    """The finding's box covers most of the labelled box (and is not absurdly larger)."""
    label = Box(*box)
    return finding.box.overlap(label) > 0.6 and (
        finding.box.width * finding.box.height < 4 * label.width * label.height
    )


def xray_with_overlay() -> Labelled:
    picture = Labelled(radiograph(1024, 1024, seed=21))
    picture.write((20, 18), "SMITH, JOHN", size=26, fill=235, kind="name")
    picture.write((20, 54), "DOB 03/04/1931", size=22, fill=235, kind="date")
    picture.write((790, 18), "PA ERECT", size=22, fill=235)
    return picture


def test_the_package_re_exports_the_api() -> None:
    assert privacy.find_phi_in_image is find_phi_in_image
    assert privacy.ImageFinding is ImageFinding and privacy.Box is Box


def test_importing_the_package_does_not_load_opencv() -> None:
    code = "import sys, privacy; print('cv2' in sys.modules, 'pytesseract' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.split() == ["False", "False"]


def test_path_and_file_object_give_the_same_findings(tmp_path: Path) -> None:
    picture = xray_with_overlay()
    path = tmp_path / "xray.png"
    picture.image.save(path)

    from_path = find_phi_in_image(path)
    from_str = find_phi_in_image(str(path))
    with path.open("rb") as file:
        from_file = find_phi_in_image(file)

    assert from_path == from_str == from_file
    assert all(isinstance(finding, ImageFinding) for finding in from_path)
    assert all(isinstance(finding.box, Box) for finding in from_path)


def test_radiograph_overlay_name_and_birth_date_are_boxed() -> None:
    picture = xray_with_overlay()
    findings = find_phi_in_image(png(picture.image))

    name = next(f for f in findings if f.kind == "name")
    date = next(f for f in findings if f.kind == "date")
    assert name.text == "SMITH, JOHN" and name.confidence == HIGH
    assert date.text == "03/04/1931" and date.confidence == HIGH
    name_label, date_label = picture.text
    assert covers(name, name_label["box"])  # type: ignore[arg-type]
    # The date's box is the date itself, inside the labelled line "DOB 03/04/1931".
    assert Box(*date_label["box"]).overlap(date.box) > 0.9  # type: ignore[misc]
    assert all("ERECT" not in finding.text for finding in findings)
    assert {finding.kind for finding in findings} == {"name", "date"}


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ("SMITH^JOHN", "name", "SMITH^JOHN"),
        ("Pt: GARCIA, MARIA", "name", "GARCIA, MARIA"),
        ("MRN 4471823", "mrn", "4471823"),
        ("ID: 99887766", "mrn", "99887766"),
        ("Acc# A20231105", "other_id", "A20231105"),
        ("JANE DOE", "name", "JANE DOE"),
        ("20394857", "other_id", "20394857"),
    ],
)
def test_overlay_conventions(line: str, kind: str, value: str) -> None:
    picture = Labelled(radiograph(1024, 1024, seed=22))
    picture.write((24, 20), line, size=28, fill=230)
    findings = scan_image(picture.image)
    matching = [f for f in findings if f.kind == kind]
    assert matching, findings
    # OCR may read the caret as another mark; the box is what matters.
    assert matching[0].text.replace("*", "^").replace("~", "^") == value
    assert matching[0].box.y < 60 and matching[0].box.x < 120


def test_screenshot_of_a_note_with_a_name_and_mrn() -> None:
    picture = note_screenshot(
        [
            ("Patient: Robert Miller", "name"),
            ("MRN: 00451234", "mrn"),
            ("Plan: oral amoxicillin, repeat chest film in six weeks.", None),
        ]
    )
    findings = find_phi_in_image(png(picture.image))
    kinds = {finding.kind: finding for finding in findings}
    assert kinds["name"].text == "Robert Miller"
    assert kinds["mrn"].text == "00451234"
    for label in picture.text:
        assert any(
            Box(*label["box"]).overlap(f.box) > 0.9  # type: ignore[misc]
            for f in findings
            if f.kind == label["kind"]
        )
    assert len(findings) == 2


def test_wristband_in_a_photo_is_read() -> None:
    picture = Labelled(photo_scene(3000, 2000, seed=26))
    ImageDraw.Draw(picture.image).rounded_rectangle((900, 900, 1900, 1080), 30, fill="white")
    picture.write((940, 925), "DOE, JOHN", size=44, fill=(20, 20, 20), kind="name", bold=True)
    picture.write((940, 995), "MRN 7788990", size=40, fill=(20, 20, 20), kind="mrn")
    findings = find_phi_in_image(png(picture.image))
    for label in picture.text:
        assert any(
            f.kind == label["kind"] and covers(f, label["box"])  # type: ignore[arg-type]
            for f in findings
        ), findings


def test_dark_mode_screenshot_is_read() -> None:
    picture = note_screenshot([("Daughter's phone 555-410-2299 for updates.", "phone")], dark=True)
    findings = scan_image(picture.image)
    assert [(f.kind, f.text) for f in findings] == [("phone", "555-410-2299")]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: radiograph(1024, 1024, seed=23), id="bare-radiograph"),
        pytest.param(
            lambda: (
                note_screenshot(
                    [
                        ("Medications: metformin 500 mg twice daily, lisinopril 10 mg.", None),
                        ("Labs: HbA1c 7.9%, LDL 2.1 mmol/L, eGFR 68.", None),
                    ]
                ).image
            ),
            id="clean-note",
        ),
        pytest.param(lambda: photo_scene(1600, 1200, seed=24), id="landscape"),
    ],
)
def test_clean_images_give_nothing(make: object) -> None:
    assert scan_image(make()) == []  # type: ignore[operator]


@pytest.mark.parametrize(
    "name", ["gnome_bicycle.jpg", "lake.jpg", "fruits.jpg", "brick.jpg", "page.jpg"]
)
def test_clean_photos_give_nothing(name: str) -> None:
    assert find_phi_in_image(DEV / name) == []


def test_a_face_photo_gives_a_face_box() -> None:
    findings = find_phi_in_image(DEV / "basketball.jpg")
    faces = [f for f in findings if f.kind == "face"]
    face = Box(68, 85, 48, 50)  # labelled by hand (dev/labels.json)
    assert any(f.box.overlap(face) > 0.6 and f.confidence == HIGH for f in faces)
    assert all(f.text == "" for f in faces)


def test_face_boxes_are_in_the_original_pixels() -> None:
    # The same photo enlarged four times: the box scales with it.
    with Image.open(DEV / "basketball.jpg") as photo:
        large = photo.resize((photo.width * 4, photo.height * 4))
    faces = [f for f in scan_image(large) if f.kind == "face"]
    assert any(f.box.overlap(Box(68 * 4, 85 * 4, 48 * 4, 50 * 4)) > 0.6 for f in faces)


def test_a_face_in_a_screenshot_is_found() -> None:
    picture = note_screenshot([("Referral letter, page 1 of 2", None)] * 14, width=1100)
    with Image.open(DEV / "basketball.jpg") as photo:
        picture.image.paste(photo.convert("RGB"), (440, 60))
    faces = [f for f in scan_image(picture.image) if f.kind == "face"]
    assert any(f.box.overlap(Box(440 + 68, 60 + 85, 48, 50)) > 0.6 for f in faces)


def test_an_animal_face_is_not_a_face() -> None:
    # A mandrill, face-on and filling the frame.
    assert [f for f in find_phi_in_image(DEV / "baboon.jpg") if f.kind == "face"] == []


def test_exif_orientation_is_applied_before_boxes() -> None:
    picture = xray_with_overlay().image
    # Stored rotated, with EXIF saying "rotate 90° clockwise to view" (orientation 6).
    stored = picture.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.convert("RGB").save(buffer, format="JPEG", quality=95, exif=exif)
    buffer.seek(0)
    name = next(f for f in find_phi_in_image(buffer) if f.kind == "name")
    assert name.box.x < 60 and name.box.y < 60


def test_progress_is_reported_with_increasing_fractions() -> None:
    calls: list[tuple[str, float]] = []
    find_phi_in_image(png(xray_with_overlay().image), progress=lambda s, f: calls.append((s, f)))
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    stages = [stage for stage, _ in calls]
    assert "Reading text" in stages and "Looking for faces" in stages


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"GIF89a" + b"\0" * 100, id="gif"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, id="broken-png"),
        pytest.param(b"hello, this is text", id="text"),
    ],
)
def test_malformed_input_is_a_validation_error(data: bytes) -> None:
    with pytest.raises(ValidationError):
        find_phi_in_image(io.BytesIO(data))


@pytest.mark.parametrize(
    "image",
    [
        pytest.param(Image.new("RGB", (1, 1), "white"), id="one-pixel"),
        pytest.param(Image.new("RGB", (5000, 20), "red"), id="very-wide"),
        pytest.param(Image.new("RGBA", (300, 200), (0, 0, 0, 0)), id="transparent"),
        pytest.param(Image.new("P", (300, 200), 3), id="palette"),
        pytest.param(Image.new("I;16", (300, 200), 40000), id="16-bit"),
        pytest.param(Image.new("1", (300, 200), 1), id="bilevel"),
        pytest.param(Image.new("CMYK", (300, 200)), id="cmyk"),
        pytest.param(Image.new("L", (800, 600), 0), id="black"),
    ],
)
def test_odd_modes_and_sizes_are_scanned(image: Image.Image) -> None:
    assert scan_image(image) == []


def test_truncated_jpeg_and_missing_file_are_validation_errors(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    photo_scene(400, 300).save(buffer, format="JPEG")
    with pytest.raises(ValidationError):
        find_phi_in_image(io.BytesIO(buffer.getvalue()[:2000]))
    with pytest.raises(ValidationError):
        find_phi_in_image(tmp_path / "missing.png")


def test_text_mode_file_is_a_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("x" * 200)
    with path.open() as text_file, pytest.raises(ValidationError):
        find_phi_in_image(text_file)  # type: ignore[arg-type]


def test_missing_tesseract_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(ImproperlyConfigured, match="Tesseract"):
        scan_image(xray_with_overlay().image)


def test_twelve_megapixel_photo_is_checked_in_time() -> None:
    scene = photo_scene(4000, 3000, seed=25)
    ImageDraw.Draw(scene).rectangle((1500, 900, 2500, 1200), fill=(20, 70, 150))
    buffer = io.BytesIO()
    scene.save(buffer, format="JPEG", quality=85)
    data = buffer.getvalue()

    find_phi_in_image(io.BytesIO(data))  # warm up
    started = time.perf_counter()
    findings = find_phi_in_image(io.BytesIO(data))
    elapsed = time.perf_counter() - started

    assert findings == []
    # The benchmark (bench/phi_image_bench.py) holds the 1.5 s target on a quiet machine;
    # this bound only catches a check that has become several times slower.
    assert elapsed < 6.0


# -- small overlays, lists, banners, chats, badges, wristbands, small faces ---------------


def small_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(Path(FONTS) / "LiberationSans-Regular.ttf"), size)


FONTS = "/usr/share/fonts/truetype/liberation"


@pytest.mark.parametrize(
    ("line", "size"),
    [("KOWALCZYK, MAREK J", 12), ("ABERNATHY^ROSE^ELLEN", 14), ("DUBOIS, CLAIRE", 10)],
)
def test_small_overlay_name_on_a_large_radiograph_is_found(line: str, size: int) -> None:
    # 10 to 14 pixel letters on a 1600-pixel radiograph: under 1% of its height.
    image = radiograph(1600, 1600, seed=31)
    ImageDraw.Draw(image).text((8, 8), line, font=small_font(size), fill=225)
    findings = scan_image(image)
    names = [f for f in findings if f.kind == "name"]
    assert names, findings
    assert names[0].box.y < 8 + 2 * size and names[0].box.x < 40


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("09:10  ADEYEMI, Funmilayo  38  Thyroid results", "ADEYEMI, Funmilayo"),
        ("Kowalski, Piotr", "Kowalski, Piotr"),
        ("Desmond FAIRWEATHER   M  58y", "Desmond FAIRWEATHER"),
        ("MARCUS BELLAMY", "MARCUS BELLAMY"),
        # Neither a listed given name, but neither word is common English.
        ("ADEYEMI OKAFOR", "ADEYEMI OKAFOR"),
    ],
)
def test_name_lines_of_lists_banners_and_badges(line: str, expected: str) -> None:
    names = _overlay_findings(line, 0, kind="document", clear=True)
    assert {f.text for f in names if f.kind == "name"} == {expected}
    assert all(f.confidence == LOW for f in names)


@pytest.mark.parametrize(
    "line",
    [
        "Sodium  138  mmol/L  135-145",
        "PORTABLE AP",
        "EMERGENCY DEPARTMENT",
        "However, Patients with sepsis need fluids",
        "ST ANNE'S HOSPITAL",
        "WET FLOOR",
        "NISSAN ALTIMA",
        "TRIAGE ONCOLOGY",
        "Weight 50-59 kg: 750 mg q12h",
    ],
)
def test_harmless_lines_are_not_names(line: str) -> None:
    assert _overlay_findings(line, 0, kind="photo", clear=True) == []


@pytest.mark.parametrize(
    "line",
    ["kVp 85 mAs 3.2", "85 mAs 32", "W 2000 L 500", "Se 2 Im 14", "5 cm", "AP PORTABLE", "L", "R"],
)
def test_harmless_overlay_lines_give_nothing(line: str) -> None:
    # Exposure settings are not dates ("85 mAs 32" has no month), markers are not names.
    assert _overlay_findings(line, 0, kind="radiograph", clear=True) == []


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("Her number is 555-0142", "555-0142"),
        ("Son said ring him on 867 5309 today", "867 5309"),
        ("CrCl 20-49 mL/min: 500-1000 mg q24h", None),
        ("Vancomycin trough 250-1000", None),
        ("AUC 400-600, ext 4410", None),
    ],
)
def test_bare_local_phone_numbers(line: str, phone: str | None) -> None:
    found = [f.text for f in _overlay_findings(line, 0, kind="document", clear=True)]
    assert found == ([phone] if phone else [])


def test_bare_number_on_a_wristband_photo_is_low_but_not_in_a_screenshot() -> None:
    in_photo = _overlay_findings("4471902", 0, kind="photo", clear=True)
    assert [(f.kind, f.confidence) for f in in_photo] == [("mrn", LOW)]
    assert _overlay_findings("4471902", 0, kind="document", clear=True) == []
    # Tesseract unsure of the line: misread texture also comes out as digits.
    assert _overlay_findings("4471902", 0, kind="photo", clear=False) == []


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("ABERNATHY\u201cROSE\u201cELLEN", "ABERNATHY\u201cROSE\u201cELLEN"),
        ("YAMAMOTO\u2019KENJI", "YAMAMOTO\u2019KENJI"),
        ("KAPOOR* VIKRAM", "KAPOOR* VIKRAM"),
        ('Patient "John" said', None),
        ("Dose * Weight", None),
    ],
)
def test_caret_read_as_a_quote_or_with_a_space(line: str, name: str | None) -> None:
    found = [f.text for f in _overlay_findings(line, 0, kind="radiograph", clear=False)]
    assert found == ([name] if name else [])


def test_run_together_caret_name_on_an_overlay() -> None:
    # OCR reads the caret of a small `OKONKWO^CHIDI^EMEKA` as the letter A.
    found = _overlay_findings("OKONKWOACHIDIAEMEKA", 0, kind="radiograph", clear=False)
    assert [f.kind for f in found] == ["name"]
    # A long overlay word is a word, not a name.
    assert _overlay_findings("INSPIRATION", 0, kind="radiograph", clear=False) == []


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("clinic_list.png", {"name"}),
        ("lab_banner.png", {"name"}),
        ("chat_phone.png", {"phone"}),
        ("badge.jpg", {"name"}),
        ("wristband_2.jpg", {"name", "mrn"}),
    ],
)
def test_dev_screenshots_and_photos(name: str, kinds: set[str]) -> None:
    labels = json.loads((DEV / "labels.json").read_text())[name]
    findings = find_phi_in_image(DEV / name)
    assert {f.kind for f in findings} == kinds
    for label in labels["text"]:
        assert any(f.box.overlap(Box(*label["box"])) > 0.3 for f in findings), label


@pytest.mark.parametrize(
    "name",
    [
        "lab_clean.png",
        "lab_clean_dark.png",
        "dosing_clean.png",
        "chat_clean.png",
        "xray_small_clean_1.png",
        "xray_small_clean_2.png",
        "xray_small_clean_3.png",
        "xray_small_clean_4.png",
        "sign_clean_2.jpg",
    ],
)
def test_lab_tables_dosing_charts_markers_and_scale_bars_stay_clean(name: str) -> None:
    # Side markers, AP, PORTABLE, kVp/mAs, window settings, a scale bar "5 cm"; result
    # tables and dose ranges such as "500-1000 mg".
    assert find_phi_in_image(DEV / name) == []


@pytest.mark.parametrize(
    "name", ["small_face_2.jpg", "small_face_3.jpg", "small_face_4.jpg", "small_face_5.jpg"]
)
def test_a_small_printed_face_on_a_desk_is_found(name: str) -> None:
    # About 50 pixels wide in a 1,100-pixel photo; small_face_3 is a black-and-white print.
    # small_face_4 and _5: 60 pixels in a 2,400-pixel photo, 62 in a 3,000-pixel one (a
    # fortieth and a fiftieth of the longer side, found in the learned detector's small
    # windows).
    face = Box(*json.loads((DEV / "labels.json").read_text())[name]["faces"][0])
    findings = find_phi_in_image(DEV / name)
    assert [f.kind for f in findings] == ["face"]
    assert findings[0].box.overlap(face) > 0.6


# -- the learned face detector: turned faces, cats, chance patterns ----------------------


def face_label(name: str) -> Box:
    return Box(*json.loads((DEV / "labels.json").read_text())[name]["faces"][0])


@pytest.mark.parametrize("mirror", [False, True])
def test_a_turned_face_is_found_whichever_way_it_is_turned(mirror: bool) -> None:
    # A man at a camera, his face turned three-quarters away: no Haar cascade fires on it.
    with Image.open(DEV / "camera.jpg") as opened:
        photo = opened.copy()
    face = face_label("camera.jpg")
    if mirror:
        photo = photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        face = Box(photo.width - face.x - face.width, face.y, face.width, face.height)
    findings = scan_image(photo)
    assert [f.kind for f in findings] == ["face"]
    assert findings[0].box.overlap(face) > 0.6


def test_a_turned_face_in_a_large_colour_photo_is_found() -> None:
    # The same face, twice as large (a fifteenth of the longer side), pasted into a
    # 2,000-pixel scene.
    with Image.open(DEV / "camera.jpg") as photo:
        person = photo.convert("RGB").crop((100, 40, 400, 340)).resize((600, 600))
    scene = photo_scene(2000, 1500, seed=31)
    scene.paste(person, (1200, 500))
    face = face_label("camera.jpg")
    moved = Box(1200 + 2 * (face.x - 100), 500 + 2 * (face.y - 40), 2 * face.width, 2 * face.height)
    faces = [f for f in scan_image(scene) if f.kind == "face"]
    assert any(f.box.overlap(moved) > 0.5 for f in faces)
    assert len(faces) == 1


@pytest.mark.parametrize("mirror", [False, True])
def test_a_cat_is_not_a_face(mirror: bool) -> None:
    with Image.open(DEV / "chelsea.jpg") as opened:
        photo = opened.copy()
    if mirror:
        photo = photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    assert [f for f in scan_image(photo) if f.kind == "face"] == []


@pytest.mark.parametrize("name", ["book.jpg", "board.jpg", "sudoku.jpg", "coins.jpg"])
def test_pages_grids_and_coins_are_not_faces(name: str) -> None:
    # Each made the cascades or the learned detector see a face in one window or look:
    # the book's page is a frontal cascade hit the detector sees no face in; the grid,
    # the desk and the coins score high in one look of the detector and low in another.
    assert find_phi_in_image(DEV / name) == []


def test_the_detector_sees_no_face_in_an_even_picture() -> None:
    from privacy.images import face_model

    assert face_model.find_faces(np.full((300, 400, 3), 128, dtype=np.uint8)) == []
    noise = np.random.default_rng(5).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    assert face_model.find_faces(noise) == []


def test_a_missing_face_model_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from privacy.images import face_model

    monkeypatch.setattr(face_model, "MODEL", tmp_path / "missing.tflite")
    face_model._net.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="face model"):
            face_model.find_faces(
                np.random.default_rng(6).integers(0, 255, (200, 200, 3), dtype=np.uint8)
            )
    finally:
        face_model._net.cache_clear()


def test_the_shipped_face_model_is_the_recorded_file() -> None:
    import hashlib

    from privacy.images import face_model

    digest = hashlib.sha256(face_model.MODEL.read_bytes()).hexdigest()
    readme = (face_model.MODEL.parent / "README.md").read_text()
    assert digest in readme
    assert "Apache License" in (face_model.MODEL.parent / "LICENSE").read_text()[:200]


# -- text photographed at an angle: a wristband around a wrist ---------------------------


def assert_name_and_number_found(name: str) -> None:
    """The development image `name` gives a name and a record number, each on its label."""
    labels = json.loads((DEV / "labels.json").read_text())[name]["text"]
    findings = find_phi_in_image(DEV / name)
    assert {f.kind for f in findings} == {"name", "mrn"}
    for label in labels:
        assert any(
            f.kind == label["kind"] and f.box.overlap(Box(*label["box"])) > 0.3 for f in findings
        ), label


@pytest.mark.parametrize("name", ["wristband_curved.jpg", "wristband_curved_2.jpg"])
def test_a_curved_wristband_at_an_angle_gives_its_name_and_number(name: str) -> None:
    # `OKAFOR, Grace` and a bare 5520417 on a band bent around a wrist and photographed
    # 6 degrees off level (the other: `LINDGREN, MARTA E`, 8830164, 7 degrees the other way).
    assert_name_and_number_found(name)


def test_a_slanted_line_is_turned_level_before_reading() -> None:
    from privacy.images.text import _level, _slant

    line = Image.new("L", (400, 120), 255)
    ImageDraw.Draw(line).text((20, 40), "OKAFOR, Grace", font=small_font(36), fill=0)
    turned = np.asarray(line.rotate(6, fillcolor=255, resample=Image.Resampling.BICUBIC))
    slant, length, thickness = _slant(turned < 128)
    assert 4 <= slant <= 8 and length > 3 * thickness
    level = _level(turned, slant)
    assert abs(_slant(level < 128)[0]) < 2


def test_a_slanted_sign_without_identifiers_gives_nothing() -> None:
    # The wet-floor sign, photographed 8 degrees off level: read, and nothing found.
    with Image.open(DEV / "sign_clean_2.jpg") as photo:
        turned = photo.convert("RGB").rotate(8, expand=True, fillcolor=(120, 140, 90))
    assert scan_image(turned) == []


def test_a_small_black_and_white_print_in_a_large_photo_is_found() -> None:
    # 54 pixels wide in a 2,400-pixel photo, printed in black and white.
    face = face_label("small_face_6.jpg")
    faces = [f for f in find_phi_in_image(DEV / "small_face_6.jpg") if f.kind == "face"]
    assert len(faces) == 1 and faces[0].box.overlap(face) > 0.6


def test_an_enlarged_desk_with_papers_has_no_small_face() -> None:
    # The small windows see faces in the papers' print at 0.64 at most: under their bar.
    with Image.open(DEV / "board.jpg") as photo:
        large = photo.convert("RGB").resize((2000, 1500), Image.Resampling.BICUBIC)
    assert [f for f in scan_image(large) if f.kind == "face"] == []


# -- small print on a wristband in a photo ----------------------------------------------


@pytest.mark.parametrize("name", ["wristband_small_2.jpg", "wristband_small_3.jpg"])
def test_small_print_on_a_wristband_gives_its_name_and_number(name: str) -> None:
    # `MCALLISTER, DEREK` and a bare 3047719 in 13-pixel narrow capitals in a 2,000-pixel
    # photo (the other: `OYELARAN, TUNDE` and 9152208, 12 pixels, slanting 3 degrees). The
    # edges of letters this small fill their line's box, and they are read enlarged 3 times.
    assert_name_and_number_found(name)


def test_enlarged_specks_of_a_photo_are_not_read_as_names() -> None:
    # Texture in this crop, enlarged 3 times, reads as `Dee Meng`: words under 10 pixels
    # tall in the photo are dropped from such enlarged regions.
    with Image.open(DEV / "gnome_bicycle.jpg") as photo:
        width, height = photo.size
        crop = photo.convert("RGB").crop((width // 3, height // 3, width, height))
    assert scan_image(crop) == []
