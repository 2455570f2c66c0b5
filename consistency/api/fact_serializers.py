"""Facility key facts in and out of the API: places as {text, latitude, longitude}, the others as text."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Facility
from consistency.fact_selectors import FacilityFacts
from consistency.facts import (
    CONTACT_ROLE_MAX,
    PLACE_KEYS,
    PLACE_TEXT_MAX,
    RADIO_CHANNEL_MAX,
    FactsInvalidError,
    FactValue,
    facts_clean,
    is_place,
    label_of,
)
from consistency.models import FacilityFact, FactKey


class PlaceSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=PLACE_TEXT_MAX, help_text="The place in words, as responders say it.")
    latitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-90, max_value=90, help_text="Give both coordinates or neither."
    )
    longitude = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)


def _documented_fields() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {
        key: PlaceSerializer(required=False, allow_null=True, help_text=label_of(key)) for key in PLACE_KEYS
    }
    fields[FactKey.RADIO_CHANNEL.value] = serializers.RegexField(
        r"^[A-Za-z0-9 ./#-]*$",
        required=False,
        allow_null=True,
        max_length=RADIO_CHANNEL_MAX,
        help_text="Letters, digits, spaces and - . / # only.",
    )
    fields[FactKey.ONSITE_CONTACT_ROLE.value] = serializers.CharField(
        required=False, allow_null=True, max_length=CONTACT_ROLE_MAX, help_text="A role, e.g. Principal."
    )
    fields[FactKey.ONSITE_CONTACT_PHONE.value] = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Any dialable form on input (US numbers may omit +1); always E.164 on output, e.g. +12175550142.",
    )
    return fields


# Only describes the shape for the OpenAPI schema; FactsField below does the parsing with consistency/facts.py.
KeyFactsSerializer = type("KeyFactsSerializer", (serializers.Serializer,), _documented_fields())


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def facts_payload(facts: dict[str, FacilityFact] | dict[str, FactValue]) -> dict[str, Any]:
    """The API form of one facility's facts; keys the version does not state are left out."""
    payload: dict[str, Any] = {}
    for key, fact in facts.items():
        if is_place(key):
            payload[key] = {"text": fact.text, "latitude": _number(fact.latitude), "longitude": _number(fact.longitude)}
        else:
            payload[key] = fact.text
    return payload


@extend_schema_field(KeyFactsSerializer)
class FactsField(serializers.Field):
    """Facts keyed by FactKey; every value checked by its kind's rule, errors reported by key."""

    def to_internal_value(self, data: Any) -> dict[str, FactValue]:
        try:
            return facts_clean(data)
        except FactsInvalidError as exc:
            raise serializers.ValidationError(exc.errors) from exc

    def to_representation(self, value: dict[str, FacilityFact]) -> dict[str, Any]:
        return facts_payload(value)


class FacilityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FacilityFactsSerializer(serializers.Serializer):
    facility = FacilityRefSerializer()
    facts = FactsField()

    def to_representation(self, instance: FacilityFacts) -> dict[str, Any]:
        return {
            "facility": {"id": instance.facility.pk, "name": instance.facility.name},
            "facts": facts_payload(instance.facts),
        }


class FacilityFactsWriteSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.all(), help_text="A facility the plan covers."
    )
    facts = FactsField(
        help_text='Every fact of this facility for the version: keys left out or empty (null, "") are removed.'
    )


class StatedFactSerializer(serializers.Serializer):
    """One fact as a version states it: the words, and for a place its coordinates (else null)."""

    text = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class FactChangeSerializer(serializers.Serializer):
    """A key fact stated differently by the compared version (consistency.fact_diff.FactChange)."""

    facility = serializers.IntegerField(source="facility_id")
    facility_name = serializers.CharField()
    key = serializers.ChoiceField(choices=FactKey.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label: fine at run time
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    before = StatedFactSerializer(allow_null=True, help_text="As the older version states it; null if it did not.")
    after = StatedFactSerializer(allow_null=True, help_text="As the compared version states it; null if it does not.")
