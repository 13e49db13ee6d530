"""The image guard for posts, through the form and the services: redaction applied before
anything is stored, a case blocked by a high finding, confirmations tied to the findings
shown and recorded, the page without JavaScript, DICOM, and the composer's streamed check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from posts.models import Post, PostImage, PostKind
from posts.services import ImageConsent, ImageFindings, ImageInput, publish_post
from privacy import image_guard
from privacy.images import Box
from privacy.models import PrivacyOverride
from privacy.redaction import Redaction, Region
from privacy.uploads import CASE_KIND
from tests.factories import PhysicianFactory, UserFactory
from tests.posts.factories import PostFactory
from tests.privacy.imaging import (
    dicom_bytes,
    fake_scan,
    files_under,
    marked,
    upload,
)

pytestmark = pytest.mark.django_db

FACE = (40, 30, 80, 80)
DATE = (250, 200, 100, 40)


@pytest.fixture(autouse=True)
def scanner(monkeypatch: pytest.MonkeyPatch) -> list[Image.Image]:
    """The fake scanner (marker colours); records each image it was given."""
    seen: list[Image.Image] = []

    def scan(image: Image.Image, *, progress: Any = None) -> Any:
        seen.append(image.copy())
        return fake_scan(image, progress=progress)

    monkeypatch.setattr(image_guard, "scan_image", scan)
    return seen


def _client(user: Any = None) -> Client:
    client = Client()
    client.force_login(user or PhysicianFactory.create())
    return client


def _form(kind: str = PostKind.CASE, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": "",
        "body": "A man in his 60s with chest pain.",
        "visibility": "public",
        **extra,
    }


def _redaction(*regions: tuple[int, int, int, int, str], crop: Any = None) -> str:
    return json.dumps(
        {
            "regions": [
                {"x": x, "y": y, "width": w, "height": h, "style": style}
                for x, y, w, h, style in regions
            ],
            "crop": crop,
        }
    )


def _stored_pixels(image: PostImage) -> np.ndarray:
    with Image.open(image.display.path) as display:
        return np.asarray(display.convert("RGB")).astype(int)


def _digest(html: str) -> str:
    match = re.search(r'name="images_digest" value="([^"]+)"', html)
    assert match, "the page should post back the digest of the image findings shown"
    return match.group(1)


# --- The rule --------------------------------------------------------------------------


def test_a_case_with_a_face_is_blocked_and_nothing_is_stored(scanner: list[Any]) -> None:
    client = _client()
    response = client.post(
        reverse("posts:create"), _form(image_1=upload(marked(face=FACE)), alt_1="Rash")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "can&#x27;t be published while a finding marked high confidence" in html or (
        "can’t be published" in html or "can't be published" in html
    )
    assert "Face — high confidence" in html and "top-left corner of image 1" in html
    assert "Attach your images again" in html
    assert 'src="data:image/png;base64,' in html
    assert 'name="confirm_images"' not in html, "a blocking finding can't be confirmed"
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert list(files_under(Path(settings.MEDIA_ROOT))) == []
    assert len(scanner) == 1, "each image is scanned once per submission"


def test_a_forged_confirmation_does_not_pass_a_blocked_case() -> None:
    client = _client()
    first = client.post(
        reverse("posts:create"), _form(image_1=upload(marked(face=FACE)), alt_1="Rash")
    )
    digest = _digest(first.content.decode())
    response = client.post(
        reverse("posts:create"),
        _form(
            image_1=upload(marked(face=FACE)),
            alt_1="Rash",
            confirm_images="on",
            images_digest=digest,
        ),
    )
    assert response.status_code == 200
    assert not Post.objects.exists()


def test_a_redacted_face_publishes_with_black_pixels_where_it_was(scanner: list[Any]) -> None:
    x, y, w, h = FACE
    response = _client().post(
        reverse("posts:create"),
        _form(
            image_1=upload(marked(face=FACE)),
            alt_1="Rash on the forearm",
            redaction_1=_redaction((x, y, w, h, "black")),
        ),
    )
    assert response.status_code == 302
    stored = PostImage.objects.get()
    pixels = _stored_pixels(stored)
    assert pixels[y + 5 : y + h - 5, x + 5 : x + w - 5].max() < 16
    assert fake_scan(Image.open(stored.display.path)) == []
    assert fake_scan(Image.open(stored.thumbnail.path)) == []
    assert fake_scan(scanner[0]) == [], "the scanner saw the redacted image"
    assert not PrivacyOverride.objects.exists()


def test_cropping_the_face_away_publishes_the_crop() -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(
            image_1=upload(marked(face=FACE)),
            alt_1="Rash",
            redaction_1=_redaction(crop={"x": 150, "y": 0, "width": 250, "height": 300}),
        ),
    )
    assert response.status_code == 302
    stored = PostImage.objects.get()
    assert (stored.width, stored.height) == (250, 300)


def test_black_out_everything_found_publishes_a_case_without_javascript() -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(image_1=upload(marked(face=FACE, date=DATE)), alt_1="Rash", black_out_images="on"),
    )
    assert response.status_code == 302
    pixels = _stored_pixels(PostImage.objects.get())
    x, y, w, h = FACE
    assert pixels[y : y + h, x : x + w].max() < 16
    x, y, w, h = DATE
    assert pixels[y : y + h, x : x + w].max() < 16
    assert not PrivacyOverride.objects.exists()


def test_a_low_finding_in_a_case_is_confirmed_and_recorded() -> None:
    client = _client()
    data = dict(alt_1="Rash")
    first = client.post(reverse("posts:create"), _form(image_1=upload(marked(date=DATE)), **data))
    html = first.content.decode()
    assert "Date linked to a person — low confidence" in html and 'name="confirm_images"' in html
    assert not Post.objects.exists()
    response = client.post(
        reverse("posts:create"),
        _form(
            image_1=upload(marked(date=DATE)),
            confirm_images="on",
            images_digest=_digest(html),
            **data,
        ),
    )
    assert response.status_code == 302
    override = PrivacyOverride.objects.get()
    assert override.kinds == ["date"]
    assert override.excerpts == ["Image 1: date “12 Mar” at 250,200 (100×40)"]
    assert PostImage.objects.count() == 1


def test_a_face_in_a_discussion_may_be_confirmed() -> None:
    client = _client()
    form = _form(PostKind.DISCUSSION, alt_1="Me at the conference")
    first = client.post(reverse("posts:create"), {**form, "image_1": upload(marked(face=FACE))})
    html = first.content.decode()
    assert 'name="confirm_images"' in html
    response = client.post(
        reverse("posts:create"),
        {
            **form,
            "image_1": upload(marked(face=FACE)),
            "confirm_images": "on",
            "images_digest": _digest(html),
        },
    )
    assert response.status_code == 302
    assert PrivacyOverride.objects.get().excerpts == ["Image 1: face at 40,30 (80×80)"]


def test_a_confirmation_for_other_findings_does_not_pass() -> None:
    client = _client()
    form = _form(PostKind.DISCUSSION, alt_1="Photo")
    first = client.post(reverse("posts:create"), {**form, "image_1": upload(marked(date=DATE))})
    digest = _digest(first.content.decode())
    # Another image (a face elsewhere) with the first one's confirmation.
    response = client.post(
        reverse("posts:create"),
        {
            **form,
            "image_1": upload(marked(face=(200, 100, 60, 60))),
            "confirm_images": "on",
            "images_digest": digest,
        },
    )
    assert response.status_code == 200
    assert not Post.objects.exists()
    assert 'name="confirm_images" ' in response.content.decode()
    confirm = re.search(r'<input[^>]*name="confirm_images"[^>]*>', response.content.decode())
    assert confirm is not None
    assert "checked" not in confirm.group(0)


def test_the_service_refuses_whatever_submits_it() -> None:
    author = PhysicianFactory.create()
    with pytest.raises(ImageFindings) as caught:
        publish_post(
            author=author,
            kind=PostKind.CASE,
            body="A case.",
            images=[ImageInput(image=marked(face=FACE), alt_text="Rash", slot=2)],
            image_consent=ImageConsent(confirmed=True, digest="forged"),
        )
    assert caught.value.blocking
    assert caught.value.findings[0].excerpt == "Image 2: face at 40,30 (80×80)"
    post = publish_post(
        author=author,
        kind=PostKind.CASE,
        body="A case.",
        images=[
            ImageInput(
                image=marked(face=FACE),
                alt_text="Rash",
                slot=1,
                redaction=Redaction(regions=(Region(Box(*FACE), "black"),)),
            )
        ],
    )
    assert post.images.count() == 1


def test_text_and_image_findings_are_shown_together() -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(
            body="Mr. John Carter, DOB 03/14/1952, chest pain.",
            image_1=upload(marked(face=FACE)),
            alt_1="Rash",
        ),
    )
    html = response.content.decode()
    assert 'id="privacy-review"' in html and 'id="image-review"' in html


def test_editing_a_post_with_a_new_image_goes_through_the_same_rule() -> None:
    author = PhysicianFactory.create()
    post = PostFactory.create(author=author, kind=PostKind.CASE, body="A case.")
    client = _client(author)
    url = reverse("posts:edit", args=[post.pk])
    response = client.post(
        url, {"title": "", "body": "A case.", "image_1": upload(marked(face=FACE)), "alt_1": "Rash"}
    )
    assert response.status_code == 200 and not post.images.exists()
    x, y, w, h = FACE
    response = client.post(
        url,
        {
            "title": "",
            "body": "A case.",
            "image_1": upload(marked(face=FACE)),
            "alt_1": "Rash",
            "redaction_1": _redaction((x, y, w, h, "black")),
        },
    )
    assert response.status_code == 302
    assert fake_scan(Image.open(post.images.get().display.path)) == []


# --- The redaction field ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("redaction", "message"),
    [
        ("{not json", "could not be read"),
        ('{"regions": [{"x": 0, "y": 0, "width": "big", "height": 4}]}', "could not be read"),
        (_redaction(*[(0, 0, 5, 5, "black")] * 41), "at most 40"),
        ("x" * 9000, "too many"),
    ],
)
def test_a_malformed_redaction_is_a_form_error_not_a_500(redaction: str, message: str) -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(image_1=upload(marked(face=FACE)), alt_1="Rash", redaction_1=redaction),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_boxes_out_of_bounds_are_clipped_to_the_image() -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(
            image_1=upload(marked(face=FACE)),
            alt_1="Rash",
            redaction_1=_redaction((-100, -100, 300, 300, "black"), (390, 290, 900, 900, "black")),
        ),
    )
    assert response.status_code == 302
    pixels = _stored_pixels(PostImage.objects.get())
    assert pixels[0:150, 0:150].max() < 16
    assert pixels[295:300, 395:400].max() < 16
    assert pixels[150:280, 200:380].min() > 60


# --- DICOM -----------------------------------------------------------------------------


def _dicom(**kwargs: Any) -> SimpleUploadedFile:
    pixels = np.full((300, 400), 800, dtype=np.uint16)
    pixels[100:200, 150:250] = 3000
    return SimpleUploadedFile(
        "film.dcm", dicom_bytes(pixels, **kwargs), content_type="application/dicom"
    )


def test_a_dicom_file_in_a_case_is_stored_as_webp_without_its_tags() -> None:
    response = _client().post(reverse("posts:create"), _form(image_1=_dicom(), alt_1="Chest film"))
    assert response.status_code == 302
    stored = PostImage.objects.get()
    raw = Path(stored.display.path).read_bytes()
    assert raw[:4] == b"RIFF" and raw[8:12] == b"WEBP"
    assert b"DOE" not in raw and b"MRN-0042" not in raw and b"DICM" not in raw
    assert (stored.width, stored.height) == (400, 300)


def test_a_dicom_file_is_refused_outside_a_case_with_a_clear_message() -> None:
    response = _client().post(
        reverse("posts:create"),
        _form(PostKind.DISCUSSION, image_1=_dicom(), alt_1="Chest film"),
    )
    assert response.status_code == 200
    assert "DICOM files are accepted for de-identified cases only" in response.content.decode()


def test_the_file_input_accepts_dicom() -> None:
    html = _client().get(reverse("posts:create")).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp,.dcm,application/dicom"' in html


# --- Nothing unredacted is kept --------------------------------------------------------


def test_no_original_is_stored_anywhere(settings: Any, tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(uploads)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every upload goes through a temp file
    original = marked(face=FACE)
    noise = np.random.default_rng(1).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    original.paste(Image.fromarray(noise).crop((0, 0, 400, 100)), (0, 200))
    client = _client()
    x, y, w, h = FACE
    response = client.post(
        reverse("posts:create"),
        _form(
            image_1=upload(original), alt_1="Rash", redaction_1=_redaction((x, y, w, h, "black"))
        ),
    )
    assert response.status_code == 302
    assert list(uploads.iterdir()) == [], "the upload's temp file did not outlive the request"
    stored = sorted(files_under(Path(settings.MEDIA_ROOT)))
    assert len(stored) == 2  # the redacted display image and its thumbnail
    for path in stored:
        assert fake_scan(Image.open(path)) == []
    assert not any("face" in str(value) for value in client.session.values())
    store: Any = cache  # Read LocMemCache's private store, which BaseCache does not declare.
    cached = b"".join(value for value in store._cache.values() if isinstance(value, bytes))
    assert b"\x89PNG" not in cached and b"WEBP" not in cached


# --- The composer's check --------------------------------------------------------------


def _lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_the_check_streams_progress_then_the_findings_and_stores_nothing(settings: Any) -> None:
    response = _client().post(
        reverse("privacy:check_image"), {"image": upload(marked(face=FACE)), "kind": "case"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert response["Cache-Control"] == "no-store"
    lines = _lines(response)
    stages = [line["stage"] for line in lines if "stage" in line]
    assert stages[0] == "Reading the image" and "Reading text" in stages
    assert [line["done"] for line in lines if "done" in line] == sorted(
        line["done"] for line in lines if "done" in line
    )
    result = lines[-1]
    assert (result["width"], result["height"]) == (400, 300)
    assert result["findings"][0]["kind"] == "face"
    assert result["findings"][0]["confidence"] == "high"
    assert result["findings"][0]["box"] == {"x": 40, "y": 30, "width": 80, "height": 80}
    assert "preview" not in result
    assert list(files_under(Path(settings.MEDIA_ROOT))) == []
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert not PrivacyOverride.objects.exists()


def test_the_check_of_a_dicom_file_sends_a_preview() -> None:
    response = _client().post(reverse("privacy:check_image"), {"image": _dicom(), "kind": "case"})
    result = _lines(response)[-1]
    assert result["preview"].startswith("data:image/png;base64,")
    assert (result["width"], result["height"]) == (400, 300)


def test_the_check_lives_in_privacy_and_takes_dicom_for_cases_only() -> None:
    assert reverse("privacy:check_image") == "/privacy/images/check/"
    # privacy imports nothing of posts: the composer sends the kind's value, compared here.
    assert CASE_KIND == PostKind.CASE
    response = _client().post(
        reverse("privacy:check_image"), {"image": _dicom(), "kind": PostKind.DISCUSSION}
    )
    assert response.status_code == 400
    assert "DICOM files are accepted for de-identified cases only" in response.json()["error"]


def test_the_check_refuses_a_huge_file_clearly(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 10_000
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 20_000, content_type="image/png")
    response = _client().post(reverse("privacy:check_image"), {"image": big})
    assert response.status_code == 400
    assert "the limit is" in response.json()["error"]


def test_the_check_refuses_a_missing_or_wrong_file() -> None:
    client = _client()
    assert client.post(reverse("privacy:check_image")).status_code == 400
    gif = SimpleUploadedFile("a.gif", b"GIF89a" + b"0" * 100, content_type="image/gif")
    response = client.post(reverse("privacy:check_image"), {"image": gif})
    assert response.status_code == 400 and "GIF" in response.json()["error"]


def test_the_check_is_for_participants_only() -> None:
    url = reverse("privacy:check_image")
    anonymous = Client().post(url, {"image": upload(marked())})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    suspended = _client(PhysicianFactory.create(suspended_at=timezone.now()))
    assert suspended.post(url, {"image": upload(marked())}).status_code == 403
    unverified = _client(UserFactory.create(email_verified=False))
    assert unverified.post(url, {"image": upload(marked())}).status_code == 403


def test_the_check_takes_only_post() -> None:
    assert _client().get(reverse("privacy:check_image")).status_code == 405


def test_the_check_is_rate_limited(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "image_check": "2/h"}
    client = _client()
    for _ in range(2):
        response = client.post(reverse("privacy:check_image"), {"image": upload(marked())})
        assert response.status_code == 200
        _lines(response)
    assert (
        client.post(reverse("privacy:check_image"), {"image": upload(marked())}).status_code == 429
    )


def test_boxes_without_an_image_are_ignored() -> None:
    response = _client().post(
        reverse("posts:create"), _form(PostKind.DISCUSSION, redaction_2="x" * 9000)
    )
    assert response.status_code == 302


def test_a_page_sent_back_for_another_reason_asks_for_the_images_again() -> None:
    response = _client().post(
        reverse("posts:create"), _form(body="", image_1=upload(marked()), alt_1="Plain")
    )
    assert response.status_code == 200
    assert "Attach your images again" in response.content.decode()
