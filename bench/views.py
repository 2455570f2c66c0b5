"""Bench-only API views: the floor (a constant page) and the naive peer (guardian's generic path, object by object).

They exist only in the benchmark process (`bench/urls.py` via `bench.settings`), never in the product.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from guardian.shortcuts import get_objects_for_user
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.api.serializers import PlanSerializer
from plans.models import Classification, Plan, PlanGroupObjectPermission

# The bench replaces this with a copy of the real first page, so the floor renders the same bytes.
FLOOR_PAGE: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
# And this with the reader's dashboard as the product rendered it, for the HTML floor.
FLOOR_HTML = b""
VIEW_PERM = "plans.view_plan"


@contextmanager
def generic_guardian() -> Iterator[None]:
    """Make guardian ignore Plan's direct foreign-key table (its documented `enabled = False`), so it
    reads the generic `guardian_groupobjectpermission` rows the generator mirrored for this purpose. (Plan has
    no direct per-user table: guardian reads user grants from its generic table anyway.)"""
    models = (PlanGroupObjectPermission,)
    saved = [getattr(model, "enabled", True) for model in models]
    for model in models:
        model.enabled = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for model, value in zip(models, saved, strict=True):
            model.enabled = value  # type: ignore[attr-defined]


class FloorView(APIView):
    """Authenticated and throttled like every API view; answers a constant page without touching plans."""

    def get(self, request: Request) -> Response:
        return Response(FLOOR_PAGE)


@login_required
def html_floor(request: HttpRequest) -> HttpResponse:
    """The HTML pages' floor: signed in with a session like the dashboard, through the same middleware,
    answering constant bytes (the dashboard's own) without a query or a template of its own."""
    return HttpResponse(FLOOR_HTML)


def _naive_plans(request: Request) -> QuerySet[Plan]:
    with generic_guardian():
        granted = get_objects_for_user(request.user, VIEW_PERM, klass=Plan, accept_global_perms=False)
    return (
        Plan.objects.filter(Q(classification=Classification.PUBLIC) | Q(pk__in=granted.values("pk")))
        .select_related("owner_agency", "current_version")
        .prefetch_related("facilities")
    )


def _check_each(request: Request, plans: list[Plan]) -> None:
    """The per-object check a naive view makes: guardian's backend, object by object."""
    with generic_guardian():
        for plan in plans:
            if plan.classification != Classification.PUBLIC and not request.user.has_perm(VIEW_PERM, plan):
                raise Http404


class NaivePlanListView(generics.ListAPIView):
    """The plan list as guardian's generic path computes it: get_objects_for_user, then has_perm per row."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return _naive_plans(self.request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        _check_each(request, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class NaivePlanDetailView(generics.RetrieveAPIView):
    """One plan through the same generic path."""

    serializer_class = PlanSerializer

    def get_queryset(self) -> QuerySet[Plan]:
        return _naive_plans(self.request)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        _check_each(request, [plan])
        return Response(self.get_serializer(plan).data)
