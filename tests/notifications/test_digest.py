"""The daily digest: one email in the member's morning with everything since the last one."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from notifications import services, tasks
from notifications.models import EmailDigest, EmailStatus, Kind, Notification
from notifications.selectors import member_time_zone
from notifications.services import digest, notify, notify_reaction
from tests.factories import UserFactory
from tests.notifications.helpers import html_part

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(hour: int, minute: int = 10, day: int = 2) -> dt.datetime:
    return dt.datetime(2030, 3, day, hour, minute, tzinfo=UTC)


def _zones(monkeypatch: pytest.MonkeyPatch, zones: dict[int, str]) -> None:
    """Give members time zones as the accounts app would (a field read defensively)."""

    def zone_of(user: User) -> dt.tzinfo:
        return ZoneInfo(zones.get(user.pk, "UTC"))

    monkeypatch.setattr(digest, "member_time_zone", zone_of)


def _digest_rows(recipient: User, *, at: dt.datetime) -> None:
    fan, other = (
        UserFactory.create(display_name="Fan One"),
        UserFactory.create(display_name="Fan Two"),
    )
    notify(
        recipient=recipient, actor=fan, kind=Kind.FOLLOW, title="Fan One follows you", url="/u/fan/"
    )
    notify_reaction(
        recipient=recipient, actor=fan, target=fan, url="/posts/1/", reaction="like", item="One"
    )
    notify_reaction(
        recipient=recipient, actor=other, target=other, url="/posts/1/", reaction="like", item="One"
    )
    notify_reaction(
        recipient=recipient, actor=other, target=fan, url="/posts/2/", reaction="like", item="Two"
    )
    Notification.objects.filter(recipient=recipient).update(created_at=at)


def test_a_member_gets_one_digest_in_their_morning_with_everything_since_the_last(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://rounds.example.org"
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(20, day=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.start_daily_digests(now=_at(7)) == 1
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "daily digest" in message.subject
    assert "4 updates" in message.subject
    html = html_part(message)
    for body in (message.body, html):
        assert "Fan One follows you" in body
        assert "https://rounds.example.org/u/fan/" in body
        assert "https://rounds.example.org/posts/1/" in body
        assert "Reactions (3)" in body
    assert "2 reactions" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    digest = EmailDigest.objects.get()
    assert digest.email_status == EmailStatus.SENT
    assert digest.local_date == dt.date(2030, 3, 2)


def test_no_digest_outside_the_morning_hour() -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    for hour in (6, 8, 12, 23):
        assert services.start_daily_digests(now=_at(hour)) == 0
    assert not EmailDigest.objects.exists()


def test_the_morning_is_the_members_own(monkeypatch: pytest.MonkeyPatch) -> None:
    tokyo, new_york = UserFactory.create(), UserFactory.create()
    _zones(monkeypatch, {tokyo.pk: "Asia/Tokyo", new_york.pk: "America/New_York"})
    for member in (tokyo, new_york):
        _digest_rows(member, at=_at(0, day=1))
    # 22:10 UTC is 07:10 in Tokyo (UTC+9) and 18:10 in New York.
    assert services.start_daily_digests(now=_at(22, day=1)) == 1
    assert EmailDigest.objects.get().recipient == tokyo
    # 12:10 UTC is 07:10 in New York on 2 March 2030 (EST, UTC-5).
    assert services.start_daily_digests(now=_at(12, day=2)) == 1
    assert EmailDigest.objects.filter(recipient=new_york).count() == 1


def test_a_second_beat_in_the_same_morning_sends_nothing_more(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.start_daily_digests(now=_at(7, 0)) == 1
        # New activity after the morning digest waits for tomorrow's.
        notify(
            recipient=alice, actor=UserFactory.create(), kind=Kind.FOLLOW, title="Later follower"
        )
        assert services.start_daily_digests(now=_at(7, 15)) == 0
        assert services.start_daily_digests(now=_at(7, 45)) == 0
    assert len(mail.outbox) == 1
    later = Notification.objects.get(title="Later follower")
    assert later.email_status == EmailStatus.DIGEST and later.digest_id is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.start_daily_digests(now=_at(7, day=3)) == 1
    assert len(mail.outbox) == 2
    assert "Later follower" in mail.outbox[1].body
    assert "Fan One follows you" not in mail.outbox[1].body


def test_two_beats_racing_open_one_digest() -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    # The other beat got there first: today's digest exists, so this one backs off.
    EmailDigest.objects.create(recipient=alice, local_date=dt.date(2030, 3, 2))
    assert services.start_daily_digests(now=_at(7)) == 0
    assert Notification.objects.filter(digest__isnull=False).count() == 0


def test_sending_a_digest_twice_sends_one_email(django_capture_on_commit_callbacks: Any) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    with django_capture_on_commit_callbacks(execute=False):
        services.start_daily_digests(now=_at(7))
    digest = EmailDigest.objects.get()
    tasks.send_digest_email.apply(args=[digest.pk])
    tasks.send_digest_email.apply(args=[digest.pk])
    assert len(mail.outbox) == 1


def test_kinds_turned_off_after_they_were_collected_are_left_out(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    services.set_preferences(user=alice, choices={Kind.REACTION_DIGEST: "off"})
    with django_capture_on_commit_callbacks(execute=True):
        services.start_daily_digests(now=_at(7))
    [message] = mail.outbox
    assert "Reactions" not in message.body
    assert "Fan One follows you" in message.body


def test_a_digest_with_nothing_left_to_say_is_skipped(
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    services.set_preferences(user=alice, choices={Kind.REACTION_DIGEST: "off", Kind.FOLLOW: "off"})
    with django_capture_on_commit_callbacks(execute=True):
        services.start_daily_digests(now=_at(7))
    assert mail.outbox == []
    assert EmailDigest.objects.get().email_status == EmailStatus.SKIPPED


def test_the_digest_task_is_swept_like_any_email(monkeypatch: pytest.MonkeyPatch) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=_at(1))
    monkeypatch.setattr(tasks.send_digest_email, "delay", lambda pk: None)
    services.start_daily_digests(now=_at(7))
    assert mail.outbox == []
    monkeypatch.undo()
    assert services.sweep_email_outbox(now=_at(8)) == 1
    assert len(mail.outbox) == 1


def test_the_digest_beat_task_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    alice = UserFactory.create()
    _digest_rows(alice, at=timezone.now() - dt.timedelta(hours=1))
    monkeypatch.setattr(digest, "DIGEST_HOUR", timezone.now().hour)
    assert tasks.start_daily_digests.apply().get() == 1


@pytest.mark.parametrize(
    ("holder", "expected"),
    [
        (SimpleNamespace(time_zone="Europe/Lisbon"), "Europe/Lisbon"),
        (SimpleNamespace(profile=SimpleNamespace(time_zone="Asia/Kolkata")), "Asia/Kolkata"),
        (SimpleNamespace(time_zone=ZoneInfo("Africa/Lagos")), "Africa/Lagos"),
        (SimpleNamespace(time_zone="Not/AZone"), "UTC"),
        (SimpleNamespace(time_zone="../../etc/passwd"), "UTC"),
        (SimpleNamespace(), "UTC"),
    ],
)
def test_it_reads_the_members_time_zone_defensively(holder: Any, expected: str) -> None:
    assert str(member_time_zone(holder)) == expected


def test_it_reads_the_time_zone_members_set_on_their_profile() -> None:
    tokyo = UserFactory.create(time_zone="Asia/Tokyo")
    _digest_rows(tokyo, at=_at(0, day=1))
    # 22:10 UTC on 1 March is 07:10 on 2 March in Tokyo.
    assert services.start_daily_digests(now=_at(22, day=1)) == 1
    assert EmailDigest.objects.get().local_date == dt.date(2030, 3, 2)
