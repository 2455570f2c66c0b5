"""The building page's reads by SQL compiled once per process (portal/compiled_queries.py) or plain SQL give the
rows, fields and related objects the ORM forms give, for every kind of reader (the building owner's staff, a
partner agency's member, a reader withheld a law-enforcement-sensitive plan, someone who may see nothing of it);
and the page still shows each of them what it did."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from access.actors import SYSTEM
from access.agencies import agency_roles
from access.facilities import facility_contacts_visible, facility_contacts_visible_list, works_with_facility
from agencies import selectors as agency_selectors
from agencies.contact_services import facility_contact_create
from agencies.models import Agency, AssignmentRole, Membership, Role
from agencies.services import personnel_assignment_create, personnel_assignment_end
from buildings import documents_context
from consistency import conflict_selectors, fact_selectors
from consistency.models import FacilityFact, FactConflict, FactKey
from plans import selectors as plan_selectors
from plans.models import Classification, Plan, PlanKind, Section, ShareLevel
from plans.services import plan_share
from sources import selectors as source_selectors
from sources.services import plan_source_add
from tests.agencies.factories import FacilityFactory, member
from tests.buildings.helpers import add_document
from tests.consistency.helpers import publish_facts
from tests.plans.factories import make_plan, publish
from tests.plans.test_plan_page_compiled_queries import _same_as_orm, _state

SCHOOL_STAGING = "East bus loop"
FIRE_STAGING = "Stadium lot"


@pytest.fixture
def school(county):
    """The county's school with what its page shows: the district's plan, a fire plan shared with the district and
    the police stating another staging area (a conflict), one built on the other, contacts, a current and a past
    officer, a document, a plan not yet published; and a second building with only a public plan of the police, so
    that the compiled SQL is bound to ids other than those it met first."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    fire_plan = make_plan(
        owner=county.fire,
        actor=fire_admin,
        title="Fire pre-incident plan for schools",
        kind=PlanKind.AGENCY_RESPONSE,
        facilities=[county.school],
    )
    publish_facts(county.plan, county.owner_admin, {county.school: {FactKey.STAGING_AREA: SCHOOL_STAGING}})
    stated = {FactKey.STAGING_AREA: (FIRE_STAGING, "41.881234", "-88.123456"), FactKey.COMMAND_POST: "Gym"}
    publish_facts(fire_plan, fire_admin, {county.school: stated})
    for agency in (county.district, county.police):
        plan_share(plan=fire_plan, agency=agency, level=ShareLevel.VIEW, actor=fire_admin)
    plan_source_add(plan=fire_plan, source_plan=county.plan, actor=fire_admin)
    for label in ("Principal", "Custodian"):
        facility_contact_create(facility=county.school, label=label, phone="630-555-0101", actor=SYSTEM)
    for user, started in ((county.partner_view_member, 2024), (county.partner_view_liaison, 2022)):
        assignment = personnel_assignment_create(
            user=user,
            agency=county.police,
            facility=county.school,
            role=AssignmentRole.SCHOOL_RESOURCE_OFFICER,
            started_on=datetime.date(started, 8, 19),
            actor=SYSTEM,
        )
    personnel_assignment_end(assignment=assignment, actor=SYSTEM)
    add_document(county)
    make_plan(owner=county.district, actor=county.owner_admin, title="Unpublished annex", facilities=[county.school])
    quiet = FacilityFactory(name="Quiet Annex", owner_agency=county.district)
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    public = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Traffic around the annex",
        classification=Classification.PUBLIC,
        facilities=[quiet],
    )
    publish(public, police_admin, "Close Main Street.")
    assert FactConflict.objects.filter(facility=county.school).exists()
    county.school.refresh_from_db()
    return county, fire_plan, quiet


def _withhold_the_district_plan(county) -> None:
    """The district's plan law-enforcement sensitive, read only after a second factor (which no test client has)."""
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)


def _readers(county) -> list:
    return [county.owner_admin, county.owner_member, county.partner_view_member, county.unrelated_admin, county.staff]


