"""The one pipeline every image upload goes through.

`load_image` decides whether an upload is an image we accept: JPEG, PNG or WebP judged by
its content (never the file name or the browser's content type), within a byte limit and a
pixel limit, and fully decodable. `encode_display` and `encode_square_thumbnail` turn it
into what we store and serve: upright, sRGB, rebuilt from its pixels alone so that no EXIF
(GPS position, camera serial, capture time), XMP or embedded profile survives, and encoded
as WebP. The upload itself is never stored.
"""

from __future__ import annotations

import io
import warnings
from typing import IO, Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# Formats we decode. Restricting Pillow to these also keeps its dozens of other, rarely
# exercised decoders away from untrusted bytes.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# The same three, as forms tell members and browsers (a file input's `accept`).
ACCEPTED_LABEL = "JPEG, PNG or WebP"
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp"

# 40 megapixels is more than any phone camera produces and about 160 MB once decoded to
# RGBA; anything larger is almost certainly a decompression bomb.
MAX_PIXELS = 40_000_000

OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"
OUTPUT_CONTENT_TYPE = "image/webp"
_WEBP_QUALITY = 82

# A few signatures of things people try to upload, only to word the refusal helpfully.
_KNOWN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"<svg", "an SVG drawing"),
    (b"<?xml", "an XML file"),
)


class Upload(Protocol):
    """What Django's UploadedFile, a ContentFile or an open binary file all provide."""

    def read(self, size: int = ..., /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...


def format_megabytes(size: int) -> str:
    """5242880 -> '5 MB', 6500000 -> '6.2 MB'."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _describe_unaccepted(head: bytes) -> str:
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "an HEIC or AVIF photo"
    stripped = head.lstrip()
    for signature, description in _KNOWN_SIGNATURES:
        if stripped.startswith(signature):
            return description
    return "not an image we can read"


def load_image(
    upload: Upload | IO[bytes], *, max_bytes: int, wanted: str = f"a {ACCEPTED_LABEL} image"
) -> Image.Image:
    """Read an upload and return the decoded image, or raise ValidationError saying why not.

    Refuses files over `max_bytes`, anything that is not really JPEG, PNG or WebP, images
    over MAX_PIXELS (decompression bombs), and corrupt or truncated files. The returned image
    is fully loaded and no longer needs the upload. `wanted` names what the form takes, for
    the refusal of anything else ("Upload a JPEG, PNG or WebP image; this file is ...").
    """
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        declared = getattr(upload, "size", None)
        size = declared if isinstance(declared, int) and declared > max_bytes else len(data)
        raise ValidationError(
            "This file is %(size)s; the limit is %(limit)s. Try a smaller image.",
            code="too_large",
            params={"size": format_megabytes(size), "limit": format_megabytes(max_bytes)},
        )
    if not data:
        raise ValidationError("This file is empty.", code="empty")

    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice that; make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError as error:
            raise ValidationError(
                "Upload %(wanted)s; this file is %(what)s.",
                code="wrong_type",
                params={"wanted": wanted, "what": _describe_unaccepted(data[:32])},
            ) from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb_error() from error
        except Exception as error:
            # A header so malformed that Pillow fails while identifying it.
            raise _corrupt_error() from error

        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _bomb_error()
        if width < 1 or height < 1:
            raise _corrupt_error()

        try:
            # Decoding the whole image is the only reliable test for truncation and damage;
            # Pillow's decoders raise a variety of exception types on bad input.
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb_error() from error
        except Exception as error:
            raise _corrupt_error() from error
    return image


def _bomb_error() -> ValidationError:
    return ValidationError(
        "This image is too large in pixels (more than %(megapixels)s megapixels), so we "
        "refuse it as a possible decompression bomb. Resize it and try again.",
        code="decompression_bomb",
        params={"megapixels": MAX_PIXELS // 1_000_000},
    )


def _corrupt_error() -> ValidationError:
    return ValidationError(
        "This image is damaged or incomplete and can't be read. Try saving it again.",
        code="corrupt",
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to sRGB (RGB or RGBA) so colours survive dropping the embedded profile."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    target_mode = "RGBA" if has_alpha else "RGB"

    profile_bytes = image.info.get("icc_profile")
    if profile_bytes and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            converted = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A broken profile: fall back to a plain conversion rather than refusing.
            pass

    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: scale to 8 bits before converting.
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode != target_mode:
        image = image.convert(target_mode)
    return image


def _clean_pixels(image: Image.Image) -> Image.Image:
    """Upright, sRGB, and a new image made from pixels only: no metadata can ride along."""
    upright = ImageOps.exif_transpose(image) or image
    converted = _to_srgb(upright)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, format=OUTPUT_FORMAT, quality=_WEBP_QUALITY, method=4)
    return ContentFile(buffer.getvalue(), name=f"{name}.{OUTPUT_EXTENSION}")


def encode_display(image: Image.Image, *, max_side: int, name: str = "image") -> ContentFile:
    """A WebP no larger than `max_side` on its longer side (never enlarged), metadata-free."""
    clean = _clean_pixels(image)
    clean.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _encode(clean, name)


def encode_square_thumbnail(
    image: Image.Image, *, size: int, name: str = "thumbnail"
) -> ContentFile:
    """A `size`×`size` WebP cropped from the centre, metadata-free."""
    clean = _clean_pixels(image)
    square = ImageOps.fit(clean, (size, size), Image.Resampling.LANCZOS)
    return _encode(square, name)
