"""The audit log: moderators read it; nobody changes or deletes it, in the panel or below it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from moderation.models import AuditEntry
from moderation.services import warn_member
from tests.accounts.conftest import sign_in_with_two_factor
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.conftest import make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> AuditEntry:
    warn_member(moderator=ModeratorFactory.create(), member=UserFactory.create(), reason="Be civil")
    return AuditEntry.objects.get()


@pytest.mark.parametrize("who", ["moderator", "superuser"])
def test_nobody_changes_or_deletes_an_entry_through_the_panel(
    client: Client, moderator: User, entry: AuditEntry, who: str
) -> None:
    sign_in_with_two_factor(client, moderator if who == "moderator" else make_superuser())
    change = reverse("admin:moderation_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="reason"' not in page.content
    assert b"Be civil" in page.content
    assert client.post(change, {"reason": "rewritten"}).status_code == 403
    delete = reverse("admin:moderation_auditentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:moderation_auditentry_add")).status_code == 403
    changelist = reverse("admin:moderation_auditentry_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.reason == "Be civil"
    assert AuditEntry.objects.count() == 1


def test_the_database_refuses_changes(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    entry.refresh_from_db()
    assert entry.reason == "Be civil"


@pytest.mark.postgres
def test_the_database_refuses_deletion(entry: AuditEntry) -> None:
    # Enforced on PostgreSQL; SQLite must stay flushable for the test suite (0007).
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_log_lists_who_did_what_with_filters_and_search(
    moderator_client: Client, moderator: User, entry: AuditEntry
) -> None:
    url = reverse("admin:moderation_auditentry_changelist")
    actor = escape(entry.actor_label)
    html = moderator_client.get(url).content.decode()
    assert actor in html
    assert "Warn member" in html
    # The reason shows in the row only (the moderator's name is in the filter list too).
    assert "Be civil" in moderator_client.get(f"{url}?action__exact=warn").content.decode()
    assert "Be civil" not in moderator_client.get(f"{url}?action__exact=suspend").content.decode()
    assert "Be civil" in moderator_client.get(f"{url}?actor={entry.actor_id}").content.decode()
    assert "Be civil" not in moderator_client.get(f"{url}?actor=0").content.decode()
    assert "Be civil" in moderator_client.get(f"{url}?q={entry.target_label[:5]}").content.decode()
    assert "Be civil" not in moderator_client.get(f"{url}?q=nothing-like-it").content.decode()
