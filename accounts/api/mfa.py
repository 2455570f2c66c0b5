"""The API's view of multi-factor sign-in: your own enrolment, and an agency's for its admins.

Enrolling (scanning a QR code, registering a passkey) stays in the web page: its secrets stay in the browser.
"""

from allauth.mfa.models import Authenticator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.agencies import can_manage_agency
from accounts.mfa_policy import mfa_required_for
from accounts.selectors import memberships_with_mfa
from agencies.models import Agency
from agencies.selectors import agencies_visible_to
from portal.api.pagination import StandardPagination
from portal.types import AuthenticatedRequest


class MyMfaSerializer(serializers.Serializer):
    mfa_required = serializers.BooleanField(help_text="An agency of yours (or the staff rule) requires MFA of you.")
    enrolled = serializers.BooleanField(help_text="You have an authenticator app or a passkey.")
    authenticator_app = serializers.BooleanField()
    passkeys = serializers.IntegerField(help_text="How many passkeys or security keys you have registered.")
    recovery_codes = serializers.BooleanField(help_text="You have recovery codes (see them in the web page).")
    enrol_url = serializers.CharField(help_text="The web page where you set it up.")


class MfaEnrolmentSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    role = serializers.CharField()
    enrolled = serializers.SerializerMethodField()
    authenticator_app = serializers.BooleanField(source="has_app")
    passkey = serializers.BooleanField(source="has_passkey")
    recovery_codes = serializers.BooleanField(source="has_recovery_codes")

    def get_enrolled(self, membership: object) -> bool:
        return bool(getattr(membership, "has_app", False) or getattr(membership, "has_passkey", False))


class MyMfaView(APIView):
    """Your own multi-factor sign-in: whether it is required of you and what you have enrolled."""

    @extend_schema(responses=MyMfaSerializer)
    def get(self, request: AuthenticatedRequest) -> Response:
        counts = Authenticator.objects.filter(user_id=request.user.pk).aggregate(
            app=Count("pk", filter=Q(type=Authenticator.Type.TOTP)),
            passkeys=Count("pk", filter=Q(type=Authenticator.Type.WEBAUTHN)),
            codes=Count("pk", filter=Q(type=Authenticator.Type.RECOVERY_CODES)),
        )
        data = {
            "mfa_required": mfa_required_for(request.user),
            "enrolled": bool(counts["app"] or counts["passkeys"]),
            "authenticator_app": bool(counts["app"]),
            "passkeys": counts["passkeys"],
            "recovery_codes": bool(counts["codes"]),
            "enrol_url": "/accounts/2fa/",
        }
        return Response(MyMfaSerializer(data).data)


class AgencyMfaEnrolmentView(APIView):
    """Who in the agency has enrolled a second factor: its admins and platform staff only."""

    pagination_class = StandardPagination  # paginated by hand below; named here so the schema shows the envelope

    @extend_schema(responses=MfaEnrolmentSerializer(many=True))
    def get(self, request: Request, agency_id: int) -> Response:
        agency: Agency = get_object_or_404(agencies_visible_to(user=request.user), pk=agency_id)
        if not can_manage_agency(request.user, agency.pk):
            raise PermissionDenied("Only this agency's admins may see who has set up multi-factor sign-in.")
        paginator = StandardPagination()
        page = paginator.paginate_queryset(memberships_with_mfa(agency_id=agency.pk), request, view=self)
        return paginator.get_paginated_response(MfaEnrolmentSerializer(page, many=True).data)
