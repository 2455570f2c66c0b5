"""Shapes of the feeds API: the calendar link's state, the CAP feed's query, and the GeoJSON schema."""

from rest_framework import serializers

from feeds.models import FeedToken

CAP_DAYS_DEFAULT = 30
CAP_DAYS_MAX = 90


class CalendarFeedSerializer(serializers.ModelSerializer[FeedToken]):
    """A live calendar-feed link: when it was made and last fetched (its secret is shown only when made)."""

    class Meta:
        model = FeedToken
        fields = ["created_at", "last_used_at"]
        read_only_fields = fields


class NewCalendarFeedSerializer(serializers.Serializer):
    """A new link: the URL to paste into a calendar app, shown this once."""

    url = serializers.URLField()
    created_at = serializers.DateTimeField()


class CapFeedQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=CAP_DAYS_MAX, default=CAP_DAYS_DEFAULT)


_PLAN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "version": {"type": "integer"},
        "published_at": {"type": "string", "format": "date-time", "nullable": True},
        "url": {"type": "string", "format": "uri"},
    },
    "required": ["id", "title", "version", "published_at", "url"],
}
_PROPERTIES = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "owner_agency": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        },
        "address": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "current_plans": {"type": "array", "items": _PLAN},
    },
    "required": ["id", "name", "kind", "owner_agency", "address", "url", "current_plans"],
}
_POINT = {
    "type": "object",
    "description": "WGS 84 [longitude, latitude]; null for a building without coordinates.",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
    "required": ["type", "coordinates"],
    "nullable": True,
}
# The RFC 7946 FeatureCollection of feeds/geojson.py, for the schema (raw: GeoJSON's `type` members would make
# drf-spectacular enums of clashing names).
FEATURE_COLLECTION_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": _POINT,
                    "properties": _PROPERTIES,
                },
                "required": ["type", "id", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "features"],
}
