"""The report queue and the dashboard: grouping, order, filters, context, query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.models import ReportCase
from moderation.services import dismiss_case, file_appeal, warn_member
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.factories import (
    make_comment,
    pending_verification,
    privacy_override,
    report,
)
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:moderation_reportcase_changelist"


def test_one_row_per_item_with_its_count_and_reasons(moderator_client: Client) -> None:
    post = PostFactory.create(title="Vaccines cause autism")
    report(post, reason="misinformation", reporters=2)
    report(post, reason="spam")
    html = moderator_client.get(reverse(QUEUE)).content.decode()
    assert html.count("Vaccines cause autism") == 1
    assert "Medical misinformation ×2, Spam ×1" in html
    assert ReportCase.objects.get().open_report_count == 3


def test_most_reported_then_oldest_first(moderator_client: Client) -> None:
    older = PostFactory.create(title="Older single")
    report(older)
    ReportCase.objects.filter(target_id=older.pk).update(
        first_reported_at=timezone.now() - timedelta(days=2)
    )
    newer = PostFactory.create(title="Newer single")
    report(newer)
    popular = PostFactory.create(title="Popular target")
    report(popular, reporters=3)
    html = moderator_client.get(reverse(QUEUE)).content.decode()
    assert html.index("Popular target") < html.index("Older single") < html.index("Newer single")


def test_open_cases_by_default_and_filters(moderator_client: Client) -> None:
    spam_post = PostFactory.create(title="Spam post")
    spam_case = report(spam_post, reason="spam")
    comment = make_comment(body="Rude comment here")
    report(comment, reason="harassment")
    closed = PostFactory.create(title="Closed already")
    dismiss_case(moderator=ModeratorFactory.create(), case=report(closed), reason="fine")

    def listed(query: str = "") -> str:
        return moderator_client.get(reverse(QUEUE) + query).content.decode()

    assert "Spam post" in listed() and "Rude comment here" in listed()
    assert "Closed already" not in listed()
    assert "Closed already" in listed("?status=closed")
    assert "Closed already" in listed("?status=all")
    assert "Rude comment here" not in listed("?reason=spam")
    assert "Spam post" not in listed("?reason=harassment")
    assert "Spam post" not in listed("?kind=comment")
    assert "Rude comment here" in listed("?kind=comment")
    assert spam_case.pk


def test_the_case_page_shows_a_comment_with_its_post_reporters_and_history(
    moderator_client: Client,
) -> None:
    post = PostFactory.create(title="Question about statins")
    comment = make_comment(post=post, body="You are all idiots")
    warn_member(
        moderator=ModeratorFactory.create(), member=comment.author, reason="Earlier rudeness"
    )
    reporter = UserFactory.create(display_name="Careful Reader")
    from moderation.services import file_report

    file_report(reporter=reporter, target=comment, reason="other", note="Insults everyone")
    case = ReportCase.objects.get()
    html = moderator_client.get(
        reverse("admin:moderation_reportcase_change", args=[case.pk])
    ).content.decode()
    assert "Question about statins" in html
    assert "You are all idiots" in html
    assert "Careful Reader" in html and "Insults everyone" in html
    assert "Earlier rudeness" in html
    for label in ["Dismiss the reports", "Remove the item", "Warn the member", "Suspend"]:
        assert label in html
    assert '<label for="id_suspend-reason">' in html
    assert "1 day" in html and "30 days" in html and "Indefinitely" in html


def test_the_case_page_shows_a_profile_with_its_bio(moderator_client: Client) -> None:
    member = UserFactory.create(bio="Miracle cures", bio_html="<p>Miracle cures for sale</p>")
    case = report(member)
    html = moderator_client.get(
        reverse("admin:moderation_reportcase_change", args=[case.pk])
    ).content.decode()
    assert "Miracle cures for sale" in html


def test_a_gone_item_still_has_a_case_page(moderator_client: Client) -> None:
    post = PostFactory.create()
    case = report(post)
    post.delete()
    response = moderator_client.get(reverse("admin:moderation_reportcase_change", args=[case.pk]))
    assert response.status_code == 200
    assert b"no longer exists" in response.content


def _fill(count: int) -> None:
    for index in range(count):
        kind = index % 3
        if kind == 0:
            report(PostFactory.create())
        elif kind == 1:
            report(make_comment())
        else:
            report(UserFactory.create())


@pytest.mark.parametrize("count", [5, 25])
def test_the_queue_runs_a_fixed_number_of_queries(
    moderator_client: Client, django_assert_max_num_queries: Any, count: int, session_queries: int
) -> None:
    _fill(count)
    moderator_client.get(reverse(QUEUE))  # warm the session and content-type caches
    with django_assert_max_num_queries(14):
        response = moderator_client.get(reverse(QUEUE))
    assert response.status_code == 200
    assert response.content.decode().count('class="action-select"') == count


def test_the_dashboard_counts_the_queues(moderator_client: Client) -> None:
    report(PostFactory.create(), reason="spam", reporters=2)
    report(PostFactory.create(), reason="harassment")
    pending_verification()
    privacy_override()
    member = UserFactory.create()
    action = warn_member(moderator=ModeratorFactory.create(), member=member, reason="x")
    file_appeal(member=member, action=action, text="Please")
    html = moderator_client.get(reverse("admin:index")).content.decode()
    assert "Open reports: 3" in html
    assert "Spam</a>: 2" in html and "Harassment</a>: 1" in html
    assert "Pending verifications: 1" in html
    assert "Open appeals: 1" in html
    assert "Privacy overrides to review: 1" in html
    assert "Actions in the last 7 days: 1" in html


@pytest.mark.parametrize("count", [2, 12])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    moderator_client: Client, django_assert_max_num_queries: Any, count: int, session_queries: int
) -> None:
    for _ in range(count):
        report(PostFactory.create(), reason="spam")
        pending_verification()
    moderator_client.get(reverse("admin:index"))
    with django_assert_max_num_queries(12 + session_queries):
        moderator_client.get(reverse("admin:index"))
