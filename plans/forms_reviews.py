"""The form of "Reviewed — no changes": the version the admin confirmed, and an optional note."""

from django import forms

from plans.forms import LabelledForm
from plans.services.annual_reviews import REVIEW_NOTE_MAX_LENGTH


class MarkReviewedForm(LabelledForm):
    """Which current version the admin reviewed (a version published meanwhile is not confirmed by accident)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=REVIEW_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who took part and what was checked, e.g. “Walked through with Ridgeford Fire; nothing changed.”",
    )
