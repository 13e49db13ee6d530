"""Forms members fill in for moderation: validation only."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Anything moderators should know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Required when you choose “Something else”. Moderators read it; the author doesn't."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs["aria-describedby"] = f"{self['note'].auto_id}-help"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Tell us what is wrong when you choose “Something else”.")
        return cleaned
