"""Forms of the pages that show plans: list filters, acknowledging, sharing and choosing versions to compare."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from agencies.models import Agency, Facility
from plans.models import PlanKind, ShareLevel


class PlanFilterForm(forms.Form):
    """The plan list's search box and filters (all optional; GET)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the title or the text of the current version, e.g. reunification stadium.",
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


class AcknowledgeForm(forms.Form):
    """Which version the person read: a newer one published meanwhile is not acknowledged by accident."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ShareForm(forms.Form):
    """Share the plan with a partner agency at a level, or change the level of an existing share."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency to share with.",
            "invalid_choice": "Choose an agency from the list.",
        },
    )
    level = forms.ChoiceField(
        label="Access",
        choices=ShareLevel.choices,
        initial=ShareLevel.VIEW,
        help_text="View: read published versions and acknowledge. Comment: also comment on sections.",
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


class UnshareForm(forms.Form):
    """Revoke a partner agency's access."""

    agency = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DiffForm(forms.Form):
    """The two versions to compare (`?from=1&to=3`), among those the person may see."""

    def __init__(self, *args: Any, numbers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(number), label) for number, label in numbers]
        # "from" is a Python keyword, so the fields are named here rather than as class attributes.
        self.fields["from"] = forms.TypedChoiceField(label="From", choices=choices, coerce=int, required=False)
        self.fields["to"] = forms.TypedChoiceField(label="To", choices=choices, coerce=int, required=False)
