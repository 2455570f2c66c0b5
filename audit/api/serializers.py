from rest_framework import serializers

from audit.csv_export import action_label
from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    """One event of an agency's trail."""

    action_label = serializers.SerializerMethodField()
    person = serializers.CharField(source="actor_username", help_text="Username of who acted (or tried to sign in).")
    agency_name = serializers.CharField(source="agency.name", allow_null=True, default=None)
    object = serializers.CharField(source="object_repr")
    plan = serializers.IntegerField(source="plan_id", allow_null=True, help_text="The plan the event concerns.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "action_label",
            "person",
            "agency",
            "agency_name",
            "object_type",
            "object_id",
            "object",
            "plan",
            "ip_address",
            "details",
        ]
        read_only_fields = fields

    def get_action_label(self, event: AuditEvent) -> str:
        return action_label(event.action)
