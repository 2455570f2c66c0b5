"""Key facts on the web pages: the draft editor's per-building form, the plan and version pages' tables, and a
building's page comparing what every visible plan states."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import AgencyKind, Role
from audit.models import AuditAction, AuditEvent
from consistency.fact_services import facility_facts_set
from consistency.models import FacilityFact
from plans import services
from plans.models import Classification, PlanKind, ShareLevel
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.conftest import web_client
from tests.permission_matrix import covers, matrix, user_of
from tests.plans.factories import draft, make_plan, publish

User = get_user_model()
FACTS = {
    "reunification_site": {"text": "Lincoln Middle School gym", "latitude": 41.8801, "longitude": -87.6301},
    "staging_area": "Bus loop on Elm Street",
    "radio_channel": "FD TAC-3",
    "onsite_contact_role": "Principal",
    "onsite_contact_phone": "(217) 555-0142",
}


def editor_url(version) -> str:
    return reverse("plans:draft-edit", kwargs={"plan_id": version.plan_id, "number": version.number})


def save_url(version, facility) -> str:
    return reverse(
        "plans:draft-facts",
        kwargs={"plan_id": version.plan_id, "number": version.number, "facility_id": facility.pk},
    )


def form_data(facility, **values: str) -> dict[str, str]:
    return {f"facts-{facility.pk}-{name}": value for name, value in values.items()}


def facility_url(facility) -> str:
    return reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk})


def stored() -> list[tuple]:
    return sorted(FacilityFact.objects.values_list("version_id", "facility_id", "key", "text", "latitude"))


# --- The editor ---------------------------------------------------------------------------------------------


def test_the_editor_offers_a_key_facts_form_per_covered_building_filled_with_what_is_saved(county):
    annex = FacilityFactory(name="Maple Valley Annex", owner_agency=county.district)
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=[county.school, annex])
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    response = web_client(county.owner_planner).get(editor_url(county.draft))
    html = response.content.decode()
    assert response.status_code == 200
    assert [form.facility for form in response.context["facts_forms"]] == [annex, county.school]
    assert f'action="{save_url(county.draft, county.school)}"' in html
    assert f'action="{save_url(county.draft, annex)}"' in html
    assert 'value="Lincoln Middle School gym"' in html
    assert 'value="41.8801"' in html
    assert 'value="+12175550142"' in html


def test_saving_key_facts_stores_them_and_returns_to_the_building_s_form(county):
    response = web_client(county.owner_planner).post(
        save_url(county.draft, county.school),
        form_data(
            county.school,
            reunification_site="Lincoln Middle School gym",
            reunification_site_latitude="41.8801",
            reunification_site_longitude="-87.6301",
            radio_channel="FD TAC-3",
            onsite_contact_phone="217 555 0142",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"{editor_url(county.draft)}#facts-{county.school.pk}"
    facts = {f.key: f for f in FacilityFact.objects.filter(version=county.draft)}
    assert set(facts) == {"reunification_site", "radio_channel", "onsite_contact_phone"}
    assert facts["onsite_contact_phone"].text == "+12175550142"
    assert str(facts["reunification_site"].longitude) == "-87.630100"


def test_errors_are_shown_beside_their_fields_and_nothing_is_saved(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    before = stored()
    response = web_client(county.owner_planner).post(
        save_url(county.draft, county.school),
        form_data(
            county.school,
            command_post="North lot",
            command_post_latitude="41.9",
            evacuation_primary="Stadium",
            evacuation_primary_latitude="95",
            evacuation_primary_longitude="-87.6",
            radio_channel="TAC_3",
            onsite_contact_phone="555",
        ),
    )
    assert response.status_code == 200
    form = next(f for f in response.context["facts_forms"] if f.facility == county.school)
    assert form.errors == {
        "command_post_longitude": ["Give the longitude too: coordinates come in pairs (or leave both empty)."],
        "evacuation_primary_latitude": ["Latitude must be between -90 and 90 degrees."],
        "radio_channel": ["Use only letters, digits, spaces and - . / # (for example “FD TAC-3” or “CH 12/B”)."],
        "onsite_contact_phone": ["Enter a phone number such as (217) 555-0142 or +1 217 555 0142."],
    }
    html = response.content.decode()
    # The message sits in the field's own block, right before its input.
    field_block = html.split(f'id="id_facts-{county.school.pk}-onsite_contact_phone"')[0].rsplit(
        '<div class="field', 1
    )[1]
    assert "Enter a phone number such as" in field_block
    assert 'value="TAC_3"' in html  # what was typed is kept
    assert stored() == before


@covers("plans:draft-facts")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=302,
        owner_admin=302,
        owner_planner=302,
        owner_liaison=403,
        owner_member=404,
        partner_view_liaison=404,
        partner_view_member=404,
        partner_comment_liaison=404,
        unrelated_admin=404,
        staff=404,
    ),
)
def test_who_may_save_key_facts_and_nothing_changes_on_refusal(county, actor, expected):
    before = stored()
    response = web_client(user_of(county, actor)).post(
        save_url(county.draft, county.school), form_data(county.school, main_entry="Door A")
    )
    assert response.status_code == expected
    if actor in ("owner_admin", "owner_planner"):
        assert response["Location"].startswith(editor_url(county.draft))
        assert FacilityFact.objects.filter(version=county.draft, key="main_entry").exists()
    else:
        assert stored() == before


def test_key_facts_of_a_published_version_answer_409(county):
    response = web_client(county.owner_admin).post(
        save_url(county.published, county.school), form_data(county.school, main_entry="Door A")
    )
    assert response.status_code == 409
    assert "Start a new draft" in response.content.decode()
    assert not FacilityFact.objects.exists()


def test_a_building_the_plan_does_not_cover_is_404(county):
    elsewhere = FacilityFactory(name="Oak Elementary", owner_agency=county.district)
    response = web_client(county.owner_admin).post(
        save_url(county.draft, elsewhere), form_data(elsewhere, main_entry="Door A")
    )
    assert response.status_code == 404
    assert not FacilityFact.objects.exists()


def test_saving_key_facts_needs_the_csrf_token(county):
    client = web_client(county.owner_planner, enforce_csrf_checks=True)
    response = client.post(save_url(county.draft, county.school), form_data(county.school, main_entry="Door A"))
    assert response.status_code == 403
    assert not FacilityFact.objects.exists()


def test_the_editor_takes_the_same_queries_for_one_and_many_buildings(county, django_assert_max_num_queries):
    client = web_client(county.owner_planner)
    client.get(editor_url(county.draft))  # warm-up
    with CaptureQueriesContext(connection) as few:
        assert client.get(editor_url(county.draft)).status_code == 200
    buildings = [county.school, *(FacilityFactory(owner_agency=county.district) for _ in range(12))]
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=buildings)
    for building in buildings:
        facility_facts_set(version=county.draft, facility=building, facts=FACTS, actor=county.owner_planner)
    with django_assert_max_num_queries(len(few)):
        response = client.get(editor_url(county.draft))
    assert len(response.context["facts_forms"]) == 13


# --- Plan and version pages -----------------------------------------------------------------------------------


def publish_with_facts(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    county.plan.refresh_from_db()


def test_the_plan_page_shows_the_current_version_s_key_facts_per_building(county):
    publish_with_facts(county)
    response = web_client(county.partner_view_member).get(reverse("plans:detail", kwargs={"plan_id": county.plan.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="key-facts"' in html
    assert "Family reunification site" in html
    assert "Lincoln Middle School gym" in html
    assert "41.8801, -87.6301" in html
    assert '<a href="tel:+12175550142">(217) 555-0142</a>' in html


def test_a_version_page_shows_that_version_s_facts(county):
    publish_with_facts(county)
    v1 = reverse("plans:version", kwargs={"plan_id": county.plan.pk, "number": 1})
    v2 = reverse("plans:version", kwargs={"plan_id": county.plan.pk, "number": 2})
    client = web_client(county.partner_view_member)
    assert 'id="key-facts"' not in client.get(v1).content.decode()
    assert "Bus loop on Elm Street" in client.get(v2).content.decode()


def test_the_plan_page_takes_the_same_queries_for_one_and_many_buildings_with_facts(
    county, django_assert_max_num_queries
):
    publish_with_facts(county)
    url = reverse("plans:detail", kwargs={"plan_id": county.plan.pk})
    client = web_client(county.partner_view_liaison)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    buildings = [county.school, *(FacilityFactory(owner_agency=county.district) for _ in range(10))]
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=buildings)
    following = services.plan_version_create_draft(plan=county.plan, actor=county.owner_admin)
    for building in buildings:
        facility_facts_set(version=following, facility=building, facts=FACTS, actor=county.owner_admin)
    services.plan_version_publish(version=following, actor=county.owner_admin)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["fact_groups"]) == 11


# --- A building's page ----------------------------------------------------------------------------------------


@pytest.fixture
def fire_plan(county):
    """The fire district's response plan for the school, shared with the police; it disagrees on staging."""
    fire_admin = member(county.fire, Role.ADMIN, username="fire_admin")
    plan = make_plan(
        owner=county.fire,
        actor=fire_admin,
        title="Ridgeford Fire school response",
        kind=PlanKind.AGENCY_RESPONSE,
        facilities=[county.school],
    )
    version = draft(plan, fire_admin, "Stage on Elm.")
    facility_facts_set(
        version=version,
        facility=county.school,
        facts={"staging_area": "Church lot, 400 Oak Ave", "radio_channel": "FD TAC-4"},
        actor=fire_admin,
    )
    services.plan_version_publish(version=version, actor=fire_admin)
    services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=fire_admin)
    return plan


