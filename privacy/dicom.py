"""DICOM files to plain images: pixels only, every tag left behind.

``dicom_to_image(data)`` reads a DICOM file (Part 10, with the "DICM" marker; never
guessed with ``force``), checks what it claims before decoding anything (one greyscale or
colour image of sane size, a transfer syntax we can decode), decodes the first frame,
and turns it into an 8-bit Pillow image the way a viewer shows it:

1. the Modality LUT (Rescale Slope and Intercept) turns stored values into real units,
   for CT Hounsfield units;
2. the VOI window (Window Center and Width, the first pair when there are several) maps
   that range to black..white; without one, the 0.5th to 99.5th percentile is used;
3. MONOCHROME1 (where higher values are darker) is inverted.

The result is a new image made from the pixel array: patient name, IDs, dates and every
other tag stay in the DICOM file, which is not kept. Text burned into the pixels is
still there; that is what ``privacy.images.scan_image`` looks for.
"""

from __future__ import annotations

import io
import warnings
from typing import IO, Final

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from PIL import Image
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.pixels import apply_modality_lut
from pydicom.pixels.decoders.base import get_decoder

from community.images import MAX_PIXELS, format_megabytes

__all__ = ["MAX_DICOM_BYTES", "dicom_to_image"]

# A digital radiograph is up to about 30 MB (3000 x 3000 x 16 bits, a few frames for some
# modalities); more than this is not one picture worth showing in a post.
MAX_DICOM_BYTES: Final = 64 * 1024 * 1024

_GREY: Final = ("MONOCHROME1", "MONOCHROME2")
_COLOUR: Final = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_RCT", "YBR_ICT")


def dicom_to_image(data: IO[bytes]) -> Image.Image:
    """The first frame of a DICOM file as an 8-bit greyscale ("L") or "RGB" image, with no
    metadata. Raises ValidationError saying why when the file can't be shown."""
    data.seek(0)
    raw = data.read(MAX_DICOM_BYTES + 1)
    if not isinstance(raw, bytes):
        raise ValidationError("Expected a file opened in binary mode.", code="wrong_type")
    if len(raw) > MAX_DICOM_BYTES:
        raise ValidationError(
            "This DICOM file is over %(limit)s. Export the one image you want to share.",
            code="too_large",
            params={"limit": format_megabytes(MAX_DICOM_BYTES)},
        )
    try:
        with warnings.catch_warnings():
            # pydicom warns about each oddity of a damaged file before it gives up.
            warnings.simplefilter("ignore")
            dataset = dcmread(io.BytesIO(raw), force=False)
    except InvalidDicomError as error:
        raise _unreadable() from error
    except Exception as error:
        # Malformed or truncated headers raise many exception types inside pydicom.
        raise _unreadable() from error

    _check_header(dataset)
    try:
        dataset.pixel_array_options(index=0)
        pixels = dataset.pixel_array
    except Exception as error:
        raise ValidationError(
            "The image in this DICOM file is damaged or incomplete and can't be read.",
            code="corrupt",
        ) from error
    return _to_image(dataset, pixels)


def _unreadable() -> ValidationError:
    return ValidationError(
        "This file is not a DICOM file we can read (it may be damaged or incomplete).",
        code="unreadable",
    )


def _int(dataset: Dataset, keyword: str, default: int | None = None) -> int:
    try:
        value = dataset.get(keyword, default)
        if value is None:
            raise ValueError(keyword)
        return int(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            "This DICOM file has no image we can read (%(tag)s is missing or invalid).",
            code="no_image",
            params={"tag": keyword},
        ) from error


def _check_header(dataset: Dataset) -> None:
    """Refuse, from the header alone, what we won't decode: no allocation happens here."""
    if "PixelData" not in dataset:
        raise ValidationError(
            "This DICOM file holds no image (it may be a report or a structured document).",
            code="no_image",
        )
    photometric = str(dataset.get("PhotometricInterpretation", "")).strip().upper()
    samples = _int(dataset, "SamplesPerPixel", 1)
    if not ((photometric in _GREY and samples == 1) or (photometric in _COLOUR and samples == 3)):
        raise ValidationError(
            "This DICOM image is stored as %(kind)s; we read greyscale and RGB images only.",
            code="unsupported",
            params={"kind": photometric or "an unknown colour model"},
        )
    rows, columns = _int(dataset, "Rows"), _int(dataset, "Columns")
    bits = _int(dataset, "BitsAllocated")
    if rows < 1 or columns < 1 or bits not in (1, 8, 16, 32):
        raise _unreadable()
    if rows * columns > MAX_PIXELS:
        raise ValidationError(
            "This DICOM image is too large in pixels (more than %(megapixels)s megapixels).",
            code="decompression_bomb",
            params={"megapixels": MAX_PIXELS // 1_000_000},
        )
    frames = _int(dataset, "NumberOfFrames", 1) if "NumberOfFrames" in dataset else 1
    if frames < 1:
        raise _unreadable()

    meta = getattr(dataset, "file_meta", None)
    syntax = meta.get("TransferSyntaxUID") if meta is not None else None
    if syntax is None:
        raise _unreadable()
    try:
        available = get_decoder(syntax).is_available
    except (NotImplementedError, ValueError):
        available = False
    if not available:
        raise ValidationError(
            "This DICOM image is compressed as %(syntax)s, which we can't decode. Export it "
            "uncompressed (or as PNG) and upload it again.",
            code="unsupported_compression",
            params={"syntax": getattr(syntax, "name", str(syntax))},
        )
    if not syntax.is_compressed:
        expected = rows * columns * samples * max(1, bits // 8)
        if len(dataset.PixelData) < expected:
            raise ValidationError(
                "The image in this DICOM file is incomplete (the file is cut short).",
                code="corrupt",
            )


def _first_value(dataset: Dataset, keyword: str) -> float | None:
    value = dataset.get(keyword)
    if value is None:
        return None
    try:
        if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
            return float(value)
        return float(value[0]) if len(value) else None
    except (TypeError, ValueError):
        return None


def _to_image(dataset: Dataset, pixels: npt.NDArray[np.generic]) -> Image.Image:
    photometric = str(dataset.PhotometricInterpretation).strip().upper()
    if photometric in _COLOUR:
        colour = np.asarray(pixels)
        if colour.ndim == 4:  # all frames came back despite the index
            colour = colour[0]
        if colour.dtype != np.uint8:
            top = float(colour.max()) or 1.0
            colour = (colour.astype(np.float32) * (255.0 / top)).astype(np.uint8)
        return Image.fromarray(np.ascontiguousarray(colour), "RGB")

    grey = np.asarray(pixels)
    if grey.ndim == 3:
        grey = grey[0]
    values = np.asarray(apply_modality_lut(grey, dataset), dtype=np.float64)
    centre = _first_value(dataset, "WindowCenter")
    width = _first_value(dataset, "WindowWidth")
    if centre is not None and width is not None and width >= 1:
        low, high = centre - width / 2, centre + width / 2
    else:
        low, high = (float(v) for v in np.percentile(values, (0.5, 99.5)))
    if high <= low:
        high = low + 1
    scaled = np.rint(np.clip((values - low) * (255.0 / (high - low)), 0, 255)).astype(np.uint8)
    if photometric == "MONOCHROME1":
        scaled = 255 - scaled
    return Image.fromarray(np.ascontiguousarray(scaled), "L")
