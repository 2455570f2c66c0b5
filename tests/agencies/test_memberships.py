"""Agency admins manage their members; roles take effect at once; an agency always keeps an admin."""

import importlib

from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from access.actors import SYSTEM
from agencies.models import Membership
from agencies.services import membership_add, membership_remove
from tests.conftest import client_for


def test_a_new_member_of_a_partner_agency_sees_its_shared_plans_at_once(county):
    newcomer = county.staff
    assert client_for(newcomer).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    membership_add(agency=county.police, user=newcomer, role="member", actor=SYSTEM)
    assert client_for(newcomer).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200
    me = client_for(newcomer).get("/api/v1/me/").json()
    assert me["memberships"] == [{"agency": county.police.pk, "agency_name": "Ridgeford Police", "role": "member"}]


def test_a_removed_member_loses_access_at_once(county):
    membership = Membership.objects.get(user=county.partner_view_member)
    membership_remove(membership=membership, actor=SYSTEM)
    assert client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    listed = client_for(county.partner_view_member).get("/api/v1/plans/").json()["results"]
    assert county.plan.pk not in [plan["id"] for plan in listed]


def test_the_last_admin_cannot_be_removed_or_demoted(county):
    admin = client_for(county.owner_admin)
    membership = Membership.objects.get(user=county.owner_admin, agency=county.district)
    url = f"/api/v1/agencies/{county.district.pk}/memberships/{membership.pk}/"
    demote = admin.patch(url, {"role": "member"}, format="json")
    assert demote.status_code == 409
    assert "at least one admin" in demote.json()["detail"]
    assert admin.delete(url).status_code == 409
    assert Membership.objects.get(pk=membership.pk).role == "admin"


def test_a_promoted_planner_can_publish(county):
    planner_membership = Membership.objects.get(user=county.owner_planner)
    client = client_for(county.owner_planner)
    url = f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/"
    assert client.post(url).status_code == 403
    client_for(county.owner_admin).patch(
        f"/api/v1/agencies/{county.district.pk}/memberships/{planner_membership.pk}/", {"role": "admin"}, format="json"
    )
    assert client_for(county.owner_planner).post(url).status_code == 200


def test_token_login_then_token_auth(county):
    county.owner_member.set_password("a-long-enough-password")
    county.owner_member.save()
    anonymous = client_for(None)
    token = anonymous.post(
        "/api/v1/auth/token/", {"username": "district_member", "password": "a-long-enough-password"}, format="json"
    )
    assert token.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert anonymous.get("/api/v1/me/").json()["username"] == "district_member"
    wrong = client_for(None).post(
        "/api/v1/auth/token/", {"username": "district_member", "password": "wrong"}, format="json"
    )
    assert wrong.status_code == 400


def test_password_guessing_is_throttled(county):
    client = client_for(None)
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": "district_member", "password": f"guess{i}"}, format="json"
        ).status_code
        for i in range(25)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429


def test_the_data_migration_takes_people_out_of_their_agency_groups_only(county):
    """agencies 0002: nothing reads user.groups for agencies any more; other groups are left alone."""
    migration = importlib.import_module("agencies.migrations.0002_people_leave_agency_groups")
    operators = Group.objects.create(name="operators")
    county.owner_admin.groups.add(county.district.group, operators)
    county.partner_view_member.groups.add(county.police.group)

    migration.leave_agency_groups(django_apps, None)

    assert list(county.owner_admin.groups.all()) == [operators]
    assert not county.partner_view_member.groups.exists()
    assert client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200

    migration.join_agency_groups(django_apps, None)  # the way back puts every member in their agency's group
    assert set(county.owner_admin.groups.all()) == {county.district.group, operators}
