"""System checks for what the privacy guard needs outside Python."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning

TESSERACT_COMMAND = "tesseract"


def tesseract_is_installed(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Without Tesseract, text in images cannot be read, so image uploads are refused."""
    if shutil.which(TESSERACT_COMMAND) is not None:
        return []
    return [
        Warning(
            "Tesseract OCR is not installed: text burned into images cannot be checked, so "
            "posts with images will be refused.",
            hint="Install it (Debian: apt-get install tesseract-ocr tesseract-ocr-eng).",
            id="privacy.W001",
        )
    ]
