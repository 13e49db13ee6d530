"""The forms of the matching page: they validate and normalise, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import MatchingMethod
from .services.matching import MAX_COHORT_NAME


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label="Matching method",
        choices=MatchingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the matching methods offered."},
    )


class SwapForm(forms.Form):
    """Two pairs of the proposal whose mentors trade places."""

    pair = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, pair_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pair"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(pk, str(pk)) for pk in pair_ids]
        field.error_messages["invalid_choice"] = (
            "Choose two pairs of the current proposal; it may have changed since you loaded it."
        )
        field.error_messages["required"] = "Tick two pairs to swap their mentors."

    def clean_pair(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["pair"]
        if len(set(chosen)) != 2:
            raise forms.ValidationError("Tick exactly two pairs to swap their mentors.")
        return sorted(set(chosen))


class PublishForm(forms.Form):
    run = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    cohort = forms.CharField(
        label="Name of the cohort",
        max_length=MAX_COHORT_NAME,
        required=False,
        strip=True,
        help_text="Leave it empty to call it as the suggestion shows.",
        error_messages={
            "max_length": f"Keep the cohort's name under {MAX_COHORT_NAME} characters."
        },
    )
