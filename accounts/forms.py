"""Account forms: they validate and normalise; services do the writing."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_countries import countries

# The package's fields.pyi leaves out the form fields that fields.py defines.
from django_countries.fields import LazyTypedChoiceField  # type: ignore[attr-defined]

from community.images import (
    ACCEPTED_CONTENT_TYPES,
    ACCEPTED_LABEL,
    encode_display,
    format_megabytes,
    load_image,
)
from community.time_zones import time_zone_choices

from .languages import LANGUAGE_CHOICES
from .models import MINIMUM_AGE, Role, Theme, User, VerificationMethod
from .selectors import handle_is_retired
from .services import PROFILE_FIELDS, RETIRED_HANDLE_MESSAGE
from .specialties import PROFILE_SPECIALTY_CHOICES, UNDECIDED
from .validators import normalise_orcid, validate_handle, validate_npi, validate_orcid

AVATAR_MAX_BYTES = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# A verification document is a PDF, or a photo that goes through community/images.py.
DOCUMENT_LABEL = f"PDF, {ACCEPTED_LABEL}"
BIO_MAX_LENGTH = 1500
MAX_INTERESTS = 12
OLDEST_BIRTH_YEAR_OFFSET = 110


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", "Not set"), *time_zone_choices()]


def validate_birth_year(year: int) -> None:
    """Refuse the under-13s (anyone born so recently they cannot have turned 13 this year)
    and impossible years. With only a year, a member who turns 13 later this year passes
    here and confirms their age with the checkbox."""
    this_year = timezone.now().year
    if year > this_year or year < this_year - OLDEST_BIRTH_YEAR_OFFSET:
        raise ValidationError("Enter the year you were born, for example 2009.", code="invalid")
    if this_year - year < MINIMUM_AGE:
        raise ValidationError(
            "You must be 13 or older to join Rounds. We have not kept anything you entered.",
            code="under_13",
        )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (email, password) plus who the member is."""

    display_name = forms.CharField(
        label="Display name",
        max_length=80,
        help_text="How your name appears to others, for example “Dr. Amara Okafor” or “Sam”.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label="I am a…",
        choices=[("", "Choose one"), *Role.choices],
    )
    birth_year = forms.IntegerField(
        label="Birth year",
        required=False,
        help_text="Required for high-school students. We store the year only.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    confirms_age = forms.BooleanField(
        label="I am 13 or older",
        required=False,
        help_text="High-school students must confirm this to join.",
    )

    field_order = [
        "email",
        "display_name",
        "role",
        "birth_year",
        "confirms_age",
        "password1",
        "password2",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Enter the name others will see.", code="required")
        return name

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None:
            validate_birth_year(year)
        return year

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("role") == Role.HIGH_SCHOOL:
            if cleaned.get("birth_year") is None and "birth_year" not in self.errors:
                self.add_error("birth_year", "High-school students give their birth year to join.")
            if not cleaned.get("confirms_age"):
                self.add_error("confirms_age", "Confirm that you are 13 or older to join.")
        return cleaned

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        if self.account_already_exists:
            # A new account costs a password hash; spend the same on an address that has
            # an account, so that the time taken does not tell the two apart either.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    """Everything on a member's profile page that they may change themselves."""

    specialty = forms.ChoiceField(
        label="Specialty", required=False, choices=[("", "Not set"), *PROFILE_SPECIALTY_CHOICES]
    )
    languages = forms.MultipleChoiceField(
        label="Languages you speak",
        required=False,
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    country = LazyTypedChoiceField(
        label="Country", required=False, choices=[("", "Not set"), *countries]
    )
    time_zone = forms.ChoiceField(label="Time zone", required=False, choices=_time_zone_choices)
    interests = forms.CharField(
        label="Interests",
        required=False,
        max_length=400,
        help_text="Separate them with commas, for example: global health, sports medicine.",
    )
    bio = forms.CharField(
        label="Short bio",
        required=False,
        max_length=BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Up to {BIO_MAX_LENGTH} characters. Markdown works: **bold**, *italic*, "
        "links, lists.",
    )
    orcid = forms.CharField(
        label="ORCID iD",
        required=False,
        max_length=40,
        help_text="For example 0000-0002-1825-0097.",
    )
    avatar = forms.FileField(
        label="Profile photo",
        required=False,
        help_text=f"{ACCEPTED_LABEL}, up to {format_megabytes(AVATAR_MAX_BYTES)}. We remove "
        "location and camera details.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_CONTENT_TYPES}),
    )
    remove_avatar = forms.BooleanField(label="Remove my current photo", required=False)
    handle = forms.CharField(
        label="Handle",
        max_length=40,
        help_text="Your address on Rounds: /@handle/. Lowercase letters, digits, hyphens.",
    )
    website = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https")
    # Not required: a form sent without it (an older page) keeps the device's setting.
    theme = forms.ChoiceField(
        label="Colours", required=False, choices=Theme.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {
            "display_name": "Display name",
            "role": "Role",
            "training_stage": "Training stage",
            "institution": "Institution",
            "graduation_year": "Graduation or training year",
            "region": "State, province or region",
            "website": "Website",
            "profile_visibility": "Who can see your profile",
        }
        help_texts = {
            "training_stage": "For example: PGY-2, MS3, junior in college, attending.",
            "graduation_year": "The year you graduate or finish training.",
        }
        widgets = {"profile_visibility": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["interests"] = ", ".join(self.instance.interests or [])
        if self.instance.is_minor:
            # Members under 18 are always members-only; there is nothing to choose.
            del self.fields["profile_visibility"]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Enter the name others will see.", code="required")
        return name

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lower()
        validate_handle(handle)
        if User.objects.filter(handle=handle).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This handle is taken; choose another.", code="taken")
        if handle_is_retired(handle, member_pk=self.instance.pk):
            raise ValidationError(RETIRED_HANDLE_MESSAGE, code="retired")
        return handle

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if role == Role.HIGH_SCHOOL and self.instance.birth_year is None:
            raise ValidationError(
                "To become a high-school student member, contact us so we can record your "
                "birth year.",
                code="birth_year_needed",
            )
        return role

    def clean_graduation_year(self) -> int | None:
        year = self.cleaned_data.get("graduation_year")
        this_year = timezone.now().year
        if year is not None and not this_year - 70 <= year <= this_year + 15:
            raise ValidationError(
                "Enter a year between %(first)s and %(last)s.",
                code="invalid",
                params={"first": this_year - 70, "last": this_year + 15},
            )
        return year

    def clean_interests(self) -> list[str]:
        raw = self.cleaned_data.get("interests") or ""
        interests: list[str] = []
        for item in raw.split(","):
            item = " ".join(item.split())
            if item and item.lower() not in {existing.lower() for existing in interests}:
                if len(item) > 40:
                    raise ValidationError(
                        "Keep each interest under 40 characters.", code="too_long"
                    )
                interests.append(item)
        if len(interests) > MAX_INTERESTS:
            raise ValidationError(
                "List at most %(max)s interests.", code="too_many", params={"max": MAX_INTERESTS}
            )
        return interests

    def clean_theme(self) -> str:
        return self.cleaned_data.get("theme") or Theme.SYSTEM

    def clean_orcid(self) -> str:
        value = normalise_orcid(self.cleaned_data.get("orcid") or "")
        if value:
            validate_orcid(value)
        return value

    def clean_avatar(self) -> Any:
        upload: UploadedFile | None = self.cleaned_data.get("avatar")
        if not upload:
            return None
        # The decoded image, not the upload: only re-encoded thumbnails are ever stored.
        return load_image(upload, max_bytes=AVATAR_MAX_BYTES)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role", self.instance.role)
        if cleaned.get("specialty") == UNDECIDED and role not in (
            Role.MEDICAL_STUDENT,
            Role.PREMED,
            Role.HIGH_SCHOOL,
        ):
            self.add_error("specialty", "“Undecided” is for students; choose your specialty.")
        return cleaned

    def profile_changes(self) -> dict[str, Any]:
        """The cleaned values for services.update_profile."""
        changes = {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }
        changes["country"] = changes.get("country") or ""
        return changes


class VerificationForm(forms.Form):
    """A request to be verified: an NPI (US) or a licence elsewhere, plus a document."""

    method = forms.ChoiceField(
        label="How can we check you are a physician?",
        choices=VerificationMethod.choices,
        widget=forms.RadioSelect,
        initial=VerificationMethod.NPI,
    )
    npi = forms.CharField(
        label="NPI number",
        required=False,
        max_length=14,
        help_text="Your 10-digit US National Provider Identifier.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    licence_body = forms.CharField(
        label="Licensing body",
        required=False,
        max_length=160,
        help_text="Outside the US: for example the General Medical Council (UK).",
    )
    licence_number = forms.CharField(label="Licence number", required=False, max_length=60)
    country = LazyTypedChoiceField(
        label="Country of the licence", required=False, choices=[("", "Choose"), *countries]
    )
    document = forms.FileField(
        label="Supporting document",
        help_text=f"A licence, hospital badge or letter: {DOCUMENT_LABEL}, up to "
        f"{format_megabytes(DOCUMENT_MAX_BYTES)}. Only moderators see it.",
        widget=forms.ClearableFileInput(
            attrs={"accept": f"application/pdf,{ACCEPTED_CONTENT_TYPES}"}
        ),
    )

    def clean_npi(self) -> str:
        value = (self.cleaned_data.get("npi") or "").replace(" ", "").replace("-", "")
        if value:
            validate_npi(value)
        return value

    def clean_document(self) -> tuple[ContentFile, str]:
        upload: UploadedFile = self.cleaned_data["document"]
        if upload.size is not None and upload.size > DOCUMENT_MAX_BYTES:
            raise ValidationError(
                "This file is %(size)s; the limit is %(limit)s.",
                code="too_large",
                params={
                    "size": format_megabytes(upload.size),
                    "limit": format_megabytes(DOCUMENT_MAX_BYTES),
                },
            )
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"%PDF-"):
            return _checked_pdf(upload), "application/pdf"
        image = load_image(upload, max_bytes=DOCUMENT_MAX_BYTES, wanted=f"a {DOCUMENT_LABEL} file")
        # Photos of documents are re-encoded too: a phone photo carries where it was taken.
        return encode_display(image, max_side=3000, name="document"), "image/webp"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        method = cleaned.get("method")
        if method == VerificationMethod.NPI:
            if not cleaned.get("npi") and "npi" not in self.errors:
                self.add_error("npi", "Enter your 10-digit NPI.")
        elif method == VerificationMethod.LICENCE:
            for name, message in (
                ("licence_body", "Name the body that issued your licence."),
                ("licence_number", "Enter your licence number."),
                ("country", "Choose the country of your licence."),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        return cleaned


def _checked_pdf(upload: UploadedFile) -> ContentFile:
    upload.seek(0)
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise ValidationError("This file is larger than 10 MB.", code="too_large")
    # A PDF ends with %%EOF (allowing a little trailing whitespace); without it the file
    # was cut short in transit.
    if b"%%EOF" not in data[-1024:]:
        raise ValidationError(
            "This PDF is damaged or incomplete; try saving it again.", code="corrupt"
        )
    return ContentFile(data, name="document.pdf")


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    DELETE = "delete"

    content = forms.ChoiceField(
        label="What should happen to your posts and comments?",
        choices=[
            (DELETE, "Delete them along with my account"),
            (KEEP, "Keep them, shown as written by “Deleted member”"),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I understand that my account cannot be restored.",
        error_messages={"required": "Tick this box to confirm."},
    )

    @property
    def keep_content(self) -> bool:
        return self.cleaned_data["content"] == self.KEEP
