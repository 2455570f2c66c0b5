"""A building's page as a responder needs it on a phone: the key facts in one block (differing values flagged),
its officers and the numbers to call, the maps, then the current plans with links straight to their sections.

The page takes the same number of queries whatever the number of plans, sections, officers and contacts.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from access.agencies import agency_roles
from access.facilities import (
    agencies_assigning_ids,
    agencies_assigning_people,
    can_edit_facility_contacts,
    facility_contacts_visible_list,
    works_with_facility,
)
from access.http import record_sensitive_reads, withheld_plan_ids
from agencies import selectors
from agencies.facility_forms import AssignmentForm, FacilityContactForm
from agencies.models import AssignmentRole, Facility
from buildings.documents_context import building_documents_context
from consistency.compare import FactValue, facts_agree
from consistency.conflict_selectors import conflicts_visible_to
from consistency.fact_context import facility_facts_context
from consistency.fact_selectors import FactRow
from consistency.models import FactKey
from exercises.drills_context import facility_drills_context
from plans.models import Acknowledgement, Plan, PlanKind, PlanVersion, Section
from plans.selectors import facility_current_plans_list, section_headings_of_versions
from portal.types import AuthenticatedHttpRequest
from reading.models import ReadingObligation
from reading.selectors_queue import due_state
from sources.selectors import facility_source_links

KEY_SECTIONS_SHOWN = 6
# Words that mark the sections a responder turns to first, most urgent first.
RESPONDER_WORDS = (
    "lockdown",
    "evacuation",
    "active threat",
    "reunification",
    "shelter",
    "fire",
    "staging",
    "command",
    "accounting",
    "medical",
    "triage",
    "communications",
    "security",
)
# The facts a responder looks for first lead the block; the others follow in their usual order.
FIRST_FACTS = (FactKey.REUNIFICATION_SITE, FactKey.STAGING_AREA, FactKey.COMMAND_POST)


@dataclass
class KeyFact:
    """One fact of the compact block: the value to act on (the building owner's plan first) and any other
    agency's differing statement, named, so a responder sees at once that the agencies disagree."""

    key: str
    label: str
    fact: Any
    source: Plan
    differing: list[tuple[Plan, Any]] = field(default_factory=list)


def key_facts_block(rows: list[FactRow], plans: list[Plan]) -> list[KeyFact]:
    """The fact-by-plan rows folded into one value per fact, with the plans that state it otherwise."""
    block = []
    for row in rows:
        stated = [(plan, fact) for plan, fact in zip(plans, row.cells, strict=True) if fact is not None]
        if not stated:
            continue
        source, first = stated[0]
        value = FactValue(first.text, first.latitude, first.longitude)
        differing = [
            (plan, fact)
            for plan, fact in stated[1:]
            if not facts_agree(row.key, value, FactValue(fact.text, fact.latitude, fact.longitude))
        ]
        block.append(KeyFact(key=row.key, label=row.label, fact=first, source=source, differing=differing))
    rank = {key.value: index for index, key in enumerate(FIRST_FACTS)}
    return sorted(block, key=lambda item: rank.get(item.key, len(rank)))


def _key_sections(sections: list[Section]) -> list[Section]:
    """The sections a responder looks for first, in the plan's order; the opening sections when none match."""

    def urgency(section: Section) -> int:
        lowered = f"{section.key} {section.title}".replace("-", " ").lower()
        return next((rank for rank, word in enumerate(RESPONDER_WORDS) if word in lowered), len(RESPONDER_WORDS))

    ranked = sorted(range(len(sections)), key=lambda index: (urgency(sections[index]), index))
    chosen = [index for index in ranked if urgency(sections[index]) < len(RESPONDER_WORDS)][:KEY_SECTIONS_SHOWN]
    if not chosen:
        return sections[:KEY_SECTIONS_SHOWN]
    return [sections[index] for index in sorted(chosen)]


# The person's acknowledgements of the plans' versions, and what they still owe of each current version, in one
# round trip; plain SQL because building three correlated subqueries into the plans' query cost more (in Python and
# in PostgreSQL's planner) than reading these few rows.
_MY_READING_SQL = f"""
    SELECT v.plan_id, v.number, a.acknowledged_at, NULL::timestamptz
      FROM {Acknowledgement._meta.db_table} a JOIN {PlanVersion._meta.db_table} v ON v.id = a.version_id
     WHERE a.user_id = %s AND v.plan_id = ANY(%s)
    UNION ALL
    SELECT o.plan_id, NULL, NULL, o.due_at
      FROM {ReadingObligation._meta.db_table} o JOIN {Plan._meta.db_table} p ON p.id = o.plan_id
     WHERE o.user_id = %s AND o.plan_id = ANY(%s) AND o.version_id = p.current_version_id
       AND o.acknowledged_at IS NULL
"""  # noqa: S608 — table names from the models, values as parameters


def _attach_my_reading(user: User, plans: list[Plan]) -> None:
    """The person's reading of each plan: the latest version they acknowledged (number, when) and, while they owe
    the current version to one of their agencies, the earliest due date. A plan nobody requires them to read has
    no due date, so the card does not ask them to acknowledge it."""
    by_id = {plan.pk: plan for plan in plans}
    for plan in plans:
        plan.my_read_number = plan.my_read_at = plan.my_due_at = None  # type: ignore[attr-defined]  # for the template
    if not by_id:
        return
    ids = list(by_id)
    with connection.cursor() as cursor:
        cursor.execute(_MY_READING_SQL, [user.pk, ids, user.pk, ids])
        rows = cursor.fetchall()
    for plan_id, number, acknowledged_at, due_at in rows:
        plan = by_id[plan_id]
        if number is not None and (plan.my_read_number is None or number > plan.my_read_number):  # type: ignore[attr-defined]
            plan.my_read_number, plan.my_read_at = number, acknowledged_at  # type: ignore[attr-defined]
        if due_at is not None and (plan.my_due_at is None or due_at < plan.my_due_at):  # type: ignore[attr-defined]
            plan.my_due_at = due_at  # type: ignore[attr-defined]


def _current_plans(request: AuthenticatedHttpRequest, facility: Facility) -> list[Plan]:
    plans = facility_current_plans_list(user=request.user, facility=facility)
    # The current versions' sections in one plain query (a prefetch through the versions cost twice as much).
    sections = section_headings_of_versions(version_ids=[p.current_version_id for p in plans if p.current_version_id])
    _attach_my_reading(request.user, plans)
    now = timezone.now()
    # The building owner's own plans first, its emergency operations plan (the school's crisis plan) at the top.
    plans.sort(key=lambda plan: (plan.owner_agency_id != facility.owner_agency_id, plan.kind != PlanKind.SCHOOL_EOP))
    for plan in plans:
        if plan.current_version is None:
            continue  # facility_current_plans_list returns plans with a current version only
        # Every section of the current version is on the plan page as #section-<key> (plans/_sections.html), so
        # each one listed here links to it: whoever may read the plan (facility_current_plans_list) sees it.
        ordered = sections[plan.current_version.pk]
        # Reversed once for the card's links to the plan and its sections, instead of once per link.
        plan.detail_url = reverse("plans:detail", kwargs={"plan_id": plan.pk})  # type: ignore[attr-defined]
        plan.sections_listed = ordered  # type: ignore[attr-defined]  # for the template
        plan.key_sections = _key_sections(ordered)  # type: ignore[attr-defined]  # for the template
        due_at = plan.my_due_at  # type: ignore[attr-defined]  # _attach_my_reading
        plan.my_due_state = due_state(due_at, now=now) if due_at else None  # type: ignore[attr-defined]
    return plans


def facility_page(
    request: AuthenticatedHttpRequest,
    facility: Facility,
    *,
    contact_form: FacilityContactForm | None = None,
    assignment_form: AssignmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the building's page; a management form that came back with errors is shown bound, in its place."""
    plans = _current_plans(request, facility)
    assignments = selectors.assignments_at_facility_list(facility=facility)
    current = [a for a in assignments if a.ended_on is None]
    roles = agency_roles(user=request.user)
    is_staff = request.user.is_staff
    can_edit_contacts = can_edit_facility_contacts(request.user, facility, roles=roles)
    # One question for two answers: who reads the contacts and who may ask for the building's field packet
    # (access.packets.packet_facilities, the same rule for one building).
    works_with = works_with_facility(request.user, facility)
    admin_of = agencies_assigning_ids(request.user, roles)
    conflicts = conflicts_visible_to(user=request.user, facility=facility)
    withheld = withheld_plan_ids(request, {pid for row in conflicts for pid in row.plan_ids})
    conflicts = [row for row in conflicts if not row.plan_ids & withheld]
    record_sensitive_reads(request, {pid for row in conflicts for pid in row.plan_ids}, "conflicts")
    facts = facility_facts_context(request, facility, plans)
    context: dict[str, Any] = {
        "nav": "facilities",
        "facility": facility,
        "sros": [a for a in current if a.role == AssignmentRole.SCHOOL_RESOURCE_OFFICER],
        "other_assignments": [a for a in current if a.role != AssignmentRole.SCHOOL_RESOURCE_OFFICER],
        "past_assignments": [a for a in assignments if a.ended_on is not None],
        "ends_assignments_of": admin_of,
        "is_staff": is_staff,
        "contacts": facility_contacts_visible_list(user=request.user, facility=facility, works_with=works_with),
        "can_edit_contacts": can_edit_contacts,
        "plans": plans,
        "today": timezone.localdate(),
        "conflicts": conflicts,
        "source_links": facility_source_links(user=request.user, facility=facility),
        "key_facts": key_facts_block(facts["fact_rows"], facts["fact_plans"]),
        "can_make_packet": works_with,
        **facts,
        **building_documents_context(request, facility, roles=roles),
        **facility_drills_context(request, facility, roles=roles),
    }
    if can_edit_contacts:
        context["contact_form"] = contact_form or FacilityContactForm()
    if is_staff or admin_of:
        context["assignment_form"] = assignment_form or AssignmentForm(agencies=agencies_assigning_people(request.user))
    return render(request, "agencies/facility_detail.html", context, status=status)
