"""Tenant isolation for partner concurrence: every endpoint x every actor, the exact status, nothing changed on
refusal. The `county` plan is shared with the police (`view`) and fire (`comment`); v1 is published, v2 a draft."""

import pytest

from reviews.models import Concurrence
from tests.permission_matrix import client_as, covers, matrix
from tests.plans.test_permission_matrix import DRAFT_READ, OWNER_MEMBERS_READ, PARTNER_PLAN_READ, world
from tests.reviews.concurrence_helpers import concurrences_url, record, record_url

# Partner admins and liaisons of an agency the plan is shared with, whatever the level.
PARTNER_SPOKESPEOPLE_RECORD = matrix(
    anonymous=401,
    owner_admin=403,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=201,
    partner_view_member=403,
    partner_comment_liaison=201,
    unrelated_admin=404,
    staff=404,
)
# A draft: the owner's admins, planners and liaisons see it (and may not concur with it), nobody else does.
DRAFT_RECORD = matrix(
    anonymous=401,
    owner_admin=403,
    owner_planner=403,
    owner_liaison=403,
    owner_member=404,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)


def concurrence_world() -> dict:
    return {
        **world(),
        "concurrences": sorted(
            Concurrence.objects.values_list("version_id", "agency_id", "outcome", "note", "recorded_by_id")
        ),
    }


@pytest.fixture
def recorded(county):
    """One outcome already on record, so reads have something to leak."""
    record(county.partner_comment_liaison, county.published, "changes_requested", note="Staging area.")
    return county


@covers("concurrence-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_PLAN_READ)
def test_reading_concurrence_with_a_released_version(recorded, actor, expected):
    before = concurrence_world()
    response = client_as(recorded, actor).get(concurrences_url(recorded.plan, 1))
    assert response.status_code == expected, response.content
    assert concurrence_world() == before


@covers("concurrence-list")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_READ)
def test_reading_concurrence_with_a_draft(recorded, actor, expected):
    response = client_as(recorded, actor).get(concurrences_url(recorded.plan, 2))
    assert response.status_code == expected, response.content


@covers("concurrence-list")
@pytest.mark.parametrize(("actor", "expected"), PARTNER_SPOKESPEOPLE_RECORD)
def test_recording_concurrence(recorded, actor, expected):
    before = concurrence_world()
    response = client_as(recorded, actor).post(
        concurrences_url(recorded.plan, 1), {"outcome": "concur", "note": "Fine."}, format="json"
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        assert Concurrence.objects.count() == 2
    else:
        assert response.status_code == expected, response.content
        assert concurrence_world() == before


@covers("concurrence-list")
@pytest.mark.parametrize(("actor", "expected"), DRAFT_RECORD)
def test_recording_concurrence_with_a_draft(recorded, actor, expected):
    before = concurrence_world()
    response = client_as(recorded, actor).post(concurrences_url(recorded.plan, 2), {"outcome": "concur"}, format="json")
    assert response.status_code == expected, response.content
    assert concurrence_world() == before


@covers("concurrence-record")
@pytest.mark.parametrize(("actor", "expected"), OWNER_MEMBERS_READ)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_reading_the_concurrence_record(recorded, actor, expected, fmt):
    before = concurrence_world()
    response = client_as(recorded, actor).get(record_url(recorded.plan), {"format": fmt})
    assert response.status_code == expected, response.content
    assert concurrence_world() == before
    if expected != 200:
        assert b"Staging area" not in response.content
