from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.mfa_codes import one_time_code_valid
from accounts.mfa_policy import has_mfa, mfa_required_for
from accounts.models import ApiToken
from portal.api.fields import JSONStringField


class SignInSerializer(serializers.Serializer):
    """A username and password (and an optional name for the token) exchanged for a new token."""

    username = JSONStringField(write_only=True)
    password = JSONStringField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    name = JSONStringField(write_only=True, required=False, allow_blank=True, max_length=100, default="")
    otp = JSONStringField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=64,
        default="",
        help_text="For people who use multi-factor sign-in: the current code of their authenticator app, "
        "or one of their recovery codes (used up by this).",
    )

    def validate(self, attrs: dict) -> dict:
        # Through django.contrib.auth.authenticate with the request, so every backend, failure signal and
        # lockout policy sees token sign-ins exactly as it sees the web form's.
        request = self.context.get("request")
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError("Unable to log in with provided credentials.", code="authorization")
        if has_mfa(user):
            code = attrs["otp"].strip()
            if not code:
                raise serializers.ValidationError({"otp": [OTP_MISSING]}, code="required")
            if not one_time_code_valid(user=user, code=code):
                # A wrong code counts as a failed sign-in, toward the same lockout as a wrong password.
                user_login_failed.send(sender=__name__, credentials={"username": attrs["username"]}, request=request)
                raise serializers.ValidationError({"otp": [OTP_WRONG]}, code="authorization")
            attrs["second_factor"] = True
        elif mfa_required_for(user):
            raise serializers.ValidationError({"otp": [ENROL_FIRST]}, code="mfa_enrolment_required")
        attrs["user"] = user
        attrs.setdefault("second_factor", False)
        return attrs


OTP_MISSING = (
    "This account uses multi-factor sign-in: send the current code of your authenticator app, "
    "or one of your recovery codes, as otp."
)
OTP_WRONG = "This code is wrong or has expired (or this recovery code was already used). Try the current code."
ENROL_FIRST = (
    "Your agency requires multi-factor sign-in and you have not set it up yet: sign in to the web page, "
    "set up an authenticator app at /accounts/2fa/, then ask for a token with its code as otp."
)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it in a list: never the token itself, which only its creation shows."""

    current = serializers.SerializerMethodField(help_text="Whether this is the token that made this request.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used", "expiry", "second_factor", "current"]
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
        fields = ["id", "name", "token", "created", "expiry", "second_factor"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_token(self, token: ApiToken) -> str:
        return self.context["plaintext"]
