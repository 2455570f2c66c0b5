"""Forms that choose what a plan page shows (GET): the plan list's search and filters, the versions to compare."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from agencies.models import Agency, Facility
from plans.models import PlanKind


class PlanFilterForm(forms.Form):
    """The plan list's search box and filters (all optional; GET)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the title or the text of the current version, e.g. reunification fieldhouse.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    owner = forms.ModelChoiceField(label="Owner agency", queryset=Agency.objects.none(), required=False)
    facility = forms.ModelChoiceField(label="Facility", queryset=Facility.objects.none(), required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind"), *PlanKind.choices], required=False)
    review_due = forms.BooleanField(label="Due for review within 30 days or overdue", required=False)

    def __init__(self, *args: Any, owners: QuerySet[Agency], facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = cast(forms.ModelChoiceField, self.fields["owner"])
        owner_field.queryset = owners
        owner_field.empty_label = "Any agency"
        facility_field = cast(forms.ModelChoiceField, self.fields["facility"])
        facility_field.queryset = facilities
        facility_field.empty_label = "Any facility"


class DiffForm(forms.Form):
    """The two versions to compare (`?from=1&to=3`), among those the person may see."""

    def __init__(self, *args: Any, numbers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(number), label) for number, label in numbers]
        # "from" is a Python keyword, so the fields are named here rather than as class attributes.
        self.fields["from"] = forms.TypedChoiceField(label="From", choices=choices, coerce=int, required=False)
        self.fields["to"] = forms.TypedChoiceField(label="To", choices=choices, coerce=int, required=False)
