"""Who works with a building (its owner's people and those of the agencies granted view on a plan covering it) is
one rule in two forms: `works_with_facility` for one building, which the building's page asks once for its contacts
and its field packet link, and `packet_facilities`, the buildings whose packet a person may ask for."""

import pytest
from django.contrib.auth.models import AnonymousUser

from access.facilities import (
    agencies_seeing_facility_plans,
    can_see_facility_contacts,
    facility_contacts_visible,
    works_with_facility,
)
from access.packets import packet_facilities
from agencies.models import Facility, FacilityContact, Membership
from plans import services
from plans.models import Classification
from tests.access.test_one_rule import READERS
from tests.agencies.factories import FacilityFactory, UserFactory
from tests.plans.factories import make_plan
from tests.plans.test_visible_plan_rows import varied  # noqa: F401 - the fixture: 26 plans of every kind


@pytest.fixture
def buildings(varied):  # noqa: F811
    """Besides varied's: a police building without plans, and a building covered only by a public plan."""
    FacilityFactory(name="Police HQ", owner_agency=varied.police)
    only_public = FacilityFactory(name="Town Pool", owner_agency=varied.unrelated)
    make_plan(
        owner=varied.district,
        actor=varied.owner_admin,
        title="Pool plan",
        classification=Classification.PUBLIC,
        facilities=[only_public],
    )
    return varied


def _agree(user) -> None:
    packet = set(packet_facilities(user=user).values_list("pk", flat=True))
    agencies = set(Membership.objects.filter(user_id=user.pk).values_list("agency_id", flat=True))
    for facility in Facility.objects.all():
        works = works_with_facility(user, facility)
        assert works is (facility.pk in packet), facility
        seeing = set(agencies_seeing_facility_plans(facility_id=facility.pk).values_list("id", flat=True))
        assert works is bool(agencies & seeing), facility
        assert can_see_facility_contacts(user, facility) is (works or bool(getattr(user, "is_staff", False)))
        shown = facility_contacts_visible(user=user, facility=facility, works_with=works)
        assert set(shown) == set(facility_contacts_visible(user=user, facility=facility)), facility


@pytest.mark.parametrize("reader", READERS)
def test_working_with_a_building_is_the_packet_rule_for_every_reader_and_building(buildings, reader):
    for facility in Facility.objects.all():
        FacilityContact.objects.create(facility=facility, label="Principal", phone="555-0100")
    _agree(getattr(buildings, reader))


def test_the_rules_agree_for_someone_signed_out_or_without_agencies(buildings):
    _agree(AnonymousUser())
    _agree(UserFactory())


def test_an_unshare_ends_working_with_the_building_in_both_forms(county):
    assert works_with_facility(county.partner_view_member, county.school)
    services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert not works_with_facility(county.partner_view_member, county.school)
    _agree(county.partner_view_member)
