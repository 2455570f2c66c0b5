"""Serializer fields that take exactly what the OpenAPI schema says they take."""

from typing import Any

from rest_framework import serializers


class JSONBooleanField(serializers.BooleanField):
    """JSON `true` or `false` only (DRF's BooleanField also takes 1, 0, "yes"..., which the schema does not say)."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
        raise AssertionError  # fail() always raises
