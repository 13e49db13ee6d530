"""The image guard with the real scanner (Tesseract and OpenCV): a case with a face or a
burned-in name is blocked; redacted, it publishes, and the stored image has black pixels
where the face was and nothing the scanner finds."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from posts.models import Post, PostImage, PostKind
from privacy.images import scan_image
from privacy.redaction import FACE_MARGIN, TEXT_MARGIN, grown
from tests.factories import PhysicianFactory
from tests.privacy.imaging import face_photo, radiograph, upload

pytestmark = pytest.mark.django_db


def _client() -> Client:
    client = Client()
    client.force_login(PhysicianFactory.create())
    return client


def _case(**extra: Any) -> dict[str, Any]:
    return {"kind": PostKind.CASE, "body": "A woman in her 40s.", "visibility": "public", **extra}


def _boxes(image: Image.Image, style: str) -> str:
    """What the composer pre-fills: each finding's box, grown by the same margins."""
    regions = []
    for finding in scan_image(image):
        margin = FACE_MARGIN if finding.kind == "face" else TEXT_MARGIN
        box = grown(finding.box, width=image.width, height=image.height, margin=margin)
        regions.append(
            {"x": box.x, "y": box.y, "width": box.width, "height": box.height, "style": style}
        )
    return json.dumps({"regions": regions})


def test_a_face_blocks_a_case_and_blacked_out_it_publishes_without_a_face() -> None:
    photo = face_photo()
    (face,) = [finding for finding in scan_image(photo) if finding.kind == "face"]
    client = _client()
    blocked = client.post(reverse("posts:create"), _case(image_1=upload(photo), alt_1="Rash"))
    assert blocked.status_code == 200 and "Face — high confidence" in blocked.content.decode()
    assert not Post.objects.exists()

    response = client.post(
        reverse("posts:create"),
        _case(image_1=upload(photo), alt_1="Rash", redaction_1=_boxes(photo, "black")),
    )
    assert response.status_code == 302
    stored = PostImage.objects.get()
    with Image.open(stored.display.path) as display:
        pixels = np.asarray(display.convert("L"))
        box = face.box
        assert (
            pixels[box.y + 3 : box.y + box.height - 3, box.x + 3 : box.x + box.width - 3].max() < 20
        )
        assert [f for f in scan_image(display.convert("RGB")) if f.kind == "face"] == []


def test_a_burned_in_name_blocks_a_case_and_blurred_it_publishes() -> None:
    film = radiograph()
    client = _client()
    blocked = client.post(reverse("posts:create"), _case(image_1=upload(film), alt_1="Film"))
    html = blocked.content.decode()
    assert "Person&#x27;s name — high confidence" in html and "DOE, JANE" in html
    assert "top-left corner" in html
    response = client.post(
        reverse("posts:create"),
        _case(image_1=upload(film), alt_1="Film", redaction_1=_boxes(film, "blur")),
    )
    assert response.status_code == 302
    with Image.open(PostImage.objects.get().display.path) as display:
        assert scan_image(display.convert("RGB")) == []


@pytest.mark.parametrize("failure", ["missing", "failing"])
def test_an_image_that_cannot_be_checked_is_refused_with_the_reason_and_nothing_is_stored(
    failure: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a working Tesseract the text in an image cannot be read: the image is refused
    (the post is not published) with a message saying so, never a 500 and never unchecked."""
    import pytesseract

    if failure == "missing":
        command = str(tmp_path / "no-tesseract-here")
    else:
        command = str(tmp_path / "tesseract")
        (tmp_path / "tesseract").write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
        (tmp_path / "tesseract").chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", command)
    client = _client()
    response = client.post(
        reverse("posts:create"),
        {
            "kind": PostKind.DISCUSSION,
            "title": "Film of the week",
            "body": "Where is the fracture?",
            "visibility": "public",
            "image_1": upload(radiograph()),
            "alt_1": "A wrist film",
        },
    )
    assert response.status_code == 200
    assert "Image 1 could not be checked for patient information" in response.content.decode()
    assert not Post.objects.exists() and not PostImage.objects.exists()
