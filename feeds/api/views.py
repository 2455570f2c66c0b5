"""The open-format endpoints: facilities as GeoJSON, the personal calendar feed and its link, an agency's CAP feed."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.feeds import can_read_agency_alerts
from agencies.selectors import agencies_visible_to
from feeds import cap, geojson, ical, selectors, services
from feeds.api.renderers import AtomRenderer, GeoJSONRenderer, ICalendarRenderer, JsonErrors
from feeds.api.serializers import (
    FEATURE_COLLECTION_SCHEMA,
    CalendarFeedSerializer,
    CapFeedQuerySerializer,
    NewCalendarFeedSerializer,
)
from feeds.api.throttling import CalendarFeedThrottle
from portal.api.request_info import client_ip
from portal.types import AuthenticatedRequest

CAP_FEED_LIMIT = 100


def calendar_url(request: Request, plaintext: str) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", args=[plaintext]))


class FacilityGeoJsonView(JsonErrors, APIView):
    """Every building the facility list shows you, as an RFC 7946 FeatureCollection (one document, not paged).

    Each feature's properties name the building's current plans you may read, and only those. A building
    without coordinates has a null geometry (an unlocated feature) so that no building silently disappears.
    """

    renderer_classes = [GeoJSONRenderer]

    @extend_schema(
        operation_id="facilities_geojson",
        responses={(200, geojson.GEOJSON_MEDIA_TYPE): OpenApiResponse(FEATURE_COLLECTION_SCHEMA)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        facilities = selectors.facilities_layer(user=request.user)
        return Response(geojson.feature_collection(facilities, request.build_absolute_uri))


class CalendarFeedView(JsonErrors, APIView):
    """A person's review and required-reading due dates (RFC 5545), authenticated by the secret in the URL alone.

    What you may see is read again at every fetch: a revoked share drops its plan; a revoked link, or a
    deactivated account, answers 404.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [ICalendarRenderer]
    throttle_classes = [CalendarFeedThrottle]
    throttle_scope = "calendar_feed"

    @extend_schema(
        auth=[],
        operation_id="calendar_feed",
        responses={(200, ical.ICAL_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.STR, description="An iCalendar file.")},
    )
    def get(self, request: Request, token: str) -> Response:
        feed_token = selectors.live_feed_token(plaintext=token)
        if feed_token is None:
            raise Http404
        services.feed_token_record_use(token=feed_token)
        body = ical.person_calendar(feed_token.user, request.build_absolute_uri)
        response = Response(body)
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = 'inline; filename="concord.ics"'
        return response


class MyCalendarFeedView(APIView):
    """Your calendar-feed link: see whether you have one (GET), make a new one replacing it (POST), revoke (DELETE)."""

    @extend_schema(responses={200: CalendarFeedSerializer, 404: OpenApiResponse(description="You have no link.")})
    def get(self, request: AuthenticatedRequest) -> Response:
        token = selectors.feed_token_of(user=request.user)
        if token is None:
            raise Http404("You have no calendar-feed link.")
        return Response(CalendarFeedSerializer(token).data)

    @extend_schema(request=None, responses={201: NewCalendarFeedSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        token, plaintext = services.feed_token_create(
            user=request.user, actor=request.user, ip_address=client_ip(request)
        )
        data = {"url": calendar_url(request, plaintext), "created_at": token.created_at}
        response = Response(NewCalendarFeedSerializer(data).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="You have no link.")})
    def delete(self, request: AuthenticatedRequest) -> Response:
        if not services.feed_token_revoke(user=request.user, actor=request.user, ip_address=client_ip(request)):
            raise Http404("You have no calendar-feed link.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgencyCapFeedView(JsonErrors, APIView):
    """An agency's plan changes of the last `days` days (at most 100) as CAP 1.2 alerts in an Atom feed.

    For the agency's own members: a person, or the account its alerting system signs in with (an API token).
    Another agency's feed is a 404.
    """

    renderer_classes = [AtomRenderer]

    @extend_schema(
        operation_id="agency_cap_alerts",
        parameters=[CapFeedQuerySerializer, OpenApiParameter("agency_id", int, OpenApiParameter.PATH)],
        responses={
            (200, cap.ATOM_MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.STR,
                description="An Atom feed; each entry's content is one CAP 1.2 <alert> (application/cap+xml).",
            )
        },
    )
    def get(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = get_object_or_404(agencies_visible_to(user=request.user), pk=agency_id)
        if not can_read_agency_alerts(request.user, agency.pk):
            raise Http404
        query = CapFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = timezone.now() - timedelta(days=query.validated_data["days"])
        versions = selectors.agency_alert_versions(agency_id=agency.pk, since=since, limit=CAP_FEED_LIMIT)
        alerts = cap.alerts_of(versions, since)[:CAP_FEED_LIMIT]
        body = cap.atom_feed(alerts, agency, request.build_absolute_uri(), request.build_absolute_uri)
        response = Response(body)
        response["Cache-Control"] = "private, no-store"
        return response
