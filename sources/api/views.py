"""Sources over the API: a plan's sources (list, add, remove), its source changes and the decisions on them, and
the plans built on a plan. The plan in the URL is found as every nested endpoint finds it (404 if not visible)."""

from typing import ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import PlanScopedMixin
from access.sources import can_declare_sources, can_review_source_changes, can_see_source_reviews
from plans.models import Plan
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.errors import InvalidInputError
from portal.types import AuthenticatedRequest
from sources import services
from sources.api import serializers
from sources.models import PlanSource
from sources.selectors import (
    ChangeRow,
    plan_dependents,
    plan_sources,
    source_change_of_plan,
    source_changes_of_plan,
)

DECLARE_REFUSED = "Only admins and planners of the owner agency may change this plan's sources."
REVIEW_REFUSED = "Only admins and planners of the owner agency may review a source's change."
READ_REFUSED = "Only members of the owner agency see this plan's source reviews."


class SourceListView(PlanScopedMixin, APIView):
    """GET: the plan's sources as you may know them; POST: a writer of the plan declares one."""

    @extend_schema(
        summary="The plan's sources",
        description="Each declared source with the version the plan's current version was written against and "
        "the source's current one. A source you may no longer read shows as `hidden`: no title, no version.",
        responses=serializers.SourceSerializer(many=True),
    )
    def get(self, request: Request, plan_id: int) -> Response:
        rows = plan_sources(user=request.user, plan=self.get_plan()).rows
        return Response(serializers.SourceSerializer(rows, many=True).data)

    @extend_schema(
        summary="Declare a source",
        description="Owner admins and planners, for any plan they can see (400 otherwise); optionally for one "
        "of the plan's sections. Declaring it again answers 200 with the existing link.",
        request=serializers.SourceWriteSerializer,
        responses={201: serializers.SourceSerializer, 200: serializers.SourceSerializer},
    )
    def post(self, request: AuthenticatedRequest, plan_id: int) -> Response:
        self.require(can_declare_sources(self.get_access()), DECLARE_REFUSED)
        incoming = serializers.SourceWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        source = Plan.objects.filter(pk=incoming.validated_data["source_plan"]).first()
        if source is None:  # as for a plan that exists but is hidden: nothing tells them apart
            raise InvalidInputError("Choose a plan you can see.", field="source_plan")
        link, created = services.plan_source_add(
            plan=self.get_plan(),
            source_plan=source,
            section_key=incoming.validated_data.get("section_key", ""),
            actor=request.user,
            ip_address=client_ip(request),
        )
        row = next(r for r in plan_sources(user=request.user, plan=self.get_plan()).rows if r.link_id == link.pk)
        return Response(
            serializers.SourceSerializer(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class SourceDetailView(PlanScopedMixin, APIView):
    """DELETE: the plan no longer builds on the source."""

    @extend_schema(summary="Remove a source", responses={204: None})
    def delete(self, request: AuthenticatedRequest, plan_id: int, link_id: int) -> Response:
        self.require(can_declare_sources(self.get_access()), DECLARE_REFUSED)
        link = get_object_or_404(PlanSource, plan=self.get_plan(), pk=link_id)
        services.plan_source_remove(link=link, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SourceChangeListView(PlanScopedMixin, APIView):
    """GET: the plan's source changes (pending reviews by default)."""

    @extend_schema(
        summary="The plan's source changes",
        description="For members of the owner agency: each source that moved on (or was withdrawn) since the "
        "version the plan was written against, oldest first. `?status=all` includes decided ones. Changes of a "
        "source you may no longer read are left out.",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "all"], description="Default open.")],
        responses=serializers.SourceChangeSerializer(many=True),
    )
    def get(self, request: Request, plan_id: int) -> Response:
        self.require(can_see_source_reviews(self.get_access()), READ_REFUSED)
        wanted = request.query_params.get("status", "open")
        if wanted not in ("open", "all"):
            raise InvalidInputError("Choose open or all.", field="status")
        rows = source_changes_of_plan(user=request.user, plan=self.get_plan(), open_only=wanted == "open")
        return Response(serializers.SourceChangeSerializer(rows, many=True).data)


class SourceChangeDecisionView(PlanScopedMixin, APIView):
    """POST: start a draft to fold the change in, or record that no change is needed (with a reason)."""

    @extend_schema(
        summary="Decide on a source change",
        description="Owner admins and planners. `start_draft` starts (or continues) the plan's draft: the change "
        "is closed when that draft is published, which records the source's new version. `no_change` needs a "
        "`reason` and is audited. 409 once the change is decided.",
        request=serializers.DecisionSerializer,
        responses={200: serializers.SourceChangeSerializer, 409: conflict("The change was already decided.")},
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, change_id: int) -> Response:
        access = self.get_access()
        self.require(can_see_source_reviews(access), READ_REFUSED)
        change = source_change_of_plan(user=request.user, plan=access.plan, change_id=change_id)
        if change is None:
            raise NotFound("No such source change.")
        self.require(can_review_source_changes(access), REVIEW_REFUSED)
        incoming = serializers.DecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["decision"] == "start_draft":
            services.source_change_draft_start(change=change, actor=request.user, ip_address=client_ip(request))
        else:
            services.source_change_no_change(
                change=change, actor=request.user, reason=data.get("reason", ""), ip_address=client_ip(request)
            )
        change = source_change_of_plan(user=request.user, plan=access.plan, change_id=change_id)
        if change is None:  # pragma: no cover - it was readable a moment ago
            raise NotFound("No such source change.")
        row = ChangeRow(
            change=change,
            source_title=change.source_plan.title,
            owner_name=change.source_plan.owner_agency.name,
            source_number=change.source_version.number,
            built_on_number=change.built_on.number if change.built_on is not None else None,
        )
        return Response(serializers.SourceChangeSerializer(row).data)


class DependentsView(PlanScopedMixin, APIView):
    """GET: which plans build on this one."""

    content_reads: ClassVar[dict[str, str]] = {}

    @extend_schema(
        summary="Plans built on this one",
        description="The plans you can see that declare this plan a source, and how many others do (a count, "
        "never their titles).",
        responses=serializers.DependentsSerializer,
    )
    def get(self, request: Request, plan_id: int) -> Response:
        dependents = plan_dependents(user=request.user, plan=self.get_plan())
        return Response(serializers.DependentsSerializer(dependents).data)
