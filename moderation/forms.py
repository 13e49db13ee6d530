"""Forms members fill in for moderation: validation only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from .models import ContactTopic, ReportReason


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
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("reason") == ReportReason.OTHER and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Tell us what is wrong when you choose “Something else”.")
        return cleaned


# --- Moderator forms (the panel) ---------------------------------------------------------

SUSPENSION_DAYS = {"1": 1, "7": 7, "30": 30}


class ReasonForm(forms.Form):
    """A decision's reason: the member concerned and the audit log read it."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The member reads this, and it is kept in the audit log.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason.")
        return reason


class SuspendForm(ReasonForm):
    duration = forms.ChoiceField(
        label="For how long",
        choices=[
            ("1", "1 day"),
            ("7", "7 days"),
            ("30", "30 days"),
            ("indefinite", "Indefinitely"),
        ],
        initial="7",
        widget=forms.RadioSelect,
    )

    def until(self) -> datetime | None:
        """The end of the suspension chosen, or None for indefinitely."""
        days = SUSPENSION_DAYS.get(self.cleaned_data["duration"])
        return timezone.now() + timedelta(days=days) if days else None


class Sanction:
    NONE = "none"
    WARN = "warn"
    SUSPEND = "suspend"


MAX_SUSPENSION_DAYS = 365


class RemoveForm(ReasonForm):
    """Removing a reported item, and, optionally in the same step, a sanction of its author:
    a warning or a suspension of some days. `offer_sanction=False` (a moderator who may
    not act on members, or an item with no author left) leaves only the reason."""

    sanction = forms.ChoiceField(
        label="And the author",
        choices=[
            (Sanction.NONE, "Only remove the item"),
            (Sanction.WARN, "Also warn the author"),
            (Sanction.SUSPEND, "Also suspend the author"),
        ],
        initial=Sanction.NONE,
        widget=forms.RadioSelect,
        # Left out of a request, the item is only removed.
        required=False,
    )
    suspension_days = forms.IntegerField(
        label="Suspend for how many days",
        required=False,
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        initial=7,
        help_text="Only with a suspension.",
    )
    sanction_reason = forms.CharField(
        label="Why this sanction",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only with a warning or a suspension; left empty, the removal's reason. "
        "The member reads it, and it is kept in the audit log.",
    )

    def __init__(self, *args: Any, offer_sanction: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not offer_sanction:
            for name in ("sanction", "suspension_days", "sanction_reason"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sanction = cleaned.get("sanction", Sanction.NONE)
        if sanction == Sanction.SUSPEND and not cleaned.get("suspension_days"):
            self.add_error("suspension_days", "Say for how many days to suspend the author.")
        cleaned["sanction_reason"] = (cleaned.get("sanction_reason") or "").strip()
        return cleaned

    def chosen_sanction(self) -> str:
        return str(self.cleaned_data.get("sanction") or Sanction.NONE)

    def suspension_end(self) -> datetime | None:
        days = self.cleaned_data.get("suspension_days")
        return timezone.now() + timedelta(days=days) if days else None

    def reason_for_sanction(self) -> str:
        return self.cleaned_data["sanction_reason"] or self.cleaned_data["reason"]


class AppealDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the member",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Explain the decision; the member reads it.",
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should the moderators look again?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One appeal per decision. A moderator who did not take it reads it.",
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Tell the moderators why the decision should change.")
        return text


CONTACT_MESSAGE_MIN_LENGTH = 20


class ContactForm(forms.Form):
    """A message to the team. `website` is a trap: people never see it (it is hidden and
    out of the tab order), form-filling bots fill it in."""

    topic = forms.ChoiceField(label="What is it about?", choices=ContactTopic.choices)
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We answer here, and use it for nothing else.",
    )
    message = forms.CharField(
        label="Your message",
        min_length=CONTACT_MESSAGE_MIN_LENGTH,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Please do not include anything that could identify a patient. To report a post, "
            "a comment or a profile, use the Report link beside it instead."
        ),
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < CONTACT_MESSAGE_MIN_LENGTH:
            raise forms.ValidationError(
                f"Tell us a little more: at least {CONTACT_MESSAGE_MIN_LENGTH} characters."
            )
        return message

    @property
    def is_from_a_bot(self) -> bool:
        """Whether the hidden trap field was filled in (only after is_valid())."""
        return bool(self.cleaned_data.get("website"))
