"""Post images go through the shared pipeline: checked, re-encoded without metadata, alt text
required, at most four."""

from __future__ import annotations

import importlib
import io
import os
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from posts.models import Campaign, Post, PostImage
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import UserFactory
from tests.moderation.conftest import make_moderator
from tests.posts.factories import PostImageFactory

pytestmark = pytest.mark.django_db


def _jpeg_with_gps(name: str = "photo.jpg", size: tuple[int, int] = (2400, 1200)) -> Any:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(0x8825)
    gps[2] = (48.0, 51.0, 24.0)  # latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _post(client: Client, **extra: Any) -> Any:
    data = {"kind": "discussion", "body": "Look at this ECG", "visibility": "public", **extra}
    return client.post(reverse("posts:create"), data)


def _client(user: Any = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory.create())
    return client


def test_an_image_is_stored_resized_without_metadata() -> None:
    response = _post(_client(), image_1=_jpeg_with_gps(), alt_1="A sinus rhythm strip")
    assert response.status_code == 302
    image = PostImage.objects.get()
    assert image.alt_text == "A sinus rhythm strip"
    with Image.open(image.display.path) as display:
        assert display.format == "WEBP"
        assert max(display.size) == 1600
        assert not display.getexif()
        assert "exif" not in display.info
    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.size == (320, 320)
        assert not thumbnail.getexif()
    assert (image.width, image.height) == (1600, 800)


def test_alt_text_is_required() -> None:
    response = _post(_client(), image_1=_jpeg_with_gps(), alt_1="")
    assert response.status_code == 200
    assert "Describe this image" in response.content.decode()
    assert not Post.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_with_a_reason() -> None:
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = _post(_client(), image_1=fake, alt_1="x")
    assert "this file is a PDF document" in response.content.decode()
    assert not Post.objects.exists()


def test_a_decompression_bomb_is_refused(settings: Any) -> None:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = _post(_client(), image_1=bomb, alt_1="x")
    assert "decompression bomb" in response.content.decode()
    assert not Post.objects.exists()


def test_a_too_large_file_is_refused(settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    response = _post(_client(), image_1=_jpeg_with_gps(), alt_1="x")
    assert "the limit is" in response.content.decode()


def test_at_most_four_images() -> None:
    user = UserFactory.create()
    client = _client(user)
    images = {f"image_{n}": _jpeg_with_gps(size=(40, 40)) for n in range(1, 5)}
    alts = {f"alt_{n}": f"Image {n}" for n in range(1, 5)}
    _post(client, **images, **alts)
    post = Post.objects.get()
    assert post.images.count() == 4
    response = client.post(
        reverse("posts:edit", args=[post.pk]),
        {"body": "more", "image_1": _jpeg_with_gps(size=(40, 40)), "alt_1": "fifth"},
    )
    assert "up to 4 images" in response.content.decode()
    assert post.images.count() == 4


def test_editing_removes_and_adds_images_and_deleting_removes_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = UserFactory.create()
    client = _client(user)
    _post(client, image_1=_jpeg_with_gps(size=(40, 40)), alt_1="first")
    post = Post.objects.get()
    first = post.images.get()
    first_path = first.display.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("posts:edit", args=[post.pk]),
            {
                "body": "swap",
                "remove_images": [first.pk],
                "image_1": _jpeg_with_gps(size=(40, 40)),
                "alt_1": "second",
            },
        )
    assert list(post.images.values_list("alt_text", flat=True)) == ["second"]
    assert not os.path.exists(first_path)
    second_path = post.images.get().display.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("posts:delete", args=[post.pk]))
    assert not PostImage.objects.exists()
    assert not os.path.exists(second_path)


def test_a_campaign_banner_goes_through_the_pipeline() -> None:
    today = timezone.localdate().isoformat()
    data = {
        "hashtag": "BreastCancerAwareness",
        "title": "Pink October",
        "description": "Screening saves lives.",
        "starts_on": today,
        "ends_on": today,
        "banner": _jpeg_with_gps(size=(3000, 1000)),
    }
    client = Client()
    sign_in_with_two_factor(client, make_moderator())
    response = client.post(reverse("posts:campaign_create"), data)
    assert "Describe the banner image" in response.content.decode()
    data["banner"] = _jpeg_with_gps(size=(3000, 1000))
    client.post(reverse("posts:campaign_create"), {**data, "banner_alt": "A pink ribbon"})
    campaign = Campaign.objects.get()
    with Image.open(campaign.banner.path) as banner:
        assert banner.format == "WEBP" and banner.size == (1600, 533)
        assert not banner.getexif()


def test_a_post_counts_its_images_through_edits_and_deletion() -> None:
    user = UserFactory.create()
    client = _client(user)
    _post(
        client,
        image_1=_jpeg_with_gps(size=(40, 40)),
        alt_1="first",
        image_2=_jpeg_with_gps(size=(40, 40)),
        alt_2="second",
    )
    post = Post.objects.get()
    assert post.image_count == 2
    first = post.images.get(alt_text="first")
    client.post(
        reverse("posts:edit", args=[post.pk]), {"body": "one less", "remove_images": [first.pk]}
    )
    post.refresh_from_db()
    assert post.image_count == 1
    client.post(
        reverse("posts:edit", args=[post.pk]),
        {
            "body": "two more",
            "image_1": _jpeg_with_gps(size=(40, 40)),
            "alt_1": "third",
            "image_2": _jpeg_with_gps(size=(40, 40)),
            "alt_2": "fourth",
        },
    )
    post.refresh_from_db()
    assert post.image_count == 3 == post.images.count()
    # An edit that touches no image leaves the count alone.
    client.post(reverse("posts:edit", args=[post.pk]), {"body": "words only"})
    post.refresh_from_db()
    assert (post.body, post.image_count) == ("words only", 3)
    client.post(reverse("posts:delete", args=[post.pk]))
    post.refresh_from_db()
    assert post.image_count == 0


def test_a_text_post_has_no_image_count() -> None:
    _post(_client())
    assert Post.objects.get().image_count == 0


def test_the_migration_counts_the_images_of_existing_posts() -> None:
    author = UserFactory.create()
    illustrated, text = (
        Post.objects.create(author=author, body="a"),
        Post.objects.create(author=author, body="b"),
    )
    for position in range(3):
        PostImageFactory.create(post=illustrated, position=position)
    Post.objects.update(image_count=0)  # as before the migration
    migration = importlib.import_module("posts.migrations.0004_post_image_count")
    migration.fill_counts(apps, connection.schema_editor())
    counts = dict(Post.objects.values_list("pk", "image_count"))
    assert counts == {illustrated.pk: 3, text.pk: 0}
