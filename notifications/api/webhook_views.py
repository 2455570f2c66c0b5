"""An agency's webhooks: registered, listed, removed, re-enabled and their deliveries inspected or resent.

Every signed-in user sees the agency directory, so an unknown agency is a 404; only the agency's
admins and platform staff go further (403 for anyone else, before any webhook id is looked up).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from access.agencies import can_manage_agency
from agencies import selectors as agency_selectors
from agencies.models import Agency
from notifications import webhook_selectors, webhook_services
from notifications.api import webhook_serializers as serializers
from notifications.models import Delivery, WebhookEndpoint
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest


def _managed_agency(request: Request, agency_id: int) -> Agency:
    agency = get_object_or_404(agency_selectors.agencies_visible_to(user=request.user), pk=agency_id)
    if not can_manage_agency(request.user, agency.pk):
        raise PermissionDenied("Only this agency's admins may manage its webhooks.")
    return agency


def _endpoint(request: Request, agency_id: int, webhook_id: int) -> WebhookEndpoint:
    agency = _managed_agency(request, agency_id)
    return get_object_or_404(webhook_selectors.webhooks_of_agency(user=request.user, agency=agency), pk=webhook_id)


class WebhookListView(generics.GenericAPIView):
    """The agency's webhook endpoints; registering one returns its signing secret, once."""

    serializer_class = serializers.WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()

    @extend_schema(responses=serializers.WebhookEndpointSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = _managed_agency(request, agency_id)
        page = self.paginate_queryset(webhook_selectors.webhooks_of_agency(user=request.user, agency=agency))
        return self.get_paginated_response(serializers.WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.WebhookEndpointCreateSerializer,
        responses={201: serializers.WebhookEndpointCreatedSerializer},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = _managed_agency(request, agency_id)
        incoming = serializers.WebhookEndpointCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        endpoint = webhook_services.webhook_endpoint_create(
            agency=agency,
            url=incoming.validated_data["url"],
            events=incoming.validated_data["events"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(generics.GenericAPIView):
    serializer_class = serializers.WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()

    @extend_schema(responses=serializers.WebhookEndpointSerializer)
    def get(self, request: Request, agency_id: int, webhook_id: int) -> Response:
        endpoint = _endpoint(request, agency_id, webhook_id)
        return Response(serializers.WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, webhook_id: int) -> Response:
        endpoint = _endpoint(request, agency_id, webhook_id)
        webhook_services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEnableView(generics.GenericAPIView):
    """Re-enable an endpoint that was disabled (by a 410 or repeated failures), with a clean failure count."""

    serializer_class = serializers.WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()

    @extend_schema(request=None, responses=serializers.WebhookEndpointSerializer)
    def post(self, request: AuthenticatedRequest, agency_id: int, webhook_id: int) -> Response:
        endpoint = _endpoint(request, agency_id, webhook_id)
        endpoint = webhook_services.webhook_endpoint_enable(
            endpoint=endpoint, actor=request.user, ip_address=client_ip(request)
        )
        return Response(serializers.WebhookEndpointSerializer(endpoint).data)


class WebhookDeliveryListView(generics.GenericAPIView):
    """What was sent to an endpoint, newest first, with every HTTP attempt and its status code."""

    serializer_class = serializers.WebhookDeliverySerializer
    queryset = Delivery.objects.none()

    @extend_schema(responses=serializers.WebhookDeliverySerializer(many=True))
    def get(self, request: Request, agency_id: int, webhook_id: int) -> Response:
        endpoint = _endpoint(request, agency_id, webhook_id)
        page = self.paginate_queryset(webhook_selectors.webhook_deliveries_of(user=request.user, endpoint=endpoint))
        return self.get_paginated_response(serializers.WebhookDeliverySerializer(page, many=True).data)


class WebhookRedeliverView(generics.GenericAPIView):
    """Send one delivery again now, with the same `webhook-id` so the receiver can de-duplicate."""

    serializer_class = serializers.WebhookDeliverySerializer
    queryset = Delivery.objects.none()

    @extend_schema(
        request=None,
        responses={
            202: serializers.WebhookDeliverySerializer,
            409: conflict("The webhook is disabled; enable it before redelivering."),
        },
    )
    def post(self, request: Request, agency_id: int, webhook_id: int, delivery_id: int) -> Response:
        endpoint = _endpoint(request, agency_id, webhook_id)
        delivery = get_object_or_404(
            webhook_selectors.webhook_deliveries_of(user=request.user, endpoint=endpoint), pk=delivery_id
        )
        delivery = webhook_services.webhook_delivery_redeliver(
            delivery=delivery, actor=request.user, ip_address=client_ip(request)
        )
        delivery = webhook_selectors.webhook_deliveries_of(user=request.user, endpoint=endpoint).get(pk=delivery.pk)
        return Response(serializers.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
