"""Hashtags, the search document and images of a post."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import TextField, Value
from PIL import Image

from community.images import encode_display, encode_square_thumbnail
from privacy.redaction import NO_REDACTION, Redaction

from ..models import (
    Hashtag,
    Post,
    PostHashtag,
    PostImage,
)

MAX_IMAGES = 4
DISPLAY_MAX_SIDE = 1600
THUMBNAIL_SIZE = 320
BANNER_MAX_SIDE = 1600
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class ImageInput:
    """A decoded, validated upload (see community.images.load_image), upright, with its alt
    text, the form slot it came from (1-based, for the guard's messages) and the author's
    redaction of it (applied by the privacy guard before anything is stored)."""

    image: Image.Image
    alt_text: str
    slot: int = 0
    redaction: Redaction = NO_REDACTION


@dataclass(frozen=True)
class ImageConsent:
    """What the author answered about the guard's image findings: a confirmation (for the
    findings of the signed `digest`) and "Black out everything found"."""

    confirmed: bool = False
    digest: str = ""
    black_out_found: bool = False


NO_IMAGE_CONSENT = ImageConsent()


# --- Hashtags, search, images ------------------------------------------------------------


def sync_hashtags(post: Post, names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(name.lower() for name in names))
    existing = {tag.name: tag for tag in Hashtag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name], _ = Hashtag.objects.get_or_create(name=name)
    PostHashtag.objects.filter(post=post).exclude(hashtag__name__in=names).delete()
    linked = set(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True))
    PostHashtag.objects.bulk_create(
        [
            PostHashtag(post=post, hashtag=existing[name], created_at=post.created_at)
            for name in names
            if name not in linked
        ],
        ignore_conflicts=True,
    )
    return names


def refresh_search_vector(post: Post, hashtags: Sequence[str]) -> None:
    """Weighted search document: title, publication title and hashtags A, journal C, body B.

    Kept here rather than in a trigger so that all of it is visible in Python, in the same
    transaction as the post. SQLite has no tsvector: search uses a contains match there.
    """
    if connection.vendor != "postgresql":
        return
    tags = Value(" ".join(hashtags), output_field=TextField())
    Post.objects.filter(pk=post.pk).update(
        search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("pub_title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(tags, weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG)
        + SearchVector("journal", weight="C", config=SEARCH_CONFIG)
    )


def store_images(post: Post, images: Sequence[ImageInput], *, first_position: int) -> None:
    for offset, item in enumerate(images):
        alt_text = item.alt_text.strip()
        if not alt_text:
            raise ValidationError("Every image needs a description (alt text).")
        position = first_position + offset
        # Media files are served without a permission check: an unguessable name keeps the
        # images of group and members-only posts from being found by counting.
        name = f"post-{secrets.token_urlsafe(16)}"
        PostImage.objects.create(
            post=post,
            display=encode_display(item.image, max_side=DISPLAY_MAX_SIDE, name=name),
            thumbnail=encode_square_thumbnail(
                item.image, size=THUMBNAIL_SIZE, name=f"{name}-thumb"
            ),
            alt_text=alt_text[:300],
            position=position,
        )


def recount_images(post: Post) -> None:
    """Store how many images the post has now (cards load images only when it has some)."""
    post.image_count = post.images.count()
    Post.objects.filter(pk=post.pk).update(image_count=post.image_count)


def delete_image_files(images: Iterable[PostImage]) -> None:
    """Delete files once the transaction commits, so a rollback keeps them."""
    paths = [(image.display.storage, image.display.name) for image in images if image.display]
    paths += [
        (image.thumbnail.storage, image.thumbnail.name) for image in images if image.thumbnail
    ]

    def _delete() -> None:
        for storage, name in paths:
            storage.delete(name)

    transaction.on_commit(_delete)