def test_the_building_page_compares_the_facts_of_every_visible_plan(county, fire_plan):
    publish_with_facts(county)
    response = web_client(county.partner_view_member).get(facility_url(county.school))
    html = response.content.decode()
    assert response.status_code == 200
    plans = response.context["plans"]
    rows = {row.key: [fact.text if fact else None for fact in row.cells] for row in response.context["fact_rows"]}
    by_plan = {plan.title: index for index, plan in enumerate(plans)}
    district, fire = by_plan["Maple Valley High crisis plan"], by_plan["Ridgeford Fire school response"]
    assert rows["staging_area"][district] == "Bus loop on Elm Street"
    assert rows["staging_area"][fire] == "Church lot, 400 Oak Ave"
    assert rows["radio_channel"][district] == "FD TAC-3"
    assert rows["radio_channel"][fire] == "FD TAC-4"
    assert rows["reunification_site"][fire] is None
    assert list(rows) == [
        "staging_area",
        "reunification_site",
        "radio_channel",
        "onsite_contact_role",
        "onsite_contact_phone",
    ]
    assert "Key facts, plan by plan" in html
    assert "Church lot, 400 Oak Ave" in html


def test_the_building_page_never_shows_facts_of_plans_the_user_may_not_read(county, fire_plan):
    publish_with_facts(county)
    # The unrelated sheriff sees the building but neither plan; the district's own member does not see the
    # fire plan (not shared with the district).
    sheriff = web_client(county.unrelated_admin).get(facility_url(county.school))
    assert sheriff.context["fact_rows"] == []
    assert "Bus loop" not in sheriff.content.decode()
    assert "Church lot" not in sheriff.content.decode()
    district = web_client(county.owner_member).get(facility_url(county.school))
    assert "Bus loop on Elm Street" in district.content.decode()
    assert "Church lot" not in district.content.decode()


