"""Decoding an image picked for a post's slot: JPEG, PNG and WebP through the shared
pipeline, and DICOM files (for de-identified cases only) converted to pixels."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from community.images import ACCEPTED_CONTENT_TYPES, format_megabytes, load_image

from .dicom import dicom_to_image

# A post's image slots also take DICOM files, for de-identified cases only: a DICOM file is
# almost always a patient's imaging, so it goes where the strictest rule applies.
POST_IMAGE_ACCEPT = f"{ACCEPTED_CONTENT_TYPES},.dcm,application/dicom"
DICOM_FOR_CASES_ONLY = (
    "DICOM files are accepted for de-identified cases only. Choose “De-identified case” "
    "as the kind of post, or upload a JPEG, PNG or WebP image."
)
# The kind of post (as the composer sends it) whose images may be DICOM files.
CASE_KIND = "case"


def is_dicom(upload: Any) -> bool:
    """A DICOM file (Part 10) has "DICM" after its 128-byte preamble."""
    upload.seek(0)
    head = upload.read(132)
    upload.seek(0)
    return len(head) == 132 and head[128:132] == b"DICM"


def decode_post_image(upload: Any, *, dicom_allowed: bool) -> tuple[Image.Image, bool]:
    """Decode an image for a post's slot: upright, and whether it came from a DICOM file.

    JPEG, PNG and WebP go through the shared pipeline; a DICOM file (only where
    `dicom_allowed`, for a case) is converted to pixels, within the same byte limit.
    Raises ValidationError saying why not.
    """
    limit = settings.MAX_UPLOAD_BYTES
    if is_dicom(upload):
        if not dicom_allowed:
            raise ValidationError(DICOM_FOR_CASES_ONLY, code="dicom_not_case")
        size = getattr(upload, "size", None)
        if isinstance(size, int) and size > limit:
            raise ValidationError(
                "This file is %(size)s; the limit is %(limit)s. Export a smaller image.",
                code="too_large",
                params={"size": format_megabytes(size), "limit": format_megabytes(limit)},
            )
        image = dicom_to_image(upload)
        upload.seek(0)
        return image, True
    image = load_image(upload, max_bytes=settings.MAX_UPLOAD_BYTES)
    return ImageOps.exif_transpose(image) or image, False
