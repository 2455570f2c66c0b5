"""Forms of the review panels on the plan, version and draft pages (plain POST forms)."""

from django import forms

from reviews.services import MAX_BODY, MAX_NOTE


class CommentForm(forms.Form):
    """A new comment or a reply; the section and thread travel as hidden fields."""

    body = forms.CharField(
        label="Comment",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown: **bold**, lists, links.",
    )
    section_key = forms.SlugField(max_length=80, required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    is_change_request = forms.BooleanField(
        label="Request a change", required=False, help_text="The owner must resolve it; it stays open on later drafts."
    )


class ResolveForm(forms.Form):
    """Closing a thread, with an optional note to the partner."""

    note = forms.CharField(
        label="Resolution note (optional)",
        max_length=MAX_NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
