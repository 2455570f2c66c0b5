"""GET /api/v1/me/to-read/: the signed-in person's queue, oldest due first (acknowledging is the plan API's
POST …/versions/{n}/acknowledge/)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from portal.types import AuthenticatedRequest
from reading.api.serializers_queue import ToReadItemSerializer
from reading.models import ReadingObligation
from reading.selectors_queue import to_read_items, to_read_rows


class ToReadListView(generics.GenericAPIView):
    """What you must acknowledge: one item per plan, oldest due first."""

    serializer_class = ToReadItemSerializer
    queryset = ReadingObligation.objects.none()  # for the schema only; the rows come from to_read_rows

    @extend_schema(responses=ToReadItemSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        # The database counts, orders and slices; only the page's rows become items (not all of a person's 200).
        page = self.paginate_queryset(to_read_rows(user=request.user))
        items = to_read_items(page or [], user=request.user)
        return self.get_paginated_response(self.get_serializer(items, many=True).data)
