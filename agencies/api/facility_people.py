"""API for a building's contacts and the people assigned to it (its School Resource Officers).

Contacts: whoever's agency sees the building's plans reads them (404 for anyone else); the owner agency's
admins and planners change them (403 for other readers). Assignments: every signed-in person sees who is
and was assigned, as on the building's page; an agency's admins assign its people and end their assignments.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from access.facilities import (
    can_assign_people_to_facility,
    can_edit_facility_contacts,
    can_see_facility_contacts,
    facility_contacts_visible,
)
from agencies import contact_services, selectors, services
from agencies.api import serializers
from agencies.models import Facility, FacilityContact, PersonnelAssignment
from portal.api.request_info import client_ip
from portal.types import AuthenticatedRequest

CONTACTS_REFUSED = "Only admins and planners of the building's owner agency may change its contacts."


def _facility(request: Request, facility_id: int) -> Facility:
    return get_object_or_404(selectors.facilities_visible_to(user=request.user), pk=facility_id)


def _contacts_facility(request: Request, facility_id: int, *, edit: bool = False) -> Facility:
    """The building, when the person may see its contacts (404 otherwise); 403 to a reader who may not edit."""
    facility = _facility(request, facility_id)
    if not can_see_facility_contacts(request.user, facility):
        raise Http404
    if edit and not can_edit_facility_contacts(request.user, facility):
        raise PermissionDenied(CONTACTS_REFUSED)
    return facility


class FacilityContactListView(GenericAPIView):
    serializer_class = serializers.FacilityContactSerializer
    queryset = FacilityContact.objects.none()
    pagination_class = None  # a handful per building, in calling order

    @extend_schema(responses=serializers.FacilityContactSerializer(many=True))
    def get(self, request: Request, facility_id: int) -> Response:
        facility = _contacts_facility(request, facility_id)
        contacts = facility_contacts_visible(user=request.user, facility=facility)
        return Response(self.get_serializer(contacts, many=True).data)

    @extend_schema(
        request=serializers.FacilityContactSerializer, responses={201: serializers.FacilityContactSerializer}
    )
    def post(self, request: AuthenticatedRequest, facility_id: int) -> Response:
        facility = _contacts_facility(request, facility_id, edit=True)
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        contact = contact_services.facility_contact_create(
            facility=facility, actor=request.user, ip_address=client_ip(request), **incoming.validated_data
        )
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)


class FacilityContactDetailView(GenericAPIView):
    serializer_class = serializers.FacilityContactSerializer
    queryset = FacilityContact.objects.none()

    def _contact(self, request: Request, facility_id: int, contact_id: int, *, edit: bool = False) -> FacilityContact:
        facility = _contacts_facility(request, facility_id)
        contact = get_object_or_404(facility_contacts_visible(user=request.user, facility=facility), pk=contact_id)
        if edit and not can_edit_facility_contacts(request.user, facility):
            raise PermissionDenied(CONTACTS_REFUSED)
        contact.facility = facility
        return contact

    @extend_schema(responses=serializers.FacilityContactSerializer)
    def get(self, request: Request, facility_id: int, contact_id: int) -> Response:
        return Response(self.get_serializer(self._contact(request, facility_id, contact_id)).data)

    @extend_schema(request=serializers.FacilityContactSerializer, responses=serializers.FacilityContactSerializer)
    def patch(self, request: AuthenticatedRequest, facility_id: int, contact_id: int) -> Response:
        contact = self._contact(request, facility_id, contact_id, edit=True)
        incoming = self.get_serializer(contact, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        contact = contact_services.facility_contact_update(
            contact=contact, actor=request.user, ip_address=client_ip(request), **incoming.validated_data
        )
        return Response(self.get_serializer(contact).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, facility_id: int, contact_id: int) -> Response:
        contact = self._contact(request, facility_id, contact_id, edit=True)
        contact_services.facility_contact_delete(contact=contact, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class FacilityAssignmentListView(GenericAPIView):
    serializer_class = serializers.AssignmentSerializer
    queryset = PersonnelAssignment.objects.none()
    pagination_class = None  # a building's assignments, current and past: a short list

    @extend_schema(responses=serializers.AssignmentSerializer(many=True))
    def get(self, request: Request, facility_id: int) -> Response:
        facility = _facility(request, facility_id)
        assignments = selectors.assignments_at_facility(facility=facility)
        return Response(self.get_serializer(assignments, many=True).data)

    @extend_schema(request=serializers.AssignmentCreateSerializer, responses={201: serializers.AssignmentSerializer})
    def post(self, request: AuthenticatedRequest, facility_id: int) -> Response:
        facility = _facility(request, facility_id)
        incoming = serializers.AssignmentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        assignment = services.personnel_assignment_create(
            facility=facility, actor=request.user, ip_address=client_ip(request), **data
        )
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)


class FacilityAssignmentEndView(GenericAPIView):
    serializer_class = serializers.AssignmentSerializer
    queryset = PersonnelAssignment.objects.none()

    @extend_schema(request=serializers.AssignmentEndSerializer, responses=serializers.AssignmentSerializer)
    def post(self, request: AuthenticatedRequest, facility_id: int, assignment_id: int) -> Response:
        facility = _facility(request, facility_id)
        assignment = get_object_or_404(selectors.assignments_at_facility(facility=facility), pk=assignment_id)
        if not can_assign_people_to_facility(request.user, assignment.agency_id):
            raise PermissionDenied(f"Only admins of {assignment.agency} may end its people's assignments.")
        incoming = serializers.AssignmentEndSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        assignment = services.personnel_assignment_end(
            assignment=assignment, actor=request.user, ip_address=client_ip(request), **incoming.validated_data
        )
        return Response(self.get_serializer(assignment).data)
