"""privacy.dicom: DICOM files to plain 8-bit images, pixels only."""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageDraw
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    JPEGBaseline8Bit,
    JPEGLSLossless,
    SecondaryCaptureImageStorage,
    generate_uid,
)

from privacy.dicom import dicom_to_image
from privacy.images import find_phi_in_image
from tests.privacy.images.synthetic import font, radiograph


def dicom_bytes(
    pixels: np.ndarray[Any, Any] | None,
    *,
    photometric: str = "MONOCHROME2",
    syntax: UID = ExplicitVRLittleEndian,
    pixel_data: bytes | None = None,
    **tags: Any,
) -> bytes:
    """A DICOM Part 10 file around `pixels` (rows x columns [x 3], or frames x rows x
    columns), with identifying tags that must not survive."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = syntax
    dataset = FileDataset("test.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    dataset.SOPClassUID = SecondaryCaptureImageStorage
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    dataset.PatientName = "DOE^JANE"
    dataset.PatientID = "MRN-4471823"
    dataset.PatientBirthDate = "19500102"
    dataset.InstitutionName = "St Elsewhere"
    dataset.Modality = "CR"
    if pixels is not None:
        frames = pixels.shape[0] if pixels.ndim == 3 and photometric.startswith("MONO") else 1
        rows, columns = pixels.shape[-2:] if frames > 1 else pixels.shape[:2]
        dataset.Rows, dataset.Columns = rows, columns
        dataset.SamplesPerPixel = 1 if photometric.startswith("MONO") else 3
        dataset.PhotometricInterpretation = photometric
        bits = pixels.dtype.itemsize * 8
        dataset.BitsAllocated = bits
        dataset.BitsStored = bits
        dataset.HighBit = bits - 1
        dataset.PixelRepresentation = 1 if pixels.dtype.kind == "i" else 0
        if dataset.SamplesPerPixel == 3:
            dataset.PlanarConfiguration = 0
        if frames > 1:
            dataset.NumberOfFrames = frames
        dataset.PixelData = pixel_data if pixel_data is not None else pixels.tobytes()
    for keyword, value in tags.items():
        setattr(dataset, keyword, value)
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        dicom_to_image(io.BytesIO(data))
    return caught.value


def test_greyscale_image_keeps_pixels_and_no_tags() -> None:
    pixels = np.tile(np.arange(0, 256, dtype=np.uint8), (64, 1))
    image = dicom_to_image(io.BytesIO(dicom_bytes(pixels, WindowCenter=127.5, WindowWidth=256)))
    assert image.mode == "L"
    assert image.size == (256, 64)
    assert image.info == {}
    row = np.asarray(image)[0]
    assert row[0] < 3 and row[-1] > 252
    assert np.all(np.diff(row.astype(int)) >= 0)


def test_sixteen_bit_rescale_and_window_from_the_file() -> None:
    # Stored 0..4000, slope 1, intercept -1024: Hounsfield -1024..2976. A window centred
    # on 40 and 400 wide shows -160 (black) to 240 (white).
    stored = np.array([[0, 864, 1064, 1264, 4000]], dtype=np.uint16).repeat(4, axis=0)
    data = dicom_bytes(
        stored,
        RescaleSlope=1,
        RescaleIntercept=-1024,
        WindowCenter=[40, 300],
        WindowWidth=[400, 1500],
    )
    row = np.asarray(dicom_to_image(io.BytesIO(data)))[0]
    assert row[0] == 0 and row[1] == 0  # air, and exactly the bottom of the window
    assert 120 <= row[2] <= 135  # 40 HU, the centre
    assert row[3] == 255 and row[4] == 255


def test_without_a_window_the_percentiles_fill_the_range() -> None:
    stored = np.linspace(1000, 3000, 200 * 50, dtype=np.uint16).reshape(50, 200)
    values = np.asarray(dicom_to_image(io.BytesIO(dicom_bytes(stored))))
    assert values.min() == 0 and values.max() == 255


def test_monochrome1_is_inverted() -> None:
    pixels = np.zeros((32, 32), dtype=np.uint8)
    pixels[:, 16:] = 200
    image = dicom_to_image(io.BytesIO(dicom_bytes(pixels, photometric="MONOCHROME1")))
    values = np.asarray(image)
    assert values[0, 0] == 255 and values[0, 31] == 0


def test_rgb_image() -> None:
    pixels = np.zeros((20, 30, 3), dtype=np.uint8)
    pixels[..., 0] = 220
    image = dicom_to_image(io.BytesIO(dicom_bytes(pixels, photometric="RGB")))
    assert image.mode == "RGB" and image.size == (30, 20)
    assert image.getpixel((5, 5)) == (220, 0, 0)


def test_multi_frame_gives_the_first_frame() -> None:
    frames = np.zeros((3, 16, 16), dtype=np.uint8)
    frames[0] = 255
    frames[0, :, :8] = 0
    values = np.asarray(dicom_to_image(io.BytesIO(dicom_bytes(frames))))
    assert values.shape == (16, 16)
    assert values[0, 0] == 0 and values[0, 15] == 255


def test_burned_in_text_is_found_and_tags_are_not_returned() -> None:
    picture = radiograph(768, 768, seed=11)
    draw = ImageDraw.Draw(picture)
    draw.text((16, 14), "SMITH, JOHN", font=font(22, mono=True), fill=235)
    draw.text((16, 44), "DOB 03/04/1931", font=font(20, mono=True), fill=235)
    data = dicom_bytes(np.asarray(picture), WindowCenter=128, WindowWidth=256)

    findings = find_phi_in_image(io.BytesIO(data))

    by_kind = {finding.kind: finding for finding in findings}
    assert by_kind["name"].text == "SMITH, JOHN"
    assert by_kind["name"].box.y < 60 and by_kind["name"].box.x < 40
    assert by_kind["date"].text == "03/04/1931"
    assert all("DOE" not in finding.text for finding in findings)  # the tag, not the pixels


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 200, id="png-header"),
        pytest.param(b"\0" * 128 + b"DICM" + b"\xff" * 300, id="garbage-after-marker"),
        pytest.param(b"\0" * 128 + b"DICM", id="marker-only"),
    ],
)
def test_malformed_files_are_refused_with_a_message(data: bytes) -> None:
    error = refusal(data)
    assert "DICOM" in error.messages[0]


def test_truncated_file_is_refused() -> None:
    data = dicom_bytes(np.full((128, 128), 100, dtype=np.uint16))
    error = refusal(data[: len(data) - 5000])
    assert error.code == "corrupt"
    assert "incomplete" in error.messages[0]


def test_huge_rows_and_columns_are_refused_without_allocating() -> None:
    data = dicom_bytes(
        np.zeros((8, 8), dtype=np.uint8), Rows=10_000, Columns=10_000, pixel_data=b"\0" * 64
    )
    tracemalloc.start()
    try:
        error = refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "decompression_bomb"
    assert "40 megapixels" in error.messages[0]
    assert peak < 5_000_000  # the 100-megapixel image was never decoded


def test_jpeg_compressed_dicom_is_decoded() -> None:
    picture = np.zeros((64, 96), dtype=np.uint8)
    picture[:, 48:] = 200
    jpeg = io.BytesIO()
    Image.fromarray(picture, "L").save(jpeg, format="JPEG", quality=95)
    data = dicom_bytes(
        picture,
        syntax=JPEGBaseline8Bit,
        pixel_data=encapsulate([jpeg.getvalue()]),
        WindowCenter=127.5,
        WindowWidth=256,
    )
    values = np.asarray(dicom_to_image(io.BytesIO(data)))
    assert values.shape == (64, 96)
    assert values[10, 10] < 10 and abs(int(values[10, 80]) - 200) < 10


def test_compression_without_a_decoder_is_refused_clearly() -> None:
    data = dicom_bytes(
        np.zeros((8, 8), dtype=np.uint8),
        syntax=JPEGLSLossless,
        pixel_data=encapsulate([b"\xff\xd8\xff\xf7" + b"\0" * 20 + b"\xff\xd9"]),
    )
    error = refusal(data)
    assert error.code == "unsupported_compression"
    assert "JPEG-LS" in error.messages[0] and "uncompressed" in error.messages[0]


def test_palette_colour_and_missing_pixels_are_refused() -> None:
    palette = refusal(dicom_bytes(np.zeros((8, 8), dtype=np.uint8), photometric="PALETTE COLOR"))
    assert "PALETTE COLOR" in palette.messages[0]
    assert "no image" in refusal(dicom_bytes(None)).messages[0]


def test_find_phi_in_image_sniffs_dicom_by_content() -> None:
    data = dicom_bytes(np.full((64, 64), 30, dtype=np.uint8))
    assert find_phi_in_image(io.BytesIO(data)) == []
    with pytest.raises(ValidationError) as caught:
        find_phi_in_image(io.BytesIO(data[:300]))
    assert "DICOM" in caught.value.messages[0]


def test_pixels_from_dicom_make_a_png() -> None:
    image = dicom_to_image(io.BytesIO(dicom_bytes(np.full((10, 10), 7, dtype=np.uint16))))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert Image.open(io.BytesIO(buffer.getvalue())).size == (10, 10)
