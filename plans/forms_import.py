"""Browser forms for importing a plan from a Word document; the service decides what the file really is."""

from typing import Any, cast
from uuid import uuid4

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from agencies.models import Agency
from plans.forms import LabelledForm
from plans.models import Classification, PlanKind

DOCX_ACCEPT = ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocxUploadForm(LabelledForm):
    """One Word document to import as a draft."""

    file = forms.FileField(
        label="Word document (.docx)",
        max_length=255,
        allow_empty_file=False,
        widget=forms.FileInput(attrs={"accept": DOCX_ACCEPT}),
        error_messages={"required": "Choose a Word document to import.", "empty": "The file is empty; choose another."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields[
            "file"
        ].help_text = f"At most {limit} MB. Older .doc files: open them in Word and save them as .docx first."


class PlanImportForm(DocxUploadForm):
    """A new plan from a Word document: its owner, title, kind and classification; the rest is set afterwards."""

    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        empty_label=None,
        label="Owner agency",
        help_text="Only agencies where you are an admin or a planner.",
    )
    title = forms.CharField(
        required=False,
        max_length=200,
        help_text="Leave it empty to use the document's title (its Title style), or else its file name.",
    )
    kind = forms.ChoiceField(choices=PlanKind.choices)
    classification = forms.ChoiceField(
        choices=Classification.choices,
        initial=Classification.PARTNER,
        help_text="Public: every signed-in person may read it once published. Partners only: your agency and the "
        "agencies you share it with. Law-enforcement sensitive: like partners only, and every read is recorded.",
    )
    # One key per form shown: the same form sent twice (a double-click) imports once (plan_create_once).
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    field_order = ["file", "owner_agency", "title", "kind", "classification"]

    def __init__(self, *args: Any, owner_agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner_agency"]).queryset = owner_agencies
        self.fields["creation_key"].initial = uuid4

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data.get("title", "").split())
