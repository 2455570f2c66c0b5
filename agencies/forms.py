"""Forms of the agency and facility pages: directory filters, members and roles, webhooks."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from agencies.models import (
    IDLE_MINUTES_MAX,
    IDLE_MINUTES_MIN,
    LIFETIME_HOURS_MAX,
    LIFETIME_HOURS_MIN,
    Agency,
    AgencyKind,
    Facility,
    FacilityKind,
    Role,
)
from notifications.models import WEBHOOK_EVENT_CHOICES

ROLE_HELP = (
    "Admin: members, sharing, publishing. Planner: writes drafts. "
    "Liaison: reviews, comments and acknowledges for the agency. Member: reads and acknowledges personally."
)


class LabelledForm(forms.Form):
    """Labels without Django's trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FacilityFilterForm(LabelledForm):
    """Search and filters of the facility directory (all optional, read from the query string)."""

    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. Lincoln", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *FacilityKind.choices])
    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only agencies that own buildings, read as (id, name) pairs in one query.
        owners = (
            Agency.objects.filter(Exists(Facility.objects.filter(owner_agency=OuterRef("pk"))))
            .order_by("name")
            .values_list("pk", "name")
        )
        cast(forms.TypedChoiceField, self.fields["owner"]).choices = [("", "Any owner"), *owners]


class AgencyFilterForm(LabelledForm):
    """Search and filter of the agency directory."""

    q = forms.CharField(
        label="Name or jurisdiction",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *AgencyKind.choices])


class MemberInviteForm(LabelledForm):
    """Create an account for a new person and e-mail them a link to choose their password."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[User.username_validator],
        help_text="What they will sign in with: letters, digits and @ . + - _ only.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="The invitation goes here: a link to choose a password (valid for a few days, usable once).",
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER, help_text=ROLE_HELP)

    prefix = "invite"


class MemberAddForm(LabelledForm):
    """Add a person who already has a Concord account (for example a member of another agency)."""

    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Their existing Concord username.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)

    prefix = "add"

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                f"No active account is called '{username}'. Check the spelling, or invite them by e-mail instead."
            )
        return user


class MembershipRoleForm(LabelledForm):
    """A member's new role."""

    role = forms.ChoiceField(label="Role", choices=Role.choices)


class WebhookCreateForm(LabelledForm):
    """Register a receiver for signed change events."""

    url = forms.URLField(
        label="Receiver URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where Concord POSTs each event, e.g. https://cad.example.org/concord-hook. "
        "Use https; addresses inside private networks are refused unless this installation allows them.",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=WEBHOOK_EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose at least one.",
    )


class AgencyMfaForm(LabelledForm):
    require_mfa = forms.BooleanField(
        label="Require multi-factor sign-in for everyone in this agency",
        required=False,
        help_text="Each person without an authenticator app or passkey is asked to set one up at their next "
        "sign-in, and can use nothing else until they have.",
    )
    les_read_requires_mfa = forms.BooleanField(
        label="Reading our law-enforcement-sensitive plans needs multi-factor sign-in",
        required=False,
        help_text="Anyone reading them, partners' people included, must have signed in (or confirmed) with a "
        "second factor; without it they see the plan's title and a page that leads them to set one up.",
    )


class OfflineCopiesForm(LabelledForm):
    """Whether the installable app may keep the agency's law-enforcement-sensitive plans for offline use."""

    les_offline_copies = forms.BooleanField(
        label="Law-enforcement-sensitive plans may be kept offline",
        required=False,
        help_text="Off (the default): Concord's installable app never stores your law-enforcement-sensitive plans "
        "on a device, so reading them needs a connection. On: the people who may read them and are assigned to the "
        "building keep a copy on their phone, until they sign out or lose access.",
    )

    prefix = "offline"


class SessionPolicyForm(LabelledForm):
    """An agency's session policy; an empty field means the platform's default."""

    session_idle_minutes = forms.IntegerField(
        label="Sign out after inactivity (minutes)",
        required=False,
        min_value=IDLE_MINUTES_MIN,
        max_value=IDLE_MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    session_max_hours = forms.IntegerField(
        label="Sign out after sign-in, whatever the activity (hours)",
        required=False,
        min_value=LIFETIME_HOURS_MIN,
        max_value=LIFETIME_HOURS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    prefix = "sessions"

    def __init__(self, *args: Any, idle_default_minutes: int, max_default_hours: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session_idle_minutes"].help_text = (
            f"From {IDLE_MINUTES_MIN} to {IDLE_MINUTES_MAX}. Empty: the platform's {idle_default_minutes} minutes. "
            "CJIS asks for 30 at most."
        )
        self.fields[
            "session_max_hours"
        ].help_text = (
            f"From {LIFETIME_HOURS_MIN} to {LIFETIME_HOURS_MAX}. Empty: the platform's {max_default_hours:g} hours."
        )
