"""Conflicts are recomputed inside publish, withdraw, a change of facilities and deletion; owners are alerted once."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyKind, Role
from consistency.conflict_services import facility_conflicts_refresh
from consistency.models import ConflictKind, FactConflict, FactKey
from notifications.models import EventType, OutboxEvent
from notifications.recipients import audience_for
from plans import services
from plans.models import Classification, PlanKind, ShareLevel
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.consistency.helpers import draft_with_facts, publish_facts
from tests.plans.factories import make_plan

SCHOOL_FACTS = {
    FactKey.COMMAND_POST: "Front circle drive at the flagpole",
    FactKey.STAGING_AREA: "East bus loop, entering from Elm Street",
    FactKey.REUNIFICATION_SITE: "Jefferson Middle School main gym, 1450 W Ash St",
    FactKey.EVACUATION_PRIMARY: "Elm Street Baptist Church, 410 Elm St",
    FactKey.RADIO_CHANNEL: "LC SCHOOLS 1",
    FactKey.MAIN_ENTRY: "Door 1, main office vestibule",
    FactKey.KNOX_BOX: "Left of Door 1 at shoulder height",
    FactKey.ONSITE_CONTACT_ROLE: "Principal",
    FactKey.ONSITE_CONTACT_PHONE: "+16305550101",
}
# The same facts as the fire district writes them.
FIRE_SPELLING = {
    FactKey.COMMAND_POST: "front circle drive, at the flagpole",
    FactKey.STAGING_AREA: "East Bus Loop - entering from Elm St.",
    FactKey.REUNIFICATION_SITE: "JEFFERSON MIDDLE SCHOOL MAIN GYM, 1450 West Ash Street",
    FactKey.EVACUATION_PRIMARY: "Elm St. Baptist Church - 410 Elm Street",
    FactKey.RADIO_CHANNEL: "LC Schools-1",
    FactKey.MAIN_ENTRY: "Door 1 - Main Office Vestibule",
    FactKey.KNOX_BOX: "left of door 1, at shoulder height",
    FactKey.ONSITE_CONTACT_ROLE: "the principal",
    FactKey.ONSITE_CONTACT_PHONE: "(630) 555-0101",
}
LAT, LON = Decimal("41.912000"), Decimal("-88.081000")
# 20 m and 400 m north of (LAT, LON).
LAT_20M, LAT_400M = LAT + Decimal("0.000180"), LAT + Decimal("0.003597")


def conflicts():
    return list(FactConflict.objects.order_by("id"))


def conflict_events():
    return list(OutboxEvent.objects.filter(event_type=EventType.FACILITY_CONFLICT).order_by("id"))


def test_identical_facts_in_different_spellings_are_no_conflict(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: FIRE_SPELLING})
    assert conflicts() == []
    assert conflict_events() == []


def test_a_different_reunification_site_is_a_conflict_and_alerts_both_owners_once(partners):
    county = partners.county
    school_version = publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    fire_version = publish_facts(
        partners.fire_plan,
        partners.fire_admin,
        {county.school: {**FIRE_SPELLING, FactKey.REUNIFICATION_SITE: "Lakeview Middle School gym"}},
    )
    (conflict,) = conflicts()
    assert conflict.kind == ConflictKind.DIFFERS
    assert (conflict.first_key, conflict.second_key) == (FactKey.REUNIFICATION_SITE, FactKey.REUNIFICATION_SITE)
    assert {conflict.first_version_id, conflict.second_version_id} == {school_version.pk, fire_version.pk}
    assert {conflict.first_agency_id, conflict.second_agency_id} == {county.district.pk, county.fire.pk}
    assert conflict.facility_id == county.school.pk

    events = conflict_events()
    assert len(events) == 2
    by_plan = {event.plan_id: event.payload for event in events}
    school_side, fire_side = by_plan[county.plan.pk], by_plan[partners.fire_plan.pk]
    assert school_side["other_agency"] == county.fire.pk
    assert school_side["other_agency_name"] == "Ridgeford Fire"
    assert school_side["plan_title"] == county.plan.title
    assert school_side["version"] == school_version.number
    assert fire_side["other_agency_name"] == county.district.name
    assert fire_side["plan_title"] == partners.fire_plan.title
    for payload in (school_side, fire_side):
        assert payload["facility"] == county.school.pk
        assert payload["facility_name"] == county.school.name
        assert payload["fact"] == FactKey.REUNIFICATION_SITE
        assert payload["fact_label"] == "Family reunification site"
        assert payload["kind"] == ConflictKind.DIFFERS
        assert payload["conflict"] == conflict.pk
    # Neither side learns the other plan's title, version or wording.
    assert partners.fire_plan.title not in str(school_side)
    assert "Lakeview" not in str(school_side)
    assert county.plan.title not in str(fire_side)
    assert "Jefferson" not in str(fire_side)
    assert {event.dedupe_key for event in events} == {
        f"facility.conflict:{conflict.pk}:{county.plan.pk}",
        f"facility.conflict:{conflict.pk}:{partners.fire_plan.pk}",
    }


@pytest.mark.parametrize(("fire_latitude", "expected"), [(LAT_20M, 0), (LAT_400M, 1)])
def test_coordinates_decide_place_facts_20_metres_apart_agree_400_metres_apart_conflict(
    partners, fire_latitude, expected
):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: ("Bus loop", LAT, LON)}})
    publish_facts(
        partners.fire_plan,
        partners.fire_admin,
        {county.school: {FactKey.STAGING_AREA: ("Staging on the school's east side", fire_latitude, LON)}},
    )
    assert len(conflicts()) == expected


def test_a_conflict_clears_itself_when_a_new_version_agrees(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "South parking lot"}})
    assert len(conflicts()) == 1
    publish_facts(
        partners.fire_plan,
        partners.fire_admin,
        {county.school: {FactKey.STAGING_AREA: "east bus loop entering from Elm St"}},
    )
    assert conflicts() == []
    assert len(conflict_events()) == 2  # only the alerts of the original conflict


def test_a_conflict_that_persists_into_a_new_version_is_not_alerted_again(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "South parking lot"}})
    (before,) = conflicts()
    # The district republishes for an unrelated reason; the staging area still disagrees.
    newer = publish_facts(
        county.plan,
        county.owner_admin,
        {county.school: {**SCHOOL_FACTS, FactKey.ONSITE_CONTACT_ROLE: "Head of school"}},
    )
    (after,) = conflicts()
    assert after.pk != before.pk
    assert newer.pk in {after.first_version_id, after.second_version_id}
    assert after.detected_at == before.detected_at
    assert len(conflict_events()) == 2


def test_a_conflict_that_clears_and_returns_is_alerted_again(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "South parking lot"}})
    publish_facts(
        partners.fire_plan,
        partners.fire_admin,
        {county.school: {FactKey.STAGING_AREA: "East bus loop, entering from Elm St."}},
    )
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    assert len(conflicts()) == 1
    assert len(conflict_events()) == 4


def test_withdrawing_a_version_clears_its_conflicts_and_drafts_never_count(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    fire_version = publish_facts(
        partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}}
    )
    services.plan_version_withdraw(version=fire_version, actor=partners.fire_admin)
    assert conflicts() == []
    draft_with_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "West lot"}})
    facility_conflicts_refresh(facilities=[county.school])
    assert conflicts() == []


def test_plans_of_the_same_agency_never_conflict(partners):
    county = partners.county
    second = make_plan(
        owner=county.district, actor=county.owner_admin, title="Reunification", facilities=[county.school]
    )
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(second, county.owner_admin, {county.school: {FactKey.REUNIFICATION_SITE: "Somewhere else"}})
    assert conflicts() == []


def test_changing_a_plans_facilities_adds_and_removes_its_conflicts(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    other_school = FacilityFactory(name="Second school", owner_agency=county.district)
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    assert len(conflicts()) == 1
    services.plan_update(plan=partners.fire_plan, actor=partners.fire_admin, facilities=[other_school])
    assert conflicts() == []
    services.plan_update(plan=partners.fire_plan, actor=partners.fire_admin, facilities=[other_school, county.school])
    assert len(conflicts()) == 1
    assert len(conflict_events()) == 4  # it went away in between, so it is news again


def test_deleting_an_unpublished_plan_leaves_other_conflicts_alone(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    unpublished = make_plan(owner=county.police, actor=member(county.police, Role.ADMIN), facilities=[county.school])
    draft_with_facts(unpublished, unpublished.created_by, {county.school: {FactKey.STAGING_AREA: "West lot"}})
    services.plan_delete(plan=unpublished, actor=unpublished.created_by)
    assert len(conflicts()) == 1


def test_a_staging_area_where_another_agency_reunifies_is_a_contradiction(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(
        partners.fire_plan,
        partners.fire_admin,
        {county.school: {FactKey.COMMAND_POST: "Jefferson Middle School Main Gym, 1450 West Ash Street"}},
    )
    kinds = {(c.kind, c.first_key, c.second_key, c.first_plan_id) for c in conflicts()}
    assert kinds == {
        (ConflictKind.DIFFERS, FactKey.COMMAND_POST, FactKey.COMMAND_POST, county.plan.pk),
        (ConflictKind.CONTRADICTS, FactKey.COMMAND_POST, FactKey.REUNIFICATION_SITE, partners.fire_plan.pk),
    }


def _region(n_schools: int):
    district = AgencyFactory(kind=AgencyKind.SCHOOL_DISTRICT)
    agencies = [district, AgencyFactory(kind=AgencyKind.FIRE), AgencyFactory(kind=AgencyKind.POLICE)]
    admins = [member(agency, Role.ADMIN) for agency in agencies]
    schools = [FacilityFactory(owner_agency=district) for _ in range(n_schools)]
    for index, (agency, admin) in enumerate(zip(agencies, admins, strict=True)):
        plan = make_plan(owner=agency, actor=admin, kind=PlanKind.AGENCY_RESPONSE, facilities=schools)
        for partner in agencies:  # the three agencies read each other's plans, so they are compared
            if partner != agency:
                services.plan_share(plan=plan, agency=partner, level=ShareLevel.VIEW, actor=admin)
        staging = {FactKey.STAGING_AREA: f"Lot {index}", FactKey.RADIO_CHANNEL: "OPS 1"}
        publish_facts(plan, admin, dict.fromkeys(schools, staging))
    return schools


def test_refreshing_many_buildings_takes_as_many_queries_as_refreshing_one(db):
    few = _region(1)
    many = _region(12)
    assert FactConflict.objects.filter(facility__in=many).count() == 12 * 3
    for schools in (few, many):
        FactConflict.objects.filter(facility__in=schools).delete()
    with CaptureQueriesContext(connection) as one:
        facility_conflicts_refresh(facilities=few)
    with CaptureQueriesContext(connection) as twelve:
        facility_conflicts_refresh(facilities=many)

    # Both refreshes recreate and alert every conflict (3 and 36); the alerts are one outbox write each (under
    # its own savepoint, so a concurrent duplicate cannot abort the refresh), the computation itself is the
    # same handful of queries.
    def computing(queries):
        return [
            q
            for q in queries.captured_queries
            if "notifications_outboxevent" not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
        ]

    assert len(computing(twelve)) == len(computing(one))


# -- only plans whose owners read each other's are compared (README, "Conflicts never reveal a hidden fact") ------


def test_plans_whose_owners_do_not_read_each_others_plan_are_never_compared(pair):
    county = pair.county
    # The district's plan is shared with the fire district, the fire plan with nobody.
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(pair.fire_plan, pair.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    assert conflicts() == []
    assert conflict_events() == []


def test_sharing_back_finds_the_conflict_and_alerts_both_owners_and_unsharing_drops_it(pair):
    county = pair.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(pair.fire_plan, pair.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    services.plan_share(plan=pair.fire_plan, agency=county.district, level=ShareLevel.VIEW, actor=pair.fire_admin)
    assert len(conflicts()) == 1
    assert {event.plan_id for event in conflict_events()} == {county.plan.pk, pair.fire_plan.pk}
    # A new level keeps the reading right: nothing recomputed, nothing alerted again.
    services.plan_share(plan=pair.fire_plan, agency=county.district, level=ShareLevel.COMMENT, actor=pair.fire_admin)
    assert len(conflicts()) == 1
    assert len(conflict_events()) == 2
    services.plan_unshare(plan=county.plan, agency=county.fire, actor=county.owner_admin)
    assert conflicts() == []


def test_making_a_plan_public_compares_it_and_making_it_partner_only_again_does_not(pair):
    county = pair.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(pair.fire_plan, pair.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    services.plan_update(plan=pair.fire_plan, actor=pair.fire_admin, classification=Classification.PUBLIC)
    assert len(conflicts()) == 1
    services.plan_update(plan=pair.fire_plan, actor=pair.fire_admin, classification=Classification.PARTNER)
    assert conflicts() == []


def test_an_alert_is_not_delivered_to_an_owner_who_may_no_longer_read_the_other_plan(partners):
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    school_event = OutboxEvent.objects.get(event_type=EventType.FACILITY_CONFLICT, plan=county.plan)
    fire_event = OutboxEvent.objects.get(event_type=EventType.FACILITY_CONFLICT, plan=partners.fire_plan)
    # Before the worker got to the alerts, the fire district stopped sharing with the district.
    services.plan_unshare(plan=partners.fire_plan, agency=county.district, actor=partners.fire_admin)
    assert audience_for(school_event).agency_ids == frozenset()
    assert not audience_for(school_event).memberships.exists()
    assert audience_for(fire_event).agency_ids == {county.fire.pk}  # they still read the district's plan
    assert school_event.payload["other_plan"] == partners.fire_plan.pk


def test_the_migration_drops_conflicts_recorded_between_plans_whose_owners_do_not_read_each_other(partners):
    from django.apps import apps

    migration = import_module("consistency.migrations.0003_conflicts_only_between_mutual_readers")
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    (kept,) = conflicts()
    # A row as the old code left it: the police plan is read by nobody but the police.
    police_admin = member(county.police, Role.ADMIN)
    police_plan = make_plan(owner=county.police, actor=police_admin, facilities=[county.school])
    version = publish_facts(police_plan, police_admin, {county.school: {FactKey.STAGING_AREA: "Hidden lot"}})
    FactConflict.objects.create(
        facility=county.school,
        kind=ConflictKind.DIFFERS,
        first_key=FactKey.STAGING_AREA,
        second_key=FactKey.STAGING_AREA,
        first_version=county.plan.current_version,
        second_version=version,
        first_plan=county.plan,
        second_plan=police_plan,
        first_agency=county.district,
        second_agency=county.police,
        detected_at=kept.detected_at,
    )
    migration.delete_one_sided_conflicts(apps, None)
    assert conflicts() == [kept]


def test_an_alert_recorded_before_the_other_plan_was_named_in_it_reaches_nobody(partners):
    """Alerts queued by the earlier rule do not say which plan they compared with, so they cannot be checked."""
    county = partners.county
    publish_facts(county.plan, county.owner_admin, {county.school: SCHOOL_FACTS})
    publish_facts(partners.fire_plan, partners.fire_admin, {county.school: {FactKey.STAGING_AREA: "North lot"}})
    event = OutboxEvent.objects.get(event_type=EventType.FACILITY_CONFLICT, plan=county.plan)
    event.payload.pop("other_plan")
    assert audience_for(event).agency_ids == frozenset()
    assert not audience_for(event).memberships.exists()