def test_compiled_building_reads_give_the_orms_rows_for_every_reader(school):
    county, fire_plan, quiet = school
    _withhold_the_district_plan(county)
    for facility in (county.school, quiet):
        for user in _readers(county):
            plans = plan_selectors.facility_current_plans_list(user=user, facility=facility)
            orm = plan_selectors.facility_current_plans(user=user, facility=facility).prefetch_related(None)
            assert [_state(p) for p in plans] == [_state(p) for p in orm.order_by("owner_agency__name", "title", "pk")]
            roles = dict(Membership.objects.filter(user=user).values_list("agency_id", "role"))
            assert agency_roles(user=user) == roles
            works_with = works_with_facility(user, facility)
            contacts = facility_contacts_visible_list(user=user, facility=facility, works_with=works_with)
            orm_contacts = facility_contacts_visible(user=user, facility=facility, works_with=works_with)
            assert [_state(c) for c in contacts] == [_state(c) for c in orm_contacts]
            found = agency_selectors.facility_visible(user=user, facility_id=facility.pk)
            assert _state(found) == _state(agency_selectors.facilities_visible_to(user=user).get(pk=facility.pk))
        assert _same_as_orm(agency_selectors._ASSIGNMENTS, facility_id=facility.pk) or facility == quiet
        assert _same_as_orm(agency_selectors._FACILITY, facility_id=facility.pk)
        assert _same_as_orm(conflict_selectors._FACILITY_HAS_CONFLICT, facility_id=facility.pk) or facility == quiet
        assert _same_as_orm(source_selectors._ANY_LINK_AT_FACILITY, facility_id=facility.pk) or facility == quiet
        assert _same_as_orm(documents_context._ANY_DOCUMENT, facility_id=facility.pk) or facility == quiet
    assert agency_selectors.facility_visible(user=county.owner_admin, facility_id=-5) is None
    # Not vacuous: the partner's member sees both plans (by owner agency name), the unrelated agency none.
    seen = plan_selectors.facility_current_plans_list(user=county.partner_view_member, facility=county.school)
    assert [plan.title for plan in seen] == [county.plan.title, fire_plan.title]
    assert plan_selectors.facility_current_plans_list(user=county.unrelated_admin, facility=county.school) == []
    for user in _readers(county):  # a public plan: everyone's
        assert len(plan_selectors.facility_current_plans_list(user=user, facility=quiet)) == 1


def test_section_headings_are_the_orms_sections_in_order(school):
    county, fire_plan, _ = school
    for plan in (county.plan, fire_plan):
        plan.refresh_from_db()
    versions = [county.plan.current_version_id, fire_plan.current_version_id]
    headings = plan_selectors.section_headings_of_versions(version_ids=versions)
    orm = Section.objects.filter(version_id__in=versions).order_by("position")
    for version_id in versions:
        expected = orm.filter(version_id=version_id).only("pk", "version_id", "position", "key", "title")
        assert [_state(s) for s in headings[version_id]] == [_state(s) for s in expected]
        assert headings[version_id]
    assert plan_selectors.section_headings_of_versions(version_ids=[]) == {}


def test_the_facts_of_versions_at_a_building_are_the_orms(school):
    county, fire_plan, quiet = school
    for plan in (county.plan, fire_plan):
        plan.refresh_from_db()
    versions = [county.plan.current_version_id, fire_plan.current_version_id, county.published.pk]
    for facility in (county.school, quiet):
        facts = fact_selectors._facts_of_versions_at(facility_id=facility.pk, version_ids=versions)
        orm = FacilityFact.objects.filter(facility=facility, version_id__in=versions).order_by("pk")
        assert [_state(f) for f in sorted(facts, key=lambda fact: fact.pk)] == [_state(f) for f in orm]
        assert len(facts) == (3 if facility == county.school else 0)
    located = fact_selectors._facts_of_versions_at(facility_id=county.school.pk, version_ids=versions)
    assert [(f.latitude, f.longitude) for f in located if f.latitude is not None] == [
        (Decimal("41.881234"), Decimal("-88.123456"))
    ]


def _page(user, facility) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(f"/facilities/{facility.pk}/")
    return response.status_code, response.content.decode()


def test_the_page_shows_each_reader_what_the_rules_allow(school):
    county, fire_plan, quiet = school
    for user in (county.owner_admin, county.partner_view_member):
        status, html = _page(user, county.school)
        assert status == 200
        for shown in (county.plan.title, fire_plan.title, SCHOOL_STAGING, FIRE_STAGING, "Agencies differ"):
            assert shown in html
        for shown in ("Principal", "Custodian", "Site map", "builds on"):
            assert shown in html
    _withhold_the_district_plan(county)
    status, html = _page(county.partner_view_member, county.school)
    assert county.plan.title in html  # the title still lists; its facts do not
    assert FIRE_STAGING in html
    assert SCHOOL_STAGING not in html
    status, html = _page(county.unrelated_admin, county.school)
    assert status == 200
    for hidden in (county.plan.title, fire_plan.title, SCHOOL_STAGING, FIRE_STAGING, "Principal", "Site map"):
        assert hidden not in html
    assert "No current plan that you may read covers this building yet." in html
    status, html = _page(county.owner_admin, quiet)
    assert status == 200
    assert "Quiet Annex" in html
    assert "Traffic around the annex" in html
    assert county.plan.title not in html
    assert Client().get(f"/facilities/{county.school.pk}/").status_code == 302  # signed out: to the sign-in page
    assert _page(county.owner_admin, FacilityFactory.build(pk=987_654))[0] == 404
