"""Forms of the drill requirement pages (the services check everything again; these give field messages)."""

from typing import Any, cast

from django import forms

from agencies.models import Agency, FacilityKind
from exercises.models import ExerciseKind, RequirementPeriod, RequirementSet

MONTHS = [
    (n, name)
    for n, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
]


class RequirementSetForm(forms.Form):
    """A set's name, jurisdiction, school year start and terms; the owner (an agency, or a state's for operators)."""

    owner = forms.ChoiceField(label="Kept by")
    name = forms.CharField(max_length=200)
    jurisdiction = forms.CharField(max_length=120, required=False, help_text="The state or area whose rule it is.")
    year_start_month = forms.TypedChoiceField(label="School year starts (month)", choices=MONTHS, coerce=int, initial=8)
    year_start_day = forms.IntegerField(label="on day", min_value=1, max_value=28, initial=1)
    terms_per_year = forms.IntegerField(label="Terms per school year", min_value=1, max_value=6, initial=2)

    def __init__(self, *args: Any, owners: list[Agency], state: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "A state's rule (everyone reads it)")] if state else []
        cast(forms.ChoiceField, self.fields["owner"]).choices = choices + [(str(a.pk), a.name) for a in owners]
        self.fields["owner"].required = not state


class RequirementLineForm(forms.Form):
    exercise_kind = forms.ChoiceField(label="Kind of exercise", choices=ExerciseKind.choices)
    count = forms.IntegerField(min_value=1, max_value=100, initial=1)
    period = forms.ChoiceField(choices=RequirementPeriod.choices)
    facility_kinds = forms.MultipleChoiceField(
        label="Buildings it applies to",
        choices=FacilityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every building the set is assigned to.",
    )


class AssignForm(forms.Form):
    requirement_set = forms.ModelChoiceField(label="Requirement set", queryset=RequirementSet.objects.none())

    def __init__(self, *args: Any, sets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement_set"].queryset = sets  # type: ignore[attr-defined]
