"""Permission matrix for the platform, agency, membership and facility endpoints: every actor, exact status,
and nothing changed on refusal."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import ApiToken
from agencies.models import Agency, Facility, Membership, Role
from audit.models import AuditEvent
from tests.agencies.factories import UserFactory
from tests.conftest import client_for
from tests.permission_matrix import ACTORS, OWNERS, PARTNERS, client_as, covers, matrix, user_of

User = get_user_model()
STRONG_PASSWORD = "Tangerine-Lighthouse-42"


def world(county) -> dict:
    """Everything an agency endpoint could change, read fresh from the database."""
    return {
        "users": sorted(User.objects.values_list("id", "username", "email", "is_staff")),
        "agencies": sorted(Agency.objects.values_list("id", "name", "slug", "kind", "jurisdiction", "phone", "email")),
        "groups": sorted(Group.objects.values_list("id", "name")),
        "memberships": sorted(Membership.objects.values_list("id", "user_id", "agency_id", "role")),
        "user_groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "facilities": sorted(
            Facility.objects.values_list("id", "name", "kind", "owner_agency_id", "address", "latitude", "longitude")
        ),
        # Sign-in attempts are recorded whatever the outcome (issue 14); everything else must stay unchanged.
        "audit": AuditEvent.objects.exclude(action__startswith="auth.").count(),
        "tokens": ApiToken.objects.count(),
    }


def assert_refused_without_change(response, expected: int, before: dict, county) -> None:
    assert response.status_code == expected, response.content
    assert world(county) == before


# --- Platform ---------------------------------------------------------------------------------------------------


@covers("auth-token")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=400,  # credentials of nobody
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=200,
        partner_view_member=200,
        partner_comment_liaison=200,
        unrelated_admin=200,
        staff=200,
    ),
)
def test_token_is_issued_for_the_right_password(county, actor, expected):
    user = user_of(county, actor)
    if user is not None:
        user.set_password(STRONG_PASSWORD)
        user.save(update_fields=["password"])
    username = user.username if user is not None else "nobody"
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": username, "password": STRONG_PASSWORD}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        token = response.json()["token"]
        assert ApiToken.objects.get(pk=response.json()["id"]).user_id == user.pk
        me = client_for(None).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert me.status_code == 200
        assert me.json()["username"] == user.username
    else:
        assert ApiToken.objects.count() == 0


@covers("auth-token")
@pytest.mark.parametrize(("actor", "expected"), matrix(**dict.fromkeys(ACTORS, 400)))
def test_token_is_refused_for_a_wrong_password(county, actor, expected):
    user = user_of(county, actor)
    if user is not None:
        user.set_password(STRONG_PASSWORD)
        user.save(update_fields=["password"])
    username = user.username if user is not None else "nobody"
    before = world(county)
    response = client_for(None).post(
        "/api/v1/auth/token/", {"username": username, "password": "not-the-password"}, format="json"
    )
    assert_refused_without_change(response, expected, before, county)
    assert "token" not in response.json()
    failure = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert (failure.actor_username, failure.actor_id, failure.details["via"]) == (username, None, "api")
    assert "not-the-password" not in str(failure.details)


SIGNED_IN_200 = {actor: 200 for actor in ACTORS if actor != "anonymous"}


@covers("me")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_me_describes_the_signed_in_user_and_their_memberships(county, actor, expected):
    response = client_as(county, actor).get("/api/v1/me/")
    assert response.status_code == expected, response.content
    if expected == 200:
        user = user_of(county, actor)
        body = response.json()
        assert body["id"] == user.pk
        assert body["username"] == user.username
        assert [(m["agency"], m["role"]) for m in body["memberships"]] == list(
            Membership.objects.filter(user=user).order_by("agency__name").values_list("agency_id", "role")
        )


@covers("user-create")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=201,  # an admin of any agency may create accounts
        staff=201,
    ),
)
def test_only_staff_and_agency_admins_create_users(county, actor, expected):
    before = world(county)
    response = client_as(county, actor).post(
        "/api/v1/users/",
        {"username": "new_officer", "email": "new_officer@example.org", "password": STRONG_PASSWORD, "is_staff": True},
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        created = User.objects.get(username="new_officer")
        assert response.json()["id"] == created.pk
        assert created.check_password(STRONG_PASSWORD)
        assert not created.is_staff  # nobody grants platform rights through this endpoint
        assert not Membership.objects.filter(user=created).exists()
    else:
        assert_refused_without_change(response, expected, before, county)


# --- Agencies -----------------------------------------------------------------------------------------------------


@covers("agency-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_every_signed_in_user_sees_the_agency_directory(county, actor, expected):
    response = client_as(county, actor).get("/api/v1/agencies/")
    assert response.status_code == expected, response.content
    if expected == 200:
        slugs = {a["slug"] for a in response.json()["results"]}
        assert slugs == {"maple-valley", "ridgeford-pd", "ridgeford-fire", "far-county"}


@covers("agency-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=403,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=201,
    ),
)
def test_only_staff_create_agencies(county, actor, expected):
    before = world(county)
    response = client_as(county, actor).post(
        "/api/v1/agencies/",
        {"name": "Ridgeford EMS", "slug": "ridgeford-ems", "kind": "ems", "jurisdiction": "Ridgeford"},
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        agency = Agency.objects.get(slug="ridgeford-ems")
        assert response.json()["id"] == agency.pk
        assert agency.group.name == "agency:ridgeford-ems"
    else:
        assert_refused_without_change(response, expected, before, county)


@covers("agency-detail")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_every_signed_in_user_reads_an_agency_card(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/agencies/{county.district.pk}/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["slug"] == "maple-valley"


@covers("agency-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,  # the directory card is visible, so a refusal is 403
        staff=200,  # platform operators manage agency cards (agencies.permissions.can_manage_agency)
    ),
)
def test_only_the_agency_admin_changes_its_card(county, actor, expected):
    before = world(county)
    response = client_as(county, actor).patch(
        f"/api/v1/agencies/{county.district.pk}/", {"phone": "555-0100", "jurisdiction": "Maple Valley"}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        county.district.refresh_from_db()
        assert (county.district.phone, county.district.jurisdiction) == ("555-0100", "Maple Valley")
    else:
        assert_refused_without_change(response, expected, before, county)


# --- Memberships --------------------------------------------------------------------------------------------------


@covers("membership-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=200,
        owner_member=200,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=200,
    ),
)
def test_only_agency_members_and_staff_list_its_members(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/agencies/{county.district.pk}/memberships/")
    assert response.status_code == expected, response.content
    if expected == 200:
        usernames = {m["username"] for m in response.json()["results"]}
        assert usernames == {"district_admin", "district_planner", "district_liaison", "district_member"}
    else:
        assert "district_admin" not in response.content.decode()


@covers("membership-list")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=201,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=201,
    ),
)
def test_only_the_agency_admin_or_staff_add_members(county, actor, expected):
    newcomer = UserFactory(username="newcomer")
    before = world(county)
    response = client_as(county, actor).post(
        f"/api/v1/agencies/{county.district.pk}/memberships/",
        {"user": newcomer.pk, "role": Role.PLANNER},
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        membership = Membership.objects.get(user=newcomer, agency=county.district)
        assert membership.role == Role.PLANNER
        # The new planner sees the agency's plans at once, drafts included.
        assert client_for(newcomer).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200
        assert AuditEvent.objects.filter(action="membership.add", object_id=str(membership.pk)).exists()
    else:
        assert_refused_without_change(response, expected, before, county)


MANAGE_MEMBERSHIP = matrix(
    anonymous=401,
    owner_admin=200,
    owner_planner=403,
    owner_liaison=403,
    owner_member=403,  # not even their own membership
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=403,
    staff=200,  # platform operators manage members (agencies.permissions.can_manage_agency)
)


@covers("membership-detail")
@pytest.mark.parametrize(("actor", "expected"), MANAGE_MEMBERSHIP)
def test_only_the_agency_admin_changes_a_member_role(county, actor, expected):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    before = world(county)
    response = client_as(county, actor).patch(
        f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/", {"role": Role.LIAISON}, format="json"
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        membership.refresh_from_db()
        assert membership.role == Role.LIAISON
        assert AuditEvent.objects.filter(action="membership.change", object_id=str(membership.pk)).exists()
    else:
        assert_refused_without_change(response, expected, before, county)


@covers("membership-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=204,
        owner_planner=403,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=204,
    ),
)
def test_only_the_agency_admin_removes_a_member(county, actor, expected):
    membership = Membership.objects.get(user=county.owner_member, agency=county.district)
    before = world(county)
    response = client_as(county, actor).delete(f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/")
    if expected == 204:
        assert response.status_code == 204, response.content
        assert not Membership.objects.filter(pk=membership.pk).exists()
        # The removed member loses the agency's plans at once.
        assert client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    else:
        assert_refused_without_change(response, expected, before, county)


@pytest.mark.parametrize("actor", ["owner_planner", "partner_view_liaison", "unrelated_admin"])
def test_refused_membership_changes_do_not_reveal_which_membership_ids_exist(county, actor):
    """A non-admin gets the same answer for a real membership id as for one that does not exist."""
    real = Membership.objects.get(user=county.owner_member, agency=county.district).pk
    missing = Membership.objects.order_by("-pk").first().pk + 1000
    client = client_as(county, actor)
    before = world(county)
    for method in ("patch", "delete"):
        answers = [
            getattr(client, method)(
                f"/api/v1/agencies/{county.district.pk}/memberships/{mid}/", {"role": Role.ADMIN}, format="json"
            )
            for mid in (real, missing)
        ]
        assert [a.status_code for a in answers] == [403, 403], [a.content for a in answers]
        assert answers[0].json() == answers[1].json()
    assert world(county) == before


def test_agency_admin_cannot_reach_another_agency_membership_through_their_own_agency_url(county):
    police_membership = Membership.objects.get(user=county.partner_view_member, agency=county.police)
    before = world(county)
    client = client_for(county.owner_admin)
    url = f"/api/v1/agencies/{county.district.pk}/memberships/{police_membership.pk}/"
    assert client.patch(url, {"role": Role.ADMIN}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert world(county) == before


# --- Facilities ---------------------------------------------------------------------------------------------------


@covers("facility-list")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_every_signed_in_user_sees_the_building_directory(county, actor, expected):
    response = client_as(county, actor).get("/api/v1/facilities/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert [f["id"] for f in response.json()["results"]] == [county.school.pk]


FACILITY_EDITORS = matrix(
    anonymous=401,
    owner_admin=201,
    owner_planner=201,
    owner_liaison=403,
    owner_member=403,
    partner_view_liaison=403,
    partner_view_member=403,
    partner_comment_liaison=403,
    unrelated_admin=403,
    staff=201,  # platform operators may register buildings for any agency
)


@covers("facility-list")
@pytest.mark.parametrize(("actor", "expected"), FACILITY_EDITORS)
def test_only_admins_and_planners_of_the_owner_agency_add_its_buildings(county, actor, expected):
    before = world(county)
    response = client_as(county, actor).post(
        "/api/v1/facilities/",
        {"name": "Maple Valley Middle", "kind": "middle_school", "owner_agency": county.district.pk},
        format="json",
    )
    if expected == 201:
        assert response.status_code == 201, response.content
        facility = Facility.objects.get(name="Maple Valley Middle")
        assert facility.owner_agency_id == county.district.pk
    else:
        assert_refused_without_change(response, expected, before, county)


@covers("facility-detail")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_every_signed_in_user_reads_a_building(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/facilities/{county.school.pk}/")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["name"] == "Maple Valley High"


@covers("facility-detail")
@pytest.mark.parametrize(
    ("actor", "expected"),
    matrix(
        anonymous=401,
        owner_admin=200,
        owner_planner=200,
        owner_liaison=403,
        owner_member=403,
        partner_view_liaison=403,
        partner_view_member=403,
        partner_comment_liaison=403,
        unrelated_admin=403,
        staff=200,
    ),
)
def test_only_admins_and_planners_of_the_owner_agency_change_its_buildings(county, actor, expected):
    before = world(county)
    response = client_as(county, actor).patch(
        f"/api/v1/facilities/{county.school.pk}/",
        {"address": "1 Stadium Way", "owner_agency": county.unrelated.pk},
        format="json",
    )
    if expected == 200:
        assert response.status_code == 200, response.content
        county.school.refresh_from_db()
        assert county.school.address == "1 Stadium Way"
        assert county.school.owner_agency_id == county.district.pk  # the owner never changes here
    else:
        assert_refused_without_change(response, expected, before, county)


@covers("facility-plans")
@pytest.mark.parametrize(("actor", "expected"), matrix(anonymous=401, **SIGNED_IN_200))
def test_building_plans_list_only_plans_the_user_may_see(county, actor, expected):
    response = client_as(county, actor).get(f"/api/v1/facilities/{county.school.pk}/plans/")
    assert response.status_code == expected, response.content
    if expected == 200:
        ids = [p["id"] for p in response.json()["results"]]
        # The partner plan reaches its owner and the agencies it is shared with, nobody else.
        assert ids == ([county.plan.pk] if actor in OWNERS | PARTNERS else [])
        if ids:
            assert response.json()["results"][0]["current_version"] == county.published.number
