"""The live meetings board: each change of a scheduled meeting is announced on the pair's
stream once it commits, and the board answers as a fragment to the pair only, writing
nothing, so the other member's open page follows without a reload."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from accounts.models import User
from community import events
from mentoring import meetings, workflow
from mentoring.models import (
    AvailabilitySlot,
    MeetingStatus,
    Mentorship,
    Message,
    ScheduledMeeting,
)
from moderation.models import AuditEntry, Report
from notifications.models import Notification
from tests.accounts.conftest import give_totp, sign_in_with_two_factor
from tests.factories import ModeratorFactory, PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentor, make_mentorship
from tests.programs.pairs import make_pair

pytestmark = pytest.mark.django_db

Sent = list[tuple[str, str, dict[str, Any]]]


def _free_all_week(*users: User) -> None:
    for user in users:
        for weekday in range(7):
            AvailabilitySlot.objects.create(
                user=user, weekday=weekday, start_time=time(0), end_time=time(23, 59)
            )


def _pair() -> Mentorship:
    mentor = PhysicianFactory.create(time_zone="America/New_York", display_name="Dr. Amara Okafor")
    make_mentor(mentor)
    mentee = UserFactory.create(time_zone="Europe/Paris", display_name="Maya Chen")
    mentorship = make_mentorship(mentor, mentee)
    _free_all_week(mentor, mentee)
    return mentorship


def _details() -> meetings.MeetingDetails:
    return meetings.MeetingDetails(30, "video", video_url="https://meet.example/x")


def _propose(mentorship: Mentorship, index: int = 10) -> ScheduledMeeting:
    return meetings.propose_meeting(
        mentorship=mentorship,
        actor=mentorship.mentee,
        starts_at=meetings.free_starts(mentorship=mentorship, length_minutes=30)[index],
        details=_details(),
    )


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """What reaches the live stream (publish hands it to `send_now` once committed)."""
    recorded: Sent = []

    def record(stream: str, event: str, data: dict[str, Any]) -> None:
        recorded.append((stream, event, data))

    monkeypatch.setattr(events, "send_now", record)
    return recorded


def _meeting_events(sent: Sent) -> Sent:
    return [item for item in sent if item[1] == meetings.MEETINGS_EVENT]


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Announcing each change ----------------------------------------------------------------


def _accept(mentorship: Mentorship, meeting: ScheduledMeeting) -> ScheduledMeeting:
    return meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentor)


def _decline(mentorship: Mentorship, meeting: ScheduledMeeting) -> ScheduledMeeting:
    return meetings.do_decline_meeting(meeting=meeting, actor=mentorship.mentor)


def _move(mentorship: Mentorship, meeting: ScheduledMeeting) -> ScheduledMeeting:
    new_time = meetings.free_starts(mentorship=mentorship, length_minutes=30, exclude=meeting)[-1]
    return meetings.do_reschedule_meeting(
        meeting=meeting, actor=mentorship.mentor, starts_at=new_time, details=_details()
    )


def _cancel(mentorship: Mentorship, meeting: ScheduledMeeting) -> ScheduledMeeting:
    return meetings.do_cancel_meeting(meeting=meeting, actor=mentorship.mentor)


ANSWERS: list[tuple[str, Callable[[Mentorship, ScheduledMeeting], ScheduledMeeting], str]] = [
    ("accept", _accept, MeetingStatus.ACCEPTED),
    ("decline", _decline, MeetingStatus.DECLINED),
    ("move", _move, MeetingStatus.PROPOSED),
    ("cancel", _cancel, MeetingStatus.CANCELLED),
]


def test_a_proposal_is_announced_on_the_pairs_stream_only_once_it_commits(
    sent: Sent, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = _pair()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting = _propose(mentorship)
    assert _meeting_events(sent) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert _meeting_events(sent) == [
        (
            f"mentorship-{mentorship.pk}",
            "meetings",
            {"meeting_id": meeting.pk, "status": "proposed"},
        )
    ]


@pytest.mark.parametrize(("name", "perform", "status"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_each_answer_move_and_cancel_is_announced_with_the_new_status(
    sent: Sent,
    django_capture_on_commit_callbacks: Any,
    name: str,
    perform: Callable[[Mentorship, ScheduledMeeting], ScheduledMeeting],
    status: str,
) -> None:
    mentorship = _pair()
    meeting = _propose(mentorship)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform(mentorship, meeting)
    assert _meeting_events(sent) == [
        (f"mentorship-{mentorship.pk}", "meetings", {"meeting_id": meeting.pk, "status": status})
    ]


def test_a_refused_change_announces_nothing(
    sent: Sent, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = _pair()
    meeting = _propose(mentorship)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # The proposer cannot accept their own time; an outsider cannot cancel it.
        with pytest.raises(workflow.Refused):
            meetings.do_accept_meeting(meeting=meeting, actor=mentorship.mentee)
        with pytest.raises(workflow.Refused):
            meetings.do_cancel_meeting(meeting=meeting, actor=UserFactory.create())
    assert _meeting_events(sent) == []
    assert ScheduledMeeting.objects.get().status == MeetingStatus.PROPOSED


def test_ending_the_mentorship_announces_each_meeting_it_cancels(
    sent: Sent, django_capture_on_commit_callbacks: Any
) -> None:
    mentorship = _pair()
    first, second = _propose(mentorship, 10), _propose(mentorship, 20)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.do_end_mentorship(
            mentorship=mentorship, actor=mentorship.mentor, reason="Moving abroad."
        )
    assert sorted(data["meeting_id"] for _, _, data in _meeting_events(sent)) == sorted(
        [first.pk, second.pk]
    )
    assert {data["status"] for _, _, data in _meeting_events(sent)} == {"cancelled"}


# --- The board as a fragment: who may have it ------------------------------------------


def _board_url(mentorship: Mentorship) -> str:
    return reverse("mentoring:meeting_board", kwargs={"pk": mentorship.pk})


HTMX = {"HX-Request": "true"}


def _moderator(*, with_two_factor: bool) -> tuple[Client, User]:
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="mentoring", codename="view_mentorship")
    )
    client = Client()
    if with_two_factor:
        give_totp(moderator)
        sign_in_with_two_factor(client, User.objects.get(pk=moderator.pk))
    else:
        client.force_login(moderator)
    return client, moderator


def _report(mentorship: Mentorship) -> None:
    message = Message.objects.create(mentorship=mentorship, sender=mentorship.mentee, body="Hi")
    Report.objects.create(
        reporter=mentorship.mentor,
        target_type=ContentType.objects.get_for_model(Message),
        target_id=message.pk,
        reason="harassment",
        status="open",
    )


def test_the_board_answers_the_two_members_with_their_own_view() -> None:
    mentorship = _pair()
    meeting = _propose(mentorship)
    url = _board_url(mentorship)
    assert url == f"/mentoring/mentorships/{mentorship.pk}/meetings/board/"
    answer = reverse(
        "mentoring:accept_meeting", kwargs={"pk": mentorship.pk, "meeting_pk": meeting.pk}
    )
    mentor_view = _login(mentorship.mentor).get(url, headers=HTMX)
    assert mentor_view.status_code == 200
    html = mentor_view.content.decode()
    assert "<html" not in html  # the board alone, not the page
    assert "Waiting for an answer" in html and f'id="scheduled-{meeting.pk}"' in html
    assert meetings.zoned_text(meeting.starts_at, "America/New_York") in html
    assert answer in html  # the mentor answers the mentee's proposal
    assert "HX-Request" in mentor_view["Vary"]
    mentee_view = _login(mentorship.mentee).get(url, headers=HTMX).content.decode()
    assert f'id="scheduled-{meeting.pk}"' in mentee_view
    assert answer not in mentee_view  # the proposer waits for the answer
    assert "Cancel proposal" in mentee_view


def test_the_board_is_a_404_for_everyone_outside_the_pair() -> None:
    pair = make_pair()
    mentorship = pair.mentorship
    _free_all_week(mentorship.mentor, mentorship.mentee)
    _propose(mentorship)
    url = _board_url(mentorship)
    # A visitor is asked to sign in.
    visitor = Client().get(url, headers=HTMX)
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]
    other_pair = _pair()
    other_program = make_pair()
    _report(mentorship)
    moderator, _ = _moderator(with_two_factor=True)
    moderator_without_code, _ = _moderator(with_two_factor=False)
    outsiders = {
        "member": _login(UserFactory.create()),
        "another pair's mentor": _login(other_pair.mentor),
        "another pair's mentee": _login(other_pair.mentee),
        "coordinator of this program": _login(pair.program.created_by),  # type: ignore[arg-type]
        "coordinator of another program": _login(other_program.program.created_by),  # type: ignore[arg-type]
        "moderator with two-factor and an open report": moderator,
        "moderator without two-factor": moderator_without_code,
    }
    for who, client in outsiders.items():
        assert client.get(url, headers=HTMX).status_code == 404, who
    # Asking for the board is not opening the conversation: nothing goes to the audit log.
    assert not AuditEntry.objects.exists()
    # The moderator let into the space by the report reads the page, without the board.
    page = moderator.get(mentorship.get_absolute_url())
    assert page.status_code == 200
    assert url not in page.content.decode()
    # A mentorship that does not exist is the same 404.
    missing = reverse("mentoring:meeting_board", kwargs={"pk": mentorship.pk + 1000})
    assert _login(mentorship.mentor).get(missing, headers=HTMX).status_code == 404


def test_the_board_is_read_only() -> None:
    mentorship = _pair()
    _propose(mentorship)
    client = _login(mentorship.mentor)
    url = _board_url(mentorship)
    assert client.post(url, headers=HTMX).status_code == 405
    counts = (
        ScheduledMeeting.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        Message.objects.filter(read_at__isnull=False).count(),
    )
    assert client.get(url, headers=HTMX).status_code == 200
    assert (
        ScheduledMeeting.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        Message.objects.filter(read_at__isnull=False).count(),
    ) == counts


def test_without_htmx_the_board_address_opens_the_page_at_its_meetings() -> None:
    mentorship = _pair()
    response = _login(mentorship.mentee).get(_board_url(mentorship))
    assert response.status_code == 302
    assert response["Location"] == mentorship.get_absolute_url() + "#meetings"


def test_the_board_costs_the_same_queries_with_more_meetings(
    django_assert_max_num_queries: Any,
) -> None:
    mentorship = _pair()
    client = _login(mentorship.mentor)
    url = _board_url(mentorship)
    client.get(url, headers=HTMX)  # warm the session and the caches
    with django_assert_max_num_queries(20) as few:
        assert client.get(url, headers=HTMX).status_code == 200
    for index in range(10, 60, 10):
        _propose(mentorship, index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, headers=HTMX)
    assert response.content.decode().count('class="meeting"') == 5
    sql = " ".join(query["sql"] for query in few.captured_queries).upper()
    assert "INSERT" not in sql and "UPDATE " not in sql and "DELETE" not in sql


# --- The page follows the stream ---------------------------------------------------------


def test_the_page_refreshes_its_board_when_the_stream_announces_a_change() -> None:
    mentorship = _pair()
    html = _login(mentorship.mentee).get(mentorship.get_absolute_url()).content.decode()
    board = re.search(r'<div id="scheduled-meetings"[^>]*>', html)
    assert board is not None
    tag = board.group(0)
    assert f'hx-get="{_board_url(mentorship)}"' in tag
    assert 'hx-trigger="sse:meetings' in tag
    # Inside the element connected to the mentorship's stream (the closest one wins).
    connect = html.index(f"/events/mentorship-{mentorship.pk}/")
    assert connect < board.start()
    # Without JavaScript the board is there already, with its forms.
    assert "Propose a meeting" in html[board.start() :]
