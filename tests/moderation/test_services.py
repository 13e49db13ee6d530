from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from moderation.models import Report
from moderation.services import AlreadyReported, file_report, has_open_report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_member_files_one_open_report_per_item() -> None:
    reporter, author = UserFactory.create(), UserFactory.create()
    file_report(reporter=reporter, target=author, reason="spam")
    with pytest.raises(AlreadyReported):
        file_report(reporter=reporter, target=author, reason="harassment")
    assert Report.objects.count() == 1
    assert has_open_report(reporter=reporter, target=author)


def test_other_needs_a_note() -> None:
    with pytest.raises(ValidationError, match="Tell us what is wrong"):
        file_report(
            reporter=UserFactory.create(), target=UserFactory.create(), reason="other", note="  "
        )


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(ValidationError):
        file_report(reporter=UserFactory.create(), target=UserFactory.create(), reason="boring")
    assert not Report.objects.exists()
