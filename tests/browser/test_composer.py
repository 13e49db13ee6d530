"""The composer in a real browser: a discussion post's form fits one 1280 x 800 screen with
no accessibility violation; switching kinds swaps the fields and keeps what was typed;
images picked or dropped show a preview beside their alt text; the live preview renders
the Markdown and shows the privacy findings as the author types."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from posts.models import Post, PostKind
from tests.browser.conftest import TIMEOUT_MS, axe_violations, screenshot, scrolls_sideways
from tests.factories import PhysicianFactory

pytestmark = pytest.mark.django_db(transaction=True)

EVERY_IMPACT = frozenset({"minor", "moderate", "serious", "critical"})


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


def _page(browser: Any, live_server: Any, width: int, height: int) -> Any:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _errors(page: Any) -> list[str]:
    """The script errors and policy refusals the page logs from now on."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _photo(folder: Path, name: str, colour: tuple[int, int, int]) -> str:
    path = folder / name
    Image.new("RGB", (640, 480), colour).save(path)
    return str(path)


def _body(page: Any) -> Any:
    return page.get_by_label(re.compile(r"^Post\W*$"))


@pytest.mark.parametrize("width", [1280, 360])
def test_a_discussion_post_s_form_fits_one_screen_and_has_no_accessibility_violation(
    browser: Any, live_server: Any, width: int
) -> None:
    page = _page(browser, live_server, width, 800)
    try:
        _sign_in(page, live_server, PhysicianFactory.create())
        errors = _errors(page)
        page.goto("/posts/new/")
        page.get_by_role("heading", name="Write a post").wait_for()
        assert page.evaluate("() => window.scrollY") == 0
        screenshot(page, f"composer-discussion-{width}")
        if width == 1280:
            box = page.get_by_role("button", name="Publish").bounding_box()
            assert box is not None and box["y"] + box["height"] <= 800, box
        assert not scrolls_sideways(page)
        assert axe_violations(page, impacts=EVERY_IMPACT) == []
        assert errors == []
    finally:
        page.context.close()


def test_switching_kinds_swaps_the_fields_and_keeps_what_was_typed(
    page: Any, live_server: Any
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    errors = _errors(page)
    page.goto("/posts/new/")
    page.evaluate("() => { window.stillHere = true; }")
    page.get_by_label("Title", exact=True).fill("A trial worth reading")
    _body(page).fill("Early antibiotics **saved lives** here.")
    kinds = page.get_by_role("navigation", name="Kind of post")

    kinds.get_by_role("link", name="Publication").click()
    page.get_by_label("DOI").wait_for()
    assert page.get_by_label("Starts at").count() == 0
    assert page.evaluate("() => window.stillHere") is True
    assert page.get_by_label("Title", exact=True).input_value() == "A trial worth reading"
    assert "saved lives" in _body(page).input_value()
    assert kinds.locator('[aria-current="page"]').inner_text() == "Publication"
    assert page.url.endswith("?kind=publication")

    kinds.get_by_role("link", name="Live Q&A").click()
    page.get_by_label(re.compile("Starts at")).wait_for()
    assert page.get_by_label("DOI").count() == 0
    assert kinds.locator('[aria-current="page"]').inner_text() == "Live Q&A"

    kinds.get_by_role("link", name="Publication").click()
    page.get_by_label("DOI").fill("10.1056/NEJMoa2034577")
    page.get_by_label(re.compile("Publication title")).fill("Early antibiotics in sepsis")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="A trial worth reading").wait_for()
    post = Post.objects.get()
    assert (post.kind, post.doi) == (PostKind.PUBLICATION, "10.1056/NEJMoa2034577")
    assert errors == []


def test_picked_images_show_a_preview_beside_their_alt_text_which_is_published(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    errors = _errors(page)
    page.goto("/posts/new/")
    _body(page).fill("Two views of the same rash.")
    assert page.get_by_label("Description of image 1 (alt text)").is_hidden()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose images").click()
    chooser.value.set_files(
        [_photo(tmp_path, "front.png", (200, 60, 60)), _photo(tmp_path, "side.png", (60, 60, 200))]
    )
    for number in (1, 2):
        preview = page.get_by_role("img", name=f"Preview of image {number}", exact=True)
        preview.wait_for()
        assert preview.get_attribute("src").startswith("blob:")
        assert page.get_by_label(f"Description of image {number} (alt text)").is_visible()
        assert page.get_by_role("button", name=f"Remove image {number}").is_visible()
    assert page.get_by_label("Description of image 3 (alt text)").is_hidden()
    assert "2 images added" in page.locator(".image-drop-status").inner_text()
    # The previews are drawn from the files themselves (object URLs the policy allows).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.image-slot-picture img')]"
        ".every((image) => image.complete && image.naturalWidth > 0)"
    )
    page.get_by_label("Description of image 1 (alt text)").fill("Rash on the cheeks, front")
    page.get_by_label("Description of image 2 (alt text)").fill("Rash on the cheeks, side")
    screenshot(page, "composer-images-1280")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("img", name="Rash on the cheeks, front").wait_for()
    assert page.get_by_role("img", name="Rash on the cheeks, side").is_visible()
    post = Post.objects.get()
    assert list(post.images.values_list("alt_text", flat=True)) == [
        "Rash on the cheeks, front",
        "Rash on the cheeks, side",
    ]
    assert errors == []


