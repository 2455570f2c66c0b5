from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest
from reviews import selectors, services
from reviews.api import serializers
from reviews.models import Comment


class CommentListView(PlanScopedMixin, generics.GenericAPIView):
    """Review comments on a version: thread starts, oldest first, each with its replies."""

    serializer_class = serializers.CommentThreadSerializer
    queryset = Comment.objects.none()
    content_reads = {"GET": "comments"}

    @extend_schema(responses=serializers.CommentThreadSerializer(many=True))
    def get(self, request: Request, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        threads = selectors.comment_threads(access=self.get_access(), version=version)
        page = self.paginate_queryset(threads)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.CommentWriteSerializer, responses={201: serializers.CommentSerializer})
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        access = self.get_access()
        self.require(
            access.can_comment,
            "Only members of the owner agency, and admins and liaisons of partners invited to comment, may comment.",
        )
        incoming = serializers.CommentWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        parent = None
        if data["parent"] is not None:
            parent = selectors.comment_of_version(access=access, version=version, comment_id=data["parent"])
            if parent is None:
                return Response({"parent": ["No such comment on this version."]}, status=status.HTTP_400_BAD_REQUEST)
        comment = services.comment_create(
            version=version,
            author=request.user,
            body=data["body"],
            section_key=data["section_key"],
            parent=parent,
            is_change_request=data["is_change_request"],
        )
        shown = selectors.comment_of_version(access=access, version=version, comment_id=comment.pk)
        return Response(serializers.CommentSerializer(shown).data, status=status.HTTP_201_CREATED)


class CommentResolveView(PlanScopedMixin, APIView):
    @extend_schema(
        request=serializers.CommentResolveSerializer,
        responses={200: serializers.CommentSerializer, 409: conflict("The comment is already resolved.")},
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int, comment_id: int) -> Response:
        version = self.get_version()
        access = self.get_access()
        comment = selectors.comment_of_version(access=access, version=version, comment_id=comment_id)
        if comment is None:
            raise Http404("No such comment.")
        incoming = serializers.CommentResolveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.comment_resolve(
            comment=comment, actor=request.user, note=incoming.validated_data["note"], ip_address=client_ip(request)
        )
        comment = selectors.comment_of_version(access=access, version=version, comment_id=comment.pk)
        return Response(serializers.CommentSerializer(comment).data)
