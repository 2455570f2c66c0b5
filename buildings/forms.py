"""The upload forms of the building page; the file's real type and size are checked by the service."""

from typing import Any

from django import forms
from django.conf import settings

from buildings.models import DocumentKind
from plans.models import Classification

_FILE_ERRORS = {"required": "Choose a file to upload.", "empty": "The file is empty; choose another."}


def _file_field() -> forms.FileField:
    limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return forms.FileField(
        label="File",
        max_length=255,
        allow_empty_file=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages=_FILE_ERRORS,
        help_text=f"PDF, PNG or JPEG, at most {limit} MB. Images show on the building page; PDFs open in the "
        "browser's viewer.",
    )


class DocumentAddForm(forms.Form):
    """A new document of the building: what it is, who may read it, and its file."""

    kind = forms.ChoiceField(choices=DocumentKind.choices)
    title = forms.CharField(max_length=200, help_text="For example “Site map, north campus”.")
    classification = forms.ChoiceField(
        choices=Classification.choices,
        initial=Classification.PARTNER,
        help_text="Who may read it, as for plans: everyone signed in, the agencies that see this building's plans, "
        "or only those that may read its law-enforcement-sensitive plans.",
    )
    change_note = forms.CharField(max_length=500, required=False, label="Note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()


class DocumentReplaceForm(forms.Form):
    """A new file for a document, and what changed (the alert says it)."""

    change_note = forms.CharField(
        max_length=500, label="What changed", help_text="For example “Gate C moved to the east fence”."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"] = _file_field()
