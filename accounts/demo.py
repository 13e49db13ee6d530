"""Demo members for `manage.py seed_demo`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, TextIO

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from community.markdown import render_markdown

from .models import (
    Follow,
    Role,
    User,
    VerificationMethod,
    VerificationRequest,
    VerificationStatus,
    Visibility,
)
from .services import copy_minor_until_to_writing, recount_follows

DEMO_PASSWORD = "rounds-demo-2026"
# A fixed, public secret so anyone trying the demo can sign in to the moderation panel.
# Only this seeder uses it; real staff set up their own authenticator app.
DEMO_MODERATOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_MEMBERS = [
    # email, handle, display name, role, verification, staff
    ("member@rounds.test", "demo-student", "Dana Student", Role.PREMED, "unverified", False),
    (
        "moderator@rounds.test",
        "demo-moderator",
        "Morgan Moderator",
        Role.PHYSICIAN,
        "verified",
        True,
    ),
    (
        "physician@rounds.test",
        "dr-amara-okafor",
        "Dr. Amara Okafor",
        Role.PHYSICIAN,
        "verified",
        False,
    ),
    ("resident@rounds.test", "dr-luis-romero", "Dr. Luis Romero", Role.RESIDENT, "verified", False),
    ("highschool@rounds.test", "sam-lee", "Sam Lee", Role.HIGH_SCHOOL, "unverified", False),
    ("pending@rounds.test", "dr-priya-shah", "Dr. Priya Shah", Role.PHYSICIAN, "unverified", False),
]

# Each demo member's profile fields, by handle (data, kept beside this module).
DEMO_PROFILES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).with_name("demo_profiles.json")).read_text(encoding="utf-8")
)

_DEMO_FOLLOWS = [
    ("demo-student", "dr-amara-okafor"),
    ("demo-student", "dr-luis-romero"),
    ("sam-lee", "dr-amara-okafor"),
    ("dr-luis-romero", "dr-amara-okafor"),
    ("dr-amara-okafor", "dr-luis-romero"),
]

# A minimal, valid one-page PDF standing in for a licence scan.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def current_demo_code() -> str:
    """The demo moderator's current six-digit code (what an authenticator app would show)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_MODERATOR_TOTP_SECRET, counter))


def _fill_profile(user: User) -> None:
    profile = DEMO_PROFILES.get(user.handle)
    if not profile or user.bio:
        return
    for name, value in profile.items():
        setattr(user, name, value)
    user.bio_html = render_markdown(user.bio)
    if user.is_minor:
        user.profile_visibility = Visibility.MEMBERS
    user.save()
    # The profile may set a birth year or role, on an account that may have written already.
    copy_minor_until_to_writing(member=user)


def _make_moderator_ready(user: User) -> None:
    # The "Moderators" group (moderation migrations 0006, 0010 and 0011) carries the panel's
    # permissions.
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        user.groups.add(moderators)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_MODERATOR_TOTP_SECRET)


def _pending_request(user: User) -> None:
    if VerificationRequest.objects.filter(member=user).exists():
        return
    request = VerificationRequest(
        member=user,
        method=VerificationMethod.LICENCE,
        licence_body="General Medical Council",
        licence_number="7654321",
        country="GB",
        document_content_type="application/pdf",
    )
    request.document.save("licence.pdf", ContentFile(_DEMO_PDF), save=False)
    request.save()
    User.objects.filter(pk=user.pk).update(verification_status=VerificationStatus.PENDING)


def seed(stdout: TextIO) -> None:
    created_any = False
    for email, handle, name, role, status, is_staff in DEMO_MEMBERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                handle=handle,
                display_name=name,
                role=role,
                verification_status=VerificationStatus(status),
                is_staff=is_staff,
            )
            created_any = True
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        _fill_profile(user)
        if is_staff:
            _make_moderator_ready(user)
        if handle == "dr-priya-shah":
            _pending_request(user)

    by_handle = {user.handle: user for user in User.objects.filter(handle__in=DEMO_PROFILES)}
    for follower, followee in _DEMO_FOLLOWS:
        if follower in by_handle and followee in by_handle:
            Follow.objects.get_or_create(follower=by_handle[follower], followee=by_handle[followee])
    recount_follows(User.objects.filter(handle__in=DEMO_PROFILES))

    stdout.write(
        ("Created demo accounts" if created_any else "Demo accounts")
        + f" (password for all: {DEMO_PASSWORD}):"
    )
    for email, _handle, name, role, _status, is_staff in DEMO_MEMBERS:
        stdout.write(f"  {email:<24} {name} ({'moderator' if is_staff else role.label})")
    stdout.write(
        "  The moderator signs in with a second step: add this secret to an authenticator "
        f"app: {DEMO_MODERATOR_TOTP_SECRET}\n"
        "  or print the current code with: "
        '.venv/bin/python manage.py shell -c "from accounts.demo import current_demo_code; '
        'print(current_demo_code())"'
    )
