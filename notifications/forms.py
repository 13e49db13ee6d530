from __future__ import annotations

from typing import Any

from django import forms

from .models import ALLOWED_DELIVERY, SECURITY_KINDS, Delivery, Kind


class PreferencesForm(forms.Form):
    """One radio group per kind a member may change; security kinds are not offered."""

    def __init__(self, *args: Any, initial_choices: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            if kind in SECURITY_KINDS:
                continue
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=[(value, Delivery(value).label) for value in ALLOWED_DELIVERY[kind]],
                widget=forms.RadioSelect,
                initial=initial_choices[kind],
            )
