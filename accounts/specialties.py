"""The curated list of specialties members choose from, kept as data (slug -> name).

Slugs are stored on profiles and used by mentoring and groups, so never rename a slug;
change the name instead. Subspecialties are listed under their parent's name so the list
reads well in one select box.
"""

from __future__ import annotations

SPECIALTIES: dict[str, str] = {
    "allergy-immunology": "Allergy and immunology",
    "anesthesiology": "Anesthesiology",
    "cardiology": "Cardiology",
    "cardiothoracic-surgery": "Cardiothoracic surgery",
    "child-psychiatry": "Child and adolescent psychiatry",
    "critical-care": "Critical care medicine",
    "dermatology": "Dermatology",
    "emergency-medicine": "Emergency medicine",
    "endocrinology": "Endocrinology",
    "family-medicine": "Family medicine",
    "gastroenterology": "Gastroenterology",
    "general-surgery": "General surgery",
    "geriatrics": "Geriatric medicine",
    "hematology-oncology": "Hematology and oncology",
    "hospital-medicine": "Hospital medicine",
    "infectious-disease": "Infectious disease",
    "internal-medicine": "Internal medicine",
    "interventional-radiology": "Interventional radiology",
    "medical-genetics": "Medical genetics",
    "nephrology": "Nephrology",
    "neonatology": "Neonatology",
    "neurology": "Neurology",
    "neurosurgery": "Neurosurgery",
    "nuclear-medicine": "Nuclear medicine",
    "obstetrics-gynecology": "Obstetrics and gynecology",
    "occupational-medicine": "Occupational medicine",
    "ophthalmology": "Ophthalmology",
    "orthopedic-surgery": "Orthopedic surgery",
    "otolaryngology": "Otolaryngology (ENT)",
    "palliative-care": "Hospice and palliative medicine",
    "pathology": "Pathology",
    "pediatric-surgery": "Pediatric surgery",
    "pediatrics": "Pediatrics",
    "physical-medicine-rehabilitation": "Physical medicine and rehabilitation",
    "plastic-surgery": "Plastic surgery",
    "preventive-medicine": "Preventive medicine and public health",
    "psychiatry": "Psychiatry",
    "pulmonology": "Pulmonary medicine",
    "radiation-oncology": "Radiation oncology",
    "radiology": "Diagnostic radiology",
    "rheumatology": "Rheumatology",
    "sports-medicine": "Sports medicine",
    "urology": "Urology",
    "vascular-surgery": "Vascular surgery",
}

# Students who have not chosen yet; offered to students only, never a mentor's specialty.
UNDECIDED = "undecided"
UNDECIDED_LABEL = "Undecided"

SPECIALTY_CHOICES: list[tuple[str, str]] = sorted(SPECIALTIES.items(), key=lambda item: item[1])
PROFILE_SPECIALTY_CHOICES: list[tuple[str, str]] = [
    *SPECIALTY_CHOICES,
    (UNDECIDED, UNDECIDED_LABEL),
]


def specialty_label(slug: str) -> str:
    """The name for a stored slug ('' for none or a slug no longer listed)."""
    if slug == UNDECIDED:
        return UNDECIDED_LABEL
    return SPECIALTIES.get(slug, "")
