from rest_framework import serializers

from notifications.models import EmailChoice, EventType, Notification
from notifications.preferences import ALWAYS_IN_APP
from portal.api.fields import JSONBooleanField


class NotificationSerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event_type", read_only=True)
    event_id = serializers.IntegerField(read_only=True)
    plan = serializers.SerializerMethodField(help_text="The plan's id, or null when you may no longer see it.")
    version = serializers.IntegerField(source="version_number", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "event_id", "plan", "version", "title", "created_at", "read_at"]
        read_only_fields = fields

    def get_plan(self, notification: Notification) -> int | None:
        return notification.plan_id if getattr(notification, "plan_visible", False) else None


class PreferenceSerializer(serializers.Serializer):
    event_type = serializers.ChoiceField(choices=EventType.choices)
    in_app = JSONBooleanField()
    email = serializers.ChoiceField(choices=EmailChoice.choices)
    is_default = serializers.BooleanField(read_only=True)


class PreferenceListSerializer(serializers.ListSerializer):
    """The same list GET returns; the event types given are changed, the others keep their setting."""

    def validate(self, attrs: list[dict]) -> list[dict]:
        types = [p["event_type"] for p in attrs]
        repeated = sorted({t for t in types if types.count(t) > 1})
        if repeated:
            raise serializers.ValidationError(f"Give each event type once; repeated: {', '.join(repeated)}.")
        return attrs


class PreferenceUpdateSerializer(PreferenceSerializer):
    class Meta:
        list_serializer_class = PreferenceListSerializer

    def validate(self, attrs: dict) -> dict:
        if attrs["event_type"] in ALWAYS_IN_APP and not attrs["in_app"]:
            raise serializers.ValidationError(
                {"in_app": "This alert is always shown in Alerts; you may choose only how it is e-mailed."}
            )
        return attrs


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class ReadAllResultSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()
