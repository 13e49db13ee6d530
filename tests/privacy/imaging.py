"""Images for the image-guard tests: a face photo, a radiograph with a burned-in name, and
a fake scanner that reports marker-coloured areas, so the rules are tested without OCR."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from privacy.images import Box, ImageFinding
from privacy.phi import HIGH, LOW

HERE = Path(__file__).resolve().parent / "images"
FACE_PHOTO = HERE / "astronaut-face.jpg"

# The fake scanner reports an area of exactly these colours as these findings.
FACE_MARK = (255, 0, 255)  # a "face", high confidence
DATE_MARK = (0, 255, 255)  # a "date", low confidence


def face_photo() -> Image.Image:
    with Image.open(FACE_PHOTO) as image:
        return image.convert("RGB")


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def radiograph(name: str = "DOE, JANE", size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A grey 'chest film' with the patient's name burned in white on the top-left corner."""
    image = Image.new("L", size, 0)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 120, 650, 560), fill=90)
    draw.ellipse((230, 180, 390, 500), fill=40)
    draw.ellipse((410, 180, 570, 500), fill=40)
    draw.text((20, 16), name, fill=255, font=font(36))
    return image.convert("RGB")


def marked(size: tuple[int, int] = (400, 300), **marks: tuple[int, int, int, int]) -> Image.Image:
    """A plain image with marker rectangles: face=(x, y, w, h), date=(x, y, w, h)."""
    image = Image.new("RGB", size, (120, 130, 140))
    draw = ImageDraw.Draw(image)
    for kind, (x, y, w, h) in marks.items():
        colour = FACE_MARK if kind == "face" else DATE_MARK
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=colour)
    return image


def fake_scan(
    image: Image.Image, *, progress: Callable[[str, float], None] | None = None
) -> list[ImageFinding]:
    """Findings where the marker colours are (within a few levels, as WebP shifts them)."""
    if progress:
        progress("Looking for faces", 0.3)
        progress("Reading text", 0.7)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    found = []
    for colour, kind, confidence in ((FACE_MARK, "face", HIGH), (DATE_MARK, "date", LOW)):
        near = np.abs(pixels - np.array(colour)).sum(axis=2) < 24
        if near.sum() < 20:
            continue
        ys, xs = np.nonzero(near)
        box = Box(
            int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)
        )
        found.append(ImageFinding(kind, box, "" if kind == "face" else "12 Mar", confidence))
    return found


def upload(image: Image.Image, name: str = "image.png", fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def dicom_bytes(pixels: np.ndarray, *, patient: str = "DOE^JANE") -> bytes:
    """A small DICOM Part 10 file with a patient name tag and 16-bit pixels."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = FileDataset("x.dcm", {}, file_meta=meta, preamble=b"\0" * 128)
    dataset.SOPClassUID = meta.MediaStorageSOPClassUID
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    dataset.PatientName = patient
    dataset.PatientID = "MRN-0042"
    dataset.Modality = "CR"
    dataset.Rows, dataset.Columns = pixels.shape
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.BitsAllocated = 16
    dataset.BitsStored = 16
    dataset.HighBit = 15
    dataset.PixelRepresentation = 0
    dataset.PixelData = pixels.astype("<u2").tobytes()
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def files_under(root: Path) -> Iterator[Path]:
    return (path for path in root.rglob("*") if path.is_file())
