"""Program forms: they validate and normalise; `programs.services` decides."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role
from accounts.specialties import SPECIALTY_CHOICES

from .models import (
    MAX_MENTEES_PER_MENTOR,
    Audience,
    Form,
    MatchingMethod,
    Question,
    QuestionKind,
    Side,
    Visibility,
)
from .services.programs import (
    MAX_CHOICES,
    MAX_TEXT_ANSWER,
    MENTEE_ROLES,
    MENTOR_ROLES,
    ProgramSettings,
    QuestionFields,
    ranking_options,
)

ROLE_LABELS = dict(Role.choices)
MULTIPLE_HELP = "Hold Ctrl (Cmd on a Mac) to choose more than one."
DATE_WIDGET = {"type": "date"}


class ProgramForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")
    organisation = forms.CharField(
        max_length=120, label="Organisation", help_text="Who runs it: a school, a society, a club."
    )
    description = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Description",
        help_text="What the program offers and what it asks of mentors and mentees. Up to "
        "4,000 characters.",
    )
    term_starts_on = forms.DateField(
        label="Term starts", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    term_ends_on = forms.DateField(
        label="Term ends", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, label="Who can find it"
    )
    mentee_capacity = forms.IntegerField(
        min_value=1,
        max_value=5000,
        initial=30,
        label="Mentees the program takes",
        help_text="Applications stop being accepted once this many mentees are in.",
    )
    matching_method = forms.ChoiceField(
        choices=MatchingMethod.choices, widget=forms.RadioSelect, label="How to match"
    )
    mentee_roles = forms.MultipleChoiceField(
        choices=[(role, ROLE_LABELS[role]) for role in MENTEE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Mentees who may join",
        help_text="None ticked means any student or resident. Members under 18 may join only "
        "if high-school students are ticked.",
    )
    mentees_must_be_verified = forms.BooleanField(
        required=False, label="Mentees must have a verified account"
    )
    mentor_roles = forms.MultipleChoiceField(
        choices=[(role, ROLE_LABELS[role]) for role in MENTOR_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Mentors who may join",
        help_text="Mentors are always verified. None ticked means physicians and residents.",
    )
    specialties = forms.MultipleChoiceField(
        choices=SPECIALTY_CHOICES,
        required=False,
        label="Mentors' specialties",
        help_text="Leave empty for any specialty. " + MULTIPLE_HELP,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("term_starts_on"), data.get("term_ends_on")
        if starts and ends and ends <= starts:
            self.add_error("term_ends_on", "The term must end after it starts.")
        return data

    def settings(self) -> ProgramSettings:
        return ProgramSettings(**self.cleaned_data)


def program_initial(program: Any) -> dict[str, Any]:
    return {name: getattr(program, name) for name in ProgramForm.base_fields}


class QuestionForm(forms.Form):
    prompt = forms.CharField(max_length=300, label="Question")
    kind = forms.ChoiceField(
        choices=QuestionKind.choices, widget=forms.RadioSelect, label="Kind of answer"
    )
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Choices, one per line",
        help_text=f"For one choice: at least two. For a ranking: at least two, or none to rank "
        f"the mentoring areas. Up to {MAX_CHOICES}.",
    )
    form = forms.ChoiceField(choices=Form.choices, label="Asked in")
    audience = forms.ChoiceField(choices=Audience.choices, label="Asked of")
    required = forms.BooleanField(required=False, initial=True, label="An answer is required")

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        return [line for line in lines if line]

    def fields_value(self) -> QuestionFields:
        return QuestionFields(**self.cleaned_data)


def question_initial(question: Question) -> dict[str, Any]:
    return {
        "prompt": question.prompt,
        "kind": question.kind,
        "choices": "\n".join(question.choices),
        "form": question.form,
        "audience": question.audience,
        "required": question.required,
    }


RANK_WORDS = ["1st", "2nd", "3rd"]


def _rank_label(position: int) -> str:
    return RANK_WORDS[position - 1] if position <= len(RANK_WORDS) else f"{position}th"


class ApplicationForm(forms.Form):
    """The program's questions for one side: text as a text area, one choice as radio
    buttons, a ranking as one select per rank. `answers()` gives the services' shape."""

    def __init__(self, *args: Any, questions: list[Question], side: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.side = side
        self.rankings: dict[int, list[str]] = {}
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.TEXT:
                self.fields[name] = forms.CharField(
                    label=question.prompt,
                    required=question.required,
                    max_length=MAX_TEXT_ANSWER,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=f"Up to {MAX_TEXT_ANSWER:,} characters.",
                )
            elif question.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.prompt,
                    required=question.required,
                    choices=[(choice, choice) for choice in question.choices],
                    widget=forms.RadioSelect,
                )
            else:
                options = ranking_options(question)
                names = []
                for rank in range(1, len(options) + 1):
                    rank_name = f"{name}_rank{rank}"
                    names.append(rank_name)
                    self.fields[rank_name] = forms.ChoiceField(
                        label=f"{_rank_label(rank)} choice",
                        required=question.required and rank == 1,
                        choices=[("", "—"), *options.items()],
                    )
                self.rankings[question.pk] = names
        if side == Side.MENTOR:
            self.fields["capacity"] = forms.IntegerField(
                min_value=1,
                max_value=MAX_MENTEES_PER_MENTOR,
                initial=1,
                label="Mentees you can take in this program",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            names = self.rankings.get(question.pk)
            if not names:
                continue
            picked = [data.get(name) for name in names if data.get(name)]
            if len(set(picked)) != len(picked):
                self.add_error(names[0], "Give each choice one rank only.")
        return data

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for question in self.questions:
            names = self.rankings.get(question.pk)
            if names:
                result[str(question.pk)] = [data[name] for name in names if data.get(name)]
            else:
                result[str(question.pk)] = data.get(f"q{question.pk}") or ""
        return result

    def capacity_value(self) -> int:
        return int(self.cleaned_data.get("capacity") or 1)

    def sections(self) -> list[tuple[Question, list[forms.BoundField]]]:
        """Each question with its fields (one, or one per rank), for the template."""
        return [
            (
                question,
                [self[name] for name in self.rankings.get(question.pk, [f"q{question.pk}"])],
            )
            for question in self.questions
        ]

    def field_name(self, question_id: int) -> str:
        names = self.rankings.get(question_id)
        return names[0] if names else f"q{question_id}"


class HandleForm(forms.Form):
    handle = forms.CharField(
        max_length=31, label="Member's handle", help_text="Such as @maya-chen."
    )


class InviteForm(HandleForm):
    side = forms.ChoiceField(choices=Side.choices, widget=forms.RadioSelect, label="Invite as")
