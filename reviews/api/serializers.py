from django.contrib.auth.models import User
from rest_framework import serializers

from portal.api.fields import JSONBooleanField
from reviews.models import Comment
from reviews.services import MAX_BODY, MAX_NOTE


class CommentUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


class CommentAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CommentSerializer(serializers.ModelSerializer):
    author = CommentUserSerializer(read_only=True, allow_null=True)
    agency = CommentAgencySerializer(source="author_agency", read_only=True)
    resolved_by = CommentUserSerializer(read_only=True, allow_null=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    section_key = serializers.CharField(read_only=True, help_text="A section key, or empty for the whole version.")

    class Meta:
        model = Comment
        fields = [
            "id",
            "version",
            "section_key",
            "body",
            "author",
            "agency",
            "is_change_request",
            "parent",
            "created_at",
            "resolved_at",
            "resolved_by",
            "resolution_note",
        ]
        read_only_fields = fields


class CommentThreadSerializer(CommentSerializer):
    replies = CommentSerializer(many=True, read_only=True)

    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "replies"]
        read_only_fields = fields


class CommentWriteSerializer(serializers.Serializer):
    section_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", help_text="A section key of this version."
    )
    body = serializers.CharField(max_length=MAX_BODY, help_text="Markdown.")
    # The metaclass moves declared fields off the class, so this never shadows Field.parent; the stubs cannot tell.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None, help_text="Reply to this comment (joins its thread)."
    )
    is_change_request = JSONBooleanField(
        required=False, default=False, help_text="Partners only: ask the owner to change the plan."
    )


class CommentResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE, required=False, allow_blank=True, default="")
