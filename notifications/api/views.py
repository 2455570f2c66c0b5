from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.api import serializers
from notifications.models import Notification
from portal.types import AuthenticatedRequest


class NotificationListView(generics.GenericAPIView):
    """Your own notifications, newest first."""

    serializer_class = serializers.NotificationSerializer
    queryset = Notification.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones")],
        responses=serializers.NotificationSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # `?unread=` takes DRF's booleans (true/false, 1/0, yes/no...); anything else is a 400, not "all".
        incoming = serializers.NotificationFilterSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        unread = incoming.validated_data["unread"]
        page = self.paginate_queryset(selectors.notifications_of(user=request.user, unread_only=unread))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=serializers.NotificationSerializer)
    def post(self, request: AuthenticatedRequest, notification_id: int) -> Response:
        notification = get_object_or_404(selectors.notifications_of(user=request.user), pk=notification_id)
        services.notification_mark_read(notification=notification)
        return Response(serializers.NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=serializers.ReadAllResultSerializer)
    def post(self, request: AuthenticatedRequest) -> Response:
        changed = services.notifications_mark_all_read(user=request.user)
        return Response({"marked_read": changed})


class PreferencesView(APIView):
    """Per event type: in-app on/off, and e-mail off, immediate or in a daily digest."""

    @extend_schema(responses=serializers.PreferenceSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(serializers.PreferenceSerializer(selectors.preferences_of(user=request.user), many=True).data)

    @extend_schema(
        request=serializers.PreferenceUpdateSerializer(many=True),
        responses=serializers.PreferenceSerializer(many=True),
    )
    def put(self, request: AuthenticatedRequest) -> Response:
        incoming = serializers.PreferenceUpdateSerializer(data=request.data, many=True, allow_empty=False)
        incoming.is_valid(raise_exception=True)
        services.preferences_update(user=request.user, choices=incoming.validated_data)
        return Response(serializers.PreferenceSerializer(selectors.preferences_of(user=request.user), many=True).data)
