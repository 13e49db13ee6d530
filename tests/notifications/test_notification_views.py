"""The notifications page, the bell, read marks, preferences and unsubscribe links."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block
from community.perf import fragments
from notifications.models import (
    SECURITY_KINDS,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.services import unsubscribe_token
from tests.conftest import warm_rail
from tests.factories import UserFactory
from tests.notifications.helpers import make_notification

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def _login(client: Client, user: Any) -> Any:
    client.force_login(user)
    return user


# --- The list -----------------------------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_groups_a_members_notifications_by_day_newest_first(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    today = timezone.now().replace(hour=12)
    make_notification(alice, title="Older one", created_at=today - dt.timedelta(days=1))
    make_notification(alice, title="Newer one", created_at=today)
    make_notification(UserFactory.create(), title="Someone else's")
    html = client.get(LIST).content.decode()
    assert html.index("Newer one") < html.index("Older one")
    assert html.count('class="notification-day"') == 2
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html
    assert 'href="/somewhere/"' in html


def test_it_says_so_when_there_is_nothing_yet(client: Client) -> None:
    _login(client, UserFactory.create())
    assert "Nothing yet" in client.get(LIST).content.decode()


def test_a_deleted_item_shows_as_unavailable(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    gone = UserFactory.create()
    make_notification(alice, title="Gone follows you", kind=Kind.FOLLOW, target=gone)
    gone.delete()
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This item is no longer available." in html
    assert 'href="/somewhere/"' not in html


def test_an_item_the_viewer_may_no_longer_see_shows_as_unavailable(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = _login(client, UserFactory.create())
    hidden, shown = UserFactory.create(), UserFactory.create()
    for target, title in ((hidden, "Hidden thing"), (shown, "Shown thing")):
        make_notification(alice, title=title, url=f"/t/{target.pk}/", target=target)

    # A target model whose QuerySet has visible_to(viewer) decides (posts provides one).
    def visible_to(self: QuerySet[Any], viewer: Any) -> QuerySet[Any]:
        return self.exclude(pk=hidden.pk)

    queryset_class = type(hidden.__class__._default_manager.all())
    monkeypatch.setattr(queryset_class, "visible_to", visible_to, raising=False)
    html = client.get(LIST).content.decode()
    assert f'href="/t/{shown.pk}/"' in html
    assert f'href="/t/{hidden.pk}/"' not in html
    assert html.count("This item is no longer available.") == 1


def test_notifications_from_a_blocked_member_are_left_out(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    bob = UserFactory.create()
    make_notification(alice, title="From Bob", actor=bob)
    Block.objects.create(blocker=alice, blocked=bob)
    assert "From Bob" not in client.get(LIST).content.decode()


def test_pages_follow_a_cursor_without_gaps_or_repeats(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    same_moment = timezone.now()
    for number in range(35):
        make_notification(alice, title=f"Item {number:02d}", created_at=same_moment)
    first = client.get(LIST)
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get(LIST, {"before": cursor})
    assert second.context["page"].next_cursor is None
    titles = [
        item.notification.title
        for response in (first, second)
        for day in response.context["page"].days
        for item in day.items
    ]
    assert sorted(titles) == [f"Item {number:02d}" for number in range(35)]


@pytest.mark.parametrize("cursor", ["nonsense", "1_x", "99999999999999999999999_1"])
def test_a_malformed_cursor_is_a_bad_request(client: Client, cursor: str) -> None:
    _login(client, UserFactory.create())
    assert client.get(LIST, {"before": cursor}).status_code == 400


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_runs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any, count: int
) -> None:
    alice = _login(client, UserFactory.create())
    targets = [UserFactory.create() for _ in range(3)]
    for number in range(count):
        target = targets[number % 3]
        make_notification(alice, actor=target, title=f"n{number}", target=target)
    warm_rail(client)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200


def test_the_list_reads_only_the_columns_it_shows(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    make_notification(alice, actor=UserFactory.create(), title="Followed you")
    warm_rail(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    (listed,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "notifications_notification"')
    ]
    assert '"avatar_small"' in listed  # the face beside the row
    for unread_column in ('"email_status"', '"actor_ids"', '"password"', '"bio"'):
        assert unread_column not in listed


# --- Rows reused between views (notifications_extras.notification_row) --------------------

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def _rows(html: str) -> str:
    return "\n".join(re.findall(r'<li class="notification.*?</li>', html, re.DOTALL))


def test_a_reused_row_is_the_row_a_fresh_render_gives(client: Client) -> None:
    alice = _login(client, UserFactory.create(time_zone="Asia/Tokyo"))
    make_notification(alice, title="Unread <b>one</b>")
    make_notification(alice, title="Read one", read_at=timezone.now())
    reused = _rows(TOKEN.sub("T", client.get(LIST).content.decode()))
    caches["fragments"].clear()
    fresh = _rows(TOKEN.sub("T", client.get(LIST).content.decode()))
    assert reused == fresh
    assert "Unread &lt;b&gt;one&lt;/b&gt;" in reused and "Read one" in reused


def test_a_row_shown_before_changes_once_it_is_read(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    notification = make_notification(alice, title="Ana replied")
    assert "Mark as read" in _rows(client.get(LIST).content.decode())
    client.post(reverse("notifications:read", args=[notification.pk]))
    rows = _rows(client.get(LIST).content.decode())
    assert "Ana replied" in rows and "Mark as read" not in rows and "Unread: " not in rows


def test_a_row_shown_before_follows_the_members_time_zone(client: Client) -> None:
    alice = _login(client, UserFactory.create(time_zone="UTC"))
    make_notification(alice, created_at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC))
    assert ">09:30</time>" in _rows(client.get(LIST).content.decode())
    alice.time_zone = "America/Chicago"
    alice.save(update_fields=["time_zone"])
    assert ">03:30</time>" in _rows(client.get(LIST).content.decode())


def test_a_row_shown_before_says_when_its_item_is_gone(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    gone = UserFactory.create()
    make_notification(alice, title="Gone follows you", kind=Kind.FOLLOW, target=gone)
    assert "no longer available" not in client.get(LIST).content.decode()
    gone.delete()
    html = client.get(LIST).content.decode()
    assert "This item is no longer available." in html and 'href="/somewhere/"' not in html


def test_each_session_gets_its_own_working_token_in_a_reused_row() -> None:
    alice = UserFactory.create()
    notifications = [make_notification(alice, title=f"Item {n}") for n in range(2)]
    tokens = []
    for notification in notifications:
        client = Client(enforce_csrf_checks=True)
        client.force_login(alice)
        html = client.get(LIST).content.decode()
        assert fragments.csrf_placeholder() not in html
        token = TOKEN.findall(_rows(html))[0]
        tokens.append(token)
        response = client.post(
            reverse("notifications:read", args=[notification.pk]), {"csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 0


# --- The bell -----------------------------------------------------------------------------


def test_the_bell_names_the_unread_count(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    for _ in range(3):
        make_notification(alice)
    make_notification(alice, read_at=timezone.now())
    html = client.get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 3 unread"' in html
    assert f'href="{LIST}"' in html


def test_the_bell_with_nothing_unread_says_just_notifications(client: Client) -> None:
    _login(client, UserFactory.create())
    assert 'aria-label="Notifications"' in client.get(reverse("home")).content.decode()


def test_visitors_get_no_bell_and_no_count_query(client: Client) -> None:
    from django.test import RequestFactory

    from notifications.context_processors import unread_notifications

    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert unread_notifications(request) == {}
    assert "notification-bell" not in client.get(reverse("home")).content.decode()


def test_the_unread_count_is_one_query(django_assert_num_queries: Any) -> None:
    from django.test import RequestFactory

    from notifications.context_processors import unread_notifications

    alice = UserFactory.create()
    make_notification(alice)
    request = RequestFactory().get("/")
    request.user = alice
    with django_assert_num_queries(1):
        assert unread_notifications(request) == {"unread_notification_count": 1}


# --- Marking read -------------------------------------------------------------------------


def test_a_member_marks_one_notification_read(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    notification = make_notification(alice)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_with_htmx_returns_the_item_and_the_new_bell(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    notification = make_notification(alice, title="Hello there")
    make_notification(alice)
    response = client.post(
        reverse("notifications:read", args=[notification.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert f'id="notification-{notification.pk}"' in html
    assert "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html
    assert 'aria-label="Notifications, 1 unread"' in html


def test_marking_read_twice_keeps_the_first_time(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    first_read = timezone.now() - dt.timedelta(days=1)
    notification = make_notification(alice, read_at=first_read)
    client.post(reverse("notifications:read", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_an_outsider_cannot_mark_anothers_notification(client: Client) -> None:
    notification = make_notification(UserFactory.create())
    _login(client, UserFactory.create())
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_needs_post_and_sign_in(client: Client) -> None:
    notification = make_notification(UserFactory.create())
    url = reverse("notifications:read", args=[notification.pk])
    assert client.post(url).status_code == 302  # to sign in
    client.force_login(notification.recipient)
    assert client.get(url).status_code == 405


def test_marking_read_refuses_a_foreign_next_address(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    notification = make_notification(alice)
    response = client.post(
        reverse("notifications:read", args=[notification.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_a_member_marks_all_read_and_only_their_own(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    for _ in range(3):
        make_notification(alice)
    other = make_notification(UserFactory.create())
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_a_suspended_member_can_still_read_and_clear_notifications(client: Client) -> None:
    alice = _login(client, UserFactory.create(suspended_at=timezone.now()))
    make_notification(alice)
    assert client.get(LIST).status_code == 200
    assert client.post(reverse("notifications:read_all")).status_code == 302


# --- Preferences --------------------------------------------------------------------------


def test_the_preferences_page_has_a_radio_group_per_kind(client: Client) -> None:
    _login(client, UserFactory.create())
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert html.count("<fieldset>") == len(Kind) - len(SECURITY_KINDS)
    assert "<legend>Mentions</legend>" in html
    assert "<legend>Verification decisions</legend>" not in html
    assert "<legend>Moderation decisions about you</legend>" not in html
    assert "<legend>Updates on reports you made</legend>" in html
    assert "Always emailed" in html


def test_a_member_saves_preferences(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    choices = {kind: "immediate" for kind in Kind.values}
    choices.update({Kind.MENTION: "off", Kind.FOLLOW: "immediate", Kind.REACTION_DIGEST: "off"})
    del choices[Kind.VERIFICATION]
    response = client.post(reverse("notifications:preferences"), choices, follow=True)
    assert "Your email preferences are saved." in response.content.decode()
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "delivery"))
    assert saved[Kind.MENTION] == "off"
    assert saved[Kind.FOLLOW] == "immediate"
    assert Kind.VERIFICATION not in saved


def test_preferences_reject_a_value_the_kind_does_not_allow(client: Client) -> None:
    alice = _login(client, UserFactory.create())
    choices = {kind: "digest" for kind in Kind.values}
    choices[Kind.REACTION_DIGEST] = "immediate"
    response = client.post(reverse("notifications:preferences"), choices)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=alice).exists()


def test_visitors_have_no_preferences_page(client: Client) -> None:
    assert client.get(reverse("notifications:preferences")).status_code == 302


# --- Unsubscribe --------------------------------------------------------------------------


def _unsubscribe_url(user: Any, scope: str) -> str:
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, scope=scope)])


def test_the_link_asks_before_unsubscribing(client: Client) -> None:
    alice = UserFactory.create()
    response = client.get(_unsubscribe_url(alice, Kind.MENTION))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop these emails?" in html and "Mentions" in html
    assert '<form method="post"' in html
    assert not NotificationPreference.objects.exists()


def test_one_click_unsubscribe_works_without_a_session_or_csrf_token() -> None:
    alice = UserFactory.create()
    client = Client(enforce_csrf_checks=True)
    response = client.post(_unsubscribe_url(alice, Kind.MENTION), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=alice, kind=Kind.MENTION)
    assert preference.delivery == Delivery.OFF


def test_unsubscribing_twice_is_harmless(client: Client) -> None:
    alice = UserFactory.create()
    url = _unsubscribe_url(alice, Kind.COMMENT)
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    assert NotificationPreference.objects.filter(user=alice).count() == 1


def test_the_digest_link_turns_off_every_digest_kind(client: Client) -> None:
    alice = UserFactory.create()
    client.post(_unsubscribe_url(alice, "digest"))
    saved = dict(NotificationPreference.objects.filter(user=alice).values_list("kind", "delivery"))
    assert saved == {Kind.FOLLOW: "off", Kind.REACTION_DIGEST: "off", Kind.REPORT: "off"}


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxLCJzIjoibWVudGlvbiJ9:abc:def"])
def test_a_forged_or_damaged_token_is_refused(client: Client, token: str) -> None:
    UserFactory.create()
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_for_a_security_kind_is_refused(client: Client) -> None:
    alice = UserFactory.create()
    response = client.post(_unsubscribe_url(alice, Kind.VERIFICATION))
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_token_only_ever_changes_its_own_member(client: Client) -> None:
    alice, bob = UserFactory.create(), UserFactory.create()
    client.force_login(bob)
    client.post(_unsubscribe_url(alice, Kind.MENTION))
    assert NotificationPreference.objects.get().user == alice
