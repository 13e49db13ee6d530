"""Forms of a program's pairs: the coordinators' milestone editor and the members' surveys.
They validate and normalise; `programs.services.pairs` decides."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Milestone, MilestoneKind, Question, QuestionKind
from .progress import SATISFACTION_LABELS, SATISFACTION_QUESTION, ranking_choices

TEXT_ANSWER_MAX = 2000


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=120, label="Title")
    kind = forms.ChoiceField(
        choices=MilestoneKind.choices,
        label="Done when",
        initial=MilestoneKind.CUSTOM,
        help_text="Meetings, goals and surveys mark their milestone done on their own.",
    )
    due_after_days = forms.IntegerField(
        min_value=1,
        max_value=730,
        label="Due (days after the match)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What the pair should do",
    )

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_milestone(cls, milestone: Milestone, **kwargs: Any) -> MilestoneForm:
        return cls(
            initial={
                "title": milestone.title,
                "kind": milestone.kind,
                "due_after_days": milestone.due_after_days,
                "description": milestone.description,
            },
            **kwargs,
        )

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the milestone a title.")
        return title


class SurveyForm(forms.Form):
    """The standard satisfaction scale, then the program's questions for this form and the
    respondent's side. A ranking is one select per place, each choice used once."""

    satisfaction = forms.TypedChoiceField(
        label=SATISFACTION_QUESTION,
        choices=[(value, f"{value}: {label}") for value, label in SATISFACTION_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how satisfied you are, from 1 to 5."},
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.rankings: dict[int, list[str]] = {}
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.prompt,
                    choices=[(choice, choice) for choice in question.choices],
                    required=question.required,
                    widget=forms.RadioSelect,
                )
            elif question.kind == QuestionKind.RANKING:
                choices = ranking_choices(question)
                names = []
                for place in range(1, len(choices) + 1):
                    place_name = f"{name}_{place}"
                    self.fields[place_name] = forms.ChoiceField(
                        label=f"Place {place}",
                        choices=[("", "Choose…")] + [(choice, choice) for choice in choices],
                        required=False,
                    )
                    names.append(place_name)
                self.rankings[question.pk] = names
            else:
                self.fields[name] = forms.CharField(
                    label=question.prompt,
                    required=question.required,
                    max_length=TEXT_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            names = self.rankings.get(question.pk)
            if names is None:
                continue
            picked = [cleaned.get(name) or "" for name in names]
            if not any(picked) and not question.required:
                continue
            if not all(picked):
                self.add_error(names[0], "Put every choice in a place, from first to last.")
            elif len(set(picked)) != len(picked):
                self.add_error(names[0], "Use each choice once.")
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The answers to the program's questions, keyed by question id as strings."""
        answers: dict[str, Any] = {}
        for question in self.questions:
            names = self.rankings.get(question.pk)
            if names is not None:
                ranked = [self.cleaned_data.get(name) or "" for name in names]
                if all(ranked):
                    answers[str(question.pk)] = ranked
                continue
            value = self.cleaned_data.get(f"q{question.pk}") or ""
            if isinstance(value, str):
                value = value.strip()
            if value:
                answers[str(question.pk)] = value
        return answers

    def grouped(self) -> list[dict[str, Any]]:
        """For the template: each question with its field or, for a ranking, its places."""
        groups: list[dict[str, Any]] = []
        for question in self.questions:
            names = self.rankings.get(question.pk)
            if names is not None:
                groups.append({"question": question, "places": [self[name] for name in names]})
            else:
                groups.append({"question": question, "field": self[f"q{question.pk}"]})
        return groups
