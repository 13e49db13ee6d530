"""Recording a confirmation past the guard's findings, for moderators to review."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from privacy.models import PrivacyOverride
from privacy.services import record_privacy_override
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class _Finding:
    kind: str
    text: str


@dataclass
class _Box:
    x: int
    y: int
    width: int
    height: int


@dataclass
class _ImageFinding:
    kind: str
    box: _Box
    text: str


def test_a_privacy_override_records_the_kinds_confirmed() -> None:
    author = UserFactory.create()
    override = record_privacy_override(
        author=author,
        target=author,
        findings=[_Finding("date", "3/4/2020"), _Finding("name", "Ann"), _Finding("date", "x")],
    )
    assert override is not None
    assert override.kinds == ["date", "name"]
    assert override.excerpts == ["3/4/2020", "Ann", "x"]
    assert override.boxes == []
    assert record_privacy_override(author=author, target=author, findings=[]) is None
    assert PrivacyOverride.objects.count() == 1


def test_an_image_override_records_where_each_finding_was() -> None:
    author = UserFactory.create()
    override = record_privacy_override(
        author=author,
        target=author,
        findings=[
            _ImageFinding("face", _Box(10, 20, 30, 40), ""),
            _ImageFinding("name", _Box(1, 2, 3, 4), "Ann Lee"),
        ],
    )
    assert override is not None
    override.refresh_from_db()
    assert override.kinds == ["face", "name"]
    # A face has no text to quote: only what was read is an excerpt.
    assert override.excerpts == ["Ann Lee"]
    assert override.boxes == [
        {"kind": "face", "x": 10, "y": 20, "width": 30, "height": 40},
        {"kind": "name", "x": 1, "y": 2, "width": 3, "height": 4},
    ]


def test_long_and_many_findings_are_kept_short() -> None:
    author = UserFactory.create()
    override = record_privacy_override(
        author=author, target=author, findings=[_Finding("name", "A" * 500)] * 30
    )
    assert override is not None
    assert len(override.excerpts) == 20
    assert {len(text) for text in override.excerpts} == {200}
