"""Redacting images in the composer, in a real browser: a member writes a de-identified case
with a radiograph that has a burned-in name and a photo with a face, sees what was found,
is blocked until it is covered, redacts (pre-filled boxes, one more drawn with the keyboard)
and publishes; only redacted images are stored. Also keyboard-only use, the page without
JavaScript, and the composer at phone and desktop widths."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytesseract
import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from posts.models import Post, PostImage, PostKind
from tests.browser.conftest import TIMEOUT_MS, axe_violations, screenshot, scrolls_sideways
from tests.factories import PhysicianFactory
from tests.privacy.imaging import FACE_PHOTO, dicom_bytes, radiograph

pytestmark = pytest.mark.django_db(transaction=True)

CASE_BODY = "A woman in her 40s with two weeks of cough; chest film and a facial rash."
# cv2.data is a module of the wheel that OpenCV's type stubs leave out.
_CASCADES: str = cv2.data.haarcascades  # type: ignore[attr-defined]
_CASCADE = cv2.CascadeClassifier(_CASCADES + "haarcascade_frontalface_default.xml")


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    film = tmp_path / "chest-film.png"
    radiograph().save(film)
    return {"film": str(film), "face": str(FACE_PHOTO)}


def _write_case(page: Any) -> list[str]:
    """Open the composer for a case; returns the console errors the page logs from now on."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/posts/new/")
    page.get_by_role("navigation", name="Kind of post").get_by_role(
        "link", name="De-identified case"
    ).click()
    page.locator(f'input[name="kind"][value="{PostKind.CASE}"]').wait_for(state="attached")
    page.locator("textarea[name=body]").fill(CASE_BODY)
    return errors


def _attach(page: Any, files: dict[str, str]) -> None:
    page.get_by_label("Image 1", exact=True).set_input_files(files["film"])
    page.get_by_label("Image 2", exact=True).set_input_files(files["face"])
    for slot in (1, 2):
        page.get_by_role("heading", name=f"Redact image {slot}").wait_for()


def _describe(page: Any) -> None:
    page.get_by_label("Description of image 1 (alt text)").fill(
        "Chest film, right lower lobe opacity"
    )
    page.get_by_label("Description of image 2 (alt text)").fill("Malar rash")


def _redaction(page: Any, slot: int) -> dict[str, Any]:
    return json.loads(page.locator(f'input[name="redaction_{slot}"]').input_value() or "{}")


def _slot(page: Any, slot: int) -> Any:
    return page.locator(f'[data-redactor-for="{slot}"]')


def _faces(path: str) -> list[Any]:
    with Image.open(path) as image:
        grey = np.asarray(image.convert("L"))
    return list(_CASCADE.detectMultiScale(grey, 1.1, 5, minSize=(24, 24)))


