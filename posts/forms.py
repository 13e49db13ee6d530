"""Forms for posts, comments, groups and campaigns: they validate and normalise only."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone

from accounts.models import User
from community.images import ACCEPTED_CONTENT_TYPES, ACCEPTED_LABEL, load_image
from community.time_zones import zone_or_utc
from privacy.forms import ImageRedactionMixin, PrivacyConfirmMixin, image_input_attrs
from privacy.uploads import POST_IMAGE_ACCEPT

from .models import Circle, CircleKind, Post, PostImage, PostKind, Visibility
from .services import MAX_IMAGES, ImageConsent, ImageInput

# Crossref's advice for modern DOIs: "10." + registrant code + "/" + suffix.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:a-zA-Z0-9]+$")
_DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi:",
)
PMID_PATTERN = re.compile(r"^[1-9]\d{0,8}$")
MIN_EVENT_MINUTES = 15
MAX_EVENT_MINUTES = 480


def reader_zone(user: Any) -> ZoneInfo:
    """The member's own time zone; UTC for visitors or when unset or unknown."""
    return zone_or_utc(getattr(user, "time_zone", ""))


def clean_doi(value: str) -> str:
    doi = value.strip()
    for prefix in _DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :].strip()
            break
    if doi and not DOI_PATTERN.match(doi):
        raise ValidationError(
            "This is not a DOI. A DOI looks like 10.1056/NEJMoa2034577.", code="invalid_doi"
        )
    return doi


def clean_pmid(value: str) -> str:
    pmid = value.strip()
    if pmid.upper().startswith("PMID:"):
        pmid = pmid[5:].strip()
    if pmid and not PMID_PATTERN.match(pmid):
        raise ValidationError(
            "A PubMed ID is a number of up to 9 digits, like 33301246.", code="invalid_pmid"
        )
    return pmid


def _image_input(upload: Any) -> Any:
    """Decode an upload through the shared pipeline (type, size, bomb and damage checks)."""
    return load_image(upload, max_bytes=settings.MAX_UPLOAD_BYTES)


class DescribedForm(forms.Form):
    """Ties help text and errors to each widget with aria-describedby (matching the ids
    `_field.html` gives them) and marks invalid widgets with aria-invalid."""

    # Django's own attribute (None until the form is cleaned), left out of its type stubs.
    _errors: ErrorDict | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def describe_fields(self) -> None:
        errors: Mapping[str, Any] = self._errors or {}
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described_by = []
            if field.help_text:
                described_by.append(f"{auto_id}_helptext")
            if name in errors:
                described_by.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def full_clean(self) -> None:
        super().full_clean()
        self.describe_fields()


IMAGES_HELP = (
    f"{ACCEPTED_LABEL}, or DICOM for a de-identified case. Location, camera data and DICOM "
    "tags are removed."
)


class _ImagesMixin(ImageRedactionMixin, DescribedForm):
    """Up to four image slots, each with its alt text; the rest comes from privacy.forms.
    What the slots take is said once, above them all (`images_help`)."""

    image_slots = MAX_IMAGES
    images_help = IMAGES_HELP
    # What the composer's picker takes, as every slot does.
    image_accept = POST_IMAGE_ACCEPT

    def _add_image_fields(self, slots: int) -> None:
        for number in range(1, slots + 1):
            self.fields[f"image_{number}"] = forms.FileField(
                label=f"Image {number}",
                required=False,
                widget=forms.ClearableFileInput(attrs=image_input_attrs(number)),
            )
            self.fields[f"alt_{number}"] = forms.CharField(
                label=f"Description of image {number} (alt text)",
                required=False,
                max_length=300,
            )
            self._add_redaction_field(number)
        self._add_image_answer_fields()

    def _clean_images(self, cleaned: dict[str, Any], slots: int, *, kind: str) -> list[ImageInput]:
        images: list[ImageInput] = []
        for number in range(1, slots + 1):
            alt = (cleaned.get(f"alt_{number}") or "").strip()
            found = self._clean_slot_image(cleaned, number, dicom_allowed=kind == PostKind.CASE)
            if found is None:
                continue
            image, redaction = found
            if not alt:
                self.add_error(f"alt_{number}", "Describe this image for readers who can't see it.")
                continue
            images.append(ImageInput(image=image, alt_text=alt, slot=number, redaction=redaction))
        cleaned["image_consent"] = ImageConsent(**self._clean_image_answers(cleaned))
        return images


POST_BODY_MAX_LENGTH = 20_000

