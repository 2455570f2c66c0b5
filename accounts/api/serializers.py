from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiToken
from portal.api.fields import JSONStringField


class SignInSerializer(serializers.Serializer):
    """A username and password (and an optional name for the token) exchanged for a new token."""

    username = JSONStringField(write_only=True)
    password = JSONStringField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    name = JSONStringField(write_only=True, required=False, allow_blank=True, max_length=100, default="")

    def validate(self, attrs: dict) -> dict:
        # Through django.contrib.auth.authenticate with the request, so every backend, failure signal and
        # lockout policy sees token sign-ins exactly as it sees the web form's.
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError("Unable to log in with provided credentials.", code="authorization")
        attrs["user"] = user
        return attrs


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it in a list: never the token itself, which only its creation shows."""

    current = serializers.SerializerMethodField(help_text="Whether this is the token that made this request.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used", "expiry", "current"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_current(self, token: ApiToken) -> bool:
        request = self.context.get("request")
        auth = getattr(request, "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class ApiTokenCreateSerializer(serializers.Serializer):
    name = JSONStringField(max_length=100, help_text="What the token is for, e.g. 'Dispatch CAD link'.")


class NewApiTokenSerializer(serializers.ModelSerializer):
    """A token just issued: the only time its value is shown; store it now."""

    token = serializers.SerializerMethodField(help_text="The token: send it as `Authorization: Token <token>`.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "token", "created", "expiry"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_token(self, token: ApiToken) -> str:
        return self.context["plaintext"]
