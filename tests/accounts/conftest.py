"""Personas and helpers for the accounts tests."""

from __future__ import annotations

import io
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
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


def give_totp(user: User) -> None:
    TOTP.activate(user, generate_totp_secret())


def make_verification_moderator(*, with_mfa: bool = True) -> User:
    moderator = ModeratorFactory()
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
