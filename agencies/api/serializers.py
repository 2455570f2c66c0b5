from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.invitation_status import ACCEPTED, EXPIRED, PENDING, invitation_status
from agencies.models import (
    Agency,
    AssignmentRole,
    Facility,
    FacilityContact,
    Membership,
    PersonnelAssignment,
    Role,
)

User = get_user_model()


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "jurisdiction",
            "phone",
            "email",
            "require_mfa",
            "session_idle_minutes",
            "session_max_hours",
            "les_read_requires_mfa",
            "les_offline_copies",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        # Uniqueness is checked by the service, which answers with a field message.
        extra_kwargs: dict[str, dict[str, Any]] = {
            "slug": {"validators": []},
            "session_idle_minutes": {
                "help_text": "Its people are signed out after this many minutes without activity; null: the "
                "platform's default. A person in several agencies gets the shortest."
            },
            "session_max_hours": {
                "help_text": "Its people are signed out this many hours after signing in, active or not; null: the "
                "platform's default. A person in several agencies gets the shortest."
            },
            "les_offline_copies": {
                "help_text": "Whether the installable app may keep offline copies of this agency's "
                "law-enforcement-sensitive plans on its readers' devices (default false: never cached)."
            },
        }


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    invitation_status = serializers.SerializerMethodField(
        help_text="pending: invited, the link still works; expired: invited, the link expired (resend it); "
        "accepted: they have signed in since; null: added with an existing account."
    )
    invitation_expires_at = serializers.SerializerMethodField(
        help_text="When the invitation's link stops working (pending or expired invitations only)."
    )

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "agency",
            "role",
            "created_at",
            "invited_at",
            "invitation_status",
            "invitation_expires_at",
        ]
        read_only_fields = ["id", "agency", "created_at", "invited_at"]
        # The schema says `role` may be left out: then the person joins as a member.
        extra_kwargs = {"role": {"default": Role.MEMBER}}
        validators: list = []

    @extend_schema_field(serializers.ChoiceField(choices=[PENDING, EXPIRED, ACCEPTED], allow_null=True))
    def get_invitation_status(self, membership: Membership) -> str | None:
        return invitation_status(membership).state

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_invitation_expires_at(self, membership: Membership) -> str | None:
        expires = invitation_status(membership).expires_at
        return serializers.DateTimeField().to_representation(expires) if expires else None


class AccessEndedSerializer(serializers.Serializer):
    sessions = serializers.IntegerField(help_text="Browser sessions ended.")
    tokens = serializers.IntegerField(help_text="API tokens revoked.")


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MyMembershipSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    agency_name = serializers.CharField(source="agency.name")
    role = serializers.CharField()


class SessionPolicySerializer(serializers.Serializer):
    idle_minutes = serializers.IntegerField(help_text="A browser session ends after this many minutes idle.")
    max_hours = serializers.FloatField(help_text="A browser session ends this many hours after sign-in.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(help_text="E-mail address; empty when none was given.")
    is_staff = serializers.BooleanField()
    memberships = MyMembershipSerializer(many=True)
    session_policy = SessionPolicySerializer(
        help_text="The session policy that applies to you: the strictest of your agencies' (else the platform's)."
    )


class UserCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(help_text="E-mail address; empty when none was given.")


class AssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = PersonnelAssignment
        fields = ["id", "user", "username", "agency", "role", "started_on", "ended_on"]


class FacilitySerializer(serializers.ModelSerializer):
    owner_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )

    class Meta:
        model = Facility
        fields = ["id", "name", "kind", "owner_agency", "address", "latitude", "longitude", "created_at"]
        read_only_fields = ["id", "created_at"]


class FacilityDetailSerializer(FacilitySerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta(FacilitySerializer.Meta):
        fields = [*FacilitySerializer.Meta.fields, "assignments"]


class FacilityUpdateSerializer(FacilitySerializer):
    # Declared fields ignore Meta.read_only_fields, so the owner is re-declared read-only here.
    owner_agency = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(FacilitySerializer.Meta):
        read_only_fields = ["id", "created_at", "owner_agency"]


# A number the API documents and takes: 3 to 15 digits in groups, e.g. (630) 555-0101 or 630.555.0101 x12.
PHONE_PATTERN = r"^\+?(\(?[0-9]{3}\)?[ .\-]?){1,3}[0-9]{0,4}( ?(x|ext\.?) ?[0-9]{1,6})?$"
PHONE_HELP = "Digits in groups, e.g. (630) 555-0101, 630-555-0101 x12."


class FacilityContactSerializer(serializers.ModelSerializer):
    """A number to call about a building; `position` orders them (lowest first)."""

    position = serializers.IntegerField(min_value=0, max_value=999, required=False)
    phone = serializers.RegexField(PHONE_PATTERN, max_length=40, help_text=PHONE_HELP)
    alt_phone = serializers.RegexField(
        PHONE_PATTERN, max_length=40, required=False, allow_blank=True, help_text=PHONE_HELP
    )

    class Meta:
        model = FacilityContact
        fields = ["id", "position", "label", "name", "phone", "alt_phone", "notes"]
        read_only_fields = ["id"]


class AssignmentCreateSerializer(serializers.Serializer):
    """Assign a member of one of your agencies to the building (the agency's admins may)."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    role = serializers.ChoiceField(choices=AssignmentRole.choices, default=AssignmentRole.SCHOOL_RESOURCE_OFFICER)
    started_on = serializers.DateField(required=False, help_text="Default: today.")


class AssignmentEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text="Default: today.")
