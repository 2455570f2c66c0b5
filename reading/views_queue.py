"""The person's "To read" pages: the queue, and one item with what changed and the "I have read" button, after
which the next item opens."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from access.http import record_sensitive_read, visible_plan, visible_version
from access.plans import PlanAccess
from agencies.active_agency import memberships_for
from plans.forms_partners import AcknowledgeForm
from plans.models import Plan
from plans.services import plan_version_acknowledge
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest
from reading.header_counts import request_header_counts
from reading.queue_page import QueuePages
from reading.queue_reading import queue_item_reading
from reading.queue_rows import kept_queue_rows
from reading.selectors_queue import ToReadItem, to_read_for

# Items per page of the queue (someone owing 200 plans reads them a page at a time, oldest due first).
PAGE_SIZE = 50


def _next_after(items: list[ToReadItem], plan_id: int) -> HttpResponse:
    """The next item of the queue opens; with none left, the queue says all is read."""
    following = next((item for item in items if item.plan.pk != plan_id), None)
    if following is None:
        return redirect("to-read")
    return redirect("to-read-item", plan_id=following.plan.pk)


@login_required
@require_safe
def to_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every plan the person must acknowledge, oldest due first, a page at a time."""
    # The pager's count is the header's "To read (N)", kept per person (reading/header_counts.py): no COUNT
    # over the queue's window query. (The same plans: one per plan, open, readable, current version.) The page
    # is read by the queue's SQL compiled once per process (reading/queue_page.py) and kept per person under
    # their header version and the display token (reading/queue_cache.py); due text and second factor per request.
    count = request_header_counts(request).to_read
    paginator: Paginator[dict[str, Any]] = Paginator(QueuePages(user=request.user, count=count), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    items, items_html = kept_queue_rows(page.object_list, user=request.user)
    context = {
        "nav": "to-read",
        "page_obj": page,
        "items": items,
        "items_html": items_html,
        "total": paginator.count,
        "to_read_count": paginator.count,
    }
    return render(request, "reading/queue/to_read.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def to_read_item(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """One item: what changed since the version the person last acknowledged, and the acknowledge button."""
    plan, access = visible_plan(request, plan_id)
    items = to_read_for(user=request.user)
    item = next((i for i in items if i.plan.pk == plan.pk), None)
    if request.method == "POST":
        return _acknowledge(request, plan, access, items)
    if item is None:
        messages.info(request, f"You have nothing left to read in {plan.title}.")
        return _next_after(items, plan.pk)
    record_sensitive_read(request, plan, "to_read", obj=item.version)
    position = items.index(item)
    context = {
        "nav": "to-read",
        "plan": plan,
        "item": item,
        "sensitive": plan.is_law_enforcement_sensitive,
        "remaining": len(items),
        "position": position + 1,
        "ack_form": AcknowledgeForm(initial={"version": item.version.number}),
        "ack_agencies": _agency_names(request, access),
        **queue_item_reading(item=item, access=access),
    }
    return render(request, "reading/queue/to_read_item.html", context)


def _agency_names(request: AuthenticatedHttpRequest, access: PlanAccess) -> list[str]:
    """The agencies the acknowledgement is recorded for too (the person is their admin or liaison)."""
    names = {m.agency_id: m.agency.name for m in memberships_for(request)}
    return [names[a] for a in access.agencies_acknowledging() if a in names]


def _acknowledge(
    request: AuthenticatedHttpRequest, plan: Plan, access: PlanAccess, items: list[ToReadItem]
) -> HttpResponse:
    here = reverse("to-read-item", kwargs={"plan_id": plan.pk})
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reload the page and press the button again: the version was missing.")
        return redirect(here)
    version = visible_version(access, form.cleaned_data["version"])
    if version.pk != plan.current_version_id:
        current = f"v{plan.current_version.number}" if plan.current_version else "another version"
        messages.error(
            request,
            f"{current} was published while you were reading v{version.number}. Read what changed, then confirm.",
        )
        return redirect(here)
    try:
        plan_version_acknowledge(version=version, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(here)
    rest = [i for i in items if i.plan.pk != plan.pk]
    text = f"You acknowledged v{version.number} of {plan.title}."
    messages.success(request, text if rest else f"{text} All read: nothing left to acknowledge.")
    return _next_after(rest, plan.pk)
