from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from moderation.models import PrivacyOverride, Report
from moderation.services import (
    AlreadyReported,
    file_report,
    has_open_report,
    record_privacy_override,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_files_one_open_report_per_item() -> None:
    reporter, author = UserFactory(), UserFactory()
    file_report(reporter=reporter, target=author, reason="spam")
    with pytest.raises(AlreadyReported):
        file_report(reporter=reporter, target=author, reason="harassment")
    assert Report.objects.count() == 1
    assert has_open_report(reporter=reporter, target=author)


def test_other_needs_a_note() -> None:
    with pytest.raises(ValidationError, match="Tell us what is wrong"):
        file_report(reporter=UserFactory(), target=UserFactory(), reason="other", note="  ")


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(ValidationError):
        file_report(reporter=UserFactory(), target=UserFactory(), reason="boring")
    assert not Report.objects.exists()


@dataclass
class _Finding:
    kind: str
    text: str


def test_a_privacy_override_records_the_kinds_confirmed() -> None:
    author = UserFactory()
    override = record_privacy_override(
        author=author,
        target=author,
        findings=[_Finding("date", "3/4/2020"), _Finding("name", "Ann"), _Finding("date", "x")],
    )
    assert override is not None
    assert override.kinds == ["date", "name"]
    assert record_privacy_override(author=author, target=author, findings=[]) is None
    assert PrivacyOverride.objects.count() == 1
