from rest_framework import serializers

from identity.domains import DOMAIN_PATTERN
from identity.models import AgencySSO


class AgencySSOSerializer(serializers.Serializer):
    """An agency's identity provider as its admins see it: never the client secret, only whether one is stored."""

    agency = serializers.IntegerField(source="agency_id")
    provider_id = serializers.CharField(help_text="Part of the redirect URI; fixed once created.")
    redirect_uri = serializers.CharField(help_text="Register exactly this at your identity provider.")
    issuer = serializers.CharField()
    client_id = serializers.CharField()
    client_secret_set = serializers.BooleanField()
    domains = serializers.ListField(child=serializers.CharField())
    sso_only = serializers.BooleanField()
    enabled = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, instance: AgencySSO) -> dict:
        return {
            "agency": instance.agency_id,
            "provider_id": instance.provider_id,
            "redirect_uri": self.context["redirect_uri"],
            "issuer": instance.app.settings.get("server_url", ""),
            "client_id": instance.app.client_id,
            "client_secret_set": bool(instance.app.secret),
            "domains": instance.allowed_domains,
            "sso_only": instance.sso_only,
            "enabled": instance.enabled,
            "updated_at": serializers.DateTimeField().to_representation(instance.updated_at),
        }


class AgencySSOUpdateSerializer(serializers.Serializer):
    issuer = serializers.CharField(max_length=500, help_text="e.g. https://login.microsoftonline.com/<tenant>/v2.0")
    client_id = serializers.CharField(max_length=191)
    client_secret = serializers.CharField(
        max_length=191, required=False, write_only=True, help_text="Required the first time; omit to keep it."
    )
    domains = serializers.ListField(
        child=serializers.RegexField(
            DOMAIN_PATTERN, max_length=253, error_messages={"invalid": "Not an e-mail domain, e.g. ridgeford.gov."}
        ),
        allow_empty=False,
        min_length=1,  # so the schema says minItems: 1
        max_length=50,
        help_text="Your people's e-mail domains, e.g. ridgeford.gov.",
    )
    sso_only = serializers.BooleanField(default=False)
    enabled = serializers.BooleanField(default=True)
