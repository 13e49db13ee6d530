"""The shared upload pipeline: what it refuses, and what it stores."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from community import images
from community.images import encode_display, encode_square_thumbnail, load_image

MB = 1024 * 1024


def _image_bytes(
    fmt: str, size: tuple[int, int] = (64, 32), mode: str = "RGB", **save: Any
) -> bytes:
    colour: dict[str, Any] = {
        "RGB": (200, 30, 30),
        "RGBA": (0, 90, 200, 120),
        "L": 128,
        "CMYK": (0, 0, 0, 0),
    }
    image = Image.new(mode, size, colour.get(mode, 0))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 6  # rotated 90° clockwise when displayed
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (79.0, 58.0, 56.0),
    }
    return _image_bytes("JPEG", size=(64, 32), exif=exif)


def _upload(
    data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _refusal(data: bytes, *, max_bytes: int = 5 * MB, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as error:
        load_image(_upload(data, name), max_bytes=max_bytes)
    return error.value


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header that claims huge dimensions, with a tiny 1-bit body."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# --- What is accepted -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_accepts_jpeg_png_and_webp(fmt: str) -> None:
    image = load_image(_upload(_image_bytes(fmt)), max_bytes=5 * MB)
    assert image.format == fmt
    assert image.size == (64, 32)


def test_it_judges_the_type_by_content_not_by_name_or_content_type() -> None:
    upload = SimpleUploadedFile("holiday.jpg", _image_bytes("PNG"), content_type="image/jpeg")
    assert load_image(upload, max_bytes=5 * MB).format == "PNG"


def test_it_accepts_a_file_exactly_at_the_limit() -> None:
    data = _image_bytes("PNG")
    assert load_image(_upload(data), max_bytes=len(data)).format == "PNG"


# --- What is refused --------------------------------------------------------------------


def test_it_refuses_a_gif_named_jpg_and_says_what_it_is() -> None:
    error = _refusal(_image_bytes("GIF"), name="cat.jpg")
    assert error.code == "wrong_type"
    assert "JPEG, PNG or WebP" in _message(error)
    assert "GIF" in _message(error)


def test_it_refuses_a_text_file_named_jpg() -> None:
    error = _refusal(b"just some words, not a picture\n", name="notes.jpg")
    assert error.code == "wrong_type"
    assert "not an image we can read" in _message(error)


def test_it_refuses_a_pdf() -> None:
    error = _refusal(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", name="scan.png")
    assert error.code == "wrong_type"
    assert "PDF" in _message(error)


def test_it_refuses_an_empty_file() -> None:
    assert _refusal(b"").code == "empty"


def test_it_refuses_an_oversized_file_and_names_the_limit() -> None:
    data = _image_bytes("PNG") + b"\x00" * (5 * MB)
    error = _refusal(data, max_bytes=5 * MB)
    assert error.code == "too_large"
    assert "the limit is 5 MB" in _message(error)


def test_it_refuses_a_truncated_jpeg() -> None:
    data = _image_bytes("JPEG", size=(400, 300), quality=95)
    error = _refusal(data[: len(data) // 2])
    assert error.code == "corrupt"
    assert "damaged or incomplete" in _message(error)


def test_it_refuses_a_truncated_png() -> None:
    data = _image_bytes("PNG", size=(300, 300), mode="RGBA")
    assert _refusal(data[:200], name="a.png").code == "corrupt"


def test_it_refuses_garbage_after_a_valid_signature() -> None:
    data = b"\x89PNG\r\n\x1a\n" + b"\xff" * 200
    assert _refusal(data, name="a.png").code in {"corrupt", "wrong_type"}


def test_it_refuses_a_png_declaring_enormous_dimensions() -> None:
    # 30 000 × 30 000 = 900 megapixels declared in a file of under 100 bytes.
    error = _refusal(_png_declaring(30_000, 30_000), name="bomb.png")
    assert error.code == "decompression_bomb"
    assert "decompression bomb" in _message(error)


def test_it_refuses_a_bomb_under_pillows_own_limit_but_over_ours() -> None:
    # 7 000 × 7 000 = 49 megapixels: Pillow alone would decode it.
    assert Image.MAX_IMAGE_PIXELS is not None
    assert 7_000 * 7_000 < Image.MAX_IMAGE_PIXELS
    assert _refusal(_png_declaring(7_000, 7_000), name="bomb.png").code == "decompression_bomb"


def test_it_refuses_a_real_highly_compressed_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    data = _image_bytes("PNG", size=(1_500, 1_000), mode="L")
    assert len(data) < 20_000  # tiny on disk, 1.5 megapixels decoded
    assert _refusal(data, name="bomb.png").code == "decompression_bomb"


# --- What is stored ---------------------------------------------------------------------


def _decoded(content: ContentFile) -> Image.Image:
    content.seek(0)
    return Image.open(io.BytesIO(content.read()))


def _raw(content: ContentFile) -> bytes:
    content.seek(0)
    return content.read()


def test_a_jpeg_with_gps_exif_leaves_no_exif_in_any_stored_output() -> None:
    source = _jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    image = load_image(_upload(source), max_bytes=5 * MB)
    outputs = [
        encode_display(image, max_side=1600),
        encode_square_thumbnail(image, size=256),
        encode_square_thumbnail(image, size=64),
    ]
    for output in outputs:
        stored = _decoded(output)
        assert stored.format == "WEBP"
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info and "xmp" not in stored.info
        assert "icc_profile" not in stored.info
        raw = _raw(output)
        # No EXIF, XMP or ICC chunk in the RIFF container, and no trace of the camera or GPS.
        for marker in (b"EXIF", b"XMP ", b"ICCP", b"Exif", b"PhoneCo", b"GPS"):
            assert marker not in raw


def test_it_applies_the_exif_orientation_before_dropping_it() -> None:
    image = load_image(_upload(_jpeg_with_gps()), max_bytes=5 * MB)
    # Stored 64 wide × 32 high with "rotate 90°": displayed (and stored) 32 × 64.
    assert _decoded(encode_display(image, max_side=1600)).size == (32, 64)


def test_display_version_is_shrunk_to_max_side_and_never_enlarged() -> None:
    big = load_image(_upload(_image_bytes("PNG", size=(2000, 1000))), max_bytes=5 * MB)
    assert _decoded(encode_display(big, max_side=800)).size == (800, 400)
    small = load_image(_upload(_image_bytes("PNG", size=(300, 200))), max_bytes=5 * MB)
    assert _decoded(encode_display(small, max_side=800)).size == (300, 200)


def test_thumbnails_are_square_at_the_asked_size() -> None:
    image = load_image(_upload(_image_bytes("JPEG", size=(300, 100))), max_bytes=5 * MB)
    assert _decoded(encode_square_thumbnail(image, size=96)).size == (96, 96)


@pytest.mark.parametrize(
    ("mode", "fmt", "expected"),
    [
        ("RGBA", "PNG", "RGBA"),
        ("L", "PNG", "RGB"),
        ("CMYK", "JPEG", "RGB"),
        ("P", "PNG", "RGB"),
        ("LA", "PNG", "RGBA"),
    ],
)
def test_it_converts_every_mode_to_rgb_or_rgba(mode: str, fmt: str, expected: str) -> None:
    image = load_image(_upload(_image_bytes(fmt, mode=mode)), max_bytes=5 * MB)
    assert _decoded(encode_square_thumbnail(image, size=32)).mode == expected


def test_output_names_carry_the_webp_extension() -> None:
    image = load_image(_upload(_image_bytes("PNG")), max_bytes=5 * MB)
    assert encode_square_thumbnail(image, size=32, name="avatar-64").name == "avatar-64.webp"
