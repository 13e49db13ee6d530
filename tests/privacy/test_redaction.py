"""Redaction on the server: strict reading of the composer's JSON, black and blurred boxes,
crop, and blur strong enough that neither the face detector nor OCR finds anything."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytesseract
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from privacy.images import Box
from privacy.redaction import (
    MAX_REGIONS,
    Region,
    apply_redaction,
    describe_position,
    numbered_preview,
    parse_redaction,
)
from tests.privacy.imaging import face_photo, radiograph

# cv2.data is a module of the wheel that OpenCV's type stubs leave out.
_CASCADES: str = cv2.data.haarcascades  # type: ignore[attr-defined]
_CASCADE = cv2.CascadeClassifier(_CASCADES + "haarcascade_frontalface_default.xml")


def _faces(image: Image.Image) -> list[tuple[int, int, int, int]]:
    grey = np.asarray(image.convert("L"))
    found = _CASCADE.detectMultiScale(grey, 1.1, 5, minSize=(24, 24))
    return [(x, y, width, height) for x, y, width, height in found]


def _words(image: Image.Image) -> str:
    return pytesseract.image_to_string(image.convert("L")).strip()


def _face_box(image: Image.Image) -> Box:
    (x, y, w, h), *_ = _faces(image)
    return Box(int(x), int(y), int(w), int(h))


def test_the_test_images_have_what_we_redact() -> None:
    assert _faces(face_photo()), "the face photo should have a detectable face"
    assert "DOE" in _words(radiograph())


def test_blurring_a_face_leaves_nothing_for_the_face_detector() -> None:
    photo = face_photo()
    result = apply_redaction(photo, [Region(_face_box(photo), "blur")])
    assert _faces(result) == []
    assert result.size == photo.size


def test_blurring_burned_in_text_leaves_nothing_for_ocr() -> None:
    film = radiograph()
    result = apply_redaction(film, [Region(Box(10, 8, 260, 56), "blur")])
    words = _words(result)
    assert "DOE" not in words and "JANE" not in words


def test_a_black_box_is_black_and_the_rest_untouched() -> None:
    photo = face_photo()
    box = _face_box(photo)
    result = np.asarray(apply_redaction(photo, [Region(box, "black")]))
    assert result[box.y : box.y + box.height, box.x : box.x + box.width].max() == 0
    assert (result[0:10, 0:10] == np.asarray(photo)[0:10, 0:10]).all()
    assert _faces(Image.fromarray(result)) == []


def test_crop_is_applied_after_the_boxes_and_the_original_is_unchanged() -> None:
    film = radiograph()
    before = film.tobytes()
    result = apply_redaction(film, [Region(Box(0, 0, 300, 80), "black")], Box(0, 40, 400, 300))
    assert result.size == (400, 300)
    assert np.asarray(result)[0:40, 0:300].max() == 0
    assert film.tobytes() == before


def test_parse_reads_boxes_and_clips_them_to_the_image() -> None:
    raw = json.dumps(
        {
            "regions": [
                {"x": -20, "y": 10, "width": 100, "height": 50, "style": "blur"},
                {"x": 350, "y": 250, "width": 500, "height": 500, "style": "black"},
                {"x": 900, "y": 900, "width": 10, "height": 10, "style": "black"},
            ],
            "crop": {"x": 10.4, "y": 0, "width": 5000, "height": 200},
        }
    )
    redaction = parse_redaction(raw, width=400, height=300)
    assert redaction.regions == (
        Region(Box(0, 10, 80, 50), "blur"),
        Region(Box(350, 250, 50, 50), "black"),
    )
    assert redaction.crop == Box(10, 0, 390, 200)


def test_parse_of_nothing_is_no_redaction() -> None:
    assert parse_redaction("", width=10, height=10).is_empty
    assert parse_redaction('{"regions": [], "crop": null}', width=10, height=10).is_empty


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"regions": {}}',
        '{"regions": [1]}',
        '{"regions": [{"x": "1", "y": 0, "width": 5, "height": 5}]}',
        '{"regions": [{"x": true, "y": 0, "width": 5, "height": 5}]}',
        '{"regions": [{"x": 0, "y": 0, "width": 0, "height": 5}]}',
        '{"regions": [{"x": 0, "y": 0, "width": 5, "height": 5, "style": "pink"}]}',
        '{"regions": [{"x": 1e999, "y": 0, "width": 5, "height": 5}]}',
        '{"regions": [], "crop": {"x": 500, "y": 500, "width": 5, "height": 5}}',
        '{"regions": [], "extra": 1}',
        "[" * 5000 + "]" * 5000,
    ],
)
def test_malformed_redactions_are_refused_with_a_clear_message(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_redaction(raw, width=100, height=100)
    assert "redraw the boxes" in caught.value.messages[0] or "at most" in caught.value.messages[0]


def test_too_many_regions_are_refused() -> None:
    box = {"x": 0, "y": 0, "width": 2, "height": 2}
    raw = json.dumps({"regions": [box] * (MAX_REGIONS + 1)})
    with pytest.raises(ValidationError, match=f"at most {MAX_REGIONS}"):
        parse_redaction(raw, width=100, height=100)


def test_positions_are_described_in_words() -> None:
    assert describe_position(Box(0, 0, 10, 10), width=300, height=300) == "top-left corner"
    assert describe_position(Box(140, 140, 20, 20), width=300, height=300) == "centre"
    assert describe_position(Box(280, 140, 20, 20), width=300, height=300) == "right edge"
    assert describe_position(Box(140, 290, 20, 10), width=300, height=300) == "bottom edge"


def test_the_numbered_preview_is_a_small_png_data_url() -> None:
    url = numbered_preview(radiograph(), [(1, Box(10, 8, 260, 56))])
    assert url.startswith("data:image/png;base64,")
    assert len(url) < 400_000
