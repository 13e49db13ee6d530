"""Physician verification: NPI and licence checks, documents, states, decisions, access."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.models import (
    Role,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
)
from accounts.moderators import Actor
from accounts.validators import validate_npi
from notifications.models import Kind, Notification
from tests.accounts.conftest import (
    image_upload,
    make_verification_moderator,
    sign_in_with_two_factor,
)
from tests.factories import PhysicianFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID_NPI = "1234567893"  # the CMS example: check digit 3 over 80840123456789
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/settings/verification/"


def _decider(user: User | None = None) -> Actor:
    """A verification moderator as the panel presents them: signed in with their code."""
    return Actor(user=user or make_verification_moderator(), passed_two_factor=True)


def _unverified_physician(**fields: Any) -> User:
    return PhysicianFactory.create(verification_status=VerificationStatus.UNVERIFIED, **fields)


def _submit(member: User, **overrides: Any) -> VerificationRequest:
    arguments: dict[str, Any] = {
        "member": member,
        "method": VerificationMethod.NPI,
        "npi": VALID_NPI,
        "document": ContentFile(PDF, name="document.pdf"),
        "document_content_type": "application/pdf",
    }
    arguments.update(overrides)
    return services.submit_verification(**arguments)


def _form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "method": "npi",
        "npi": VALID_NPI,
        "licence_body": "",
        "licence_number": "",
        "country": "",
        "document": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


# --- NPI --------------------------------------------------------------------------------


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_valid_npis_pass(npi: str) -> None:
    validate_npi(npi)
    # The check digit is what lets it through: any other last digit is refused.
    for digit in set("0123456789") - {npi[-1]}:
        with pytest.raises(ValidationError) as error:
            validate_npi(npi[:-1] + digit)
        assert error.value.code == "npi_checksum"


@pytest.mark.parametrize(
    ("npi", "code"),
    [
        ("1234567890", "npi_checksum"),
        ("1234567894", "npi_checksum"),
        ("123456789", "npi_format"),
        ("12345678930", "npi_format"),
        ("12345abc93", "npi_format"),
        ("3234567893", "npi_format"),
    ],
)
def test_bad_npis_are_refused(npi: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_npi(npi)
    assert error.value.code == code


def test_a_wrong_npi_check_digit_is_a_form_error_tied_to_the_field(client: Client) -> None:
    client.force_login(_unverified_physician())
    response = client.post(URL, _form_data(npi="1234567890"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "check digit is wrong" in html
    assert 'aria-describedby="id_npi_helptext id_npi_error"' in html
    assert not VerificationRequest.objects.exists()


# --- Submitting -------------------------------------------------------------------------


def test_a_physician_submits_an_npi_with_a_pdf(client: Client) -> None:
    physician = _unverified_physician()
    client.force_login(physician)
    response = client.post(URL, _form_data())
    assert response.status_code == 302
    request = VerificationRequest.objects.get()
    assert request.npi == VALID_NPI
    assert request.status == VerificationStatus.PENDING
    assert request.document_content_type == "application/pdf"
    physician.refresh_from_db()
    assert physician.verification_status == VerificationStatus.PENDING


def test_the_document_is_stored_outside_the_public_media_path(
    client: Client, settings: Any
) -> None:
    client.force_login(_unverified_physician())
    client.post(URL, _form_data())
    request = VerificationRequest.objects.get()
    stored = settings.PRIVATE_MEDIA_ROOT / request.document.name
    assert stored.exists()
    assert not str(stored).startswith(str(settings.MEDIA_ROOT))
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))
    # The member's own file name is not kept.
    assert "licence" not in request.document.name


def test_a_photo_of_a_licence_is_re_encoded_without_gps(client: Client) -> None:
    client.force_login(_unverified_physician())
    response = client.post(
        URL, _form_data(document=image_upload(size=(600, 400), gps=True, name="badge.jpg"))
    )
    assert response.status_code == 302
    request = VerificationRequest.objects.get()
    assert request.document_content_type == "image/webp"
    request.document.open("rb")
    raw = request.document.read()
    request.document.close()
    assert raw.startswith(b"RIFF") and b"GPS" not in raw and b"PhoneCo" not in raw


def test_the_document_field_takes_every_type_it_names_and_names_every_type_it_takes(
    client: Client,
) -> None:
    client.force_login(_unverified_physician())
    html = client.get(URL).content.decode()
    accept = re.search(r'<input type="file" name="document"[^>]* accept="([^"]+)"', html)
    assert accept is not None
    offered = accept.group(1).split(",")
    assert offered == ["application/pdf", "image/jpeg", "image/png", "image/webp"]
    assert "A licence, hospital badge or letter: PDF, JPEG, PNG or WebP, up to 10 MB." in html

    Image.init()
    format_of = {mime: name for name, mime in Image.MIME.items()}
    for content_type in offered[1:]:
        fmt = format_of[content_type]
        member = _unverified_physician()
        client.force_login(member)
        response = client.post(URL, _form_data(document=image_upload(fmt, name=f"badge.{fmt}")))
        assert response.status_code == 302, fmt
        request = VerificationRequest.objects.get(member=member)
        assert request.document_content_type == "image/webp"


def test_a_licence_outside_the_us_needs_body_number_and_country(client: Client) -> None:
    client.force_login(_unverified_physician())
    response = client.post(URL, _form_data(method="licence", npi=""))
    html = response.content.decode()
    assert "Name the body that issued your licence." in html
    assert "Enter your licence number." in html
    assert "Choose the country of your licence." in html
    response = client.post(
        URL,
        _form_data(
            method="licence",
            npi="",
            licence_body="General Medical Council",
            licence_number="7654321",
            country="GB",
        ),
    )
    assert response.status_code == 302
    request = VerificationRequest.objects.get()
    assert request.identifier == "General Medical Council licence 7654321"
    assert str(request.country) == "GB"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 50), "damaged or incomplete"),
        (SimpleUploadedFile("a.pdf", b"just text"), "not an image we can read"),
        (SimpleUploadedFile("a.docx", b"PK\x03\x04word"), "not an image we can read"),
        (
            image_upload("GIF", name="a.gif"),
            "Upload a PDF, JPEG, PNG or WebP file; this file is a GIF",
        ),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF"),
            "the limit is 10 MB",
        ),
    ],
)
def test_bad_documents_are_form_errors(client: Client, document: Any, message: str) -> None:
    client.force_login(_unverified_physician())
    response = client.post(URL, _form_data(document=document))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_document_error"' in html
    assert not VerificationRequest.objects.exists()


def test_students_cannot_ask_to_be_verified(client: Client) -> None:
    student = UserFactory.create(role=Role.MEDICAL_STUDENT)
    client.force_login(student)
    assert "Verification is for physicians and residents" in client.get(URL).content.decode()
    client.post(URL, _form_data())
    assert not VerificationRequest.objects.exists()
    with pytest.raises(services.AccountActionError):
        _submit(student)


def test_residents_can_ask_to_be_verified() -> None:
    resident = ResidentFactory.create(verification_status=VerificationStatus.UNVERIFIED)
    assert _submit(resident).status == VerificationStatus.PENDING


def test_a_second_request_while_pending_is_refused() -> None:
    physician = _unverified_physician()
    _submit(physician)
    with pytest.raises(services.AccountActionError):
        _submit(physician)
    assert VerificationRequest.objects.count() == 1


def test_an_unverified_email_cannot_submit(client: Client) -> None:
    client.force_login(_unverified_physician(email_verified=False))
    assert client.post(URL, _form_data()).status_code == 403
    assert not VerificationRequest.objects.exists()


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


# --- Decisions --------------------------------------------------------------------------


def test_approval_verifies_the_member_and_notifies_them() -> None:
    physician = _unverified_physician()
    request = _submit(physician)
    moderator = _decider()
    services.approve_verification(request=request, moderator=moderator)
    physician.refresh_from_db()
    request.refresh_from_db()
    assert physician.is_verified
    assert request.decided_by == moderator.user and request.decided_at is not None
    notification = Notification.objects.get(recipient=physician, kind=Kind.VERIFICATION)
    assert "verified" in notification.title


def test_rejection_keeps_a_reason_the_member_sees_and_allows_resubmission(
    client: Client,
) -> None:
    physician = _unverified_physician()
    request = _submit(physician)
    services.reject_verification(
        request=request,
        moderator=_decider(),
        reason="The document is unreadable.",
    )
    physician.refresh_from_db()
    assert physician.verification_status == VerificationStatus.REJECTED
    assert Notification.objects.filter(recipient=physician, kind=Kind.VERIFICATION).exists()
    client.force_login(physician)
    page = client.get(URL).content.decode()
    assert "The document is unreadable." in page
    assert "Send for review" in page
    assert client.post(URL, _form_data()).status_code == 302
    physician.refresh_from_db()
    assert physician.verification_status == VerificationStatus.PENDING


def test_a_rejection_needs_a_reason() -> None:
    request = _submit(_unverified_physician())
    with pytest.raises(services.AccountActionError):
        services.reject_verification(request=request, moderator=_decider(), reason="  ")


def test_a_request_cannot_be_decided_twice() -> None:
    request = _submit(_unverified_physician())
    moderator = _decider()
    services.approve_verification(request=request, moderator=moderator)
    with pytest.raises(services.AccountActionError):
        services.reject_verification(request=request, moderator=moderator, reason="No")


def test_members_without_the_permission_cannot_decide() -> None:
    request = _submit(_unverified_physician())
    with pytest.raises(services.AccountActionError, match="do not have permission"):
        services.approve_verification(
            request=request, moderator=_decider(UserFactory.create(is_staff=True))
        )
    request.refresh_from_db()
    assert request.status == VerificationStatus.PENDING


def test_a_moderator_whose_session_had_no_code_cannot_decide() -> None:
    request = _submit(_unverified_physician())
    without_code = Actor(user=make_verification_moderator(), passed_two_factor=False)
    with pytest.raises(services.AccountActionError, match="do not have permission"):
        services.approve_verification(request=request, moderator=without_code)
    with pytest.raises(services.AccountActionError, match="do not have permission"):
        services.reject_verification(request=request, moderator=without_code, reason="No")
    request.refresh_from_db()
    assert request.status == VerificationStatus.PENDING


def test_a_moderator_cannot_decide_their_own_request() -> None:
    moderator = make_verification_moderator()
    User.objects.filter(pk=moderator.pk).update(verification_status=VerificationStatus.UNVERIFIED)
    moderator.refresh_from_db()
    request = _submit(moderator)
    with pytest.raises(services.AccountActionError):
        services.approve_verification(request=request, moderator=_decider(moderator))


def test_the_badge_shows_beside_a_verified_name(client: Client) -> None:
    verified = PhysicianFactory.create()
    unverified = _unverified_physician()
    assert "verified-badge" in client.get(verified.get_absolute_url()).content.decode()
    assert "verified-badge" not in client.get(unverified.get_absolute_url()).content.decode()


# --- The document view ------------------------------------------------------------------


def _document_url(request: VerificationRequest) -> str:
    return reverse("accounts:verification_document", kwargs={"pk": request.pk})


def test_a_moderator_signed_in_with_a_code_downloads_the_document(client: Client) -> None:
    request = _submit(_unverified_physician())
    sign_in_with_two_factor(client, make_verification_moderator())
    response = client.get(_document_url(request))
    assert response.status_code == 200
    assert cast(StreamingHttpResponse, response).getvalue() == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "member",
        "owner",
        "staff_without_permission",
        "moderator_without_an_app",
        "moderator_without_a_code",
    ],
)
def test_everyone_else_gets_404_for_a_verification_document(client: Client, who: str) -> None:
    """Moderators whose session has not passed two-factor are members here: the document
    is not even said to exist."""
    physician = _unverified_physician()
    request = _submit(physician)
    if who == "member":
        client.force_login(UserFactory.create())
    elif who == "owner":
        client.force_login(physician)
    elif who == "staff_without_permission":
        sign_in_with_two_factor(client, UserFactory.create(is_staff=True))
    elif who == "moderator_without_an_app":
        client.force_login(make_verification_moderator(with_mfa=False))
    elif who == "moderator_without_a_code":
        client.force_login(make_verification_moderator())
    assert client.get(_document_url(request)).status_code == 404


def test_an_unknown_document_is_404_for_moderators(client: Client) -> None:
    sign_in_with_two_factor(client, make_verification_moderator())
    assert client.get("/verification/999999/document/").status_code == 404
