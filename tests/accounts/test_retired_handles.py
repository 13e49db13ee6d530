"""Handles are never reused: a deleted member's handle, or one a member changed away from,
never goes to someone else, so old links and mentions keep meaning who they meant."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RetiredHandle, Role, User
from accounts.services import (
    AccountActionError,
    delete_account,
    unique_handle,
    update_profile,
)
from tests.accounts.test_profiles import _edit_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signup(client: Client, email: str, name: str) -> Any:
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": name,
            "role": Role.PHYSICIAN,
            "birth_year": "",
            "password1": "a-long-unusual-password-42",
            "password2": "a-long-unusual-password-42",
        },
    )


@pytest.mark.parametrize("keep_content", [True, False])
def test_a_deleted_members_handle_does_not_go_to_the_next_sign_up(
    client: Client, keep_content: bool
) -> None:
    assert _signup(client, "first@example.org", "Dr. Amara Okafor").status_code == 302
    first = User.objects.get(email="first@example.org")
    assert first.handle == "dr-amara-okafor"
    delete_account(member=first, keep_content=keep_content)

    assert RetiredHandle.objects.filter(handle="dr-amara-okafor").exists()
    client.logout()
    assert _signup(client, "second@example.org", "Dr. Amara Okafor").status_code == 302
    second = User.objects.get(email="second@example.org")
    assert second.handle == "dr-amara-okafor-2"
    # The old address finds nobody rather than the newcomer.
    assert client.get("/@dr-amara-okafor/").status_code == 404


def test_generated_handles_skip_retired_ones_whatever_the_case() -> None:
    RetiredHandle.objects.create(handle="Sam-Lee")
    RetiredHandle.objects.create(handle="sam-lee-2")
    assert unique_handle("Sam Lee") == "sam-lee-3"


def test_a_member_cannot_take_a_deleted_members_handle(client: Client) -> None:
    gone = UserFactory.create(handle="old-friend")
    delete_account(member=gone, keep_content=False)
    member = UserFactory.create()
    client.force_login(member)
    for attempt in ("old-friend", "OLD-FRIEND"):
        response = client.post(reverse("accounts:profile_edit"), _edit_data(member, handle=attempt))
        assert response.status_code == 200
        assert "belonged to another member" in response.content.decode()
    member.refresh_from_db()
    assert member.handle != "old-friend"


def test_the_service_refuses_a_retired_handle_too() -> None:
    RetiredHandle.objects.create(handle="retired-one")
    member = UserFactory.create()
    with pytest.raises(AccountActionError, match="belonged to another member"):
        update_profile(member=member, handle="retired-one")
    member.refresh_from_db()
    assert member.handle != "retired-one"


def test_changing_handle_retires_the_old_one_for_everyone_else(client: Client) -> None:
    member = UserFactory.create(handle="first-name")
    client.force_login(member)
    response = client.post(reverse("accounts:profile_edit"), _edit_data(member, handle="new-name"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.handle == "new-name"

    other = UserFactory.create()
    with pytest.raises(AccountActionError):
        update_profile(member=other, handle="first-name")
    assert unique_handle("First Name") == "first-name-2"


def test_a_member_may_take_back_their_own_old_handle() -> None:
    member = UserFactory.create(handle="first-name")
    update_profile(member=member, handle="new-name")
    update_profile(member=member, handle="first-name")
    member.refresh_from_db()
    assert member.handle == "first-name"
    assert list(RetiredHandle.objects.values_list("handle", "former_member")) == [
        ("new-name", member.pk)
    ]


def test_an_old_handle_retires_for_everyone_when_its_member_leaves() -> None:
    member = UserFactory.create(handle="first-name")
    update_profile(member=member, handle="new-name")
    delete_account(member=member, keep_content=True)
    retired: set[tuple[str, int | None]] = set(
        RetiredHandle.objects.values_list("handle", "former_member")
    )
    assert retired == {
        ("first-name", None),
        ("new-name", None),
    }
