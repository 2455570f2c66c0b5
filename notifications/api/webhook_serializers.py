"""Agencies' webhook endpoints and their delivery log; the secret is shown once, in the create response."""

from rest_framework import serializers

from notifications.models import WEBHOOK_EVENT_CHOICES, Delivery, EventType, WebhookAttempt, WebhookEndpoint


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="The receiver; https (http only on private installs).")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENT_CHOICES),
        allow_empty=False,
        min_length=1,  # what allow_empty=False checks, said so that the schema shows minItems
        max_length=len(WEBHOOK_EVENT_CHOICES),
        help_text="Event types to receive (at least one).",
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as listed; never its secret."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=WEBHOOK_EVENT_CHOICES))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "agency",
            "url",
            "events",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "consecutive_failures": {
                "help_text": "Deliveries in a row that failed after all their retries; at 3 the webhook is disabled."
            },
            "disabled_reason": {"help_text": "Why it was disabled (a 410 answer, or repeated failures)."},
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The create response: the only time the signing secret is shown."""

    secret = serializers.CharField(
        read_only=True, help_text="Standard Webhooks signing secret (`whsec_…`); store it now, it is not shown again."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.ChoiceField(source="event.event_type", choices=EventType.choices, read_only=True)
    webhook_id = serializers.CharField(
        source="message_id", read_only=True, help_text="The `webhook-id` header: the same on every retry."
    )
    attempt_count = serializers.IntegerField(
        source="attempts", read_only=True, help_text="Attempts since the delivery was queued (or last redelivered)."
    )
    attempts = WebhookAttemptSerializer(
        source="webhook_attempts", many=True, read_only=True, help_text="Every HTTP attempt, newest first."
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "event_type",
            "webhook_id",
            "status",
            "attempt_count",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "sent_at",
            "attempts",
        ]
        read_only_fields = fields
