"""The member's side: reading a decision about them and appealing it once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from moderation.models import Appeal, AppealStatus
from moderation.services import decide_appeal, dismiss_case, suspend_member, warn_member
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.factories import reported_post

pytestmark = pytest.mark.django_db


def _suspended(member: User) -> int:
    action = suspend_member(
        moderator=ModeratorFactory.create(), member=member, reason="Selling supplements", until=None
    )
    return action.pk


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    member = UserFactory.create()
    pk = _suspended(member)
    for url in [reverse("moderation:decisions"), reverse("moderation:decision", args=[pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_suspended_member_reads_the_reason_and_appeals_once(client: Client) -> None:
    member = UserFactory.create()
    pk = _suspended(member)
    client.force_login(member)
    listing = client.get(reverse("moderation:decisions")).content.decode()
    assert "Suspend member" in listing and "Selling supplements" in listing
    url = reverse("moderation:decision", args=[pk])
    page = client.get(url).content.decode()
    assert "Selling supplements" in page
    assert '<label for="id_text">' in page
    response = client.post(url, {"text": "I only shared a study."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.member, appeal.status) == (member, AppealStatus.OPEN)
    page = client.get(url).content.decode()
    assert "I only shared a study." in page and 'name="text"' not in page
    # A double submit is turned away; the first appeal stands.
    client.post(url, {"text": "Again"})
    assert Appeal.objects.count() == 1


def test_an_empty_appeal_is_refused_with_a_message(client: Client) -> None:
    member = UserFactory.create()
    pk = _suspended(member)
    client.force_login(member)
    response = client.post(reverse("moderation:decision", args=[pk]), {"text": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Appeal.objects.exists()


def test_others_get_404(client: Client) -> None:
    pk = _suspended(UserFactory.create())
    client.force_login(UserFactory.create())
    assert client.get(reverse("moderation:decision", args=[pk])).status_code == 404
    assert client.post(reverse("moderation:decision", args=[pk]), {"text": "x"}).status_code == 404
    assert not Appeal.objects.exists()


def test_dismissals_are_not_listed_to_the_member(client: Client) -> None:
    post, case = reported_post()
    action = dismiss_case(moderator=ModeratorFactory.create(), case=case, reason="fine")
    client.force_login(post.author)
    assert client.get(reverse("moderation:decision", args=[action.pk])).status_code == 404
    assert "fine" not in client.get(reverse("moderation:decisions")).content.decode()


def test_the_decided_appeal_shows_the_answer(client: Client) -> None:
    member = UserFactory.create()
    moderator = ModeratorFactory.create()
    action = warn_member(moderator=moderator, member=member, reason="Tone")
    from moderation.services import file_appeal

    appeal = file_appeal(member=member, action=action, text="Sorry")
    decide_appeal(moderator=moderator, appeal=appeal, overturn=False, note="The warning stands")
    client.force_login(member)
    page = client.get(reverse("moderation:decision", args=[action.pk])).content.decode()
    assert "Action upheld" in page and "The warning stands" in page


def test_the_suspended_page_links_to_the_decision(client: Client) -> None:
    member = UserFactory.create()
    _suspended(member)
    client.force_login(member)
    response = client.get(reverse("posts:create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Selling supplements" in html
    assert reverse("moderation:decisions") in html
