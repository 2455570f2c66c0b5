"""An agency's reading groups, their members and its reading requirements in the API.

404 for anyone outside the agency, 403 for its members who are neither admins nor liaisons
(`reading_managed_agency`), before any group or requirement id is looked up. Writes call `reading.services`.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from agencies.models import Agency
from plans.models import Plan
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.errors import InvalidInputError
from portal.types import AuthenticatedRequest
from portal.unset import UNSET
from reading import services
from reading.api import serializers_manage as serializers
from reading.models import ReadingGroup, ReadingGroupMember, ReadingRequirement
from reading.selectors_manage import (
    agency_person,
    reading_group_member_of,
    reading_group_members,
    reading_group_of,
    reading_groups_of,
    reading_managed_agency,
    reading_requirements_of,
    requirable_plans,
    requirement_people_counts,
)

GROUP_NAME_TAKEN = "The agency already has a group of that name."
REQUIREMENT_TAKEN = "The agency already requires this plan of these people."


def _agency(request: Request, agency_id: int) -> Agency:
    return reading_managed_agency(user=request.user, agency_id=agency_id)


def _group(request: Request, agency_id: int, group_id: int) -> ReadingGroup:
    return reading_group_of(agency=_agency(request, agency_id), group_id=group_id)


def _plan(agency: Agency, plan_id: int) -> Plan:
    plan = requirable_plans(agency=agency).filter(pk=plan_id).first()
    if plan is None:
        raise InvalidInputError("No such plan among those your agency may read.", field="plan")
    return plan


def _group_field(agency: Agency, group_id: int | None) -> ReadingGroup | None:
    if group_id is None:
        return None
    group = reading_groups_of(agency=agency).filter(pk=group_id).first()
    if group is None:
        raise InvalidInputError("No such group in this agency.", field="group")
    return group


class ReadingGroupListView(generics.GenericAPIView):
    """The agency's reading groups by name, with how many people each holds; create one."""

    serializer_class = serializers.ReadingGroupSerializer
    queryset = ReadingGroup.objects.none()

    @extend_schema(responses=serializers.ReadingGroupSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        page = self.paginate_queryset(reading_groups_of(agency=_agency(request, agency_id)))
        return self.get_paginated_response(serializers.ReadingGroupSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.ReadingGroupWriteSerializer,
        responses={201: serializers.ReadingGroupSerializer, 409: conflict(GROUP_NAME_TAKEN)},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = _agency(request, agency_id)
        incoming = serializers.ReadingGroupWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        group = services.reading_group_create(
            agency=agency,
            name=incoming.validated_data["name"],
            description=incoming.validated_data.get("description", ""),
            actor=request.user,
            ip_address=client_ip(request),
        )
        body = serializers.ReadingGroupSerializer(reading_group_of(agency=agency, group_id=group.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReadingGroupDetailView(generics.GenericAPIView):
    """One group: read, rename or describe (PATCH), remove with what it required (DELETE)."""

    serializer_class = serializers.ReadingGroupSerializer
    queryset = ReadingGroup.objects.none()

    @extend_schema(responses=serializers.ReadingGroupSerializer)
    def get(self, request: Request, agency_id: int, group_id: int) -> Response:
        return Response(serializers.ReadingGroupSerializer(_group(request, agency_id, group_id)).data)

    @extend_schema(
        request=serializers.ReadingGroupUpdateSerializer,
        responses={200: serializers.ReadingGroupSerializer, 409: conflict(GROUP_NAME_TAKEN)},
    )
    def patch(self, request: AuthenticatedRequest, agency_id: int, group_id: int) -> Response:
        group = _group(request, agency_id, group_id)
        incoming = serializers.ReadingGroupUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.reading_group_update(
            group=group,
            name=incoming.validated_data.get("name", UNSET),
            description=incoming.validated_data.get("description", UNSET),
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.ReadingGroupSerializer(_group(request, agency_id, group_id)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, group_id: int) -> Response:
        group = _group(request, agency_id, group_id)
        services.reading_group_delete(group=group, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadingGroupMemberListView(generics.GenericAPIView):
    """A group's people by last name, first name, username; add one of the agency's active people."""

    serializer_class = serializers.ReadingGroupMemberSerializer
    queryset = ReadingGroupMember.objects.none()

    @extend_schema(responses=serializers.ReadingGroupMemberSerializer(many=True))
    def get(self, request: Request, agency_id: int, group_id: int) -> Response:
        page = self.paginate_queryset(reading_group_members(group=_group(request, agency_id, group_id)))
        return self.get_paginated_response(serializers.ReadingGroupMemberSerializer(page, many=True).data)

    @extend_schema(
        request=serializers.ReadingGroupMemberAddSerializer,
        responses={201: serializers.ReadingGroupMemberSerializer, 409: conflict("The person is already in the group.")},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int, group_id: int) -> Response:
        group = _group(request, agency_id, group_id)
        incoming = serializers.ReadingGroupMemberAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = agency_person(agency=group.agency, user_id=incoming.validated_data["user"])
        if person is None:
            raise InvalidInputError("Only active members of this agency can be put in its groups.", field="user")
        member = services.reading_group_member_add(
            group=group,
            user=person,
            is_supervisor=incoming.validated_data["is_supervisor"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.ReadingGroupMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class ReadingGroupMemberDetailView(generics.GenericAPIView):
    """One person in a group: read, make supervisor or not (PATCH), take out (DELETE)."""

    serializer_class = serializers.ReadingGroupMemberSerializer
    queryset = ReadingGroupMember.objects.none()

    @extend_schema(responses=serializers.ReadingGroupMemberSerializer)
    def get(self, request: Request, agency_id: int, group_id: int, user_id: int) -> Response:
        member = reading_group_member_of(group=_group(request, agency_id, group_id), user_id=user_id)
        return Response(serializers.ReadingGroupMemberSerializer(member).data)

    @extend_schema(
        request=serializers.ReadingGroupMemberUpdateSerializer, responses=serializers.ReadingGroupMemberSerializer
    )
    def patch(self, request: AuthenticatedRequest, agency_id: int, group_id: int, user_id: int) -> Response:
        group = _group(request, agency_id, group_id)
        member = reading_group_member_of(group=group, user_id=user_id)
        incoming = serializers.ReadingGroupMemberUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        member = services.reading_group_member_set_supervisor(
            group=group,
            user=member.user,
            is_supervisor=incoming.validated_data.get("is_supervisor", member.is_supervisor),
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(serializers.ReadingGroupMemberSerializer(member).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, group_id: int, user_id: int) -> Response:
        group = _group(request, agency_id, group_id)
        member = reading_group_member_of(group=group, user_id=user_id)
        services.reading_group_member_remove(
            group=group, user=member.user, actor=request.user, ip_address=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _requirement_body(agency: Agency, requirements: list[ReadingRequirement], *, many: bool) -> Any:
    counts = requirement_people_counts(agency=agency, requirements=requirements)
    chosen = requirements if many else requirements[0]
    return serializers.ReadingRequirementSerializer(chosen, many=many, context={"people": counts}).data


class ReadingRequirementListView(generics.GenericAPIView):
    """What the agency requires its people to read, by plan title; require a plan."""

    serializer_class = serializers.ReadingRequirementSerializer
    queryset = ReadingRequirement.objects.none()

    @extend_schema(responses=serializers.ReadingRequirementSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency = _agency(request, agency_id)
        page = self.paginate_queryset(reading_requirements_of(agency=agency))
        return self.get_paginated_response(_requirement_body(agency, list(page or []), many=True))

    @extend_schema(
        request=serializers.ReadingRequirementWriteSerializer,
        responses={201: serializers.ReadingRequirementSerializer, 409: conflict(REQUIREMENT_TAKEN)},
    )
    def post(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = _agency(request, agency_id)
        incoming = serializers.ReadingRequirementWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        requirement = services.reading_requirement_create(
            agency=agency,
            plan=_plan(agency, data["plan"]),
            audience=data["audience"],
            role=data.get("role") or "",
            group=_group_field(agency, data.get("group")),
            due_days=data["due_days"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        requirement = reading_requirements_of(agency=agency).get(pk=requirement.pk)
        return Response(_requirement_body(agency, [requirement], many=False), status=status.HTTP_201_CREATED)


class ReadingRequirementDetailView(generics.GenericAPIView):
    """One requirement: read, change (PATCH: any of plan, audience, role, group, due_days), remove."""

    serializer_class = serializers.ReadingRequirementSerializer
    queryset = ReadingRequirement.objects.none()

    def _requirement(self, agency: Agency, requirement_id: int) -> ReadingRequirement:
        return get_object_or_404(reading_requirements_of(agency=agency), pk=requirement_id)

    @extend_schema(responses=serializers.ReadingRequirementSerializer)
    def get(self, request: Request, agency_id: int, requirement_id: int) -> Response:
        agency = _agency(request, agency_id)
        return Response(_requirement_body(agency, [self._requirement(agency, requirement_id)], many=False))

    @extend_schema(
        request=serializers.ReadingRequirementWriteSerializer(partial=True),
        responses={200: serializers.ReadingRequirementSerializer, 409: conflict(REQUIREMENT_TAKEN)},
    )
    def patch(self, request: AuthenticatedRequest, agency_id: int, requirement_id: int) -> Response:
        agency = _agency(request, agency_id)
        requirement = self._requirement(agency, requirement_id)
        incoming = serializers.ReadingRequirementWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.reading_requirement_update(
            requirement=requirement,
            plan=_plan(agency, data["plan"]) if "plan" in data else UNSET,
            audience=data.get("audience", UNSET),
            role=(data["role"] or "") if "role" in data else UNSET,
            group=_group_field(agency, data["group"]) if "group" in data else UNSET,
            due_days=data.get("due_days", UNSET),
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(_requirement_body(agency, [self._requirement(agency, requirement_id)], many=False))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, agency_id: int, requirement_id: int) -> Response:
        agency = _agency(request, agency_id)
        requirement = self._requirement(agency, requirement_id)
        services.reading_requirement_delete(requirement=requirement, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
