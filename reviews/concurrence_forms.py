"""The form a partner's admin or liaison fills in on the plan page to record concurrence."""

from typing import Any, cast

from django import forms

from reviews.concurrence_services import MAX_NOTE_LENGTH
from reviews.models import ConcurrenceOutcome


class ConcurrenceForm(forms.Form):
    """Concur or changes requested on the version read, for one of the person's partner agencies."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    agency = forms.TypedChoiceField(coerce=int, required=False, label="For agency")
    outcome = forms.ChoiceField(choices=ConcurrenceOutcome.choices, widget=forms.RadioSelect, label="Outcome")
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "concurrence-note-help"}),
        label="Note",
        help_text="Required when you request changes, unless your agency has open change requests on this plan.",
    )

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["agency"]).choices = agencies
        if len(agencies) > 1:
            self.fields["agency"].required = True
