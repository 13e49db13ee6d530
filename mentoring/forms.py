"""Mentoring forms: they validate and normalise; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from .models import MAX_CAPACITY, MEETING_LENGTHS, WEEKDAY_NAMES
from .vocabulary import (
    LANGUAGE_CHOICES,
    Area,
    Background,
    MeetingMode,
    Stage,
    specialty_choices,
    time_zone_choices,
    validate_time_zone,
)


def _checkboxes(choices: Any, label: str, *, required: bool = True, help_text: str = "") -> Any:
    return forms.MultipleChoiceField(
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        required=required,
        help_text=help_text,
    )


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A field the form declares as a (multiple) choice field, to set its choices:
    `fields` is typed with the base `Field`."""
    return cast(forms.ChoiceField, form.fields[name])


class _ProfileFields(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per form so a curated specialty list added later shows up without a restart.
        _choice_field(self, "specialties").choices = specialty_choices()
        _choice_field(self, "time_zone").choices = time_zone_choices()

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        validate_time_zone(value)
        return value


class MentorProfileForm(_ProfileFields):
    areas = _checkboxes(Area.choices, "Areas you mentor in")
    specialties = forms.MultipleChoiceField(
        required=False,
        label="Your specialties",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    stages = _checkboxes(Stage.choices, "Mentees you accept")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=3,
        label="Most active mentees at once",
        help_text="When you reach it, you stop appearing in suggestions.",
    )
    is_accepting = forms.BooleanField(required=False, initial=True, label="Accepting new mentees")
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        label="Languages you mentor in",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    meeting_modes = _checkboxes(MeetingMode.choices, "How you can meet")
    time_zone = forms.ChoiceField(label="Your time zone")
    statement = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="A short statement",
        help_text="What you can help with and how you like to work. Up to 1,000 characters.",
    )
    background = _checkboxes(
        Background.choices,
        "Your background (private, optional)",
        required=False,
        help_text="Never shown to anyone. Used only to match you with mentees who chose the "
        "same, and only if you tick the box below.",
    )
    share_background_for_matching = forms.BooleanField(
        required=False, label="Use my background for matching"
    )


class MenteePreferencesForm(_ProfileFields):
    goals = _checkboxes(Area.choices, "What you would like help with")
    specialties = forms.MultipleChoiceField(
        required=False,
        label="Specialties that interest you",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        label="Languages you speak",
        help_text="Hold Ctrl (Cmd on a Mac) to choose more than one.",
    )
    language_required = forms.BooleanField(
        required=False, label="Only suggest mentors who speak one of these languages"
    )
    meeting_modes = _checkboxes(MeetingMode.choices, "How you would like to meet", required=False)
    time_zone = forms.ChoiceField(label="Your time zone")
    introduction = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="A short introduction",
        help_text="Mentors see it with your requests. Up to 1,000 characters.",
    )
    background = _checkboxes(
        Background.choices,
        "Your background (private, optional)",
        required=False,
        help_text="Never shown to anyone. Used only to suggest mentors who chose the same, "
        "and only if you tick the box below.",
    )
    share_background_for_matching = forms.BooleanField(
        required=False, label="Use my background for matching"
    )


class MentorRequestForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="A note to the mentor",
        help_text="Say what you hope to get from mentoring. Up to 1,000 characters.",
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A note to the student (optional)",
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Message",
        error_messages={"required": "Write a message first."},
    )
    confirm = forms.BooleanField(required=False, label="I have checked it: send anyway")
    # The signed digest of the findings the sender was shown (the review partial writes it).
    privacy_digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_privacy_digest(self) -> str:
        digest: str = self.cleaned_data.get("privacy_digest") or ""
        # Anything longer is no digest of ours: the confirmation then just does not count.
        return digest if len(digest) <= 200 else ""


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200, label="New goal")


