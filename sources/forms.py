"""Forms of the sources pages: declaring a source, and recording that a source's change needs no change."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from plans.models import Plan
from sources.services import MAX_REASON_LENGTH


class _PlanChoiceField(forms.ModelChoiceField):
    """A plan with its owner, as the choice reads."""

    def label_from_instance(self, obj: Plan) -> str:
        return f"{obj.title} ({obj.owner_agency.name})"


class SourceForm(forms.Form):
    """Which plan this plan builds on, and for which of its sections (none: the whole plan)."""

    source_plan = _PlanChoiceField(queryset=Plan.objects.none(), label="Builds on", empty_label="Choose a plan…")
    section_key = forms.ChoiceField(required=False, label="For the section")

    def __init__(self, *args: Any, candidates: QuerySet[Plan], sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source_plan"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = candidates
        section_field = self.fields["section_key"]
        if isinstance(section_field, forms.ChoiceField):
            section_field.choices = [("", "The whole plan"), *sections]


class NoChangeForm(forms.Form):
    reason = forms.CharField(
        label="Why no change is needed",
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the audit trail with your name.",
    )
