"""Who sees a mentor, on every mentor page: `MentorProfile.objects.visible_to` is the one
rule (listed: an active, verified, unsuspended clinician; and not walled off from the reader
by a block either way). Anyone else gets the 404 of a mentor who does not exist; visitors
are sent to sign in. Site moderators have no power here: they see what members see.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, VerificationStatus
from mentoring.matching import suggest_mentors
from mentoring.models import MentorProfile, MentorRequest
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import PhysicianFactory, UserFactory
from tests.mentoring.factories import make_mentee, make_mentor
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

# reader -> sees the mentor
READERS = {
    "anonymous": False,
    "member": True,
    "blocked_by_mentor": False,
    "blocking_mentor": False,
    "suspended_member": True,
    "site_moderator": True,
    "walled_site_moderator": False,
}


@pytest.fixture
def world() -> dict[str, Any]:
    mentor = make_mentor(PhysicianFactory.create(handle="the-mentor"))
    readers: dict[str, Any] = {
        "anonymous": None,
        "member": make_mentee(),
        "blocked_by_mentor": make_mentee(),
        "blocking_mentor": make_mentee(),
        "suspended_member": make_mentee(UserFactory.create(suspended_at=timezone.now())),
        "site_moderator": make_moderator(),
        "walled_site_moderator": make_moderator(),
    }
    Block.objects.create(blocker=mentor.user, blocked=readers["blocked_by_mentor"])
    Block.objects.create(blocker=readers["blocking_mentor"], blocked=mentor.user)
    Block.objects.create(blocker=mentor.user, blocked=readers["walled_site_moderator"])
    return {"mentor": mentor, "readers": readers}


def _client(name: str, user: Any) -> Client:
    client = Client()
    if "site_moderator" in name:
        sign_in_with_two_factor(client, user)
    elif user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("reader_name", sorted(READERS))
def test_each_mentor_page_answers_each_reader(world: dict[str, Any], reader_name: str) -> None:
    client = _client(reader_name, world["readers"][reader_name])
    sees = READERS[reader_name]
    page = reverse("mentoring:mentor", args=["the-mentor"])
    request = reverse("mentoring:request", args=["the-mentor"])
    directory = reverse("mentoring:directory")

    if reader_name == "anonymous":
        for url in (page, directory):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        assert client.post(request).status_code == 302
        return

    assert client.get(page).status_code == (200 if sees else 404)
    listing = client.get(directory)
    assert listing.status_code == 200
    assert (f'href="{page}"' in listing.content.decode()) is sees
    response = client.post(request, {"message": "Hello"})
    if reader_name == "suspended_member":
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if sees else 404)
    # Only the member's request goes out: the suspended member may not write, and the
    # site moderator (a physician) is refused by the workflow, not by privacy.
    sent = MentorRequest.objects.filter(mentee=world["readers"][reader_name]).exists()
    assert sent is (reader_name == "member")


@pytest.mark.parametrize(
    "change",
    [
        {"suspended_at": "now"},
        {"is_active": False},
        {"verification_status": VerificationStatus.PENDING},
    ],
    ids=["suspended", "inactive", "not-verified"],
)
def test_a_mentor_who_is_not_listed_is_a_404_for_everyone(
    world: dict[str, Any], change: dict[str, Any]
) -> None:
    mentor = world["mentor"].user
    for field, value in change.items():
        setattr(mentor, field, timezone.now() if value == "now" else value)
    mentor.save()
    page = reverse("mentoring:mentor", args=["the-mentor"])
    for name in ("member", "site_moderator"):
        client = _client(name, world["readers"][name])
        assert client.get(page).status_code == 404
        listing = client.get(reverse("mentoring:directory")).content.decode()
        assert f'href="{page}"' not in listing


def test_visible_to_is_the_rule_the_pages_and_matching_follow(world: dict[str, Any]) -> None:
    mentor, readers = world["mentor"], world["readers"]
    for name, sees in READERS.items():
        viewer = readers[name] or AnonymousUser()
        assert MentorProfile.objects.visible_to(viewer).filter(pk=mentor.pk).exists() is (
            sees and name != "anonymous"
        ), name
    # Matching suggests from the same set: never a walled-off mentor.
    suggested = {s.mentor.pk for s in suggest_mentors(readers["member"])}
    assert mentor.pk in suggested
    assert mentor.pk not in {s.mentor.pk for s in suggest_mentors(readers["blocking_mentor"])}
    # A suspension that ended lists the mentor again.
    mentor.user.suspended_at = timezone.now() - timedelta(days=2)
    mentor.user.suspended_until = timezone.now() - timedelta(days=1)
    mentor.user.save()
    assert MentorProfile.objects.visible_to(readers["member"]).filter(pk=mentor.pk).exists()
