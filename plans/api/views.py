from typing import Any, ClassVar
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access.http import ContentReadsAudited, PlanScopedMixin
from access.plan_rows import PlanRow, VisiblePlanPages, one_statement_reads, visible_plan_row
from access.plans import plan_access, plans_visible_to, versions_visible
from agencies.models import Facility
from agencies.selectors import facilities_visible_to
from plans import selectors, services
from plans.api import serializers
from plans.api.filters import PlanFilter
from plans.changes import version_changes
from plans.models import Attachment, Plan, PlanShare, PlanVersion
from portal.api.pagination import KeysFirstPagination
from portal.api.request_info import client_ip
from portal.api.schema import conflict
from portal.request_size import upload_request_limit
from portal.types import AuthenticatedRequest, signed_in_user

# A client's key for one plan creation (the IETF draft's header): the same key again returns that plan.
IDEMPOTENCY_HEADER = "Idempotency-Key"


class PlanViewSet(
    ContentReadsAudited,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Plans the user may see; created and changed by the owner agency's admins and planners."""

    serializer_class = serializers.PlanSerializer
    filterset_class = PlanFilter
    # Sorts only the visible plans' keys and loads the 50 rows shown, without a separate COUNT.
    pagination_class = KeysFirstPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # One plan's record (retrieve, and the answer to a change); a list shows none (`shown_plan` is None).
    content_reads: ClassVar[dict[str, str]] = {"GET": "plan", "PATCH": "plan"}
    shown: Plan | None = None

    def shown_plan(self) -> Plan | None:
        return self.shown

    def get_queryset(self) -> QuerySet[Plan]:
        plans = plans_visible_to(user=self.request.user)
        if self.action == "list":
            # A page shows the owner's id and the version number only; building ids come in one query.
            plans = plans.select_related(None).select_related("current_version").prefetch_related(None)
        return plans

    def get_object(self) -> Plan:
        plan: Plan = super().get_object()
        self.require_content_readable(plan)
        return plan

    def _unfiltered(self) -> bool:
        return PlanFilter.base_filters.keys().isdisjoint(self.request.query_params.keys())

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Without any of its parameters the filter set returns the queryset as it is: skip building its form.
        if self._unfiltered():
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self._unfiltered() and one_statement_reads():
            # The default list (no filter): keys, total and rows in one statement (access/plan_rows.py).
            # KeysFirstPaginator also pages a PageSource; DRF's stubs know only querysets and sequences.
            rows: list[PlanRow] = self.paginate_queryset(VisiblePlanPages(user=request.user)) or []  # type: ignore[arg-type]
            return self.get_paginated_response(serializers.plan_rows_json(rows))
        page: list[Plan] = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        facility_ids = selectors.plan_facility_ids(plans=page)
        for plan in page:
            plan.facility_ids = facility_ids[plan.pk]  # type: ignore[attr-defined]  # for the serializer
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not one_statement_reads():
            self.shown = self.get_object()
            return Response(self.get_serializer(self.shown).data)
        row = visible_plan_row(user=request.user, plan_id=_plan_id(kwargs["pk"]))
        if row is None:
            raise NotFound("No Plan matches the given query.")
        # The plan as its row reads it, enough for the audit (which reads the owner agency only if it records).
        self.shown = Plan(
            pk=row.pk, title=row.title, classification=row.classification, owner_agency_id=row.owner_agency_id
        )
        self.require_content_readable(self.shown)
        return Response(serializers.plan_rows_json([row])[0])

    @extend_schema(
        request=serializers.PlanWriteSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.UUID,
                location=OpenApiParameter.HEADER,
                description="A UUID the client makes for this plan: the same request sent again with it "
                "(a retry, a double-click) returns the plan it created (200) instead of a second plan.",
            )
        ],
        responses={201: serializers.PlanSerializer, 200: serializers.PlanSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = _idempotency_key(request)
        incoming = serializers.PlanWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # The New plan page's service; API clients start the first draft with POST …/versions/.
        result = services.plan_create_once(
            creation_key=key, actor=signed_in_user(request), **incoming.validated_data, ip_address=client_ip(request)
        )
        plan = self.get_queryset().get(pk=result.plan.pk)
        return Response(
            self.get_serializer(plan).data, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(request=serializers.PlanUpdateSerializer, responses=serializers.PlanSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        # Refused before the body is read, so a request from someone who may not edit is 403 whatever it holds.
        if not plan_access(user=request.user, plan=plan).can_edit:
            raise PermissionDenied("Only admins and planners of the owner agency may change this plan.")
        incoming = serializers.PlanUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        # plan_update refuses a new classification from anyone but the owner's admins.
        services.plan_update(
            plan=plan, actor=signed_in_user(request), **incoming.validated_data, ip_address=client_ip(request)
        )
        self.shown = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(self.shown).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses={204: None, 409: conflict("The plan has been published: withdraw its version instead.")})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.plan_delete(plan=self.get_object(), actor=signed_in_user(request), ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _idempotency_key(request: Request) -> UUID | None:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    try:
        return UUID(raw.strip())
    except ValueError as exc:
        raise ValidationError({IDEMPOTENCY_HEADER: ["Give a UUID, e.g. one from uuid4(), new for each plan."]}) from exc


def _plan_id(raw: str) -> int:
    """A plan id from the URL; anything that cannot be one (text, out of bigint range) is 404."""
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 2**63:
        raise NotFound("No Plan matches the given query.")
    return int(raw)


class VersionListView(PlanScopedMixin, generics.GenericAPIView):
    serializer_class = serializers.VersionSummarySerializer
    queryset = PlanVersion.objects.none()
    content_reads: ClassVar[dict[str, str]] = {"GET": "versions", "POST": "version"}

    @extend_schema(responses=serializers.VersionSummarySerializer(many=True))
    def get(self, request: Request, plan_id: int) -> Response:
        versions = versions_visible(access=self.get_access())
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=serializers.VersionWriteSerializer,
        responses={201: serializers.VersionSerializer, 200: serializers.VersionSerializer},
        description="Starts a draft (201). The same request again while its draft is open (a retry, a "
        "double-click) returns that draft (200) instead of a second one.",
    )
    def post(self, request: AuthenticatedRequest, plan_id: int) -> Response:
        self.require(self.get_access().can_edit, "Only admins and planners of the owner agency may start drafts.")
        incoming = serializers.VersionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        wanted = incoming.validated_data
        # The same request sent twice (a retry, a double-click) finds the first one's draft and returns it (200);
        # a request with other content starts its own draft as before.
        version, created = services.plan_draft_start(
            plan=self.get_plan(),
            actor=request.user,
            reuse=services.DraftReuse.SAME_CONTENT,
            **wanted,
            ip_address=client_ip(request),
        )
        status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        self.shown_object = version
        return Response(serializers.VersionSerializer(version).data, status=status_code)


class VersionDetailView(PlanScopedMixin, APIView):
    content_reads: ClassVar[dict[str, str]] = {"GET": "version", "PATCH": "version"}

    @extend_schema(responses=serializers.VersionSerializer)
    def get(self, request: Request, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        return Response(serializers.VersionSerializer(version).data)

    @extend_schema(
        request=serializers.VersionWriteSerializer,
        responses={200: serializers.VersionSerializer, 409: conflict("The version is no longer a draft.")},
    )
    def patch(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        self.require(self.get_access().can_edit, "Only admins and planners of the owner agency may edit drafts.")
        incoming = serializers.VersionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        version = self.shown_object = services.plan_version_update_draft(
            version=version, actor=request.user, **incoming.validated_data, ip_address=client_ip(request)
        )
        return Response(serializers.VersionSerializer(version).data)


class VersionPublishView(PlanScopedMixin, APIView):
    content_reads: ClassVar[dict[str, str]] = {"POST": "version"}

    @extend_schema(
        request=None,
        responses={
            200: serializers.VersionSerializer,
            409: conflict(
                "The version is not a draft, has no sections, says exactly what the current version says "
                "(“Nothing to publish — this draft is the same as v3”; mark the plan reviewed instead), "
                "or another one was published meanwhile."
            ),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.shown_object = services.plan_version_publish(
            version=self.get_version(), actor=request.user, ip_address=client_ip(request)
        )
        return Response(serializers.VersionSerializer(version).data)


class VersionWithdrawView(PlanScopedMixin, APIView):
    content_reads: ClassVar[dict[str, str]] = {"POST": "version"}

    @extend_schema(
        request=None,
        responses={
            200: serializers.VersionSerializer,
            409: conflict("Only the current published version can be withdrawn."),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.shown_object = services.plan_version_withdraw(
            version=self.get_version(), actor=request.user, ip_address=client_ip(request)
        )
        return Response(serializers.VersionSerializer(version).data)


class VersionDiffView(PlanScopedMixin, APIView):
    content_reads: ClassVar[dict[str, str]] = {"GET": "diff"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "against",
                {"type": "integer", "minimum": 1},
                description="Version number to compare with; by default the version you (else one of your "
                "agencies) last acknowledged if it is older, else the previous published version.",
            )
        ],
        responses=serializers.DiffSerializer,
    )
    def get(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        visible = versions_visible(access=self.get_access())
        raw_against = request.query_params.get("against")
        if raw_against is not None:
            if not raw_against.isdigit():
                raise ValidationError({"against": ["Give a version number, e.g. ?against=1."]})
            against = visible.filter(number=int(raw_against)).first()
            if against is None:
                raise ValidationError({"against": [f"There is no version {raw_against} you may see."]})
            reason = "requested"
        else:
            # The web page's default too (plans/views.py plan_diff): one rule for both.
            baseline = selectors.version_diff_baseline(
                user=request.user, access=self.get_access(), version=version, visible=visible
            )
            against, reason = baseline.version, baseline.reason
        changes = version_changes(old=against, new=version)
        self.shown_object = version
        body = {
            "number": version.number,
            "against": against.number if against else None,
            "against_reason": reason if against else "none",
            "facts": changes.facts,
            "sections": changes.sections,
            "attachments": changes.attachments,
        }
        return Response(serializers.DiffSerializer(body).data)


class VersionAcknowledgeView(PlanScopedMixin, APIView):
    @extend_schema(
        request=serializers.AcknowledgeSerializer,
        responses={
            200: serializers.AcknowledgementResultSerializer,
            409: conflict("Only the current published version can be acknowledged."),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        incoming = serializers.AcknowledgeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = services.plan_version_acknowledge(
            version=version,
            actor=request.user,
            agency=incoming.validated_data.get("agency"),
            ip_address=client_ip(request),
        )
        return Response(serializers.AcknowledgementResultSerializer(result).data)


class AcknowledgementStatusView(PlanScopedMixin, APIView):
    @extend_schema(responses=serializers.AcknowledgementStatusSerializer)
    def get(self, request: Request, plan_id: int) -> Response:
        self.require(self.get_access().is_owner_member, "Only members of the owner agency see acknowledgements.")
        status_ = selectors.acknowledgement_status(plan=self.get_plan())
        return Response(serializers.AcknowledgementStatusSerializer(status_).data)


class ShareListView(PlanScopedMixin, generics.GenericAPIView):
    serializer_class = serializers.ShareSerializer
    queryset = PlanShare.objects.none()

    @extend_schema(responses=serializers.ShareSerializer(many=True))
    def get(self, request: Request, plan_id: int) -> Response:
        self.require(
            self.get_access().is_owner_member,
            "Only members of the owner agency see who a plan is shared with.",
        )
        page = self.paginate_queryset(selectors.plan_shares(plan=self.get_plan()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def post(self, request: AuthenticatedRequest, plan_id: int) -> Response:
        self.require(self.get_access().is_owner_admin, "Only admins of the owner agency may share this plan.")
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        share = services.plan_share(
            plan=self.get_plan(),
            agency=incoming.validated_data["agency"],
            level=incoming.validated_data["level"],
            actor=request.user,
            ip_address=client_ip(request),
        )
        return Response(self.get_serializer(share).data, status=status.HTTP_200_OK)


class ShareDetailView(PlanScopedMixin, APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: AuthenticatedRequest, plan_id: int, agency_id: int) -> Response:
        self.require(self.get_access().is_owner_admin, "Only admins of the owner agency may revoke a share.")
        share = get_object_or_404(selectors.plan_shares(plan=self.get_plan()), agency_id=agency_id)
        services.plan_unshare(
            plan=self.get_plan(), agency=share.agency, actor=request.user, ip_address=client_ip(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentListView(PlanScopedMixin, generics.GenericAPIView):
    serializer_class = serializers.AttachmentSerializer
    queryset = Attachment.objects.none()
    parser_classes = [MultiPartParser]
    content_reads: ClassVar[dict[str, str]] = {"GET": "attachments", "POST": "attachments"}
    # RequestSizeLimitMiddleware refuses a larger declared body before reading it (413).
    max_request_bytes = staticmethod(upload_request_limit)

    @extend_schema(responses=serializers.AttachmentSerializer(many=True))
    def get(self, request: Request, plan_id: int, number: int) -> Response:
        version = self.shown_object = self.get_version()
        page = self.paginate_queryset(selectors.attachments_of_version(version=version))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={
            201: serializers.AttachmentSerializer,
            409: conflict("Files are attached to drafts only."),
        },
    )
    def post(self, request: AuthenticatedRequest, plan_id: int, number: int) -> Response:
        version = self.get_version()
        self.require(self.get_access().can_edit, "Only admins and planners of the owner agency may attach files.")
        incoming = serializers.AttachmentUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            version=version,
            actor=request.user,
            upload=incoming.validated_data["file"],
            max_bytes=settings.ATTACHMENT_MAX_BYTES,
            ip_address=client_ip(request),
        )
        self.shown_object = attachment
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(PlanScopedMixin, APIView):
    @extend_schema(responses={204: None, 409: conflict("The version has left draft.")})
    def delete(self, request: AuthenticatedRequest, plan_id: int, number: int, attachment_id: int) -> Response:
        """Remove a file from a draft (owner admin or planner); 409 once the version has left draft."""
        version = self.get_version()
        attachment = get_object_or_404(selectors.attachments_of_version(version=version), pk=attachment_id)
        services.attachment_remove(attachment=attachment, actor=request.user, ip_address=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(PlanScopedMixin, APIView):
    content_reads: ClassVar[dict[str, str]] = {"GET": "download"}

    # The file as uploaded, with its own Content-Type (PDF, image, office document...).
    @extend_schema(responses={(200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")})
    def get(self, request: Request, plan_id: int, number: int, attachment_id: int) -> FileResponse:
        version = self.get_version()
        attachment = self.shown_object = get_object_or_404(
            selectors.attachments_of_version(version=version), pk=attachment_id
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FacilityPlansView(generics.GenericAPIView):
    """Current versions of every plan covering a building that the user may see."""

    serializer_class = serializers.PlanSerializer
    queryset = Plan.objects.none()

    @extend_schema(responses=serializers.PlanSerializer(many=True))
    def get(self, request: Request, facility_id: int) -> Response:
        facility: Facility = get_object_or_404(facilities_visible_to(user=request.user), pk=facility_id)
        page = self.paginate_queryset(selectors.facility_current_plans(user=request.user, facility=facility))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
