"""The shapes of an agency's reading groups, their members and its requirements in the API."""

from typing import Any

from rest_framework import serializers

from agencies.models import Role
from reading.models import DEFAULT_DUE_DAYS, Audience, ReadingGroup, ReadingGroupMember, ReadingRequirement


class ReadingGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True, help_text="People in the group.")
    supervisor_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReadingGroup
        fields = ["id", "name", "description", "member_count", "supervisor_count", "created_at"]
        read_only_fields = ["id", "created_at"]


class ReadingGroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReadingGroupUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReadingGroupMemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField(help_text="First and last name, else the username.")

    class Meta:
        model = ReadingGroupMember
        fields = ["user", "username", "name", "is_supervisor", "added_at"]
        read_only_fields = ["is_supervisor", "added_at"]

    def get_name(self, member: ReadingGroupMember) -> str:
        return member.user.get_full_name() or member.user.get_username()


class ReadingGroupMemberAddSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="An active member of the agency.")
    is_supervisor = serializers.BooleanField(default=False)


class ReadingGroupMemberUpdateSerializer(serializers.Serializer):
    is_supervisor = serializers.BooleanField(required=False, help_text="Left out: unchanged.")


class ReadingRequirementSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True, help_text="The role (admin, planner, liaison, member) or empty.")
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    plan_owner = serializers.IntegerField(source="plan.owner_agency_id", read_only=True)
    group_name = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField(help_text="How many of the agency's active people it covers.")

    class Meta:
        model = ReadingRequirement
        fields = [
            "id",
            "plan",
            "plan_title",
            "plan_owner",
            "audience",
            "role",
            "group",
            "group_name",
            "due_days",
            "people",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_group_name(self, requirement: ReadingRequirement) -> str | None:
        return requirement.group.name if requirement.group else None

    def get_people(self, requirement: ReadingRequirement) -> int:
        counts: dict[int, int] = self.context.get("people", {})
        return counts.get(requirement.pk, 0)


class ReadingRequirementWriteSerializer(serializers.Serializer):
    """What to require: `role` with audience `role`, `group` with audience `group`, neither with `everyone`."""

    plan = serializers.IntegerField(min_value=1, help_text="A plan the agency may read.")
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.EVERYONE)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    group = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="One of the agency's groups."
    )
    due_days = serializers.IntegerField(min_value=1, max_value=365, default=DEFAULT_DUE_DAYS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        audience = attrs.get("audience")
        if audience == Audience.ROLE and not attrs.get("role") and not self.partial:
            raise serializers.ValidationError({"role": "Give the role whose people must read the plan."})
        if audience == Audience.GROUP and not attrs.get("group") and not self.partial:
            raise serializers.ValidationError({"group": "Give the group whose people must read the plan."})
        return attrs
