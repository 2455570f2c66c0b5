"""Issue 14, items 5 and 6: an agency's audit trail (page, CSV, API list and export) for its admins alone."""

import pytest

from audit.models import AuditEvent
from tests.conftest import web_client
from tests.permission_matrix import client_as, covers, matrix, user_of

# The district's own members who are not admins may know the agency: 403. Anyone outside it: 404 (staff read
# the whole trail in the Django admin instead).
WEB = matrix(
    anonymous=302,
    owner_admin=200,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)
API = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=404,
    partner_view_member=404,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)


def _exports() -> int:
    return AuditEvent.objects.filter(action="audit.export").count()


@covers("audit:agency-trail", "audit:agency-trail-csv")
@pytest.mark.parametrize(("actor", "expected"), WEB)
def test_only_the_agencys_admins_open_its_audit_page_and_csv(county, actor, expected):
    client = web_client(user_of(county, actor))
    for path in (f"/agencies/{county.district.pk}/audit/", f"/agencies/{county.district.pk}/audit/export.csv"):
        response = client.get(path)
        assert response.status_code == expected, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert (b"Plan shared" in body) == (expected == 200), path
    assert _exports() == (1 if expected == 200 else 0)


def test_the_audit_pages_only_read_a_post_exports_and_records_nothing(county):
    client = web_client(county.owner_admin)
    for path in (f"/agencies/{county.district.pk}/audit/", f"/agencies/{county.district.pk}/audit/export.csv"):
        assert client.post(path).status_code == 405, path
    assert _exports() == 0


@covers("audit-event-list", "audit-event-export")
@pytest.mark.parametrize(("actor", "expected"), API)
def test_only_the_agencys_admins_read_its_audit_events_in_the_api(county, actor, expected):
    client = client_as(county, actor)
    listed = client.get(f"/api/v1/agencies/{county.district.pk}/audit-events/")
    assert listed.status_code == expected, listed.content
    if expected == 200:
        assert "plan.share" in {row["action"] for row in listed.json()["results"]}
    exported = client.get(f"/api/v1/agencies/{county.district.pk}/audit-events/export/")
    assert exported.status_code == expected
    if expected == 200:
        assert b"plan.share" in b"".join(exported.streaming_content)
    assert _exports() == (1 if expected == 200 else 0)


def test_another_agencys_admin_gets_404_for_an_agency_that_does_not_exist_too(county):
    client = client_as(county, "unrelated_admin")
    assert client.get("/api/v1/agencies/999999/audit-events/").status_code == 404
    assert client.get(f"/api/v1/agencies/{county.unrelated.pk}/audit-events/").status_code == 200
