"""Setting a draft's facility key facts, refusing anything but drafts and covered facilities, and carrying the
facts into the next draft."""

from decimal import Decimal

import pytest
from django.db import ProgrammingError, transaction

from consistency.fact_selectors import version_facts_by_facility
from consistency.fact_services import facility_facts_set
from consistency.facts import FactsInvalidError
from consistency.models import FacilityFact
from plans import services
from portal.errors import ConflictError, InvalidInputError
from tests.agencies.factories import FacilityFactory

FACTS = {
    "command_post": {"text": "North parking lot", "latitude": 41.8801, "longitude": -87.6301},
    "reunification_site": {"text": "Lincoln Middle School gym"},
    "radio_channel": "FD TAC-3",
    "onsite_contact_role": "Principal",
    "onsite_contact_phone": "(217) 555-0142",
}


def stored(version, facility) -> dict[str, tuple]:
    return {
        f.key: (f.text, f.latitude, f.longitude)
        for f in FacilityFact.objects.filter(version=version, facility=facility)
    }


def test_a_planner_sets_the_facts_of_a_covered_facility_on_a_draft(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    assert stored(county.draft, county.school) == {
        "command_post": ("North parking lot", Decimal("41.880100"), Decimal("-87.630100")),
        "reunification_site": ("Lincoln Middle School gym", None, None),
        "radio_channel": ("FD TAC-3", None, None),
        "onsite_contact_role": ("Principal", None, None),
        "onsite_contact_phone": ("+12175550142", None, None),
    }


def test_setting_facts_again_replaces_them_and_empty_values_remove_facts(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    facility_facts_set(
        version=county.draft,
        facility=county.school,
        facts={"radio_channel": "FD TAC-4", "onsite_contact_phone": "", "command_post": None},
        actor=county.owner_planner,
    )
    assert stored(county.draft, county.school) == {"radio_channel": ("FD TAC-4", None, None)}


def test_facts_of_a_published_version_cannot_change(county):
    with pytest.raises(ConflictError, match="Start a new draft"):
        facility_facts_set(version=county.published, facility=county.school, facts=FACTS, actor=county.owner_admin)
    assert not FacilityFact.objects.exists()


def test_the_database_refuses_changes_to_facts_of_a_published_version(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    with pytest.raises(ProgrammingError, match="cannot change"), transaction.atomic():
        FacilityFact.objects.filter(version=county.draft).update(text="Somewhere else")


def test_facts_only_for_facilities_the_plan_covers(county):
    elsewhere = FacilityFactory(name="Oak Elementary", owner_agency=county.district)
    with pytest.raises(InvalidInputError, match="not covered by this plan") as caught:
        facility_facts_set(version=county.draft, facility=elsewhere, facts=FACTS, actor=county.owner_planner)
    assert caught.value.field == "facility"
    assert not FacilityFact.objects.exists()


def test_invalid_facts_change_nothing(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    with pytest.raises(FactsInvalidError) as caught:
        facility_facts_set(
            version=county.draft,
            facility=county.school,
            facts={"radio_channel": "OK 1", "onsite_contact_phone": "12"},
            actor=county.owner_planner,
        )
    assert list(caught.value.errors) == ["onsite_contact_phone"]
    assert len(stored(county.draft, county.school)) == len(FACTS)


def test_a_new_draft_copies_the_facts_of_the_current_version(county):
    second_school = FacilityFactory(name="Maple Valley Annex", owner_agency=county.district)
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=[county.school, second_school])
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    facility_facts_set(
        version=county.draft, facility=second_school, facts={"main_entry": "Door 4"}, actor=county.owner_planner
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    # The annex leaves the plan before the next draft: its facts stay with v2 and are not carried forward.
    services.plan_update(plan=county.plan, actor=county.owner_admin, facilities=[county.school])
    county.plan.refresh_from_db()
    following = services.plan_version_create_draft(plan=county.plan, actor=county.owner_planner)
    assert stored(following, county.school) == stored(county.draft, county.school)
    assert [group.facility for group in version_facts_by_facility(version=following)] == [county.school]
    assert [group.facility.name for group in version_facts_by_facility(version=county.draft)] == [
        "Maple Valley Annex",
        "Maple Valley High",
    ]


def test_a_draft_with_its_own_sections_still_carries_the_facts_forward(county):
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    county.plan.refresh_from_db()
    following = services.plan_version_create_draft(
        plan=county.plan, actor=county.owner_planner, sections=[{"key": "basic", "title": "Basic", "body": ""}]
    )
    assert stored(following, county.school) == stored(county.draft, county.school)


def test_the_content_digest_covers_the_key_facts(county):
    from plans.services.versions import content_sha256

    without = content_sha256(county.draft)
    facility_facts_set(version=county.draft, facility=county.school, facts=FACTS, actor=county.owner_planner)
    stated = content_sha256(county.draft)
    facility_facts_set(
        version=county.draft,
        facility=county.school,
        facts={
            **FACTS,
            "reunification_site": {"text": "Lincoln Middle School gym", "latitude": 41.9, "longitude": -87.6},
        },
        actor=county.owner_planner,
    )
    assert len({without, stated, content_sha256(county.draft)}) == 3
    published = services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert published.content_sha256 == content_sha256(published)
