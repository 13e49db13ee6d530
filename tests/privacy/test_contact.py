"""Contact details in messages: what counts, and what must not."""

from __future__ import annotations

import pytest

from privacy.contact import find_contact_details


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("call me at (555) 123-4567 tonight", "phone", "(555) 123-4567"),
        ("my cell: +44 20 7946 0958", "phone", "+44 20 7946 0958"),
        ("text 555.201.7788", "phone", "555.201.7788"),
        ("write to jo.doe+x@gmail.com", "email", "jo.doe+x@gmail.com"),
        ("add me on insta @cool_kid", "social_handle", "@cool_kid"),
        ("snapchat: coolkid", "social_handle", "coolkid"),
        ("my insta is coolkid22", "social_handle", "coolkid22"),
        ("discord: jane#1234", "social_handle", "jane#1234"),
        ("see instagram.com/coolkid", "social_link", "instagram.com/coolkid"),
        ("https://wa.me/15551234567", "social_link", "https://wa.me/15551234567"),
        ("join t.me/studygroup", "social_link", "t.me/studygroup"),
    ],
)
def test_it_finds_contact_details(text: str, kind: str, found: str) -> None:
    findings = find_contact_details(text)
    assert [(finding.kind, finding.text) for finding in findings] == [(kind, found)]
    (finding,) = findings
    assert text[finding.start : finding.end] == found


@pytest.mark.parametrize(
    "text",
    [
        "meeting on 2024-05-01 at 3",
        "I studied there 2019-2023",
        "the deadline is 12/05/2026",
        "I scored 512 on the MCAT",
        "thanks @drsmith for the tip",
        "discord is fine too",
        "text me on whatsapp when you can",
        "",
    ],
)
def test_it_leaves_ordinary_text_alone(text: str) -> None:
    assert find_contact_details(text) == []


def test_findings_come_in_order_without_overlaps() -> None:
    text = "email a@b.org, call 555-123-4567, ig @me_22, instagram.com/me_22"
    findings = find_contact_details(text)
    assert [finding.kind for finding in findings] == [
        "email",
        "phone",
        "social_handle",
        "social_link",
    ]
    ends = [finding.end for finding in findings]
    starts = [finding.start for finding in findings]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_markup_is_just_text() -> None:
    findings = find_contact_details('<a href="https://instagram.com/x_1">me</a>')
    assert findings[0].kind == "social_link"
    assert '"' not in findings[0].text
