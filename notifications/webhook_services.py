"""Writes for agencies' webhook endpoints: register, remove, disable, re-enable, and redeliver a delivery.

What a person does here is refused (NotAllowedError) unless they manage the agency (its admins and platform
staff, access/agencies.py), and audited. `actor=SYSTEM` (access/actors.py) is the system itself (fixtures, data
generators), never a request; disabling an endpoint is the delivery worker's own decision.
"""

from django.db import transaction
from django.utils import timezone

from access.actors import SystemActor, actor_allowed
from access.agencies import Actor, can_manage_agency
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.channels.webhook_targets import WebhookTargetRefused, webhook_target_resolve
from notifications.dispatch import DELIVER_WEBHOOK, enqueue_on_commit
from notifications.models import Delivery, DeliveryStatus, EventType, WebhookEndpoint
from notifications.services import outbox_event_record
from portal.errors import ConflictError, InvalidInputError, NotAllowedError

# Each endpoint adds a delivery per event to every fan-out; an agency needs a handful (CAD, GIS, a portal).
MAX_ENDPOINTS_PER_AGENCY = 20


def _refuse_unless_manager(actor: Actor | SystemActor, agency_id: int | None) -> None:
    """Refuse anyone but the agency's managers; SYSTEM alone passes without asking the access layer."""
    if not actor_allowed(actor, lambda person: agency_id is not None and can_manage_agency(person, agency_id)):
        raise NotAllowedError("Only this agency's admins may manage its webhooks.")


def _check_url(url: str) -> None:
    """Refuse a URL that could not be sent to (scheme, host, or an internal address), as a field error."""
    try:
        webhook_target_resolve(url)
    except WebhookTargetRefused as exc:
        raise InvalidInputError(str(exc), field="url") from exc


def _checked_events(events: list[str]) -> list[str]:
    allowed = set(EventType.values)
    unknown = sorted(set(events) - allowed)
    if unknown:
        raise InvalidInputError(f"Unknown event types: {', '.join(unknown)}.", field="events")
    if not events:
        raise InvalidInputError("Choose at least one event type.", field="events")
    return list(dict.fromkeys(events))


def webhook_endpoint_create(
    *, agency: Agency, url: str, events: list[str], actor: Actor | SystemActor, ip_address: str | None = None
) -> WebhookEndpoint:
    """Register an agency's receiver; the URL is checked (SSRF) before anything is written."""
    _refuse_unless_manager(actor, agency.pk)
    events = _checked_events(events)
    _check_url(url)  # resolves DNS: kept outside the transaction
    with transaction.atomic():
        # Lock the agency so two concurrent registrations cannot both pass the limit.
        Agency.objects.select_for_update().filter(pk=agency.pk).first()
        if WebhookEndpoint.objects.filter(agency=agency).count() >= MAX_ENDPOINTS_PER_AGENCY:
            raise InvalidInputError(
                f"An agency may register at most {MAX_ENDPOINTS_PER_AGENCY} webhooks; remove one first."
            )
        created_by = actor if actor.is_authenticated else None
        endpoint = WebhookEndpoint.objects.create(agency=agency, url=url, events=events, created_by=created_by)
        audit_event_record(
            actor=actor,
            action=AuditAction.WEBHOOK_CREATE,
            obj=endpoint,
            agency=agency,
            ip_address=ip_address,
            details={"url": url, "events": events},
        )
        return endpoint


@transaction.atomic
def webhook_endpoint_delete(
    *, endpoint: WebhookEndpoint, actor: Actor | SystemActor, ip_address: str | None = None
) -> None:
    """Remove a receiver with its deliveries and their log; pending deliveries simply stop."""
    _refuse_unless_manager(actor, endpoint.agency_id)
    audit_event_record(
        actor=actor,
        action=AuditAction.WEBHOOK_DELETE,
        obj=endpoint,
        agency=endpoint.agency,
        ip_address=ip_address,
        details={"url": endpoint.url},
    )
    endpoint.delete()


def webhook_endpoint_enable(
    *, endpoint: WebhookEndpoint, actor: Actor | SystemActor, ip_address: str | None = None
) -> WebhookEndpoint:
    """Re-enable a disabled receiver (its URL checked again) with a clean failure count."""
    _refuse_unless_manager(actor, endpoint.agency_id)
    _check_url(endpoint.url)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
        )
        audit_event_record(
            actor=actor,
            action=AuditAction.WEBHOOK_ENABLE,
            obj=endpoint,
            agency=endpoint.agency,
            ip_address=ip_address,
            details={"url": endpoint.url},
        )
    endpoint.refresh_from_db()
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint_id: int, reason: str) -> bool:
    """Stop sending to a receiver, cancel what it still had pending, and alert its agency's admins.

    Returns False when it was already disabled (or is gone), so the alert is raised only once.
    """
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id, is_active=True).first()
    if endpoint is None:
        return False
    now = timezone.now()
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, next_attempt_at=None, last_error="Cancelled: the endpoint was disabled."
    )
    outbox_event_record(
        event_type=EventType.WEBHOOK_DISABLED,
        plan=None,
        payload={"agency": endpoint.agency_id, "webhook": endpoint.pk, "url": endpoint.url, "reason": reason},
    )
    return True


@transaction.atomic
def webhook_delivery_redeliver(
    *, delivery: Delivery, actor: Actor | SystemActor, ip_address: str | None = None
) -> Delivery:
    """Send a delivery again now (same `webhook-id`), with a fresh retry schedule. Audited."""
    delivery = Delivery.objects.select_for_update(of=("self",)).select_related("endpoint__agency").get(pk=delivery.pk)
    _refuse_unless_manager(actor, delivery.endpoint.agency_id if delivery.endpoint is not None else None)
    if delivery.endpoint is None or not delivery.endpoint.is_active:
        raise ConflictError("This webhook is disabled; enable it before redelivering.")
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.attempts = 0
    delivery.sent_at = None
    delivery.save(update_fields=["status", "next_attempt_at", "attempts", "sent_at"])
    audit_event_record(
        actor=actor,
        action=AuditAction.WEBHOOK_REDELIVER,
        obj=delivery,
        agency=delivery.endpoint.agency,
        ip_address=ip_address,
        details={"webhook": delivery.endpoint_id, "url": delivery.endpoint.url, "message_id": delivery.message_id},
    )
    enqueue_on_commit(DELIVER_WEBHOOK, delivery.pk)
    return delivery
