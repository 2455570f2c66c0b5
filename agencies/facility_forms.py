"""Forms of a building's page: its contacts (the owner agency's) and assigning people to it (an agency's admins)."""

from typing import Any

from django import forms
from django.utils import timezone

from agencies.forms import LabelledForm
from agencies.models import Agency, AssignmentRole


class FacilityContactForm(LabelledForm):
    """One number to call about the building; the numbers are checked by the service (field errors)."""

    label = forms.CharField(max_length=100, help_text="Whom the number reaches, e.g. Principal, Custodian, 24/7 line.")
    name = forms.CharField(max_length=200, required=False)
    phone = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    alt_phone = forms.CharField(
        label="Other phone", max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    notes = forms.CharField(max_length=300, required=False)
    position = forms.IntegerField(
        label="Order", min_value=0, max_value=999, required=False, help_text="Lowest is called first; empty: last."
    )


class AssignmentForm(LabelledForm):
    """Assign a member of an agency you administer to this building."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), empty_label=None)
    username = forms.CharField(label="Person (username)", max_length=150)
    role = forms.ChoiceField(choices=AssignmentRole.choices, initial=AssignmentRole.SCHOOL_RESOURCE_OFFICER)
    started_on = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Empty: today."
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]  # a ModelChoiceField
        # Read once: the select's "required" check would otherwise read the agencies a second time (through
        # iter(): list() of the choices would first ask their length, a COUNT query).
        self.fields["agency"].widget.choices = list(iter(self.fields["agency"].choices))  # type: ignore[attr-defined]
        self.fields["started_on"].initial = timezone.localdate()


class AssignmentEndForm(LabelledForm):
    ended_on = forms.DateField(label="Ended on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