class MeetingForm(forms.Form):
    occurred_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    mode = forms.ChoiceField(choices=MeetingMode.choices, label="How you met")
    notes = forms.CharField(
        required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Notes"
    )
    next_steps = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Next steps",
    )
    # The scheduled meeting this entry records ("Log how it went"), if any.
    scheduled = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_occurred_on(self) -> Any:
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("Log meetings that have happened; this date is ahead.")
        return value


RATING_CHOICES = [(value, f"{value} of 5") for value in range(1, 6)]


# Who reads a side's comments (mentoring.selectors.mentor_rating_summary): a mentee's reach
# the mentor only anonymously, among several; a mentor's never reach the mentee.
MENTEE_COMMENT_HELP = (
    "A mentor never sees a comment with your name; mentees' comments are shown to a mentor "
    "only anonymously, once there are several."
)
MENTOR_COMMENT_HELP = "Your mentee never sees your rating or your comments."


class FeedbackForm(forms.Form):
    """A rating and comments, with the words for the side giving them: `as_mentor`."""

    rating = forms.TypedChoiceField(
        choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect, label="Your rating"
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Comments",
    )

    def __init__(self, *args: Any, as_mentor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = MENTOR_COMMENT_HELP if as_mentor else MENTEE_COMMENT_HELP


class EndForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the mentorship ending?",
        help_text="The other side sees this.",
    )


class DirectoryFilterForm(forms.Form):
    area = forms.ChoiceField(choices=[("", "Any area"), *Area.choices], required=False)
    specialty = forms.ChoiceField(required=False)
    stage = forms.ChoiceField(
        choices=[("", "Any stage"), *Stage.choices], required=False, label="Mentors"
    )
    language = forms.ChoiceField(choices=[("", "Any language"), *LANGUAGE_CHOICES], required=False)
    meeting_mode = forms.ChoiceField(
        choices=[("", "Any way"), *MeetingMode.choices], required=False, label="Meets"
    )
    accepting = forms.BooleanField(required=False, label="Accepting new mentees only")
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "specialty").choices = [("", "Any specialty"), *specialty_choices()]


LENGTH_CHOICES = [(minutes, f"{minutes} minutes") for minutes in MEETING_LENGTHS]


class MeetingLengthForm(forms.Form):
    """The length the free times are shown for (a GET form: it only filters)."""

    length = forms.TypedChoiceField(
        choices=LENGTH_CHOICES, coerce=int, initial=MEETING_LENGTHS[0], label="Length"
    )


class ProposeMeetingForm(forms.Form):
    """A time among those both members are free, how they meet, and the link or place.
    The service checks the time again, and the link and the place (meetings.check_details)."""

    length = forms.TypedChoiceField(
        choices=LENGTH_CHOICES, coerce=int, widget=forms.HiddenInput, label="Length"
    )
    starts_at = forms.ChoiceField(label="Time", help_text="Each time in your zone, then theirs.")
    mode = forms.ChoiceField(choices=MeetingMode.choices, label="How you will meet")
    video_url = forms.CharField(
        required=False,
        max_length=500,
        label="Video call link",
        help_text="For a video call: the https:// link you both open.",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    place = forms.CharField(
        required=False,
        max_length=200,
        label="Place",
        help_text="For meeting in person: a public place, such as the hospital library.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "starts_at").choices = choices

    def full_clean(self) -> None:
        super().full_clean()
        # The length is a hidden field: its error is said where the member can see it.
        if self.is_bound and "length" in self.errors:
            self.add_error(None, "Choose a length of 30, 45 or 60 minutes.")


WEEKDAY_CHOICES = [(index, name) for index, name in enumerate(WEEKDAY_NAMES)]


class AvailabilitySlotForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAY_CHOICES, coerce=int, label="Day")
    start = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label="Until", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            raise forms.ValidationError(
                "The end comes after the start, on the same day. For a late evening, "
                "end at 23:59 and add the next morning as its own slot."
            )
        return data


class AvailabilityZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label="Your time zone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "time_zone").choices = time_zone_choices()

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        validate_time_zone(value)
        return str(value)
