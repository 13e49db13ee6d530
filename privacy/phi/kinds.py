"""The kinds of identifier, their labels for people, and the Finding record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

HIGH: Final = "high"
LOW: Final = "low"


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspected identifier: ``text == source[start:end]``."""

    kind: str
    start: int
    end: int
    text: str
    confidence: str


KIND_LABELS: Final[dict[str, str]] = {
    "name": "Person's name",
    "address": "Street address or town",
    "zip": "ZIP code",
    "date": "Date linked to a person",
    "age": "Age over 89",
    "phone": "Phone number",
    "fax": "Fax number",
    "email": "Email address",
    "ssn": "Social Security number",
    "mrn": "Medical record number",
    "health_plan": "Health plan number",
    "account": "Account number",
    "licence": "Licence or certificate number",
    "vehicle": "Vehicle identifier",
    "device": "Device serial number",
    "url": "Web address",
    "ip": "IP address",
    "biometric": "Biometric identifier",
    "other_id": "Other identifying number",
}

KIND_EXPLANATIONS: Final[dict[str, str]] = {
    "name": "A name points straight at the patient or at a relative who can lead back to them.",
    "address": "A street address or town narrows the patient down to a household or small area.",
    "zip": "A full ZIP code covers a small area and, with age and sex, often singles out one "
    "person.",
    "date": "A birth, admission, discharge, procedure or death date can be matched against "
    "hospital records.",
    "age": "Very few people are over 89, so an exact age that high is nearly unique.",
    "phone": "A phone number belongs to one person or household and can be looked up.",
    "fax": "A fax number identifies the practice, home or facility that holds the records.",
    "email": "An email address usually contains or reveals the owner's identity.",
    "ssn": "A Social Security number, even in part, is tied to exactly one person.",
    "mrn": "A medical record number opens the patient's chart in the hospital system.",
    "health_plan": "An insurance or Medicare number identifies the member and their claims.",
    "account": "An account or billing number is linked to the patient's bills and payments.",
    "licence": "Licence and certificate numbers are issued to one named person.",
    "vehicle": "A licence plate or VIN can be traced to the registered owner.",
    "device": "An implant or device serial number is registered to the patient who has it.",
    "url": "A web address can lead to a page about the patient; even reference links are "
    "worth a second look.",
    "ip": "An IP address can be traced to a home or device at a given time.",
    "biometric": "Fingerprints, voice prints, retina or face data and distinctive marks "
    "identify a body, not just a record.",
    "other_id": "Any other unique number or code (claim, case, passport, study ID) can be "
    "linked back to the person.",
}
