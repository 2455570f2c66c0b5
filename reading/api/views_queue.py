"""GET /api/v1/me/to-read/: the signed-in person's queue, oldest due first (acknowledging is the plan API's
POST …/versions/{n}/acknowledge/)."""

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from portal.types import AuthenticatedRequest
from reading.api.serializers_queue import ToReadItemSerializer
from reading.header_counts import header_counts
from reading.models import ReadingObligation
from reading.queue_api_items import queue_api_items
from reading.queue_page import QueuePages


class ToReadListView(generics.GenericAPIView):
    """What you must acknowledge: one item per plan, oldest due first."""

    serializer_class = ToReadItemSerializer
    queryset = ReadingObligation.objects.none()  # for the schema only; the rows come from reading/queue_page.py

    @extend_schema(responses=ToReadItemSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        # As `/to-read/`: the count is the header's "To read (N)", kept per person (reading/header_counts.py),
        # and the page is the list's, kept per person (reading/queue_cache.py), else read in one query.
        pages = QueuePages(user=request.user, count=header_counts(user=request.user).to_read)
        page = self.paginate_queryset(pages)  # type: ignore[arg-type]  # a sized, sliceable sequence of rows
        items = queue_api_items(cast(list[dict[str, Any]], page or []), user=request.user)
        return self.get_paginated_response(self.get_serializer(items, many=True).data)
