"""A plan's periodic reviews that changed nothing: list them, or record one (which restarts the review clock)."""

from typing import ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from access.http import PlanScopedMixin
from plans import selectors, services
from plans.api.review_serializers import PlanReviewSerializer, PlanReviewWriteSerializer
from plans.models import PlanReview
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.types import AuthenticatedRequest


class PlanReviewListView(PlanScopedMixin, generics.GenericAPIView):
    """GET: the plan's "reviewed — no changes" records, newest first; POST: an owner admin records one."""

    serializer_class = PlanReviewSerializer
    queryset = PlanReview.objects.none()
    # The notes on a law-enforcement-sensitive plan are about its content.
    content_reads: ClassVar[dict[str, str]] = {"GET": "reviews"}

    @extend_schema(
        summary="Reviews that found nothing to change",
        description="Every reader of the plan sees them (the plan page shows the newest as “Last reviewed”).",
        responses=PlanReviewSerializer(many=True),
    )
    def get(self, request: Request, plan_id: int) -> Response:
        page = self.paginate_queryset(selectors.plan_reviews(plan=self.get_plan()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Mark the plan reviewed — no changes",
        description="Owner admins: records that the periodic review found nothing to change in the current "
        "version. No new version is made and no one is alerted; the next review falls due one review interval "
        "from now (`next_review_due` of the plan), and the audit trail records `plan.reviewed`.",
        request=PlanReviewWriteSerializer,
        responses={
            201: PlanReviewSerializer,
            409: conflict("The plan has no current version, or `version` is not the current one."),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int) -> Response:
        # Refused before the body is read: someone who may not mark it gets 403 whatever they send.
        self.require(
            self.get_access().can_mark_reviewed, "Only admins of the owner agency may mark this plan reviewed."
        )
        incoming = PlanReviewWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.plan_mark_reviewed(
            plan=self.get_plan(),
            actor=request.user,
            note=incoming.validated_data["note"],
            version_number=incoming.validated_data.get("version"),
            ip_address=client_ip(request),
        )
        return Response(PlanReviewSerializer(review).data, status=status.HTTP_201_CREATED)
