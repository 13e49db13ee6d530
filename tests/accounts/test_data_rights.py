"""Data export (JSON) and account deletion after reauthentication."""

from __future__ import annotations

import json
import sys
import types
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Block, Follow, Mute, User, VerificationRequest, VerificationStatus
from tests.accounts.conftest import PASSWORD, image_upload, reauthenticate, sign_in
from tests.factories import PhysicianFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Fake `posts.exports` and `mentoring.exports` modules that record their calls."""
    calls: dict[str, list[Any]] = {"export": [], "erase": []}
    for app in ("posts", "mentoring"):
        module = types.ModuleType(f"{app}.exports")

        def export_member_data(user: User, app: str = app) -> dict[str, Any]:
            calls["export"].append((app, user.pk))
            return {"items": [f"{app} item"]}

        def erase_member_data(user: User, *, keep_content: bool, app: str = app) -> None:
            calls["erase"].append((app, user.pk, keep_content))

        module.export_member_data = export_member_data  # type: ignore[attr-defined]
        module.erase_member_data = erase_member_data  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"{app}.exports", module)
    return calls


def _member_with_everything() -> User:
    member = PhysicianFactory.create(
        verification_status=VerificationStatus.UNVERIFIED, bio="Hello", interests=["x"]
    )
    other = UserFactory.create(handle="other-person")
    Follow.objects.create(follower=member, followee=other)
    Follow.objects.create(follower=other, followee=member)
    Mute.objects.create(muter=member, muted=UserFactory.create(handle="muted-person"))
    Block.objects.create(blocker=member, blocked=UserFactory.create(handle="blocked-person"))
    services.submit_verification(
        member=member,
        method="npi",
        npi="1234567893",
        document=ContentFile(PDF, name="d.pdf"),
        document_content_type="application/pdf",
    )
    return member


# --- Export -----------------------------------------------------------------------------


def test_export_downloads_everything_as_json(client: Client, hooks: Any) -> None:
    member = _member_with_everything()
    client.force_login(member)
    assert client.get(reverse("accounts:export")).status_code == 200
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == member.email
    assert data["profile"]["bio"] == "Hello"
    assert data["following"][0]["handle"] == "other-person"
    assert data["followers"][0]["handle"] == "other-person"
    assert data["muted"] == ["muted-person"]
    assert data["blocked"] == ["blocked-person"]
    assert data["verification_requests"][0]["identifier"] == "NPI 1234567893"
    assert data["posts"] == {"items": ["posts item"]}
    assert data["mentoring"] == {"items": ["mentoring item"]}


def test_export_works_without_any_app_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    for app in ("posts", "mentoring", "notifications"):
        monkeypatch.setitem(sys.modules, f"{app}.exports", None)
    data = services.export_member_data(member=UserFactory.create())
    assert "posts" not in data and "mentoring" not in data
    json.dumps(data)


def test_export_is_only_ever_ones_own(client: Client) -> None:
    assert client.post(reverse("accounts:export")).status_code == 302  # sign in first
    member, other = UserFactory.create(), UserFactory.create()
    client.force_login(member)
    data = json.loads(client.post(reverse("accounts:export")).content)
    assert data["profile"]["email"] == member.email != other.email


# --- Deletion ---------------------------------------------------------------------------


def test_deletion_needs_the_password_again(client: Client) -> None:
    member = UserFactory.create()
    sign_in(client, member)
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("accounts:delete"), {"content": "delete", "confirm": "on"})
    assert User.objects.filter(pk=member.pk).exists()


def test_the_delete_page_offers_the_content_choice(client: Client) -> None:
    member = UserFactory.create()
    sign_in(client, member)
    reauthenticate(client)
    html = client.get(reverse("accounts:delete")).content.decode()
    assert "What should happen to your posts and comments?" in html
    assert "Deleted member" in html


def test_deletion_must_be_confirmed(client: Client) -> None:
    member = UserFactory.create()
    sign_in(client, member)
    reauthenticate(client)
    response = client.post(reverse("accounts:delete"), {"content": "delete"})
    assert "Tick this box to confirm." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_everything_removes_the_member_files_and_sessions(
    client: Client, settings: Any, hooks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = _member_with_everything()
    services.set_avatar(member=member, image=_image())
    other_device = Client()
    sign_in(other_device, member)
    sign_in(client, member)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"content": "delete", "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert not VerificationRequest.objects.exists()
    assert not Follow.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert not [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]
    assert ("posts", member.pk, False) in hooks["erase"]
    assert ("mentoring", member.pk, False) in hooks["erase"]
    # Both this session and the one on another device are over.
    assert "_auth_user_id" not in client.session
    assert other_device.get(reverse("accounts:profile_edit")).status_code == 302


def test_keeping_content_leaves_an_anonymous_tombstone(
    client: Client, settings: Any, hooks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = _member_with_everything()
    services.set_avatar(member=member, image=_image())
    old_email, old_handle = member.email, member.handle
    other_device = Client()
    sign_in(other_device, member)
    sign_in(client, member)
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:delete"), {"content": "keep", "confirm": "on"})
    tombstone = User.objects.get(pk=member.pk)
    assert tombstone.display_name == "Deleted member"
    assert tombstone.handle == f"deleted-{member.pk}"
    assert tombstone.email.endswith(".invalid") and tombstone.email != old_email
    assert not tombstone.has_usable_password()
    assert not tombstone.is_active
    assert tombstone.bio == tombstone.bio_html == "" and tombstone.interests == []
    assert tombstone.birth_year is None
    assert not tombstone.avatar_small and not tombstone.avatar_large
    assert not EmailAddress.objects.filter(user=tombstone).exists()
    assert not VerificationRequest.objects.exists()
    assert not Follow.objects.exists() and not Block.objects.exists()
    assert not [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]
    assert not [path for path in settings.PRIVATE_MEDIA_ROOT.rglob("*") if path.is_file()]
    assert ("posts", member.pk, True) in hooks["erase"]
    assert other_device.get(reverse("accounts:profile_edit")).status_code == 302
    # The old handle is free again and the tombstone has no public profile.
    assert client.get(f"/@{old_handle}/").status_code == 404
    assert client.get(tombstone.get_absolute_url()).status_code == 404
    # Nobody can sign in as the tombstone.
    response = client.post("/accounts/login/", {"login": old_email, "password": PASSWORD})
    assert response.status_code == 200


def _image() -> Any:
    from community.images import load_image

    return load_image(image_upload(gps=True), max_bytes=5 * 1024 * 1024)
