"""The API's sign-in, a person's own tokens, and logout (revoking the token used, or all of them)."""

from typing import cast

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as fields
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api import serializers
from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken
from identity.policy import password_token_refusal
from portal.api.request_info import client_ip
from portal.api.throttling import ScopedRateThrottle
from portal.second_factor import second_factor_passed
from portal.types import AuthenticatedRequest

DETAIL = inline_serializer("AuthErrorDetail", fields={"detail": fields.CharField()})


def _messages() -> fields.ListField:
    return fields.ListField(child=fields.CharField(), required=False)


UNAUTHENTICATED = OpenApiResponse(DETAIL, description="No valid token or session: missing, expired or revoked.")
NOT_FOUND = OpenApiResponse(DETAIL, description="No token of yours has this id.")


def _issued(request: Request, token: ApiToken, plaintext: str) -> dict:
    return serializers.NewApiTokenSerializer(token, context={"request": request, "plaintext": plaintext}).data


class TokenView(APIView):
    """Exchange a username and password for a new API token (every sign-in issues a new one)."""

    # The credentials are in the body: no session (so no CSRF) and no token is looked at.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        auth=[],
        request=serializers.SignInSerializer,
        responses={
            200: serializers.NewApiTokenSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "SignInError",
                    fields={name: _messages() for name in ("username", "password", "name", "otp", "non_field_errors")},
                ),
                description="Wrong or missing username or password, an inactive account, or a missing or wrong "
                "one-time code (otp) for a person who uses multi-factor sign-in.",
            ),
            403: OpenApiResponse(DETAIL, description="The person's agency allows only single sign-on."),
            429: OpenApiResponse(DETAIL, description="Too many sign-in attempts; retry after Retry-After seconds."),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = serializers.SignInSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        user = incoming.validated_data["user"]
        refusal = password_token_refusal(user)
        if refusal:
            raise PermissionDenied(refusal)
        token, plaintext = services.api_token_create(
            user=user,
            name=incoming.validated_data["name"],
            second_factor=incoming.validated_data["second_factor"],
            ip_address=client_ip(request),
        )
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response(_issued(request, token, plaintext))


class ApiTokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own API tokens: list, create and revoke; another person's token id answers 404."""

    serializer_class = serializers.ApiTokenSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[ApiToken]:
        return selectors.api_tokens_of(user=self.request.user)

    @extend_schema(responses={200: serializers.ApiTokenSerializer(many=True), 401: UNAUTHENTICATED})
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=serializers.ApiTokenCreateSerializer,
        responses={
            201: serializers.NewApiTokenSerializer,
            400: OpenApiResponse(inline_serializer("ApiTokenCreateError", fields={"name": _messages()})),
            401: UNAUTHENTICATED,
        },
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        incoming = serializers.ApiTokenCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # As strong as what asked for it: a token or session that passed a second factor passes it on.
        token, plaintext = services.api_token_create(
            user=request.user,
            name=incoming.validated_data["name"],
            second_factor=second_factor_passed(request.user),
            ip_address=client_ip(request),
        )
        return Response(_issued(request, token, plaintext), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 401: UNAUTHENTICATED, 404: NOT_FOUND})
    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        token = self.get_object()
        services.api_token_revoke(token=token, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """Sign the API client out: revoke the token that made this request (your other tokens keep working)."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED})
    def post(self, request: Request) -> Response:
        # request.auth is what ApiTokenAuthentication sets
        services.api_token_revoke(token=cast(ApiToken, request.auth), actor=request.user, ip_address=client_ip(request))
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """Revoke every API token you hold, including the one that made this request."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHENTICATED})
    def post(self, request: AuthenticatedRequest) -> Response:
        services.api_tokens_revoke_all(
            user=request.user, reason="logout-all", actor=request.user, ip_address=client_ip(request)
        )
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignOutEverywhereView(APIView):
    """End all your browser sessions (but the one making this request, if it is one), revoke all your API
    tokens (the one making this request included) and your calendar-feed link: for a lost or shared device."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "SignedOutEverywhere",
                fields={
                    "sessions": fields.IntegerField(help_text="Browser sessions ended."),
                    "tokens": fields.IntegerField(help_text="API tokens revoked."),
                    "calendar_feed": fields.BooleanField(
                        help_text="Whether a calendar-feed link was revoked (its .ics URL now answers 404)."
                    ),
                },
            ),
            401: UNAUTHENTICATED,
        },
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        # A browser calling this keeps its own session; a token client keeps nothing.
        keep = None if isinstance(request.auth, ApiToken) else request.session.session_key
        ended = services.sign_out_everywhere(
            user=request.user, actor=request.user, keep_session_key=keep, ip_address=client_ip(request)
        )
        return Response({"sessions": ended.sessions, "tokens": ended.tokens, "calendar_feed": ended.calendar_feed})
