"""Forms of the onboarding pages: the operator's new agency, and a new agency's set-up (card, buildings, roster,
sharing defaults)."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from agencies.forms import LabelledForm
from agencies.models import Agency, AgencyKind, FacilityKind
from onboarding.roster import MAX_BYTES, MAX_ROWS
from plans.models import ShareLevel


class AgencyOnboardForm(LabelledForm):
    """A new agency and the e-mail of its first admin."""

    name = forms.CharField(label="Agency name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=AgencyKind.choices)
    jurisdiction = forms.CharField(
        label="Jurisdiction", max_length=200, required=False, help_text="The area it serves, e.g. Hill County."
    )
    admin_email = forms.EmailField(
        label="First admin's e-mail",
        max_length=150,
        help_text="They receive an invitation to choose a password and become this agency's admin.",
    )
    admin_first_name = forms.CharField(label="First admin's first name", max_length=150, required=False)
    admin_last_name = forms.CharField(label="First admin's last name", max_length=150, required=False)
    require_mfa = forms.BooleanField(
        label="Require multi-factor sign-in",
        required=False,
        help_text="Everyone in the agency, its first admin included, sets up a second factor at their first "
        "sign-in. Its admins can change this later.",
    )


class CoordinatorGrantForm(LabelledForm):
    """Appoint a person (by username) state coordinator."""

    username = forms.ModelChoiceField(
        label="Username",
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={"invalid_choice": "No active account has this username."},
        help_text="They will see every agency's completeness, and no plan they could not see before.",
    )
    prefix = "coordinator"


class AgencyCardForm(LabelledForm):
    """The agency's public card: what partners see in the directory."""

    name = forms.CharField(label="Name", max_length=200)
    jurisdiction = forms.CharField(label="Jurisdiction", max_length=200, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False, help_text="The number partners call.")
    email = forms.EmailField(label="E-mail", required=False, help_text="The address partners write to.")
    prefix = "card"


class FacilityAddForm(LabelledForm):
    """A building the agency owns."""

    name = forms.CharField(label="Building name", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=FacilityKind.choices)
    address = forms.CharField(label="Address", max_length=300, required=False)
    prefix = "building"


class RosterUploadForm(LabelledForm):
    """A roster in CSV: one person a line."""

    file = forms.FileField(
        label="Roster (CSV)",
        help_text=f"Columns: email (required), first_name, last_name, role (admin, planner, liaison or member; "
        f"member when empty), username (the e-mail when empty). At most {MAX_ROWS} people, "
        f"{MAX_BYTES // 1024} KB. You check every row before anyone is invited.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class RosterConfirmForm(LabelledForm):
    """The roster the preview showed, signed by the server so it comes back unchanged."""

    roster = forms.CharField(widget=forms.HiddenInput)


class SharingDefaultForm(LabelledForm):
    """A partner the agency's new plans are shared with."""

    partner = forms.ModelChoiceField(label="Partner agency", queryset=Agency.objects.none())
    level = forms.ChoiceField(
        label="Level",
        choices=ShareLevel.choices,
        initial=ShareLevel.VIEW,
        help_text="View: they read published versions. Comment: they also comment on them.",
    )
    prefix = "sharing"

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = cast(forms.ModelChoiceField, self.fields["partner"])
        partner.queryset = Agency.objects.exclude(pk=agency.pk).only("pk", "name").order_by("name", "pk")
