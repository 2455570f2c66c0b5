"""Reads of agencies' webhook endpoints and delivery logs; every function takes the asking user."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from access.agencies import can_manage_agency
from agencies.models import Agency
from notifications.models import Channel, Delivery, WebhookAttempt, WebhookEndpoint


def webhooks_of_agency(*, user: User | AnonymousUser, agency: Agency) -> QuerySet[WebhookEndpoint]:
    """The agency's endpoints, for its admins and platform staff only (nobody else sees any)."""
    if not can_manage_agency(user, agency.pk):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(agency=agency).order_by("created_at", "id")


def webhook_deliveries_of(*, user: User | AnonymousUser, endpoint: WebhookEndpoint) -> QuerySet[Delivery]:
    """An endpoint's deliveries, newest first, each with its event and HTTP attempts (three queries a page)."""
    if not can_manage_agency(user, endpoint.agency_id):
        return Delivery.objects.none()
    attempts = WebhookAttempt.objects.order_by("-attempted_at", "-id")
    return (
        Delivery.objects.filter(endpoint=endpoint, channel=Channel.WEBHOOK)
        .select_related("event")
        .prefetch_related(Prefetch("webhook_attempts", queryset=attempts))
        .order_by("-created_at", "-id")
    )
