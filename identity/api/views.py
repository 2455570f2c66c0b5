"""An agency's single sign-on in the API: read, set up or change (PUT, the secret write-only), remove.

Outside the agency (another agency's admin, its partners) the configuration does not exist: 404. Its
members who are not admins get 403; its admins and platform staff get through."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from identity import selectors, services
from identity.api.serializers import AgencySSOSerializer, AgencySSOUpdateSerializer
from identity.http import redirect_uri, sso_managed_agency
from portal.api.request_info import client_ip
from portal.types import AuthenticatedRequest
from portal.unset import UNSET


class AgencySSOView(APIView):
    """The agency's OpenID Connect provider: issuer, client, e-mail domains, and whether SSO is the only way in."""

    @extend_schema(responses=AgencySSOSerializer)
    def get(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = sso_managed_agency(request, agency_id)
        sso = selectors.agency_sso_of(agency=agency)
        if sso is None:
            raise NotFound("This agency has no single sign-on configured.")
        return Response(AgencySSOSerializer(sso, context={"redirect_uri": redirect_uri(request, agency, sso)}).data)

    @extend_schema(
        request=AgencySSOUpdateSerializer,
        responses={200: AgencySSOSerializer, 201: AgencySSOSerializer},
    )
    def put(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = sso_managed_agency(request, agency_id)
        incoming = AgencySSOUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existed = selectors.agency_sso_of(agency=agency) is not None
        sso = services.agency_sso_configure(
            agency=agency,
            actor=request.user,
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data.get("client_secret") or UNSET,
            domains=data["domains"],
            sso_only=data["sso_only"],
            enabled=data["enabled"],
            ip_address=client_ip(request),
        )
        body = AgencySSOSerializer(sso, context={"redirect_uri": redirect_uri(request, agency, sso)}).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Removed")})
    def delete(self, request: AuthenticatedRequest, agency_id: int) -> Response:
        agency = sso_managed_agency(request, agency_id)
        if selectors.agency_sso_of(agency=agency) is None:
            raise NotFound("This agency has no single sign-on configured.")
        services.agency_sso_remove(agency=agency, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