# The fields each kind of post uses beyond title, body, audience and images: the composer
# shows only these, and the form ignores the others when they are posted anyway.
PUBLICATION_FIELDS = ("doi", "pmid", "pub_title", "journal", "year")
EVENT_FIELDS = ("starts_at", "duration_minutes")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    PostKind.PUBLICATION: PUBLICATION_FIELDS,
    PostKind.EVENT: EVENT_FIELDS,
}
# What the form gives for a field its kind does not use.
_UNUSED_FIELD_VALUES: dict[str, Any] = {
    "doi": "",
    "pmid": "",
    "pub_title": "",
    "journal": "",
    "year": None,
    "starts_at": None,
    "duration_minutes": None,
}


def kind_or_default(value: str | None) -> str:
    """A kind of post as asked for in a link or form; the default kind for anything else."""
    return value if value in PostKind.values else PostKind.DISCUSSION


class PostForm(_ImagesMixin):
    kind = forms.ChoiceField(
        label="Kind of post",
        choices=PostKind.choices,
        initial=PostKind.DISCUSSION,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose one of the kinds of post above."},
    )
    # Optional, except for a live Q&A (required in __init__).
    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        label="Post",
        max_length=POST_BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown, @mentions and #hashtags work. Nothing that could identify a patient.",
    )
    visibility = forms.ChoiceField(
        label="Who can see it",
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
    )
    circle = forms.ModelChoiceField(
        label="Group",
        queryset=Circle.objects.none(),
        required=False,
        empty_label="Choose a group",
        help_text="For group posts: one of the groups you belong to.",
    )
    doi = forms.CharField(label="DOI", max_length=200, required=False)
    pmid = forms.CharField(label="PubMed ID", max_length=20, required=False)
    pub_title = forms.CharField(label="Publication title", max_length=300, required=False)
    journal = forms.CharField(max_length=200, required=False)
    year = forms.IntegerField(label="Year published", required=False, min_value=1800)
    starts_at = forms.DateTimeField(
        label="Starts at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        required=False,
        min_value=MIN_EVENT_MINUTES,
        max_value=MAX_EVENT_MINUTES,
    )

    def __init__(
        self,
        *args: Any,
        author: User,
        post: Post | None = None,
        kind: str = PostKind.DISCUSSION,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.author = author
        self.post = post
        # A new post's kind is the one chosen in the composer (the view reads it from the
        # link or the form); an existing post keeps its own.
        self.chosen_kind = post.kind if post is not None else kind_or_default(kind)
        self.fields["kind"].initial = self.chosen_kind
        self.zone = reader_zone(author)
        # Declared above as a ModelChoiceField; `fields` is typed with the base class.
        circle_field = cast(forms.ModelChoiceField, self.fields["circle"])
        circle_field.queryset = Circle.objects.filter(
            memberships__member=author, memberships__status="active"
        ).order_by("name")
        if post is None and not circle_field.queryset.exists():
            # A member of no group has no group to post in: neither the audience nor the field.
            del self.fields["circle"]
            visibility_field = cast(forms.ChoiceField, self.fields["visibility"])
            visibility_field.choices = [
                choice for choice in Visibility.choices if choice[0] != Visibility.GROUP
            ]
        # Only the fields of the chosen kind: a field of another kind is not a field here,
        # so a value posted for it anyway is never read.
        used = KIND_FIELDS.get(self.chosen_kind, ())
        for name in _UNUSED_FIELD_VALUES:
            if name not in used:
                del self.fields[name]
        if self.chosen_kind == PostKind.EVENT:
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = "Give the live Q&A a title."
            zone_help = f"In your time zone, {self.zone.key}."
            self.fields["starts_at"].help_text = zone_help
            # Its bound field was made, and the help text copied, when the form was first
            # described (DescribedForm.__init__).
            self["starts_at"].help_text = zone_help
        self.existing_images: list[PostImage] = []
        if post is not None:
            # Kind, audience and group are fixed once published: readers rely on them.
            for name in ("kind", "visibility", "circle"):
                del self.fields[name]
            self.existing_images = list(post.images.all())
            self.fields["remove_images"] = forms.ModelMultipleChoiceField(
                label="Remove images",
                queryset=PostImage.objects.filter(post=post),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self._add_privacy_fields()
        self.image_slots = MAX_IMAGES
        self._add_image_fields(self.image_slots)
        self.new_image_fields = [
            (self[f"image_{number}"], self[f"alt_{number}"], self.redaction_field(number))
            for number in range(1, self.image_slots + 1)
        ]
        self.describe_fields()

    @property
    def kind_fields(self) -> list[forms.BoundField]:
        """The chosen kind's own fields, in order (none for most kinds)."""
        return [self[name] for name in KIND_FIELDS.get(self.chosen_kind, ())]

    def clean_doi(self) -> str:
        return clean_doi(self.cleaned_data["doi"])

    def clean_pmid(self) -> str:
        return clean_pmid(self.cleaned_data["pmid"])

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        if year is not None and year > timezone.now().year + 1:
            raise ValidationError("That year is in the future.")
        return year

    def clean_starts_at(self) -> datetime.datetime | None:
        value = self.cleaned_data["starts_at"]
        if value is None:
            return None
        # The browser sends wall-clock time: it means the author's own time zone.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, value in _UNUSED_FIELD_VALUES.items():
            if name not in self.fields:
                cleaned[name] = value
        kind = self.post.kind if self.post is not None else cleaned.get("kind")
        if kind is not None and kind != self.chosen_kind:
            # The kind posted is not the one whose fields the form was built with.
            raise ValidationError("Choose one of the kinds of post above.")
        if kind == PostKind.PUBLICATION:
            if not (cleaned.get("doi") or cleaned.get("pmid")) and not (
                self.has_error("doi") or self.has_error("pmid")
            ):
                self.add_error("doi", "Give the DOI or the PubMed ID of the publication.")
            if not (cleaned.get("pub_title") or "").strip():
                self.add_error("pub_title", "Give the publication's title.")
        if kind == PostKind.EVENT:
            if cleaned.get("starts_at") is None and not self.has_error("starts_at"):
                self.add_error("starts_at", "When does it start?")
            if cleaned.get("duration_minutes") is None and not self.has_error("duration_minutes"):
                self.add_error("duration_minutes", "How long does it last?")
        if self.post is None:
            if cleaned.get("visibility") == Visibility.GROUP and not cleaned.get("circle"):
                self.add_error("circle", "Choose the group to post in.")
            if cleaned.get("visibility") != Visibility.GROUP:
                cleaned["circle"] = None
        images = self._clean_images(cleaned, self.image_slots, kind=kind or "")
        if self.post is not None:
            removing = len(cleaned.get("remove_images") or [])
            if len(self.existing_images) - removing + len(images) > MAX_IMAGES:
                raise ValidationError(f"A post can have up to {MAX_IMAGES} images.")
        cleaned["images"] = images
        self._clean_privacy(cleaned)
        return cleaned


class PreviewForm(forms.Form):
    """The composer's draft, for its live preview: the same limits as the post itself."""

    title = forms.CharField(
        max_length=200,
        required=False,
        strip=False,
        error_messages={
            "max_length": "The title is too long to preview or publish: it has "
            "%(show_value)d characters, at most %(limit_value)d."
        },
    )
    body = forms.CharField(
        max_length=POST_BODY_MAX_LENGTH,
        required=False,
        strip=False,
        error_messages={
            "max_length": "The post is too long to preview or publish: it has "
            "%(show_value)d characters, at most %(limit_value)d."
        },
    )


class CommentForm(PrivacyConfirmMixin, DescribedForm):
    body = forms.CharField(
        label="Comment",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown works; mention with @handle.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_privacy_fields()
        self.describe_fields()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._clean_privacy(cleaned)
        return cleaned


class ReasonForm(DescribedForm):
    reason = forms.CharField(
        label="Why is it removed?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The author reads this.",
    )


class CircleForm(DescribedForm):
    name = forms.CharField(max_length=80)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    kind = forms.ChoiceField(
        choices=CircleKind.choices, initial=CircleKind.TOPIC, widget=forms.RadioSelect
    )
    is_private = forms.BooleanField(
        label="Private: members join with a moderator's approval, and posts stay inside",
        required=False,
    )


class CampaignForm(DescribedForm):
    hashtag = forms.CharField(max_length=51, help_text="Without or with the #, e.g. #StopTheBleed.")
    title = forms.CharField(max_length=120)
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    banner = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_CONTENT_TYPES})
    )
    banner_alt = forms.CharField(
        label="Banner description (alt text)", max_length=200, required=False
    )

    def clean_hashtag(self) -> str:
        name = self.cleaned_data["hashtag"].strip().lstrip("#")
        if not re.fullmatch(r"[^\W\d_]\w{0,49}", name):
            raise ValidationError(
                "A hashtag starts with a letter and has only letters, digits and _."
            )
        return name.lower()

    def clean_banner(self) -> Any:
        upload = self.cleaned_data.get("banner")
        return _image_input(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The campaign must end on or after the day it starts.")
        if cleaned.get("banner") is not None and not (cleaned.get("banner_alt") or "").strip():
            self.add_error("banner_alt", "Describe the banner image.")
        return cleaned


class SearchForm(DescribedForm):
    q = forms.CharField(label="Search", max_length=200, required=False)