def test_the_building_page_shows_only_the_current_version_s_facts(county):
    publish_with_facts(county)
    following = services.plan_version_create_draft(plan=county.plan, actor=county.owner_admin)
    facility_facts_set(
        version=following, facility=county.school, facts={"staging_area": "Draft idea"}, actor=county.owner_admin
    )
    html = web_client(county.owner_admin).get(facility_url(county.school)).content.decode()
    assert "Bus loop on Elm Street" in html
    assert "Draft idea" not in html


def test_showing_a_sensitive_plan_s_facts_on_the_building_page_is_audited(county):
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    plan = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Ridgeford PD active threat response",
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    version = draft(plan, police_admin, "Perimeter.")
    facility_facts_set(
        version=version, facility=county.school, facts={"command_post": "Fire station 2"}, actor=police_admin
    )
    services.plan_version_publish(version=version, actor=police_admin)
    reads = AuditEvent.objects.filter(action=AuditAction.PLAN_READ, actor=county.partner_view_member)
    assert reads.count() == 0
    html = web_client(county.partner_view_member).get(facility_url(county.school)).content.decode()
    assert "Fire station 2" in html
    assert reads.count() == 1
    assert reads.get().details == {"plan": plan.pk, "what": "facts"}


def test_the_building_page_takes_the_same_queries_for_few_and_many_plans_with_facts(
    county, django_assert_max_num_queries
):
    def add_partner_plans(start: int, count: int) -> None:
        for number in range(start, start + count):
            agency = AgencyFactory(name=f"Partner {number}", slug=f"partner-{number}", kind=AgencyKind.FIRE)
            admin = member(agency, Role.ADMIN, username=f"partner{number}_admin")
            plan = make_plan(owner=agency, actor=admin, title=f"Partner plan {number}", facilities=[county.school])
            version = draft(plan, admin, "Respond.")
            facility_facts_set(version=version, facility=county.school, facts=FACTS, actor=admin)
            services.plan_version_publish(version=version, actor=admin)
            services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=admin)

    add_partner_plans(0, 1)
    client = web_client(county.partner_view_liaison)
    client.get(facility_url(county.school))
    with CaptureQueriesContext(connection) as few:
        client.get(facility_url(county.school))
    add_partner_plans(1, 14)
    with django_assert_max_num_queries(len(few)):
        response = client.get(facility_url(county.school))
    assert len(response.context["plans"]) == 16
    assert all(sum(fact is not None for fact in row.cells) == 15 for row in response.context["fact_rows"])


def test_a_published_plan_without_facts_is_a_column_of_dashes(county):
    other = make_plan(owner=county.district, actor=county.owner_admin, title="Annex plan", facilities=[county.school])
    publish(other, county.owner_admin, "Body.")
    publish_with_facts(county)
    response = web_client(county.owner_member).get(facility_url(county.school))
    assert len(response.context["plans"]) == 2
    assert "not stated" in response.content.decode()


def test_the_print_copy_carries_the_key_facts(county):
    publish_with_facts(county)
    url = reverse("plans:print", kwargs={"plan_id": county.plan.pk})
    html = web_client(county.partner_view_member).get(url).content.decode()
    assert "Key facts" in html
    assert "Lincoln Middle School gym" in html
