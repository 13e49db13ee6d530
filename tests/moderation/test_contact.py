"""The contact page: anyone may write; the message is kept for the moderators and emailed to
each of them through the outbox, all or nothing; bots and floods are turned away."""

from __future__ import annotations

from typing import Any, cast
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from accounts.models import User
from moderation.models import ContactMessage
from notifications.models import OutgoingEmail
from tests.factories import ModeratorFactory, UserFactory
from tests.moderation.conftest import make_moderator

pytestmark = pytest.mark.django_db

URL = "/contact/"
VALID = {
    "topic": "account",
    "email": "visitor@example.org",
    "message": "My NPI was rejected but I think it is right. What can I do?",
}


def test_the_contact_address_is_slash_contact() -> None:
    assert reverse("contact") == URL


def test_the_form_has_labelled_fields_and_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    html = client.get(URL).content.decode()

    assert "<title>Contact · Rounds</title>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    for name in ("topic", "email", "message"):
        assert f'<label for="id_{name}">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_kept() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, VALID)

    assert response.status_code == 403
    assert not ContactMessage.objects.exists()


def test_a_visitors_message_is_kept_and_emailed_to_each_moderator(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = make_moderator(email="ana@rounds.test")
    second = make_moderator(email="ben@rounds.test")
    UserFactory.create(email="member@example.org")
    ModeratorFactory.create(email="staff-without-permission@rounds.test")
    make_moderator(email="gone@rounds.test", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, VALID, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "your message is with the team" in response.content.decode()
    saved = ContactMessage.objects.get()
    assert (saved.topic, saved.email, saved.sender) == ("account", "visitor@example.org", None)
    assert saved.message == VALID["message"]
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        first.email,
        second.email,
    ]
    sent = sorted(mail.outbox, key=lambda message: message.to[0])
    assert [message.to for message in sent] == [[first.email], [second.email]]
    message = sent[0]
    assert "Contact: My account or my verification from visitor@example.org" in message.subject
    assert message.extra_headers["Reply-To"] == "visitor@example.org"
    panel = f"/admin/moderation/contactmessage/{saved.pk}/change/"
    assert VALID["message"] in message.body and panel in message.body
    html = str(cast(EmailMultiAlternatives, message).alternatives[0][0])
    assert "My NPI was rejected" in html and panel in html


def test_a_members_email_is_filled_in_and_the_message_names_them(
    client: Client, member: User
) -> None:
    client.force_login(member)

    html = client.get(URL).content.decode()
    assert f'value="{member.email}"' in html

    client.post(URL, {**VALID, "email": member.email})
    saved = ContactMessage.objects.get()
    assert saved.sender == member
    assert saved.email == member.email


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"message": "Help!"}, "message", "at least 20 characters"),
        ({"message": " " * 40}, "message", "This field is required."),
        ({"topic": "lottery"}, "topic", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_kept(
    client: Client, change: dict[str, str], field: str, error: str
) -> None:
    make_moderator()

    response = client.post(URL, {**VALID, **change})

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<ul class="errorlist" id="id_{field}_error">' in html
    assert error in html
    assert 'role="alert"' in html
    # What was typed is kept, so nothing has to be written again.
    if field != "message":
        assert VALID["message"] in html
    assert not ContactMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_filled_in_trap_looks_like_success_but_keeps_and_sends_nothing(
    client: Client,
) -> None:
    make_moderator()

    response = client.post(URL, {**VALID, "website": "http://spam.example"}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "your message is with the team" in response.content.decode()
    assert not ContactMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_visitors_are_limited_by_address(client: Client, settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": "2/h"}
    for _ in range(2):
        assert client.post(URL, VALID).status_code == 302

    refused = client.post(URL, VALID)

    assert refused.status_code == 429
    assert "Slow down" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert ContactMessage.objects.count() == 2
    other_address = client.post(URL, VALID, REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 302


def test_members_are_limited_whatever_their_address(
    client: Client, member: User, settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact": "1/h"}
    client.force_login(member)
    assert client.post(URL, VALID).status_code == 302

    refused = client.post(URL, VALID, REMOTE_ADDR="198.51.100.7")

    assert refused.status_code == 429
    assert ContactMessage.objects.count() == 1


def test_when_an_email_cannot_be_queued_nothing_is_half_written(client: Client) -> None:
    make_moderator(email="ana@rounds.test")
    make_moderator(email="ben@rounds.test")
    real = OutgoingEmail.objects.create
    calls = []

    def fail_on_second(**fields: Any) -> OutgoingEmail:
        calls.append(fields["to"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**fields)

    with (
        mock.patch.object(OutgoingEmail.objects, "create", side_effect=fail_on_second),
        pytest.raises(RuntimeError),
    ):
        client.post(URL, VALID)

    assert len(calls) == 2
    assert not ContactMessage.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_only_get_and_post_are_answered(client: Client) -> None:
    assert client.put(URL).status_code == 405


# --- In the moderation panel ----------------------------------------------------------------


def test_moderators_read_contact_messages_in_the_panel_but_cannot_change_them(
    moderator_client: Client,
) -> None:
    ContactMessage.objects.create(topic="press", email="press@example.org", message="x" * 30)
    saved = ContactMessage.objects.get()

    listing = moderator_client.get("/admin/moderation/contactmessage/")
    assert listing.status_code == 200
    assert "press@example.org" in listing.content.decode()
    assert (
        moderator_client.get(f"/admin/moderation/contactmessage/{saved.pk}/change/").status_code
        == 200
    )
    assert moderator_client.get("/admin/moderation/contactmessage/add/").status_code == 403
    delete = f"/admin/moderation/contactmessage/{saved.pk}/delete/"
    assert moderator_client.post(delete, {"post": "yes"}).status_code == 403
    assert ContactMessage.objects.filter(pk=saved.pk).exists()


def test_members_and_visitors_cannot_read_contact_messages(client: Client, member: User) -> None:
    ContactMessage.objects.create(topic="press", email="press@example.org", message="x" * 30)

    assert client.get("/admin/moderation/contactmessage/").status_code == 302
    client.force_login(member)
    response = client.get("/admin/moderation/contactmessage/")
    assert response.status_code == 302
    assert "press@example.org" not in response.content.decode()


# --- The member's data ---------------------------------------------------------------------


def test_a_members_messages_are_in_their_export_and_erased_with_their_account(
    member: User,
) -> None:
    from accounts import services

    ContactMessage.objects.create(
        topic="privacy", email=member.email, message="Please fix my birth year.", sender=member
    )
    ContactMessage.objects.create(topic="press", email="press@example.org", message="x" * 30)

    exported = services.export_member_data(member=member)
    assert [item["message"] for item in exported["moderation"]["contact_messages"]] == [
        "Please fix my birth year."
    ]

    services.delete_account(member=member, keep_content=True)

    assert list(ContactMessage.objects.values_list("email", flat=True)) == ["press@example.org"]
