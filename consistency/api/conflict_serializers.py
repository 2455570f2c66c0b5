"""The JSON of a conflict; it is only ever shown to someone who may read both sides' plans."""

from typing import Any

from rest_framework import serializers

from consistency.conflict_selectors import ConflictRow, ConflictSide
from consistency.models import ConflictKind, FactKey


class ConflictAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class ConflictPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ConflictValueSerializer(serializers.Serializer):
    text = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)


class ConflictSideSerializer(serializers.Serializer):
    """One agency's side: its plan, the version and what it states (`value` null if it states nothing there)."""

    agency = ConflictAgencySerializer()
    visible = serializers.BooleanField(
        help_text="Always true: a conflict is listed only to those who may read both plans (kept for clients)."
    )
    fact = serializers.ChoiceField(choices=FactKey.choices)
    plan = ConflictPlanSerializer()
    version = serializers.IntegerField()
    value = ConflictValueSerializer(allow_null=True)

    def to_representation(self, side: ConflictSide) -> dict[str, Any]:
        agency = side.agency
        return {
            "agency": {"id": agency.pk, "name": agency.name, "phone": agency.phone, "email": agency.email},
            "visible": True,
            "fact": side.key,
            "plan": {"id": side.plan_id, "title": side.plan_title},
            "version": side.version_number,
            "value": (
                {
                    "text": side.fact.text,
                    "latitude": None if side.fact.latitude is None else str(side.fact.latitude),
                    "longitude": None if side.fact.longitude is None else str(side.fact.longitude),
                }
                if side.fact is not None
                else None
            ),
        }


class ConflictSerializer(serializers.Serializer):
    """A conflict: `fact` is the first side's fact, `other_fact` the second's (the same unless it contradicts)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    facility = serializers.IntegerField(source="facility.pk")
    fact = serializers.ChoiceField(choices=FactKey.choices)
    fact_label = serializers.CharField()
    other_fact = serializers.ChoiceField(choices=FactKey.choices)
    other_fact_label = serializers.CharField()
    detected_at = serializers.DateTimeField()
    sides = ConflictSideSerializer(many=True)

    def to_representation(self, row: ConflictRow) -> dict[str, Any]:
        data = super().to_representation(row)
        data["sides"] = [ConflictSideSerializer().to_representation(side) for side in row.sides]
        return data
