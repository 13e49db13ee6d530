"""Demo members for `manage.py seed_demo`."""

from __future__ import annotations

from typing import TextIO

from allauth.account.models import EmailAddress

from .models import Role, User, VerificationStatus

DEMO_PASSWORD = "rounds-demo-2026"

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
]


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
    stdout.write(
        ("Created demo accounts" if created_any else "Demo accounts")
        + f" (password for all: {DEMO_PASSWORD}):"
    )
    for email, _handle, name, role, _status, is_staff in DEMO_MEMBERS:
        stdout.write(f"  {email:<24} {name} ({'moderator' if is_staff else role.label})")