def test_a_member_redacts_a_case_s_images_and_publishes_only_redacted_ones(
    page: Any, live_server: Any, files: dict[str, str]
) -> None:
    member = PhysicianFactory.create()
    _sign_in(page, live_server, member)
    errors = _write_case(page)
    _attach(page, files)
    _describe(page)

    # What was found is listed and outlined, each pre-filled as a box.
    film, photo = _slot(page, 1), _slot(page, 2)
    assert film.locator(".redactor-findings li").count() >= 1
    assert "high confidence" in film.locator(".redactor-findings").inner_text()
    assert photo.locator(".redactor-findings li", has_text="Face").count() == 1
    assert film.locator(".redact-box").count() >= 1 and photo.locator(".redact-box").count() == 1
    assert _redaction(page, 2)["regions"][0]["style"] == "blur"
    screenshot(page, "composer-redaction-1280")

    # Without the boxes, publishing is blocked: the page says so, and so does the server.
    while film.locator(".redact-box").count():
        film.locator(".redact-box").first.click()
        page.keyboard.press("Delete")
    assert "Publishing is blocked" in film.locator(".redactor-summary").inner_text()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Check the images for patient information").wait_for()
    assert "Attach your images again" in page.content()
    assert not Post.objects.exists() and not PostImage.objects.exists()
    screenshot(page, "composer-redaction-blocked")

    # Attached again, the findings are boxed again; one more box is drawn with the keyboard.
    _attach(page, files)
    _describe(page)
    before = len(_redaction(page, 1)["regions"])
    film.get_by_role("button", name="Add box").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    assert "resized" in film.locator(".redactor-status").inner_text()
    assert len(_redaction(page, 1)["regions"]) == before + 1
    assert "Everything we found is covered" in film.locator(".redactor-summary").inner_text()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/posts/*/")

    post = Post.objects.get()
    film_image, face_image = post.images.order_by("position")
    assert "DOE" not in pytesseract.image_to_string(Image.open(film_image.display.path))
    assert _faces(face_image.display.path) == []
    # The name's corner of the film is blacked out (pre-filled text boxes are black).
    with Image.open(film_image.display.path) as stored:
        corner = np.asarray(stored.convert("L"))[20:50, 30:200]
    assert corner.max() < 60
    screenshot(page, "composer-redaction-published")
    assert errors == [], "no script error and nothing refused by the Content Security Policy"


def test_the_redaction_tools_work_with_the_keyboard_alone(
    page: Any, live_server: Any, files: dict[str, str]
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    _write_case(page)
    page.get_by_label("Image 2", exact=True).set_input_files(files["face"])
    page.get_by_role("heading", name="Redact image 2").wait_for()
    photo = _slot(page, 2)
    # The slot's last field (its alt text, beside the preview) leads to the tools.
    page.get_by_label("Description of image 2 (alt text)").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Add box"
    page.keyboard.press("Enter")
    box = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert box.startswith("Box 2")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the selected box shows where focus is"
    start = _redaction(page, 2)["regions"][1]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    moved = _redaction(page, 2)["regions"][1]
    assert moved["x"] < start["x"] and moved["y"] < start["y"]
    page.keyboard.press("Shift+ArrowRight")
    assert _redaction(page, 2)["regions"][1]["width"] > start["width"]
    assert "resized" in photo.locator(".redactor-status").inner_text()
    # The style of the selected box (B), then a crop, then removing the box.
    page.keyboard.press("b")
    assert _redaction(page, 2)["regions"][1]["style"] == "blur"
    assert "blurred" in photo.locator(".redactor-status").inner_text()
    photo.get_by_role("button", name="Set crop").focus()
    page.keyboard.press("Enter")
    crop = _redaction(page, 2)["crop"]
    assert crop and crop["x"] > 0
    page.keyboard.press("Shift+ArrowLeft")
    assert _redaction(page, 2)["crop"]["width"] < crop["width"]
    photo.locator('[data-box]:not([data-box="crop"])').last.focus()
    page.keyboard.press("Delete")
    assert len(_redaction(page, 2)["regions"]) == 1
    assert "removed" in photo.locator(".redactor-status").inner_text()
    assert axe_violations(page) == []


def test_without_javascript_the_server_lists_the_findings_and_blacks_them_out(
    browser: Any, live_server: Any, files: dict[str, str]
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _sign_in(page, live_server, PhysicianFactory.create())
        _write_case(page)
        page.get_by_label("Image 1", exact=True).set_input_files(files["face"])
        page.get_by_label("Description of image 1 (alt text)").fill("Malar rash")
        page.get_by_role("button", name="Publish").click()
        page.get_by_role("heading", name="Check the images for patient information").wait_for()
        review = page.locator("#image-review")
        assert "Face — high confidence" in review.inner_text()
        assert "of image 1" in review.inner_text()
        assert review.locator('img[src^="data:image/png"]').count() == 1
        assert "Attach your images again" in review.inner_text()
        assert not Post.objects.exists()
        screenshot(page, "composer-redaction-no-js")
        page.get_by_label("Black out everything found in the images").check()
        page.get_by_label("Image 1", exact=True).set_input_files(files["face"])
        page.get_by_label("Description of image 1 (alt text)").fill("Malar rash")
        page.get_by_role("button", name="Publish").click()
        page.wait_for_url("**/posts/*/")
        assert _faces(Post.objects.get().images.get().display.path) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_composer_with_findings_fits_the_screen(
    browser: Any, live_server: Any, files: dict[str, str], width: int
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _sign_in(page, live_server, PhysicianFactory.create())
        _write_case(page)
        _attach(page, files)
        assert not scrolls_sideways(page)
        assert axe_violations(page) == []
        screenshot(page, f"composer-redaction-{width}")
    finally:
        context.close()


def test_a_12_megapixel_photo_shows_its_progress_while_it_is_checked(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    photo = tmp_path / "ward-round.jpg"
    with Image.open(FACE_PHOTO) as small:
        small.convert("RGB").resize((4000, 3000)).save(photo, quality=80)
    _sign_in(page, live_server, PhysicianFactory.create())
    _write_case(page)
    page.get_by_label("Image 1", exact=True).set_input_files(str(photo))
    progress = _slot(page, 1).locator(".redactor-progress")
    progress.locator("progress").wait_for()
    # The stage named by the scanner replaces "Sending the image" while the bar fills.
    page.wait_for_function(
        """() => {
            const status = document.querySelector('[data-redactor-for="1"] .redactor-progress p');
            return status === null || !status.textContent.endsWith('Sending the image');
        }"""
    )
    if progress.count():
        screenshot(page, "composer-redaction-progress")
    page.get_by_role("heading", name="Redact image 1").wait_for()
    assert _slot(page, 1).locator(".redactor-findings li", has_text="Face").count() >= 1


def test_boxes_are_drawn_and_moved_with_the_pointer(
    page: Any, live_server: Any, files: dict[str, str]
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    _write_case(page)
    page.get_by_label("Image 1", exact=True).set_input_files(files["film"])
    page.get_by_role("heading", name="Redact image 1").wait_for()
    image = _slot(page, 1).locator(".redactor-stage img")
    image.scroll_into_view_if_needed()
    area = image.bounding_box()
    before = len(_redaction(page, 1)["regions"])
    # Drag across the lower right quarter of the film: a new black box.
    page.mouse.move(area["x"] + area["width"] * 0.6, area["y"] + area["height"] * 0.6)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.8, area["y"] + area["height"] * 0.9, steps=5)
    page.mouse.up()
    regions = _redaction(page, 1)["regions"]
    assert len(regions) == before + 1
    drawn = regions[-1]
    assert drawn["style"] == "black"
    assert 440 <= drawn["x"] <= 520 and 330 <= drawn["y"] <= 390  # in the film's 800×600 pixels
    assert "drawn" in _slot(page, 1).locator(".redactor-status").inner_text()
    # Drag the new box to the left by a tenth of the image.
    box = _slot(page, 1).locator(".redact-box").last.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(
        box["x"] + box["width"] / 2 - area["width"] / 10, box["y"] + box["height"] / 2, steps=5
    )
    page.mouse.up()
    moved = _redaction(page, 1)["regions"][-1]
    assert 60 <= drawn["x"] - moved["x"] <= 100 and moved["width"] == drawn["width"]


def test_a_dicom_file_is_shown_from_the_server_s_preview(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    pixels = np.full((300, 400), 500, dtype=np.uint16)
    pixels[80:220, 100:300] = 3000
    film = tmp_path / "film.dcm"
    film.write_bytes(dicom_bytes(pixels))
    _sign_in(page, live_server, PhysicianFactory.create())
    _write_case(page)
    page.get_by_label("Image 1", exact=True).set_input_files(str(film))
    page.get_by_role("heading", name="Redact image 1").wait_for()
    shown = _slot(page, 1).locator(".redactor-stage img")
    assert shown.get_attribute("src").startswith("data:image/png;base64,")
    assert shown.evaluate("image => image.naturalWidth") == 400
