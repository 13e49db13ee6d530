"""The system check that tells an operator the image guard's OCR is missing."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

from privacy import checks


def test_no_warning_when_tesseract_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks.shutil, "which", lambda command: f"/usr/bin/{command}")
    assert [m for m in run_checks() if m.id == "privacy.W001"] == []


def test_a_missing_tesseract_is_a_warning_naming_the_consequence_and_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(checks.shutil, "which", lambda command: None)
    (warning,) = [m for m in run_checks() if m.id == "privacy.W001"]
    assert "posts with images will be refused" in warning.msg
    assert "apt-get install tesseract-ocr" in (warning.hint or "")
