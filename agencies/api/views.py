from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from access.agencies import can_edit_facilities_of, can_manage_agency, is_agency_member
from access.http import IsStaff, IsStaffOrAgencyAdmin
from agencies import selectors, services
from agencies.api import serializers
from agencies.models import Agency, Facility, Membership
from agencies.session_policy import session_policy_for
from portal.api.pagination import StandardPagination
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest

LAST_ADMIN = "The agency would be left without an admin."

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission  # what DRF accepts as a permission


class MeView(APIView):
    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("agency").order_by("agency__name")
        policy = session_policy_for(user)
        data = {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "is_staff": user.is_staff,
            "memberships": memberships,
            "session_policy": {"idle_minutes": policy.idle_seconds // 60, "max_hours": policy.max_seconds / 3600},
        }
        return Response(serializers.MeSerializer(data).data)


class UserCreateView(APIView):
    permission_classes = [IsStaffOrAgencyAdmin]

    @extend_schema(request=serializers.UserCreateSerializer, responses={201: serializers.UserSerializer})
    def post(self, request: Request) -> Response:
        incoming = serializers.UserCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, ip_address=client_ip(request), **incoming.validated_data)
        return Response(serializers.UserSerializer(user).data, status=status.HTTP_201_CREATED)


class AgencyViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.AgencySerializer
    filterset_fields = ["kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Agency]:
        return selectors.agencies_visible_to(user=self.request.user)

    def get_permissions(self) -> "Sequence[_SupportsHasPermission]":
        if self.action == "create":
            return [IsStaff()]
        return super().get_permissions()

    def perform_create(self, serializer: BaseSerializer[Agency]) -> None:
        serializer.instance = services.agency_create(
            actor=self.request.user, ip_address=client_ip(self.request), **serializer.validated_data
        )

    def get_object(self) -> Agency:
        agency = super().get_object()
        # Refuse before the body is validated, so an outsider gets 403 whatever they send.
        if self.action == "partial_update" and not can_manage_agency(self.request.user, agency.pk):
            raise PermissionDenied("Only this agency's admins may change its details.")
        return agency

    def perform_update(self, serializer: BaseSerializer[Agency]) -> None:
        agency = cast(Agency, serializer.instance)  # update() built the serializer around get_object()
        serializer.instance = services.agency_update(
            agency=agency, actor=self.request.user, ip_address=client_ip(self.request), **serializer.validated_data
        )


def _visible_agency(request: Request, agency_id: int) -> Agency:
    return get_object_or_404(selectors.agencies_visible_to(user=request.user), pk=agency_id)


class MembershipListView(APIView):
    """An agency's members: listed to its members, changed by its admins."""

    pagination_class = StandardPagination  # paginated by hand below; named here so the schema shows the envelope

    @extend_schema(responses=serializers.MembershipSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = _visible_agency(request, agency_id)
        if not (request.user.is_staff or is_agency_member(request.user, agency.pk)):
            raise PermissionDenied("Only members of this agency may see its members.")
        queryset = selectors.memberships_of_agency(agency=agency)
        paginator = self.paginator
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializers.MembershipSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.MembershipSerializer,
        responses={201: serializers.MembershipSerializer, 409: conflict("The person is already a member.")},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = _visible_agency(request, agency_id)
        if not can_manage_agency(request.user, agency.pk):
            raise PermissionDenied("Only this agency's admins may add members.")
        incoming = serializers.MembershipSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        membership = services.membership_add(
            agency=agency,
            user=incoming.validated_data["user"],
            role=incoming.validated_data["role"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @property
    def paginator(self) -> StandardPagination:
        if not hasattr(self, "_paginator"):
            self._paginator = self.pagination_class()
        return self._paginator


class MembershipDetailView(APIView):
    def _membership(self, request: Request, agency_id: int, membership_id: int) -> Membership:
        agency = _visible_agency(request, agency_id)
        # Refuse before the lookup, so a non-admin cannot probe which membership ids exist.
        if not can_manage_agency(request.user, agency.pk):
            raise PermissionDenied("Only this agency's admins may change its members.")
        return get_object_or_404(Membership.objects.select_related("user", "agency"), pk=membership_id, agency=agency)

    @extend_schema(
        request=serializers.MembershipRoleSerializer,
        responses={200: serializers.MembershipSerializer, 409: conflict(LAST_ADMIN)},
    )
    def patch(self, request: AuthenticatedRequest, agency_id: int, membership_id: int) -> Response:
        membership = self._membership(request, agency_id, membership_id)
        # A PATCH: a body without `role` changes nothing (the schema, like DRF, makes PATCH fields optional).
        incoming = serializers.MembershipRoleSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        if "role" not in incoming.validated_data:
            return Response(serializers.MembershipSerializer(membership).data)
        membership = services.membership_change_role(
            membership=membership,
            role=incoming.validated_data["role"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.MembershipSerializer(membership).data)

    @extend_schema(responses={204: None, 409: conflict(LAST_ADMIN)})
    def delete(self, request: AuthenticatedRequest, agency_id: int, membership_id: int) -> Response:
        membership = self._membership(request, agency_id, membership_id)
        services.membership_remove(membership=membership, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipInvitationResendView(APIView):
    """Send a member who has never signed in a new invitation e-mail with a fresh link (the agency's admins)."""

    @extend_schema(
        request=None,
        responses={
            200: serializers.MembershipSerializer,
            409: conflict("They signed in already, have no e-mail address, or their account is deactivated."),
        },
    )
    def post(self, request: AuthenticatedRequest, agency_id: int, membership_id: int) -> Response:
        membership = _managed_membership(request, agency_id, membership_id)
        membership = services.member_invitation_resend(
            membership=membership, actor=request.user, ip_address=client_ip(request)
        )
        return Response(serializers.MembershipSerializer(membership).data)


class MembershipSessionsEndView(APIView):
    """A lost phone: end every browser session and API token of a member at once (the agency's admins)."""

    @extend_schema(request=None, responses={200: serializers.AccessEndedSerializer})
    def post(self, request: AuthenticatedRequest, agency_id: int, membership_id: int) -> Response:
        membership = _managed_membership(request, agency_id, membership_id)
        ended = services.member_sessions_end(membership=membership, actor=request.user, ip_address=client_ip(request))
        return Response(serializers.AccessEndedSerializer(ended).data)


def _managed_membership(request: Request, agency_id: int, membership_id: int) -> Membership:
    agency = _visible_agency(request, agency_id)
    # Refuse before the lookup, so a non-admin cannot probe which membership ids exist.
    if not can_manage_agency(request.user, agency.pk):
        raise PermissionDenied("Only this agency's admins may change its members.")
    return get_object_or_404(Membership.objects.select_related("user", "agency"), pk=membership_id, agency=agency)


class FacilityViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_fields = ["owner_agency", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Facility]:
        queryset = selectors.facilities_visible_to(user=self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("assignments__user")
        return queryset

    def get_serializer_class(self) -> type[BaseSerializer[Facility]]:
        if self.action == "retrieve":
            return serializers.FacilityDetailSerializer
        if self.action == "partial_update":
            return serializers.FacilityUpdateSerializer
        return serializers.FacilitySerializer

    def perform_create(self, serializer: BaseSerializer[Facility]) -> None:
        # The service refuses (403) anyone but the owner's admins and planners.
        serializer.instance = services.facility_create(
            actor=self.request.user, ip_address=client_ip(self.request), **serializer.validated_data
        )

    def get_object(self) -> Facility:
        facility = super().get_object()
        if self.action == "partial_update" and not can_edit_facilities_of(self.request.user, facility.owner_agency_id):
            raise PermissionDenied("Only admins and planners of the owner agency may change this building.")
        return facility

    def perform_update(self, serializer: BaseSerializer[Facility]) -> None:
        facility = cast(Facility, serializer.instance)  # update() built the serializer around get_object()
        serializer.instance = services.facility_update(
            facility=facility, actor=self.request.user, ip_address=client_ip(self.request), **serializer.validated_data
        )
