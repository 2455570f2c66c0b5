"""The agency's compliance pages (per plan, one plan's people, one person) and the evidence export form.

Who may see what is `reading.selectors_compliance.compliance_scope_for` (404 outside the agency, 403 for a member
who neither manages reading nor supervises a group); the evidence is its managers' only (evidence_services).
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from agencies.active_agency import memberships_for
from plans.export.pdf import PdfUnavailableError
from portal.api.request_info import client_ip
from portal.errors import InvalidInputError
from portal.types import AuthenticatedHttpRequest
from reading import selectors_compliance as selectors
from reading.compliance_cache import agency_compliance, page_html, plan_rows
from reading.compliance_html import fields_html, kept_fields_html, plan_rows_html
from reading.compliance_page import plan_summary_rows
from reading.evidence import INCLUDES, EvidencePeriod
from reading.evidence_download import evidence_download
from reading.evidence_services import evidence_agency, reading_evidence_export
from reading.forms_compliance import (
    PEOPLE_SORT_CHOICES,
    PLAN_SORT_CHOICES,
    ComplianceFilterForm,
    EvidencePeriodForm,
)

PAGE_SIZE = 50


def _filter_form(
    request: AuthenticatedHttpRequest,
    scope: selectors.ComplianceScope,
    sorts: list[tuple[str, str]],
    default_sort: str = "",
    groups: list[tuple[int, str]] | None = None,
) -> ComplianceFilterForm:
    data = request.GET.copy()
    data.pop("page", None)
    data.pop("view", None)
    if default_sort and not data.get("sort"):
        data["sort"] = default_sort  # the select shows it, so the next submit keeps it
    if groups is None:
        groups = selectors.scope_groups(scope=scope)
    return ComplianceFilterForm(data, groups=groups, sorts=sorts)


FILTER_FIELDS = ("group", "role", "state", "sort")


def _page(request: AuthenticatedHttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _url_of(name: str, agency_id: int, key: str) -> str:
    """The URL `name` with `{}` for its `key` id: reversed once per page, not once per row."""
    head, tail = reverse(name, kwargs={"agency_id": agency_id, key: 0}).rsplit("/0/", 1)
    return head + "/{}/" + tail


def _summary_rows(page: Any, agency_id: int, now: datetime) -> list[dict[str, Any]]:
    """The page's rows completed for the table (new dicts: the kept lists' rows are shared between requests)."""
    plan_url = _url_of("reading-compliance-plan", agency_id, "plan_id")
    return [
        {
            **row,
            "url": plan_url.format(row["plan_id"]),
            "due": row["required"] - row["acknowledged"] - row["overdue"],
            "percent": round(row["percent_read"] or 0),
            "longest_overdue_days": selectors.days_overdue(row["oldest_overdue"], now),
        }
        for row in page
    ]


@login_required
def compliance(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """Per plan: required, read, due and overdue; or (`?view=people`) per person: what each owes."""
    # The roles and the agency from the person's memberships (one query, fresh); access decides from them.
    scope = selectors.compliance_scope_for(user=request.user, agency_id=agency_id, memberships=memberships_for(request))
    # The agency's per-plan rows and groups, kept under its token (reading/compliance_cache.py).
    kept = agency_compliance(agency_id=scope.agency.pk)
    people_view = request.GET.get("view") == "people"
    sorts = PEOPLE_SORT_CHOICES if people_view else PLAN_SORT_CHOICES
    groups = selectors.scope_groups(scope=scope) if kept is None else kept.groups_for(scope)
    form = _filter_form(request, scope, sorts, groups=groups)
    context: dict[str, Any] = {
        "nav": "agencies",
        "agency": scope.agency,
        "scope": scope,
        "form": form,
        "filter_fields": kept_fields_html(form, FILTER_FIELDS, choices=(tuple(groups), people_view)),
        "people_view": people_view,
        # The scope's "everyone" is access's answer to `can_manage_reading_of` (reading_compliance_scope): the
        # managers who may export the evidence. Asking again read the person's roles a second time.
        "can_export": scope.everyone,
        "page_obj": None,
    }
    if not form.is_valid():
        return render(request, "reading/compliance/summary.html", context, status=400)
    now = timezone.now()
    if people_view:
        page = _page(request, selectors.people_summaries(scope=scope, filters=form.filters(), now=now))
        context["people"] = selectors.people_rows(scope=scope, rows=list(page), now=now)
    else:
        # An agency requires hundreds of plans, not thousands: one query reads them all (the count is their
        # length, not a second aggregate), and the page is a slice. The manager's unfiltered list is summed from
        # the kept summary rows (reading/compliance_cache.py), or by the summary's SQL compiled once
        # (reading/compliance_page.py) where nothing is kept.
        filters = form.filters()
        if kept is not None and selectors.summarised(scope, filters):
            page = _page(request, plan_rows(kept, state=filters.state, sort=filters.sort, now=now))
            context["plan_rows"] = page_html(
                kept,
                state=filters.state,
                sort=filters.sort,
                now=now,
                number=page.number,
                days=tuple(selectors.days_overdue(row["oldest_overdue"], now) for row in page),
                render=lambda: plan_rows_html(_summary_rows(page, scope.agency.pk, now)),
            )
        else:
            page = _page(request, plan_summary_rows(scope=scope, filters=filters, now=now))
            context["plan_rows"] = plan_rows_html(_summary_rows(page, scope.agency.pk, now))
    context["page_obj"] = page
    context["filtered"] = any(form.cleaned_data.get(name) for name in ("group", "role", "state"))
    return render(request, "reading/compliance/summary.html", context)


@login_required
def compliance_plan(request: AuthenticatedHttpRequest, agency_id: int, plan_id: int) -> HttpResponse:
    """One plan's people: who has read its current version, who is due, who is overdue and by how long."""
    scope = selectors.compliance_scope_for(user=request.user, agency_id=agency_id)
    plan = selectors.required_plan(user=request.user, scope=scope, plan_id=plan_id)
    form = _filter_form(request, scope, PEOPLE_SORT_CHOICES, default_sort="overdue")
    now = timezone.now()
    context: dict[str, Any] = {
        "nav": "agencies",
        "agency": scope.agency,
        "plan": plan,
        "form": form,
        "filter_fields": fields_html(form, FILTER_FIELDS),
        "totals": selectors.plan_totals(scope=scope, plan_id=plan.pk, now=now),
        "page_obj": None,
    }
    if not form.is_valid():
        return render(request, "reading/compliance/plan.html", context, status=400)
    filters = form.filters()
    filters = selectors.ComplianceFilters(
        group=filters.group, role=filters.role, state=filters.state, plan=plan.pk, sort=filters.sort
    )
    page = _page(request, selectors.people_summaries(scope=scope, filters=filters, now=now))
    context["page_obj"] = page
    context["people"] = selectors.people_rows(scope=scope, rows=list(page), now=now)
    context["filtered"] = any(form.cleaned_data.get(name) for name in ("group", "role", "state"))
    return render(request, "reading/compliance/plan.html", context)


