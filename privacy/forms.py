"""The guard's part of the forms that take text (and images) from members: the
confirmation fields, each image's redaction as drawn in the composer, and the findings
shown on a re-rendered form. Forms compose these with their own fields; they only carry
the answers, the services decide (`privacy.guard`, `privacy.image_guard`)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from PIL import Image

from . import guard, image_guard
from .redaction import MAX_REDACTION_CHARS, Redaction, parse_redaction
from .uploads import POST_IMAGE_ACCEPT, decode_post_image


def _editable_copy(data: Mapping[str, Any]) -> MutableMapping[str, Any]:
    """A copy of a bound form's data to change (a QueryDict's copy keeps its lists)."""
    if isinstance(data, MultiValueDict):
        return data.copy()
    return dict(data)


class PrivacyConfirmMixin(forms.Form):
    """The privacy guard's confirmation: a checkbox, and the signed digest of the findings
    the author was shown. The form only carries them (`cleaned_data["confirmed_privacy"]`
    and `["privacy_digest"]`): the service scans the text once and decides whether the
    confirmation counts for the findings the text has (`privacy.guard.check_post`)."""

    privacy_review: guard.Review | None = None

    def _add_privacy_fields(self) -> None:
        self.fields["confirm_privacy"] = forms.BooleanField(
            label=guard.CONFIRM_LABEL,
            required=False,
            help_text="Tick this only if none of the marked text could identify a patient. "
            "Moderators can see what was confirmed.",
        )
        self.fields["privacy_digest"] = forms.CharField(
            required=False, max_length=200, widget=forms.HiddenInput
        )

    def _clean_privacy(self, cleaned: dict[str, Any]) -> None:
        cleaned["confirmed_privacy"] = bool(cleaned.get("confirm_privacy"))
        cleaned["privacy_digest"] = cleaned.get("privacy_digest") or ""

    def show_privacy_review(self, review: guard.Review) -> None:
        """Show `review` on the re-rendered form: post back its digest, and untick a
        confirmation that was given for other findings."""
        self.privacy_review = review
        if not self.is_bound:
            return
        data = _editable_copy(self.data)
        if data.get("privacy_digest") != review.digest or review.blocking:
            data.pop("confirm_privacy", None)
        data["privacy_digest"] = review.digest
        self.data = data


def image_input_attrs(number: int) -> dict[str, Any]:
    """The attributes of image slot `number`'s file input: the types it takes (DICOM
    included) and the slot the composer's redaction tool draws on."""
    return {"accept": POST_IMAGE_ACCEPT, "data-redact-slot": number}


class ImageRedactionMixin(PrivacyConfirmMixin):
    """For a form with numbered image slots (`image_N`, the form's own fields): each slot's
    redaction (boxes and crop drawn in the composer, as JSON in a hidden field), and the
    answers to the privacy guard's image findings."""

    image_review: image_guard.ImageReview | None = None

    def _add_redaction_field(self, number: int) -> None:
        self.fields[f"redaction_{number}"] = forms.CharField(
            required=False,
            max_length=MAX_REDACTION_CHARS,
            widget=forms.HiddenInput(attrs={"data-redaction-for": number}),
            error_messages={
                "max_length": "The boxes drawn on this image could not be read: there "
                "are too many. Attach the image again and use fewer boxes."
            },
        )

    def redaction_field(self, number: int) -> forms.BoundField:
        return self[f"redaction_{number}"]

    def _add_image_answer_fields(self) -> None:
        self.fields["confirm_images"] = forms.BooleanField(
            label=image_guard.CONFIRM_LABEL,
            required=False,
            help_text="Tick this only if nothing marked in the images could identify a "
            "patient. Moderators can see what was confirmed.",
        )
        self.fields["images_digest"] = forms.CharField(
            required=False, max_length=200, widget=forms.HiddenInput
        )
        self.fields["black_out_images"] = forms.BooleanField(
            label=image_guard.BLACK_OUT_LABEL,
            required=False,
            help_text="Every finding is filled with black before the image is stored.",
        )

    def _clean_slot_image(
        self, cleaned: dict[str, Any], number: int, *, dicom_allowed: bool
    ) -> tuple[Image.Image, Redaction] | None:
        """Slot `number`'s image, decoded, with the redaction drawn on it; None when the
        slot is empty or its image is refused (the error is then on `image_N`)."""
        field = f"image_{number}"
        upload = cleaned.get(field)
        if not upload:
            # Boxes without an image have nothing to apply to.
            if self.has_error(f"redaction_{number}"):
                del self.errors[f"redaction_{number}"]
            return None
        if self.has_error(f"redaction_{number}"):
            self.add_error(field, ValidationError(list(self.errors.pop(f"redaction_{number}"))))
            return None
        try:
            image, _ = decode_post_image(upload, dicom_allowed=dicom_allowed)
            redaction = parse_redaction(
                cleaned.get(f"redaction_{number}") or "",
                width=image.width,
                height=image.height,
            )
        except ValidationError as error:
            self.add_error(field, error)
            return None
        return image, redaction

    def _clean_image_answers(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The answers to the image findings, as keyword arguments of the consent the
        services take: `confirmed`, `digest` and `black_out_found`."""
        return {
            "confirmed": bool(cleaned.get("confirm_images")),
            "digest": cleaned.get("images_digest") or "",
            "black_out_found": bool(cleaned.get("black_out_images")),
        }

    def show_image_review(self, review: image_guard.ImageReview) -> None:
        """Show the image findings on the re-rendered form: post back their digest, and
        untick a confirmation given for other findings. The files themselves are gone (a
        browser never refills a file field), as the review says."""
        self.image_review = review
        if not self.is_bound:
            return
        data = _editable_copy(self.data)
        if data.get("images_digest") != review.digest or review.blocking:
            data.pop("confirm_images", None)
        data["images_digest"] = review.digest
        data.pop("black_out_images", None)
        self.data = data


def show_findings(
    form: PrivacyConfirmMixin,
    error: guard.PrivacyFindings | image_guard.ImageFindings,
    *,
    labels: dict[str, str] | None = None,
) -> None:
    """Re-render `form` with the guard's findings highlighted and its message announced:
    those in the text (under the fields' `labels`), and those in the images, numbered on
    small previews, when the form has image slots."""
    if isinstance(error, guard.PrivacyFindings):
        form.show_privacy_review(guard.review_from(error, labels=labels))
        form.add_error(None, error.messages[0])
        image_error = error.image_findings
    else:
        image_error = error
    if isinstance(form, ImageRedactionMixin) and isinstance(image_error, image_guard.ImageFindings):
        form.show_image_review(image_guard.image_review_from(image_error))
        form.add_error(None, image_error.message)


def draft_review(
    form: forms.Form | None,
    findings: Sequence[guard.GuardFinding] | None,
    *,
    labels: dict[str, str],
) -> guard.Review | None:
    """The draft posted to `form` with what the guard found marked in it (a warning, never
    blocking), for the shared findings partial; None when nothing was found."""
    if not form or not findings:
        return None
    texts = {name: str(form.data.get(name, "")).strip() for name in labels}
    return guard.build_review(findings=findings, texts=texts, blocking=False, labels=labels)
