"""Messages that count things say "1 request" and "2 requests", never "request(s)"."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tests.moderation.factories import pending_verification, reported_post
from tests.moderation.test_panel_actions import _bulk

pytestmark = pytest.mark.django_db


def _said(response: Any) -> list[str]:
    """The messages waiting for the moderator, the response's own last."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_approving_one_request_or_two_is_counted_in_words(moderator_client: Client) -> None:
    url = reverse("admin:accounts_verificationrequest_changelist")
    one = _bulk(moderator_client, url, "approve", [pending_verification()], apply="yes")
    assert _said(one) == ["Approved 1 request."]
    two = [pending_verification(), pending_verification()]
    assert _said(_bulk(moderator_client, url, "approve", two, apply="yes"))[-1] == (
        "Approved 2 requests."
    )


def test_a_bulk_decision_on_reported_items_counts_them_in_words(moderator_client: Client) -> None:
    url = reverse("admin:moderation_reportcase_changelist")
    one = _bulk(
        moderator_client, url, "dismiss_cases", [reported_post()[1]], apply="yes", reason="Fine"
    )
    assert _said(one) == ["Dismiss the reports: done for 1 item."]
    cases = [reported_post()[1], reported_post()[1]]
    two = _bulk(moderator_client, url, "dismiss_cases", cases, apply="yes", reason="Fine")
    assert _said(two)[-1] == "Dismiss the reports: done for 2 items."
