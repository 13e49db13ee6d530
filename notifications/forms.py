from __future__ import annotations

from typing import Any

from django import forms

from .models import ALLOWED_DELIVERY, DEFAULT_PUSH, SECURITY_KINDS, Delivery, Kind

PUSH_PREFIX = "push_"


class PreferencesForm(forms.Form):
    """One radio group per kind a member may change (security kinds are not offered) and,
    when push is on for the site, a checkbox per kind that may be pushed."""

    def __init__(
        self,
        *args: Any,
        initial_choices: dict[str, str],
        push_choices: dict[str, bool] | None = None,
        **kwargs: Any,
    ) -> None:
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
        if push_choices is not None:
            for kind in Kind:
                if kind in DEFAULT_PUSH:
                    self.fields[PUSH_PREFIX + kind.value] = forms.BooleanField(
                        label=kind.label, required=False, initial=push_choices[kind]
                    )

    def email_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(PUSH_PREFIX)]

    def push_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(PUSH_PREFIX)]

    def email_choices(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not name.startswith(PUSH_PREFIX)
        }

    def push_choices(self) -> dict[str, bool] | None:
        pushed = {
            name.removeprefix(PUSH_PREFIX): bool(value)
            for name, value in self.cleaned_data.items()
            if name.startswith(PUSH_PREFIX)
        }
        return pushed or None
