"""Web pages for an agency's webhooks: list and register (the secret shown once), delete, re-enable,
and each webhook's delivery log with redelivery. Only the agency's admins and platform staff get here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from agencies.forms import WebhookCreateForm
from agencies.views import managed_agency, page_of
from notifications import webhook_selectors, webhook_services
from notifications.models import WebhookEndpoint
from portal.api.request_info import client_ip
from portal.errors import DomainError
from portal.types import AuthenticatedHttpRequest

DELIVERIES_PAGE_SIZE = 50
WEBHOOK_REVEAL_KEY = "agencies_webhook_secret_reveal"


def _webhook(request: HttpRequest, agency_id: int, webhook_id: int) -> WebhookEndpoint:
    agency = managed_agency(request, agency_id)
    endpoint = get_object_or_404(webhook_selectors.webhooks_of_agency(user=request.user, agency=agency), pk=webhook_id)
    endpoint.agency = agency  # already read: the pages name it
    return endpoint


@login_required
def webhooks(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    """The agency's webhooks with their status, and the form to register one (its secret shown once)."""
    agency = managed_agency(request, agency_id)
    form = WebhookCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_services.webhook_endpoint_create(
                agency=agency,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                actor=request.user,
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Only the id goes in the session; the next page load shows the secret and forgets the id.
            request.session[WEBHOOK_REVEAL_KEY] = endpoint.pk
            return redirect("agencies:webhooks", agency_id=agency.pk)
    endpoints = list(webhook_selectors.webhooks_of_agency(user=request.user, agency=agency))
    reveal_id = request.session.pop(WEBHOOK_REVEAL_KEY, None) if request.method == "GET" else None
    created = next((endpoint for endpoint in endpoints if endpoint.pk == reveal_id), None)
    context = {"nav": "agencies", "agency": agency, "endpoints": endpoints, "form": form, "created": created}
    return render(request, "agencies/webhooks.html", context)


@login_required
def webhook_delete(request: AuthenticatedHttpRequest, agency_id: int, webhook_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then remove the webhook with its delivery log (POST)."""
    endpoint = _webhook(request, agency_id, webhook_id)
    if request.method != "POST":
        return render(request, "agencies/webhook_delete.html", {"nav": "agencies", "endpoint": endpoint})
    webhook_services.webhook_endpoint_delete(endpoint=endpoint, actor=request.user, ip_address=client_ip(request))
    messages.success(request, f"The webhook to {endpoint.url} was removed.")
    return redirect("agencies:webhooks", agency_id=endpoint.agency_id)


@login_required
@require_POST
def webhook_enable(request: AuthenticatedHttpRequest, agency_id: int, webhook_id: int) -> HttpResponse:
    """Re-enable a disabled webhook with a clean failure count."""
    endpoint = _webhook(request, agency_id, webhook_id)
    try:
        webhook_services.webhook_endpoint_enable(endpoint=endpoint, actor=request.user, ip_address=client_ip(request))
    except DomainError as exc:
        messages.error(request, f"Could not re-enable it: {exc.message}")
    else:
        messages.success(request, f"The webhook to {endpoint.url} is active again.")
    return redirect("agencies:webhooks", agency_id=endpoint.agency_id)


@login_required
def webhook_deliveries(request: HttpRequest, agency_id: int, webhook_id: int) -> HttpResponse:
    """What was sent to one webhook, newest first, with every attempt's status code."""
    endpoint = _webhook(request, agency_id, webhook_id)
    deliveries = webhook_selectors.webhook_deliveries_of(user=request.user, endpoint=endpoint)
    context = {"nav": "agencies", "endpoint": endpoint, "page_obj": page_of(request, deliveries, DELIVERIES_PAGE_SIZE)}
    return render(request, "agencies/webhook_deliveries.html", context)


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, agency_id: int, webhook_id: int, delivery_id: int) -> HttpResponse:
    """Send one delivery again now, with the same webhook-id."""
    endpoint = _webhook(request, agency_id, webhook_id)
    delivery = get_object_or_404(
        webhook_selectors.webhook_deliveries_of(user=request.user, endpoint=endpoint), pk=delivery_id
    )
    try:
        webhook_services.webhook_delivery_redeliver(
            delivery=delivery, actor=request.user, ip_address=client_ip(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Delivery {delivery.message_id} is queued to be sent again.")
    return redirect("agencies:webhook-deliveries", agency_id=endpoint.agency_id, webhook_id=endpoint.pk)
