"""One way to show a time: in the reader's own zone, in one format ("6 January 2030, 00:37",
a 24-hour clock), in a <time> element, on every page and in emails."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.contrib.admin.utils import display_for_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from community.times import when_text
from mentoring.models import Message
from moderation.models import ModerationAction
from moderation.services import suspend_member
from notifications.models import EmailDigest, EmailStatus, Kind, Notification
from notifications.services import initial_email_fields, notify
from notifications.services.delivery import build_notification_message
from notifications.services.digest import build_digest_message
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.mentoring.factories import make_mentorship
from tests.moderation.conftest import make_moderator
from tests.moderation.factories import reported_post
from tests.posts.factories import PostFactory

pytestmark = pytest.mark.django_db

NEW_YORK = "America/New_York"
PARIS = "Europe/Paris"
# 00:37 in New York, which Django's own English format writes "12:37 a.m." (and a sentence
# ending after it, "12:37 a.m..").
MOMENT = dt.datetime(2030, 1, 6, 5, 37, tzinfo=dt.UTC)
IN_NEW_YORK = '<time datetime="2030-01-06T00:37:00-05:00">6 January 2030, 00:37</time>'
IN_PARIS = '<time datetime="2030-01-06T06:37:00+01:00">6 January 2030, 06:37</time>'
IN_UTC = '<time datetime="2030-01-06T05:37:00+00:00">6 January 2030, 05:37</time>'


def _page(member: User, url: str) -> str:
    client = Client()
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _suspended_until_moment(member: User) -> ModerationAction:
    return suspend_member(
        moderator=ModeratorFactory.create(),
        member=member,
        reason="Selling supplements",
        until=MOMENT,
    )


def test_a_suspension_shows_in_the_members_zone_on_every_page_that_names_it() -> None:
    member = UserFactory.create(time_zone=NEW_YORK)
    action = _suspended_until_moment(member)
    ModerationAction.objects.filter(pk=action.pk).update(created_at=MOMENT)
    decisions = _page(member, reverse("moderation:decisions"))
    assert f"Your account is suspended until {IN_NEW_YORK}." in decisions
    # The decision's own time, in the same format.
    assert IN_NEW_YORK in decisions.split("<article", 1)[1]
    decision = _page(member, reverse("moderation:decision", args=[action.pk]))
    assert f"The suspension ends on {IN_NEW_YORK}." in decision
    refusal = Client()
    refusal.force_login(member)
    page = refusal.get(reverse("posts:create")).content.decode()  # 403: why, and until when
    assert f"The suspension ends on {IN_NEW_YORK}." in page
    for html in (decisions, decision, page):
        assert "a.m." not in html and "UTC" not in html


def test_mentorship_messages_show_in_each_readers_own_zone() -> None:
    mentor = UserFactory.create(time_zone=PARIS)
    mentee = UserFactory.create(time_zone=NEW_YORK)
    mentorship = make_mentorship(mentor=mentor, mentee=mentee)
    Message.objects.create(
        mentorship=mentorship, sender=mentee, body="See you Monday", created_at=MOMENT
    )
    assert IN_NEW_YORK in _page(mentee, mentorship.get_absolute_url())
    assert IN_PARIS in _page(mentor, mentorship.get_absolute_url())


def test_a_member_without_a_zone_reads_utc_in_the_same_format() -> None:
    mentor, mentee = UserFactory.create(time_zone=""), UserFactory.create(time_zone="Not/AZone")
    mentorship = make_mentorship(mentor=mentor, mentee=mentee)
    Message.objects.create(mentorship=mentorship, sender=mentee, body="Hi", created_at=MOMENT)
    assert IN_UTC in _page(mentor, mentorship.get_absolute_url())
    assert IN_UTC in _page(mentee, mentorship.get_absolute_url())


def test_the_zone_is_the_readers_for_one_request_only() -> None:
    member = UserFactory.create(time_zone=NEW_YORK)
    _page(member, reverse("moderation:decisions"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_moderation_panel_writes_times_in_the_moderators_zone_with_a_24_hour_clock(
    client: Client,
) -> None:
    sign_in_with_two_factor(client, make_moderator(time_zone=NEW_YORK))
    _, case = reported_post()
    type(case).objects.filter(pk=case.pk).update(first_reported_at=MOMENT)
    html = client.get(
        reverse("admin:moderation_reportcase_change", args=[case.pk])
    ).content.decode()
    assert f"first on {IN_NEW_YORK}." in html
    assert "a.m." not in html


def test_the_admins_own_lists_use_the_same_format() -> None:
    # Django's admin shows a date and time through the locale's DATETIME_FORMAT.
    with timezone.override(NEW_YORK):
        assert display_for_value(MOMENT, "") == "6 January 2030, 00:37"


def test_a_fresh_post_was_written_just_now_not_0_minutes_ago() -> None:
    reader = UserFactory.create()
    post = PostFactory.create(title="Reading an ECG strip")
    html = _page(reader, post.get_absolute_url())
    assert "just now</time>" in html and "0\xa0minutes" not in html
    older = PostFactory.create(title="An older one")
    type(older).objects.filter(pk=older.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=3)
    )
    assert "3\xa0minutes ago</time>" in _page(reader, older.get_absolute_url())


def test_a_digest_lists_each_update_at_its_time_in_the_recipients_zone() -> None:
    recipient = UserFactory.create(time_zone=NEW_YORK)
    digest = EmailDigest.objects.create(
        recipient=recipient,
        local_date=dt.date(2030, 1, 6),
        **initial_email_fields(EmailStatus.PENDING, now=MOMENT),
    )
    notification = notify(
        recipient=recipient,
        actor=UserFactory.create(),
        kind=Kind.FOLLOW,
        title="Fan One started following you",
        url="/",
    )
    assert notification is not None
    Notification.objects.filter(pk=notification.pk).update(created_at=MOMENT, digest=digest)
    message = build_digest_message(digest)
    assert message is not None
    assert "- 6 January 2030, 00:37: Fan One started following you" in str(message.body)
    html = str(message.alternatives[0][0])
    assert "6 January 2030, 00:37: <a" in html
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_suspension_email_names_its_end_in_the_recipients_zone() -> None:
    member = UserFactory.create(time_zone=PARIS)
    _suspended_until_moment(member)
    notification = Notification.objects.get(recipient=member, kind=Kind.MODERATION)
    message = build_notification_message(notification)
    assert "The suspension ends on 6 January 2030, 06:37." in str(message.body)
    assert "The suspension ends on 6 January 2030, 06:37." in str(message.alternatives[0][0])


def test_an_email_about_a_warning_names_no_suspension(settings: Any) -> None:
    from moderation.services import warn_member

    member = UserFactory.create(time_zone=PARIS)
    warn_member(moderator=ModeratorFactory.create(), member=member, reason="Be kind")
    notification = Notification.objects.get(recipient=member, kind=Kind.MODERATION)
    assert "suspension" not in str(build_notification_message(notification).body)


def test_records_named_in_the_moderation_panel_use_the_same_format() -> None:
    from moderation.models import AuditEntry

    entry = AuditEntry(actor_label="Morgan Moderator", action="warn", created_at=MOMENT)
    action = ModerationAction(kind="warn", reason="Be kind", created_at=MOMENT)
    with timezone.override(NEW_YORK):
        assert str(entry) == "6 January 2030, 00:37 Morgan Moderator: Warn member"
        assert str(action) == "Warn member (6 January 2030)"


def test_a_logged_meeting_is_named_by_its_day_in_the_same_format() -> None:
    from mentoring.services import log_meeting

    mentorship = make_mentorship(mentor=UserFactory.create(), mentee=UserFactory.create())
    log_meeting(
        mentorship=mentorship,
        actor=mentorship.mentor,
        occurred_on=dt.date(2026, 1, 6),
        mode="video",
    )
    notification = Notification.objects.get(recipient=mentorship.mentee, kind=Kind.MENTORSHIP)
    assert notification.title.endswith("logged your meeting of 6 January 2026")


def test_starting_a_campaign_clears_the_running_list_of_readers_in_every_zone() -> None:
    from posts.models import Campaign, Hashtag
    from posts.selectors import forget_running_campaigns, running_campaigns

    # Late on the 6th in UTC: already the 7th in Kiritimati, still the 6th in Honolulu.
    now = dt.datetime(2030, 1, 6, 23, 0, tzinfo=dt.UTC)
    ahead, behind = "Pacific/Kiritimati", "Pacific/Honolulu"
    with mock.patch("django.utils.timezone.now", return_value=now):
        for zone in (ahead, behind):
            with timezone.override(zone):
                assert running_campaigns() == []
        Campaign.objects.create(
            title="Sepsis week",
            hashtag=Hashtag.objects.create(name="sepsis"),
            starts_on=dt.date(2030, 1, 1),
            ends_on=dt.date(2030, 1, 31),
        )
        forget_running_campaigns()
        for zone in (ahead, behind):
            with timezone.override(zone):
                assert [campaign.title for campaign in running_campaigns()] == ["Sepsis week"]


def test_a_day_reads_the_same_each_time_in_the_language_of_the_page() -> None:
    """Days are written once and kept (a list's headings); the words follow the language."""
    day = dt.date(2026, 12, 6)
    assert when_text(day, "date") == when_text(day, "date") == "6 December 2026"
    with translation.override("fr"):
        assert "décembre" in when_text(day, "date")
    assert when_text(day, "date") == "6 December 2026"
    with pytest.raises(ValueError):
        when_text(day, "fortnight")
