"""Identifier checks: NPI (Luhn over the 80840 prefix), ORCID (ISO 7064 MOD 11-2), handles."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

HANDLE_MIN_LENGTH = 3
HANDLE_MAX_LENGTH = 30
_HANDLE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# Handles that would read as the site speaking, or collide with tombstones of deleted members.
RESERVED_HANDLES = frozenset(
    {
        "admin", "administrator", "moderator", "moderators", "staff", "support", "help",
        "rounds", "official", "security", "system", "root", "api", "accounts", "settings",
        "members", "about", "privacy", "terms", "deleted", "deleted-member", "anonymous",
        "null", "none", "undefined", "me", "you",
    }
)  # fmt: skip
_NPI_PREFIX = "80840"


def luhn_is_valid(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of digits, check digit last."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_npi(value: str) -> None:
    """A US National Provider Identifier: ten digits whose last is the Luhn check digit
    computed with the card-issuer prefix 80840 in front, as CMS specifies."""
    if not re.fullmatch(r"[0-9]{10}", value or ""):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if value[0] not in "12":
        raise ValidationError("An NPI starts with 1 or 2.", code="npi_format")
    if not luhn_is_valid(_NPI_PREFIX + value):
        raise ValidationError(
            "This NPI's check digit is wrong; please check the number for a typo.",
            code="npi_checksum",
        )


def normalise_orcid(value: str) -> str:
    """Accept 0000-0002-1825-0097, 0000000218250097 or the https://orcid.org/ URL form."""
    value = (value or "").strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    compact = value.replace("-", "").replace(" ", "").upper()
    if len(compact) == 16:
        return "-".join(compact[index : index + 4] for index in range(0, 16, 4))
    return value


def orcid_check_character(base_digits: str) -> str:
    total = 0
    for char in base_digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    """An ORCID iD in its 0000-0000-0000-000X form with a correct MOD 11-2 check character."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]", value or ""):
        raise ValidationError("Enter an ORCID iD like 0000-0002-1825-0097.", code="orcid_format")
    compact = value.replace("-", "")
    if orcid_check_character(compact[:15]) != compact[15]:
        raise ValidationError(
            "This ORCID iD's check character is wrong; please check it for a typo.",
            code="orcid_checksum",
        )


def validate_handle(value: str) -> None:
    """Lowercase letters, digits and hyphens, 3 to 30 long, not reserved."""
    if not HANDLE_MIN_LENGTH <= len(value) <= HANDLE_MAX_LENGTH:
        raise ValidationError(
            "A handle is %(min)s to %(max)s characters long.",
            code="handle_length",
            params={"min": HANDLE_MIN_LENGTH, "max": HANDLE_MAX_LENGTH},
        )
    if not _HANDLE_PATTERN.match(value):
        raise ValidationError(
            "Use lowercase letters, digits and hyphens only, starting and ending with a "
            "letter or digit.",
            code="handle_characters",
        )
    if value in RESERVED_HANDLES or value.startswith("deleted-"):
        raise ValidationError("This handle is reserved; choose another.", code="handle_reserved")
