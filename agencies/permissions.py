"""Who may do what with agencies, members and facilities (role within the agency)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from agencies.models import Role
from agencies.selectors import agency_roles

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PLANNER})


def is_agency_member(user: AbstractBaseUser | AnonymousUser, agency_id: int) -> bool:
    return agency_id in agency_roles(user=user)


def has_agency_role(user: AbstractBaseUser | AnonymousUser, agency_id: int, roles: frozenset[str] | set[str]) -> bool:
    return agency_roles(user=user).get(agency_id) in roles


def can_manage_agency(user: AbstractBaseUser | AnonymousUser, agency_id: int) -> bool:
    """Agency admins and platform staff manage an agency's card and members."""
    return bool(user.is_authenticated and (user.is_staff or has_agency_role(user, agency_id, {Role.ADMIN})))


def can_edit_facilities_of(user: AbstractBaseUser | AnonymousUser, agency_id: int) -> bool:
    """Admins and planners of the owner agency (and staff) edit its buildings."""
    return bool(user.is_authenticated and (user.is_staff or has_agency_role(user, agency_id, EDITOR_ROLES)))


def is_admin_anywhere(user: AbstractBaseUser | AnonymousUser) -> bool:
    return Role.ADMIN in agency_roles(user=user).values()


class IsStaff(BasePermission):
    message = "Only platform operators (staff) may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsStaffOrAgencyAdmin(BasePermission):
    message = "Only platform operators or agency admins may create users."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or is_admin_anywhere(user)))
