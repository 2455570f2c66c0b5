"""Recording a partner agency's formal concurrence with a plan's current version."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from access.plans import PlanAccess, plan_access
from agencies.models import Agency
from audit.models import AuditAction
from audit.services import audit_event_record
from notifications.models import EventType
from notifications.services import outbox_event_record
from plans.models import Plan, PlanVersion, VersionState
from plans.services.common import event_payload
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reviews.models import Comment, Concurrence, ConcurrenceOutcome

MAX_NOTE_LENGTH = 5_000


def open_change_requests(*, plan_id: int, agency_id: int) -> list[Comment]:
    """The agency's change requests on the plan that the owner has not resolved yet, oldest first."""
    return list(
        Comment.objects.filter(
            plan_id=plan_id, author_agency_id=agency_id, is_change_request=True, resolved_at__isnull=True
        ).order_by("created_at", "id")
    )


def _concurring_agency(access: PlanAccess, agency: Agency | None) -> int:
    """The agency the user records for: the one named, or their only eligible one."""
    eligible = access.agencies_concurring()
    if agency is not None:
        if agency.pk not in eligible:
            raise NotAllowedError(
                f"Only admins and liaisons of {agency} may record its concurrence, and only on a plan shared with it."
            )
        return agency.pk
    if not eligible:
        raise NotAllowedError(
            "Only admins and liaisons of a partner agency the plan is shared with may record concurrence."
        )
    if len(eligible) > 1:
        raise InvalidInputError(
            "You are admin or liaison of several partner agencies; choose the agency you record for.",
            field="agency",
        )
    return eligible[0]


@transaction.atomic
def concurrence_record(
    *,
    version: PlanVersion,
    agency: Agency | None,
    actor: User,
    outcome: str,
    note: str = "",
    ip_address: str | None = None,
) -> Concurrence:
    """A partner's admin or liaison records concur or changes requested on the current published version.

    Append-only: a later row for the same agency and version supersedes the earlier one, which stays as
    history. Changes requested needs a note or at least one open change request of that agency; those
    open change requests are kept with the row as evidence.
    """
    # The plan row first, as publish and withdraw lock it: no version changes state until this commits.
    plan = Plan.objects.select_for_update(of=("self",)).select_related("owner_agency").get(pk=version.plan_id)
    agency_id = _concurring_agency(plan_access(user=actor, plan=plan), agency)
    version = PlanVersion.objects.get(pk=version.pk)
    if version.state != VersionState.PUBLISHED or plan.current_version_id != version.pk:
        raise ConflictError(
            f"Version {version.number} is {version.state}; concurrence is recorded on the current published "
            "version only."
        )
    if outcome not in ConcurrenceOutcome.values:
        raise InvalidInputError("Choose concur or changes_requested.", field="outcome")
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInputError(f"Keep the note under {MAX_NOTE_LENGTH:,} characters.", field="note")
    requests = open_change_requests(plan_id=plan.pk, agency_id=agency_id)
    if outcome == ConcurrenceOutcome.CHANGES_REQUESTED and not note and not requests:
        raise InvalidInputError(
            "Say which changes you request: write a note, or first comment on the sections as change requests.",
            field="note",
        )
    concurrence = Concurrence.objects.create(
        plan=plan,
        version=version,
        agency_id=agency_id,
        outcome=outcome,
        note=note,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if outcome == ConcurrenceOutcome.CHANGES_REQUESTED and requests:
        concurrence.change_requests.set(requests)
    request_ids = [comment.pk for comment in requests] if outcome == ConcurrenceOutcome.CHANGES_REQUESTED else []
    audit_event_record(
        actor=actor,
        action=AuditAction.CONCURRENCE_RECORD,
        obj=concurrence,
        agency=plan.owner_agency,
        ip_address=ip_address,
        details={
            "plan": plan.pk,
            "number": version.number,
            "partner": agency_id,
            "outcome": outcome,
            "change_requests": request_ids,
        },
    )
    outbox_event_record(
        event_type=EventType.CONCURRENCE_RECORDED,
        plan=plan,
        payload=event_payload(
            plan,
            version,
            actor=actor,
            agency=agency_id,
            agency_name=concurrence.agency.name,
            outcome=outcome,
            change_requests=len(request_ids),
        ),
    )
    return concurrence
