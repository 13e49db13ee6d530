"""Finding contact details in a message: phone numbers, email addresses, social handles.

Used to warn, not to block: when a conversation involves a member under 18, moving it off
Rounds (where moderators can act on reports) deserves a second thought. Precision matters
less than recall here, but plain dates, years and @mentions of Rounds members without a
platform nearby are left alone so the warning stays meaningful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KIND_LABELS = {
    "email": "an email address",
    "phone": "a phone number",
    "social_handle": "a social media handle",
    "social_link": "a link to a social media or messaging profile",
}


@dataclass(frozen=True)
class ContactFinding:
    kind: str
    start: int
    end: int
    text: str


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A run of digits with the separators people type in phone numbers.
_PHONE_CANDIDATE = re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{5,}\d(?![\w/])")
_DATE_LIKE = re.compile(
    r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{4}\s*-\s*\d{4})$"
)
_PLATFORMS = (
    r"instagram|insta|ig|snapchat|snap|whatsapp|telegram|discord|tiktok|twitter|"
    r"facebook|fb|signal|kik|threads|bluesky"
)
_SOCIAL_LINK = re.compile(
    r"(?:https?://)?(?:www\.)?"
    r"(?:instagram\.com|instagr\.am|snapchat\.com|wa\.me|whatsapp\.com|chat\.whatsapp\.com|"
    r"t\.me|telegram\.me|discord\.gg|discord\.com/users|discordapp\.com|tiktok\.com|"
    r"twitter\.com|x\.com|facebook\.com|fb\.com|m\.me|linkedin\.com|signal\.me|bsky\.app)"
    r"/[^\s<>\"']*",
    re.IGNORECASE,
)
# "my insta is @name", "snapchat: name", "discord - name#1234"
_NAMED_HANDLE = re.compile(
    rf"\b(?:{_PLATFORMS})\b(?:\s+(?:handle|name|username|id))?"
    r"(?P<separator>\s*(?:is|:|-|at)?\s*:?\s*)"
    r"(?P<handle>@?[A-Za-z0-9_.]{2,32}(?:#\d{4})?)",
    re.IGNORECASE,
)
_HANDLE_LOOKING = re.compile(r"[\d_.#]")
_AT_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,32}")
_PLATFORM_WORD = re.compile(rf"\b(?:{_PLATFORMS})\b", re.IGNORECASE)
# Words that follow a platform name without being a handle ("on instagram is fine").
_NOT_HANDLES = frozenset(
    {"is", "me", "or", "and", "the", "a", "an", "to", "for", "on", "at", "it", "too", "dm"}
)


def _overlaps(findings: list[ContactFinding], start: int, end: int) -> bool:
    return any(start < finding.end and finding.start < end for finding in findings)


def _phones(text: str) -> list[ContactFinding]:
    found = []
    for match in _PHONE_CANDIDATE.finditer(text):
        candidate = match.group().strip()
        digits = sum(character.isdigit() for character in candidate)
        if not 7 <= digits <= 15 or _DATE_LIKE.match(candidate):
            continue
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        found.append(ContactFinding("phone", start, start + len(candidate), candidate))
    return found


def find_contact_details(text: str) -> list[ContactFinding]:
    """Contact details in `text`, in order of position, without overlaps."""
    findings: list[ContactFinding] = []
    for match in _SOCIAL_LINK.finditer(text):
        findings.append(ContactFinding("social_link", match.start(), match.end(), match.group()))
    for match in _EMAIL.finditer(text):
        if not _overlaps(findings, match.start(), match.end()):
            findings.append(ContactFinding("email", match.start(), match.end(), match.group()))
    for finding in _phones(text):
        if not _overlaps(findings, finding.start, finding.end):
            findings.append(finding)
    for match in _NAMED_HANDLE.finditer(text):
        handle = match.group("handle")
        if handle.lstrip("@").lower() in _NOT_HANDLES:
            continue
        # "discord is fine" is not a handle; "discord: fine", "@fine" and "fine_22" are.
        explicit = handle.startswith("@") or ":" in match.group("separator")
        if not explicit and not _HANDLE_LOOKING.search(handle):
            continue
        start, end = match.span("handle")
        if not _overlaps(findings, start, end):
            findings.append(ContactFinding("social_handle", start, end, handle))
    if _PLATFORM_WORD.search(text):
        # With a platform named anywhere, a bare @name is most likely that platform's handle.
        for match in _AT_HANDLE.finditer(text):
            if not _overlaps(findings, match.start(), match.end()):
                findings.append(
                    ContactFinding("social_handle", match.start(), match.end(), match.group())
                )
    return sorted(findings, key=lambda finding: finding.start)
