"""An agency's audit trail for its admins: filter, page, and download the filtered rows as CSV.

404 for anyone outside the agency, 403 for its members who are not admins (audit.selectors.audit_agency_for).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit import selectors
from audit.csv_export import action_label, csv_download, filter_values
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.services import audit_trail_export_record
from portal.api.pagination import KeysFirstPaginator
from portal.api.request_info import client_ip
from portal.types import AuthenticatedHttpRequest

PAGE_SIZE = 50


@login_required
@require_safe
def agency_audit(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's events, newest first, filtered by person, plan, action and dates, 50 a page."""
    agency = selectors.audit_agency_for(user=request.user, agency_id=agency_id)
    trail = AuditEventFilter(
        request.GET or None, queryset=selectors.audit_trail_of(user=request.user, agency=agency), request=request
    )
    valid = trail.is_valid() if trail.is_bound else True
    events = trail.qs if valid else AuditEvent.objects.none()
    page = KeysFirstPaginator(events.select_related("agency"), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.label = action_label(event.action)
    context = {
        "nav": "agencies",
        "agency": agency,
        "form": trail.form,
        "valid": valid,
        "filtered": bool(filter_values(trail)),
        "page_obj": page,
        "people": selectors.audit_people_of(agency=agency),
    }
    return render(request, "audit/agency_audit.html", context)


@login_required
@require_safe  # a download: a POST would record an export in the trail, as if it were a write
def agency_audit_csv(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse | StreamingHttpResponse:
    """The filtered events as a CSV download; the export is recorded in the trail first."""
    agency = selectors.audit_agency_for(user=request.user, agency_id=agency_id)
    trail = AuditEventFilter(
        request.GET, queryset=selectors.audit_trail_of(user=request.user, agency=agency), request=request
    )
    if not trail.is_valid():
        return render(
            request,
            "audit/agency_audit.html",
            {"nav": "agencies", "agency": agency, "form": trail.form, "valid": False, "page_obj": None, "people": []},
            status=400,
        )
    export = audit_trail_export_record(
        actor=request.user, agency=agency, filters=filter_values(trail), ip_address=client_ip(request)
    )
    return csv_download(trail.qs.exclude(pk=export.pk), agency.slug)
