"""What the draft editor's autosave sends (JSON): each field checked exactly as the editor's Save checks it."""

from typing import Any

from django import forms

from plans.api.serializers import MAX_SECTIONS
from plans.forms import MAX_CHANGE_SUMMARY, SectionForm, clean_text
from plans.services import SectionEdit


class AutosaveSectionForm(SectionForm):
    """One section being edited, named by the key it was saved with (keys change only through Save)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].required = True
        self.fields["key"].error_messages["required"] = "Name the section by its saved key."


class AutosaveForm(forms.Form):
    """The editor's stamp of the draft (when it was last loaded or saved) and its change summary, if edited."""

    loaded = forms.CharField(max_length=64, error_messages={"required": "Send the draft's stamp as “loaded”."})
    change_summary = forms.CharField(required=False, max_length=MAX_CHANGE_SUMMARY, strip=False)

    def clean_change_summary(self) -> str:
        return clean_text(self.cleaned_data.get("change_summary", "")).strip()


class AutosaveRequest:
    """A decoded autosave: valid, with the edits to save, or with error messages by field."""

    def __init__(self, payload: Any) -> None:
        self.errors: dict[str, list[str]] = {}
        self.edits: list[SectionEdit] = []
        self.change_summary: str | None = None
        self.loaded = ""
        if not isinstance(payload, dict):
            self.errors["body"] = ["Send a JSON object with “loaded” and “sections”."]
            return
        form = AutosaveForm(payload)
        if form.is_valid():
            self.loaded = form.cleaned_data["loaded"]
            if "change_summary" in payload:
                self.change_summary = form.cleaned_data["change_summary"]
        else:
            self.errors.update({name: [str(m) for m in messages] for name, messages in form.errors.items()})
        sections = payload.get("sections", [])
        if not isinstance(sections, list) or len(sections) > MAX_SECTIONS:
            self.errors["sections"] = [f"Send “sections” as a list of at most {MAX_SECTIONS} sections."]
            return
        for index, section in enumerate(sections):
            section_form = AutosaveSectionForm(section if isinstance(section, dict) else {})
            if section_form.is_valid():
                data = section_form.cleaned_data
                self.edits.append(SectionEdit(key=data["key"], title=data["title"], body=data["body"]))
            else:
                for name, messages in section_form.errors.items():
                    self.errors[f"sections[{index}].{name}"] = [str(m) for m in messages]
        keys = [edit.key for edit in self.edits]
        if len(keys) != len(set(keys)):
            self.errors["sections"] = ["Each section may be sent once."]

    @property
    def is_valid(self) -> bool:
        return not self.errors
