"""Personas and helpers for the accounts tests."""

from __future__ import annotations

import io
import time
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from PIL import ExifTags, Image

from accounts.models import User
from tests.factories import ModeratorFactory

PASSWORD = "correct horse battery staple"


def image_upload(
    fmt: str = "JPEG",
    *,
    size: tuple[int, int] = (120, 80),
    name: str = "photo.jpg",
    gps: bool = False,
    **save: Any,
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (180, 40, 40))
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "PhoneCo"
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (40.0, 26.0, 46.0),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (79.0, 58.0, 56.0),
        }
        save["exif"] = exif
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def give_totp(user: User) -> str:
    """Set up an authenticator app for `user`; returns the secret the app would hold."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    """The code the app shows now (the server also takes it in the next period,
    MFA_TOTP_TOLERANCE)."""
    period = mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def sign_in_with_two_factor(client: Client, user: User) -> None:
    """Sign `user` in as if they had given their password and then a code from their app:
    allauth records the second step in the session (tests/accounts/test_moderators.py
    checks the real sign-in gives the same powers)."""
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    record_authentication(request, user, "mfa", type="totp")
    request.session.save()


def make_verification_moderator(*, with_mfa: bool = True) -> User:
    moderator = ModeratorFactory.create()
    moderator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_verificationrequest", "change_verificationrequest"],
        )
    )
    if with_mfa:
        give_totp(moderator)
    # Permissions are cached on the instance: fetch afresh.
    return User.objects.get(pk=moderator.pk)


def sign_in(client: Client, user: User, password: str = PASSWORD) -> None:
    """A real sign-in through allauth, which records it for reauthentication checks."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content[:2000]


def reauthenticate(client: Client, password: str = PASSWORD) -> None:
    """Confirm the password again, as allauth asks before sensitive changes."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content[:2000]
