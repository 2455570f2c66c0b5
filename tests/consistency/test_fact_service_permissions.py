"""Setting key facts is refused by the service itself to anyone but the owner's admins and planners (nothing
changes: no fact, no audit row), and every accepted write is audited with who, where and what."""

import pytest
from django.contrib.auth.models import AnonymousUser

from audit.models import AuditEvent
from consistency.fact_services import facility_facts_set
from consistency.models import FacilityFact
from portal.errors import NotAllowedError
from tests.conftest import client_for
from tests.permission_matrix import ACTORS, user_of

EDITORS = frozenset({"owner_admin", "owner_planner"})
FACTS = {"radio_channel": "FD TAC-3", "staging_area": "East lot"}


def state() -> dict:
    return {
        "facts": sorted(FacilityFact.objects.values_list("version_id", "facility_id", "key", "text")),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor not in EDITORS])
def test_a_refused_person_cannot_set_key_facts_by_calling_the_service(county, actor):
    before = state()
    with pytest.raises(NotAllowedError, match="may set key facts"):
        facility_facts_set(
            version=county.draft, facility=county.school, facts=FACTS, actor=user_of(county, actor) or AnonymousUser()
        )
    assert state() == before


@pytest.mark.parametrize("actor", sorted(EDITORS))
def test_setting_key_facts_is_audited_with_who_where_and_which_keys(county, actor):
    facility_facts_set(
        version=county.draft, facility=county.school, facts=FACTS, actor=user_of(county, actor), ip_address="10.7.7.7"
    )
    event = AuditEvent.objects.get(action="facts.set")
    assert (event.actor, event.agency, event.ip_address) == (user_of(county, actor), county.district, "10.7.7.7")
    assert event.object_type == "plans.planversion"
    assert event.object_id == str(county.draft.pk)
    assert event.details == {
        "plan": county.plan.pk,
        "number": county.draft.number,
        "facility": county.school.pk,
        "keys": ["radio_channel", "staging_area"],
    }


def test_the_api_records_the_client_address_of_a_key_facts_write(county):
    response = client_for(county.owner_planner).put(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/facts/",
        {"facility": county.school.pk, "facts": FACTS},
        format="json",
        REMOTE_ADDR="10.6.6.6",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="facts.set")
    assert (event.actor, event.ip_address) == (county.owner_planner, "10.6.6.6")
