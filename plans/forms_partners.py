"""Forms of what partners do with a plan: acknowledging a version, sharing it with an agency, revoking a share."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from agencies.models import Agency
from plans.models import ShareLevel


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
    """Revoke a partner agency's access: which one (the confirmation page's address and its form)."""

    agency = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the partner whose access to revoke.",
            "invalid": "Choose the partner whose access to revoke from the plan's Sharing panel.",
            "min_value": "Choose the partner whose access to revoke from the plan's Sharing panel.",
        },
    )