@login_required
def compliance_person(request: AuthenticatedHttpRequest, agency_id: int, user_id: int) -> HttpResponse:
    """What one person owes the agency across its required plans."""
    scope = selectors.compliance_scope_for(user=request.user, agency_id=agency_id)
    now = timezone.now()
    person = selectors.compliance_person(scope=scope, user_id=user_id, now=now)
    rows = [
        {
            "obligation": obligation,
            "state": selectors.obligation_state(obligation, now),
            "overdue_days": selectors.days_overdue(obligation.due_at, now) if obligation.acknowledged_at is None else 0,
        }
        for obligation in person.obligations
    ]
    context = {"nav": "agencies", "agency": scope.agency, "person": person, "rows": rows}
    return render(request, "reading/compliance/person.html", context)


@login_required
def evidence(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse | StreamingHttpResponse:
    """The form (period and format); with `format` in the query, the download itself."""
    agency = evidence_agency(actor=request.user, agency_id=agency_id)
    asked = "format" in request.GET
    form = EvidencePeriodForm(request.GET if asked else None)
    context = {"nav": "agencies", "agency": agency, "form": form, "includes": INCLUDES}
    if not asked:
        return render(request, "reading/compliance/evidence.html", context)
    if form.is_valid():
        period = EvidencePeriod(since=form.cleaned_data["since"], until=form.cleaned_data["until"])
        try:
            export = reading_evidence_export(
                agency=agency,
                actor=request.user,
                period=period,
                fmt=form.cleaned_data["format"],
                ip_address=client_ip(request),
            )
        except (InvalidInputError, PdfUnavailableError) as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return evidence_download(export)
    return render(request, "reading/compliance/evidence.html", context, status=400)
