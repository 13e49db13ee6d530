"""The held-out image set, its scoring rules, and the image guard's goals on it.

Three layers:

* the set is well formed: every labelled file exists and every file is
  labelled, boxes lie inside their images, each category has the images the
  goals need, the committed set stays small, every third-party photo has its
  provenance in IMAGES.md;
* the matching rules of ``privacy.image_evaluation`` on tiny hand-made cases;
* the goals, scored with ``privacy.find_phi_in_image`` (skipped only when
  ``privacy.images`` cannot be imported).

The set must never be used to tune the detector (see heldout/IMAGES.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from PIL import Image

from privacy.image_evaluation import (
    FACE,
    TEXT_IDENTIFIER,
    GoldRegion,
    ImageScore,
    LabelError,
    LabelledImage,
    Rect,
    Report,
    evaluate,
    false_alarms,
    load_labels,
    open_image,
    region_found,
    render_markdown,
    render_misses,
    score_image,
    summarise,
)

HELDOUT = Path(__file__).with_name("heldout")
IMAGES_DIR = HELDOUT / "images"
LABELS = HELDOUT / "images.json"


@pytest.fixture(scope="module")
def labelled() -> list[LabelledImage]:
    return load_labels(LABELS)


# --------------------------------------------------------------------------- the set


def test_every_labelled_file_exists_and_every_file_is_labelled(
    labelled: list[LabelledImage],
) -> None:
    on_disk = {p.name for p in IMAGES_DIR.iterdir()}
    named = {item.file for item in labelled}
    assert named - on_disk == set()
    assert on_disk - named == set()


def test_boxes_lie_inside_their_images(labelled: list[LabelledImage]) -> None:
    for item in labelled:
        with Image.open(IMAGES_DIR / item.file) as image:
            width, height = image.size
        assert max(width, height) <= 1600, item.file
        for region in item.regions:
            box = region.box
            assert box.x >= 0 and box.y >= 0, (item.file, region)
            assert box.x + box.width <= width and box.y + box.height <= height, (item.file, region)
            assert box.width >= 4 and box.height >= 4, (item.file, region)


def test_counts_per_category(labelled: list[LabelledImage]) -> None:
    files: dict[str, set[str]] = {}
    for item in labelled:
        files.setdefault(item.category, set()).add(item.file)
    count = Counter({category: len(names) for category, names in files.items()})
    assert count["radiograph_phi"] + count["radiograph_clean"] >= 16
    assert count["radiograph_clean"] >= 4
    assert count["screenshot_phi"] >= 8
    assert count["screenshot_clean"] >= 4
    assert count["face_frontal"] >= 12
    assert count["face_turned"] >= 4
    assert count["clean"] >= 12
    assert count["mixed"] >= 1
    assert len({item.file for item in labelled}) >= 64
    clean_files = {item.file for item in labelled if item.is_clean}
    assert len(clean_files) >= 10


def test_categories_match_their_regions(labelled: list[LabelledImage]) -> None:
    for item in labelled:
        required = {r.kind for r in item.regions if r.required}
        if item.category.endswith("_clean") or item.category == "clean":
            assert required == set(), item.file
        elif item.category in ("radiograph_phi", "screenshot_phi"):
            assert required == {TEXT_IDENTIFIER}, item.file
        elif item.category in ("face_frontal", "face_turned"):
            assert FACE in required and TEXT_IDENTIFIER not in required, item.file
        elif item.category == "mixed":
            assert required == {FACE, TEXT_IDENTIFIER}, item.file
        else:
            pytest.fail(f"unknown category {item.category} for {item.file}")
        for region in item.regions:
            if region.kind == TEXT_IDENTIFIER:
                assert region.text.strip(), item.file


def test_committed_set_stays_small() -> None:
    total = sum(p.stat().st_size for p in IMAGES_DIR.iterdir())
    assert total < 8 * 1024 * 1024


def test_every_third_party_photo_has_its_provenance() -> None:
    import json

    notes = (HELDOUT / "IMAGES.md").read_text(encoding="utf-8")
    raw = json.loads(LABELS.read_text(encoding="utf-8"))["images"]
    for item in raw:
        if item["source"] == "synthetic":
            continue
        for source in item["source"].split("; "):
            path = source.rsplit(", ", 1)[-1]
            assert Path(path).name in notes, (item["file"], path)


def test_broken_labels_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "labels.json"
    bad.write_text(
        '{"images": [{"file": "a.png", "category": "clean", "regions": '
        '[{"kind": "face", "box": {"x": 0, "y": 0, "width": 0, "height": 5}}]}]}'
    )
    with pytest.raises(LabelError, match="non-empty"):
        load_labels(bad)
    bad.write_text(
        '{"images": [{"file": "a.png", "category": "clean", "regions": '
        '[{"kind": "tattoo", "box": {"x": 0, "y": 0, "width": 5, "height": 5}}]}]}'
    )
    with pytest.raises(LabelError, match="kind must be"):
        load_labels(bad)


# --------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class B:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class F:
    kind: str
    box: B
    text: str = ""


NAME = GoldRegion(TEXT_IDENTIFIER, Rect(100, 10, 100, 20), "SMITH, JOHN")
FACE_GOLD = GoldRegion(FACE, Rect(200, 200, 100, 120))


def test_rect_geometry() -> None:
    a, b = Rect(0, 0, 10, 10), Rect(5, 0, 10, 10)
    assert a.intersection(b) == 50
    assert a.iou(b) == pytest.approx(50 / 150)
    assert a.covered_by(b) == 0.5
    assert a.iou(Rect(20, 20, 5, 5)) == 0.0


@pytest.mark.parametrize(
    ("box", "found"),
    [
        (B(100, 10, 100, 20), True),  # exact
        (B(0, 5, 400, 30), True),  # the whole overlay line: IoU 0.17, covers all of it
        (B(150, 10, 50, 20), True),  # the surname only: IoU 0.5
        (B(100, 10, 8, 20), False),  # one letter: IoU 0.08, covers 8 %
        (B(300, 10, 100, 20), False),  # next to it
    ],
)
def test_identifier_found_by_overlap_or_cover(box: B, found: bool) -> None:
    assert region_found(NAME, [F("name", box)]) is found


def test_identifier_covered_by_a_huge_box_with_low_iou_is_found() -> None:
    # IoU 2000 / 480000 < 0.1, but the finding covers the whole gold box.
    assert region_found(NAME, [F("mrn", B(0, 0, 800, 600))])


def test_a_face_finding_does_not_find_text_and_a_text_finding_does_not_find_a_face() -> None:
    assert not region_found(NAME, [F(FACE, B(100, 10, 100, 20))])
    assert not region_found(FACE_GOLD, [F("name", B(200, 200, 100, 120))])


@pytest.mark.parametrize(
    ("box", "found"),
    [
        (B(210, 215, 85, 95), True),  # a tighter detector box: IoU 0.67
        (B(170, 160, 160, 190), True),  # a looser one: IoU 0.39
        (B(250, 260, 60, 60), False),  # lower half of the face only: IoU 0.21
    ],
)
def test_face_found_at_iou_0_3(box: B, found: bool) -> None:
    assert region_found(FACE_GOLD, [F(FACE, box)]) is found


def test_false_alarms_are_findings_touching_no_gold_region() -> None:
    optional = GoldRegion(TEXT_IDENTIFIER, Rect(500, 10, 200, 20), "ST. MARY'S", required=False)
    regions = [NAME, FACE_GOLD, optional]
    on_name = F("name", B(90, 5, 120, 30))
    second_on_name = F("date", B(150, 10, 40, 20))  # inside the gold box
    on_optional = F("name", B(500, 10, 200, 20))
    stray = F("date", B(10, 500, 80, 20))
    stray_face = F(FACE, B(600, 400, 80, 80))
    found = false_alarms(regions, [on_name, second_on_name, on_optional, stray, stray_face])
    assert found == [stray, stray_face]


def test_optional_regions_are_not_needed() -> None:
    optional = GoldRegion(TEXT_IDENTIFIER, Rect(500, 10, 200, 20), "ST. MARY'S", required=False)
    image = LabelledImage("a.png", "radiograph_phi", (NAME, optional))
    score = score_image(image, [F("name", B(100, 10, 100, 20))])
    assert score.missed() == []
    report = summarise([score])
    assert report.goal_failures() == []
    assert report.by_kind["burned-in identifier"].total == 1


def _clean(n: int, alarms: int) -> list[ImageScore]:
    scores = []
    for i in range(n):
        findings = [F("name", B(1, 1, 10, 10))] if i < alarms else []
        scores.append(score_image(LabelledImage(f"c{i}.png", "clean", ()), findings, 0.01))
    return scores


def test_clean_goal_allows_one_false_alarm_image_per_ten() -> None:
    assert summarise(_clean(10, 1)).goal_failures() == []
    failures = summarise(_clean(10, 2)).goal_failures()
    assert failures == ["2 of 10 clean images have a false alarm (at most 1 allowed)"]
    assert summarise(_clean(20, 2)).goal_failures() == []


def test_goals_need_every_identifier_and_every_frontal_face_but_not_turned_ones() -> None:
    frontal = LabelledImage("f.jpg", "face_frontal", (FACE_GOLD,))
    turned = LabelledImage("t.jpg", "face_turned", (FACE_GOLD,))
    text = LabelledImage("r.jpg", "radiograph_phi", (NAME,))
    hit_face = [F(FACE, B(200, 200, 100, 120))]
    report = summarise(
        [score_image(frontal, hit_face), score_image(turned, []), score_image(text, [])]
    )
    assert report.goal_failures() == ["burned-in identifiers found 0/1"]
    assert report.by_kind["face (turned)"].found == 0
    report = summarise(
        [score_image(frontal, []), score_image(text, [F("name", B(100, 10, 90, 20))])]
    )
    assert report.goal_failures() == ["frontal faces found 0/1"]


def test_markdown_report_has_categories_kinds_and_time() -> None:
    frontal = LabelledImage("f.jpg", "face_frontal", (FACE_GOLD,))
    scores = [score_image(frontal, [F(FACE, B(200, 200, 100, 120))], 0.25), *_clean(10, 1)]
    table = render_markdown(summarise(scores))
    assert "| face_frontal | 1 | – | 1/1 |" in table
    assert "| clean | 10 |" in table
    assert "| clean images with a false alarm | 1/10 | at most 1 per 10 |" in table
    assert "Goals met." in table
    assert "false alarm name '' in c0.png at (1, 1, 10×10)" in render_misses(summarise(scores))


def test_upscaled_entries_are_enlarged_with_their_boxes(tmp_path: Path) -> None:
    Image.new("RGB", (200, 100), "white").save(tmp_path / "a.png")
    item = LabelledImage("a.png", "radiograph_phi", (NAME,), upscale=2.5)
    data, scaled = open_image(item, tmp_path)
    with Image.open(data) as image:
        assert image.size == (500, 250)
    assert scaled.regions[0].box == Rect(250, 25, 250, 50)


def test_evaluate_times_and_scores_each_image_once(tmp_path: Path) -> None:
    Image.new("RGB", (400, 400), "white").save(tmp_path / "a.png")
    item = LabelledImage("a.png", "face_frontal", (FACE_GOLD,))
    calls: list[bytes] = []

    def detector(data: IO[bytes]) -> list[F]:
        calls.append(data.read(8))
        return [F(FACE, B(205, 205, 95, 110))]

    report = evaluate(detector, [item], tmp_path)
    assert calls == [b"\x89PNG\r\n\x1a\n"]
    assert report.by_kind["face (frontal)"].found == 1
    assert report.scores[0].seconds >= 0


# --------------------------------------------------------------------------- the goals


# What the image guard last measured on the held-out set (docs/phi.md, "Held-out image
# evaluation"): a change that finds less, or alarms more, fails here. Raise these as it improves.
MEASURED_IDENTIFIERS_FOUND = 109
MEASURED_FRONTAL_FACES_FOUND = 18
MEASURED_CLEAN_IMAGES_WITH_FALSE_ALARM = 0


@pytest.fixture(scope="module")
def heldout_report(labelled: list[LabelledImage]) -> Report:
    images = pytest.importorskip(
        "privacy.images", reason="privacy.images cannot be imported (the image guard is not here)"
    )
    report = evaluate(images.find_phi_in_image, labelled, IMAGES_DIR)
    print("\n" + render_markdown(report))
    return report


@pytest.mark.slow
def test_image_guard_does_not_fall_below_its_last_measured_figures(
    heldout_report: Report,
) -> None:
    identifiers = heldout_report.by_kind["burned-in identifier"]
    faces = heldout_report.by_kind["face (frontal)"]
    assert identifiers.found >= MEASURED_IDENTIFIERS_FOUND, render_misses(heldout_report)
    assert faces.found >= MEASURED_FRONTAL_FACES_FOUND, render_misses(heldout_report)
    assert heldout_report.clean.images_with_false_alarm <= MEASURED_CLEAN_IMAGES_WITH_FALSE_ALARM, (
        render_misses(heldout_report)
    )


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="Not every burned-in identifier and frontal face is found yet (docs/phi.md, "
    "Held-out image evaluation); when they are, strict xfail fails the run and the mark must go.",
)
def test_image_guard_meets_its_goals_on_the_heldout_set(heldout_report: Report) -> None:
    assert heldout_report.goal_failures() == [], render_misses(heldout_report)
