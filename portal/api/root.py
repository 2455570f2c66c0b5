from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


class ApiRootView(APIView):
    """Entry point of the browsable API: links to the top-level collections."""

    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "me": link("me"),
                "agencies": link("agency-list"),
                "facilities": link("facility-list"),
                "plans": link("plan-list"),
                "token": link("auth-token"),
                "schema": link("schema"),
                "docs": link("api-docs"),
            }
        )
