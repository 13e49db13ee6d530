"""A site moderator opening a reported mentorship is written to the audit log.

The one read the site records ("break the glass"): who opened which mentorship, when, and
the open report that let them in. Once per (moderator, mentorship, report), however often
they open it, so the record costs one query on later visits. The pair reading their own
mentorship, and anyone refused, leave nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.models import Mentorship, Message
from moderation.models import ActionKind, AuditEntry, Report, ReportStatus
from moderation.services import file_report, record_reported_mentorship_opened
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.conftest import warm_rail
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentorship
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _mentorship_moderator() -> User:
    """A moderator who may read reported mentorships (the permission is granted apart)."""
    moderator = make_moderator()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    return User.objects.get(pk=moderator.pk)


def _signed_in_with_code(user: User) -> Client:
    client = Client()
    sign_in_with_two_factor(client, user)
    return client


def _message(mentorship: Mentorship, body: str = "Call me on my own number") -> Message:
    return Message.objects.create(mentorship=mentorship, sender=mentorship.mentor, body=body)


def _report(message: Message, *, by_mentor: bool = False) -> Report:
    reporter = message.mentorship.mentor if by_mentor else message.mentorship.mentee
    return file_report(reporter=reporter, target=message, reason="harassment")


def _open(client: Client, mentorship: Mentorship) -> int:
    return client.get(mentorship.get_absolute_url()).status_code


@pytest.fixture
def mentorship() -> Mentorship:
    return make_mentorship()


def test_opening_records_who_which_mentorship_when_and_the_report(
    mentorship: Mentorship,
) -> None:
    message = _message(mentorship)
    reported = _report(message)
    moderator = _mentorship_moderator()
    page = _signed_in_with_code(moderator).get(mentorship.get_absolute_url())
    assert page.status_code == 200
    assert b"the audit log records that you opened it" in page.content
    entry = AuditEntry.objects.get()
    assert entry.actor_id == moderator.pk
    assert entry.actor_label == f"{moderator.display_name} <{moderator.email}>"
    assert timezone.now() - entry.created_at < timedelta(minutes=5)
    assert entry.action == ActionKind.OPEN_REPORTED_MENTORSHIP
    assert entry.get_action_display() == "Open reported mentorship"
    assert entry.target_type == ContentType.objects.get_for_model(Mentorship)
    assert entry.target_id == mentorship.pk
    assert entry.target_label == (
        f"Mentorship of @{mentorship.mentor.handle} and @{mentorship.mentee.handle}"
    )
    assert entry.reason == f"Open report {reported.pk}: Harassment"
    assert entry.before == {}
    assert entry.after == {"report": reported.pk, "reason": "harassment", "message": message.pk}


def test_opening_again_writes_nothing_more(mentorship: Mentorship) -> None:
    _report(_message(mentorship))
    client = _signed_in_with_code(_mentorship_moderator())
    earlier = reverse("mentoring:messages", args=[mentorship.pk])
    for _ in range(3):
        assert _open(client, mentorship) == 200
        assert client.get(earlier, **HTMX).status_code == 200
    assert AuditEntry.objects.count() == 1


def test_a_head_request_counts_as_an_opening(mentorship: Mentorship) -> None:
    # HEAD is answered as GET (HeadAsGetMiddleware): the page is rendered, so it is recorded.
    _report(_message(mentorship))
    client = _signed_in_with_code(_mentorship_moderator())
    response = client.head(mentorship.get_absolute_url())
    assert (response.status_code, response.content) == (200, b"")
    assert AuditEntry.objects.get().action == ActionKind.OPEN_REPORTED_MENTORSHIP


def test_the_earlier_messages_alone_are_recorded_too(mentorship: Mentorship) -> None:
    _report(_message(mentorship))
    client = _signed_in_with_code(_mentorship_moderator())
    assert (
        client.get(reverse("mentoring:messages", args=[mentorship.pk]), **HTMX).status_code == 200
    )
    assert AuditEntry.objects.get().action == ActionKind.OPEN_REPORTED_MENTORSHIP


def test_each_report_and_each_moderator_is_recorded_once(mentorship: Mentorship) -> None:
    first = _report(_message(mentorship))
    moderator = _mentorship_moderator()
    client = _signed_in_with_code(moderator)
    _open(client, mentorship)
    second = _report(_message(mentorship, "And again"), by_mentor=False)
    _open(client, mentorship)
    _open(client, mentorship)
    assert list(
        AuditEntry.objects.filter(actor_id=moderator.pk)
        .order_by("id")
        .values_list("after__report", flat=True)
    ) == [first.pk, second.pk]
    colleague = _mentorship_moderator()
    _open(_signed_in_with_code(colleague), mentorship)
    assert AuditEntry.objects.filter(actor_id=colleague.pk).count() == 2


def test_a_new_report_after_the_last_one_closed_is_recorded(mentorship: Mentorship) -> None:
    message = _message(mentorship)
    closed = _report(message)
    client = _signed_in_with_code(_mentorship_moderator())
    _open(client, mentorship)
    Report.objects.filter(pk=closed.pk).update(status=ReportStatus.DISMISSED)
    assert _open(client, mentorship) == 404
    reopened = _report(message, by_mentor=False)
    assert _open(client, mentorship) == 200
    assert list(AuditEntry.objects.order_by("id").values_list("after__report", flat=True)) == [
        closed.pk,
        reopened.pk,
    ]


def _staff_without_a_code() -> Client:
    staff = _mentorship_moderator()
    client = Client()
    client.force_login(staff)  # an app, but this session gave no code from it
    return client


def _staff_without_the_permission() -> Client:
    staff = ModeratorFactory.create()
    give_totp(staff)
    return _signed_in_with_code(User.objects.get(pk=staff.pk))


@pytest.mark.parametrize(
    ("reader", "status"),
    [
        ("mentor", 200),
        ("mentee", 200),
        ("member", 404),
        ("staff_without_a_code", 404),
        ("staff_without_the_permission", 404),
    ],
)
def test_nobody_else_leaves_an_entry(mentorship: Mentorship, reader: str, status: int) -> None:
    _report(_message(mentorship))
    clients: dict[str, Callable[[], Client]] = {
        "mentor": lambda: _signed_in_with_code(mentorship.mentor),
        "mentee": lambda: _signed_in_with_code(mentorship.mentee),
        "member": lambda: _signed_in_with_code(UserFactory.create()),
        "staff_without_a_code": _staff_without_a_code,
        "staff_without_the_permission": _staff_without_the_permission,
    }
    client = clients[reader]()
    assert _open(client, mentorship) == status
    earlier = client.get(reverse("mentoring:messages", args=[mentorship.pk]), **HTMX)
    assert earlier.status_code == status
    assert not AuditEntry.objects.exists()


def test_a_moderator_refused_a_write_leaves_no_entry(mentorship: Mentorship) -> None:
    _report(_message(mentorship))
    client = _signed_in_with_code(_mentorship_moderator())
    response = client.post(
        reverse("mentoring:send_message", args=[mentorship.pk]), {"body": "Hello"}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_panels_case_page_is_not_recorded(mentorship: Mentorship) -> None:
    # The case page shows the reported message with the ten before it, as every reported
    # item is shown in context; only opening the mentorship itself is recorded.
    reported = _report(_message(mentorship))
    client = _signed_in_with_code(_mentorship_moderator())
    case_page = client.get(reverse("admin:moderation_reportcase_change", args=[reported.case_id]))
    assert case_page.status_code == 200
    assert b"Call me on my own number" in case_page.content
    assert not AuditEntry.objects.exists()


def test_the_database_keeps_one_entry_per_key(mentorship: Mentorship) -> None:
    # Two requests racing past the service's look-up both insert: the unique key keeps one.
    reported = _report(_message(mentorship))
    moderator = _mentorship_moderator()
    record_reported_mentorship_opened(
        moderator=moderator, mentorship=mentorship, reports=[reported]
    )
    entry = AuditEntry.objects.get()
    assert entry.idempotency_key is not None
    duplicate = {
        field: getattr(entry, field)
        for field in ("actor_id", "actor_label", "action", "target_label", "idempotency_key")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(**duplicate)
    AuditEntry.objects.bulk_create([AuditEntry(**duplicate)], ignore_conflicts=True)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(("messages", "reports"), [(3, 1), (40, 6)])
def test_a_moderators_visits_have_a_fixed_query_count(
    mentorship: Mentorship,
    django_assert_max_num_queries: Callable[..., Any],
    messages: int,
    reports: int,
    session_queries: int,
) -> None:
    sent = [_message(mentorship, f"Message {index}") for index in range(messages)]
    for message in sent[:reports]:
        _report(message)
    client = _signed_in_with_code(_mentorship_moderator())
    warm_rail(client)
    ContentType.objects.get_for_model(Mentorship)  # cached per process, as on a live server
    # The first visit writes its entries in one insert; later ones only look them up.
    with django_assert_max_num_queries(12 + session_queries):
        assert _open(client, mentorship) == 200
    assert AuditEntry.objects.count() == reports
    with django_assert_max_num_queries(11 + session_queries):
        assert _open(client, mentorship) == 200
    assert AuditEntry.objects.count() == reports
