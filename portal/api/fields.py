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


class JSONStringField(serializers.CharField):
    """A JSON string only (DRF's CharField also turns the numbers 0 or 1.5 into "0" and "1.5")."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class JSONIntegerField(serializers.IntegerField):
    """A JSON integer only (DRF's IntegerField also takes "2", "2.0" and 2.0, which the schema does not say)."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
