"""Tenant isolation for building documents: every route x every actor, the exact status, nothing changed on
refusal. The county's school has the district's `partner` site map; the district's plan for it is shared with
the police (`view`) and fire (`comment`), so they see the site map; the unrelated sheriff and staff do not."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from buildings.models import BuildingDocument, BuildingDocumentVersion
from notifications.models import OutboxEvent
from tests.buildings.helpers import add_document, downloaded, files_url, png, png_bytes
from tests.conftest import web_client
from tests.permission_matrix import client_as, covers, matrix, user_of

DOCUMENT_READ = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=200,
    owner_liaison=200,
    owner_member=200,
    partner_view_liaison=200,
    partner_view_member=200,
    partner_comment_liaison=200,
    unrelated_admin=404,
    staff=404,
)
# The building is a directory every signed-in person opens; adding is for editors of an agency that sees it.
DOCUMENT_ADD = matrix(
    anonymous=401,
    owner_admin=201,
    owner_planner=201,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=403,
    staff=403,
)
DOCUMENT_REPLACE = matrix(
    anonymous=401,
    owner_admin=201,
    owner_planner=201,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=404,
    staff=404,
)


def world() -> dict:
    return {
        "documents": sorted(BuildingDocument.objects.values_list("pk", "title", "current_version_id")),
        "versions": BuildingDocumentVersion.objects.count(),
        "outbox": OutboxEvent.objects.count(),
        "audit": AuditEvent.objects.filter(action__startswith="building_document").count(),
    }


@pytest.fixture
def site_map(county) -> BuildingDocument:
    return add_document(county)


def web_status(expected: int) -> int:
    """The web page's answer where the API's is `expected`: a sign-in redirect for nobody, 200 for a form."""
    return {401: 302, 201: 200}.get(expected, expected)


@covers("facility-document-list")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_READ)
def test_the_list_shows_a_partner_site_map_to_the_agencies_that_see_the_buildings_plans(
    county, site_map, actor, expected
):
    response = client_as(county, actor).get(files_url(county.school.pk))
    if expected == 401:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == (["Site map"] if expected == 200 else [])


@covers("facility-document-detail", "facility-document-download")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_READ)
def test_a_partner_site_map_is_readable_by_owner_and_partners_and_404_for_everyone_else(
    county, site_map, actor, expected
):
    client = client_as(county, actor)
    detail = client.get(files_url(county.school.pk, f"{site_map.pk}/"))
    assert detail.status_code == expected, detail.content
    download = client.get(files_url(county.school.pk, f"{site_map.pk}/versions/1/download/"))
    assert download.status_code == expected
    if expected == 200:
        assert detail.json()["versions"][0]["number"] == 1
        assert downloaded(download) == png_bytes()


@covers("buildings:document-file")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_READ)
def test_the_file_page_serves_the_image_only_to_those_who_may_see_it(county, site_map, actor, expected):
    url = reverse(
        "buildings:document-file", kwargs={"facility_id": county.school.pk, "document_id": site_map.pk, "number": 1}
    )
    response = web_client(user_of(county, actor)).get(url)
    assert response.status_code == web_status(expected)
    if expected == 200:
        assert downloaded(response) == png_bytes()


@covers("facility-document-list")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_ADD)
def test_only_the_owners_admins_and_planners_add_a_document_to_the_building(county, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        files_url(county.school.pk),
        {"kind": "floor_plan", "title": "Floor plan", "classification": "partner", "file": png("floor.png")},
        format="multipart",
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["current_version"]["number"] == 1
    else:
        assert world() == before


@covers("facility-document-versions")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_REPLACE)
def test_only_the_owners_admins_and_planners_replace_its_document(county, site_map, actor, expected):
    before = world()
    response = client_as(county, actor).post(
        files_url(county.school.pk, f"{site_map.pk}/versions/"),
        {"file": png("site-map-2.png", "black"), "change_note": "Gate C moved"},
        format="multipart",
    )
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["number"] == 2
    else:
        assert world() == before


@covers("buildings:document-add")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_ADD)
def test_the_add_page_is_for_the_owners_editors(county, actor, expected):
    before = world()
    client = web_client(user_of(county, actor))
    url = reverse("buildings:document-add", kwargs={"facility_id": county.school.pk})
    assert client.get(url).status_code == web_status(expected)
    response = client.post(
        url, {"kind": "site_map", "title": "North campus", "classification": "partner", "file": png()}
    )
    if expected == 201:
        assert response.status_code == 302
        assert BuildingDocument.objects.filter(title="North campus").exists()
    else:
        assert response.status_code == web_status(expected)
        assert world() == before


@covers("buildings:document-replace")
@pytest.mark.parametrize(("actor", "expected"), DOCUMENT_REPLACE)
def test_the_replace_page_is_for_the_owners_editors(county, site_map, actor, expected):
    before = world()
    client = web_client(user_of(county, actor))
    url = reverse("buildings:document-replace", kwargs={"facility_id": county.school.pk, "document_id": site_map.pk})
    assert client.get(url).status_code == web_status(expected)
    response = client.post(url, {"change_note": "Gate C moved", "file": png("v2.png", "black")})
    if expected == 201:
        assert response.status_code == 302
        site_map.refresh_from_db()
        assert site_map.current_version.number == 2
    else:
        assert response.status_code == web_status(expected)
        assert world() == before