def test_a_dropped_image_fills_the_next_slot_and_can_be_removed(
    page: Any, live_server: Any
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    errors = _errors(page)
    page.goto("/posts/new/")
    transfer = page.evaluate_handle(
        """async () => {
            const canvas = document.createElement("canvas");
            canvas.width = 320; canvas.height = 240;
            const context = canvas.getContext("2d");
            context.fillStyle = "#3a7"; context.fillRect(0, 0, 320, 240);
            const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
            const transfer = new DataTransfer();
            transfer.items.add(new File([blob], "dropped.png", { type: "image/png" }));
            return transfer;
        }"""
    )
    zone = page.locator(".image-drop")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    page.get_by_role("img", name="Preview of image 1", exact=True).wait_for()
    alt = page.get_by_label("Description of image 1 (alt text)")
    assert alt.is_visible()
    assert page.evaluate("() => document.activeElement.name") == "alt_1"
    assert (
        page.evaluate("() => document.querySelector('input[name=image_1]').files[0].name")
        == "dropped.png"
    )

    page.get_by_role("button", name="Remove image 1").click()
    alt.wait_for(state="hidden")
    assert page.evaluate("() => document.querySelector('input[name=image_1]').files.length") == 0
    assert page.get_by_role("img", name="Preview of image 1", exact=True).count() == 0
    assert errors == []


def test_the_live_preview_renders_the_draft_and_shows_the_findings_as_one_types(
    page: Any, live_server: Any
) -> None:
    _sign_in(page, live_server, PhysicianFactory.create())
    errors = _errors(page)
    page.goto("/posts/new/")
    side = page.get_by_role("region", name="Preview")
    status = page.locator("#composer-check-status")
    assert status.get_attribute("aria-live") == "polite"

    _body(page).press_sequentially("Cool **first**, transport second.")
    side.locator(".composer-preview-body strong", has_text="first").wait_for()
    assert "No patient information found" in status.inner_text()

    _body(page).press_sequentially(" Mr. John Carter, DOB 03/14/1952.")
    findings = side.get_by_role("region", name="Patient information in your draft")
    findings.wait_for()
    assert any("John Carter" in text for text in findings.locator("mark").all_inner_texts())
    assert "high confidence" in status.inner_text()
    screenshot(page, "composer-live-preview-1280")
    assert axe_violations(page, impacts=EVERY_IMPACT) == []
    assert not Post.objects.exists()
    assert errors == []


def test_without_javascript_a_kind_is_chosen_by_its_link(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        _sign_in(page, live_server, PhysicianFactory.create())
        page.goto("/posts/new/")
        # Nothing that needs a script is on show.
        assert page.get_by_role("region", name="Preview").count() == 0
        assert page.get_by_label("Description of image 4 (alt text)").is_visible()
        page.get_by_role("navigation", name="Kind of post").get_by_role(
            "link", name="Live Q&A"
        ).click()
        page.wait_for_url("**/posts/new/?kind=event")
        page.get_by_label(re.compile(r"^Title\W*$")).fill("Ask a cardiologist")
        page.get_by_label(re.compile(r"^Post\W*$")).fill("Bring your ECG questions.")
        page.get_by_label(re.compile("Starts at")).fill("2031-05-04T18:00")
        page.get_by_label("Duration (minutes)").fill("60")
        screenshot(page, "composer-no-js")
        page.get_by_role("button", name="Publish").click()
        page.get_by_role("heading", name="Ask a cardiologist").wait_for()
        assert Post.objects.get().kind == PostKind.EVENT
    finally:
        context.close()


def test_the_composer_with_images_fits_a_phone(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    page = _page(browser, live_server, 360, 740)
    try:
        _sign_in(page, live_server, PhysicianFactory.create())
        page.goto("/posts/new/")
        page.locator("input[name=image_1]").set_input_files(
            _photo(tmp_path, "wide.png", (90, 140, 90))
        )
        page.get_by_role("img", name="Preview of image 1", exact=True).wait_for()
        assert not scrolls_sideways(page)
        screenshot(page, "composer-images-360")
    finally:
        page.context.close()
