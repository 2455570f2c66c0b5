"""Forms that choose what a plan page shows (GET): the plan list's search and filters, the versions to compare."""

from typing import Any, cast

from django import forms

from plans.models import PlanKind
from portal.widgets import FlatChoices, LongSelect


class PlanFilterForm(forms.Form):
    """The plan list's search box and filters (all optional; GET)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the title or the text of the current version, e.g. reunification fieldhouse.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    # Ids and names, not model choices: a reader may see plans of ~1,400 buildings (LongSelect, docs/benchmarks.md).
    owner = forms.TypedChoiceField(
        label="Owner agency", coerce=int, empty_value=None, required=False, widget=LongSelect
    )
    facility = forms.TypedChoiceField(label="Facility", coerce=int, empty_value=None, required=False, widget=LongSelect)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind"), *PlanKind.choices], required=False)
    review_due = forms.BooleanField(label="Due for review within 30 days or overdue", required=False)

    def __init__(self, *args: Any, owners: FlatChoices, facilities: FlatChoices, **kwargs: Any) -> None:
        """`owners` and `facilities` each headed by their "any" entry (plans/list_choices.py)."""
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = owners
        cast(forms.TypedChoiceField, self.fields["facility"]).choices = facilities


class DiffForm(forms.Form):
    """The two versions to compare (`?from=1&to=3`), among those the person may see."""

    def __init__(self, *args: Any, numbers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(number), label) for number, label in numbers]
        # "from" is a Python keyword, so the fields are named here rather than as class attributes.
        self.fields["from"] = forms.TypedChoiceField(label="From", choices=choices, coerce=int, required=False)
        self.fields["to"] = forms.TypedChoiceField(label="To", choices=choices, coerce=int, required=False)
