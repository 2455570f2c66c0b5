"""The editor's “Key facts” form for one facility; it applies the rules of consistency/facts.py field by field."""

from collections.abc import Iterable
from typing import Any

from django import forms

from agencies.models import Facility
from consistency.fact_selectors import version_facts_for_facilities
from consistency.facts import (
    CONTACT_ROLE_MAX,
    FACT_KEYS,
    PLACE_KEYS,
    PLACE_TEXT_MAX,
    RADIO_CHANNEL_MAX,
    FactValue,
    degrees_text,
    fact_clean,
    is_place,
    label_of,
)
from consistency.models import FacilityFact, FactKey
from plans.models import PlanVersion

HELP = {
    FactKey.RADIO_CHANNEL: "Letters, digits, spaces and - . / # only, e.g. “FD TAC-3”.",
    FactKey.ONSITE_CONTACT_ROLE: "A role, not a name, e.g. “Principal” or “Head custodian”.",
    FactKey.ONSITE_CONTACT_PHONE: "A number that reaches that person during an incident, e.g. (217) 555-0142.",
}


class FacilityFactsForm(forms.Form):
    """Every key fact of one facility: places as words plus optional latitude and longitude, then radio and contact."""

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"facts-{facility.pk}")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.facts: dict[str, FactValue] = {}
        for key in PLACE_KEYS:
            # Inside a fieldset whose legend names the place (the template), so the label need not repeat it.
            self.fields[key] = forms.CharField(
                label="Where, in words",
                required=False,
                widget=forms.TextInput(attrs={"maxlength": PLACE_TEXT_MAX}),
            )
            for part in ("latitude", "longitude"):
                self.fields[f"{key}_{part}"] = forms.CharField(
                    label=part.capitalize(),
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
        self.fields[FactKey.RADIO_CHANNEL.value] = forms.CharField(
            label=label_of(FactKey.RADIO_CHANNEL),
            required=False,
            help_text=HELP[FactKey.RADIO_CHANNEL],
            widget=forms.TextInput(attrs={"maxlength": RADIO_CHANNEL_MAX}),
        )
        self.fields[FactKey.ONSITE_CONTACT_ROLE.value] = forms.CharField(
            label=label_of(FactKey.ONSITE_CONTACT_ROLE),
            required=False,
            help_text=HELP[FactKey.ONSITE_CONTACT_ROLE],
            widget=forms.TextInput(attrs={"maxlength": CONTACT_ROLE_MAX}),
        )
        self.fields[FactKey.ONSITE_CONTACT_PHONE.value] = forms.CharField(
            label=label_of(FactKey.ONSITE_CONTACT_PHONE),
            required=False,
            help_text=HELP[FactKey.ONSITE_CONTACT_PHONE],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        )

    @staticmethod
    def initial_for(facts: dict[str, FacilityFact]) -> dict[str, str]:
        """The saved facts as field values."""
        initial: dict[str, str] = {}
        for key, fact in facts.items():
            initial[key] = fact.text
            if is_place(key):
                initial[f"{key}_latitude"] = degrees_text(fact.latitude)
                initial[f"{key}_longitude"] = degrees_text(fact.longitude)
        return initial

    def places(self) -> list[tuple[str, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(name, text, latitude, longitude) of every place, in display order."""
        return [(label_of(key), self[key], self[f"{key}_latitude"], self[f"{key}_longitude"]) for key in PLACE_KEYS]

    def others(self) -> list[forms.BoundField]:
        return [self[key] for key in FACT_KEYS if not is_place(key)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for key in FACT_KEYS:
            if is_place(key):
                raw: Any = {part: data.get(f"{key}_{part}", "") for part in ("latitude", "longitude")}
                raw["text"] = data.get(key, "")
            else:
                raw = data.get(key, "")
            value, errors = fact_clean(key, raw)
            for part, messages in errors.items():
                for message in messages:
                    self.add_error(key if part == "text" else f"{key}_{part}", message)
            if value is not None:
                self.facts[key] = value
        return data


def facts_forms_for(
    *, version: PlanVersion, facilities: Iterable[Facility], bound: FacilityFactsForm | None = None
) -> list[FacilityFactsForm]:
    """One form per facility, filled from what the draft states (one query); `bound` replaces its facility's."""
    forms_: list[FacilityFactsForm] = []
    for group in version_facts_for_facilities(version=version, facilities=facilities):
        if bound is not None and bound.facility.pk == group.facility.pk:
            forms_.append(bound)
        else:
            initial = FacilityFactsForm.initial_for(group.facts)
            forms_.append(FacilityFactsForm(facility=group.facility, initial=initial))
    return forms_
