"""Forms of the site-wide pages."""

from __future__ import annotations

from django import forms


class StyleguideForm(forms.Form):
    """The form fields of the styleguide: each kind of input, with help and an error."""

    name = forms.CharField(label="Display name", help_text="The name others see.")
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        label="Role",
        choices=[("physician", "Physician"), ("student", "Medical student")],
        widget=forms.RadioSelect,
    )
    specialty = forms.ChoiceField(
        label="Specialty", choices=[("", "Not set"), ("cardiology", "Cardiology")], required=False
    )
    bio = forms.CharField(
        label="Short bio", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    agrees = forms.BooleanField(label="I follow the community guidelines")
    locked = forms.CharField(
        label="Handle (locked)", required=False, disabled=True, initial="amara-okafor"
    )
