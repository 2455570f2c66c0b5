"""Issue 15, items 1 and 6: reading groups, their members and requirements in the API; bad input is a 400 by field."""

import pytest

from access.actors import SYSTEM
from agencies.models import Role
from reading import services
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish


def _base(agency) -> str:
    return f"/api/v1/agencies/{agency.pk}/"


@pytest.fixture
def api_liaison(county):
    return client_for(county.partner_view_liaison)


def test_a_liaison_creates_a_group_fills_it_and_requires_a_plan_of_it(county, api_liaison):
    base = _base(county.police)
    group = api_liaison.post(f"{base}reading-groups/", {"name": "School Resource Officers"}, format="json")
    assert group.status_code == 201
    assert group.json()["member_count"] == 0
    group_id = group.json()["id"]
    county.partner_view_member.first_name, county.partner_view_member.last_name = "Dana", "Reyes"
    county.partner_view_member.save()
    added = api_liaison.post(
        f"{base}reading-groups/{group_id}/members/",
        {"user": county.partner_view_member.pk, "is_supervisor": True},
        format="json",
    )
    assert added.status_code == 201
    assert added.json() == {**added.json(), "username": "police_officer", "name": "Dana Reyes", "is_supervisor": True}
    required = api_liaison.post(
        f"{base}reading-requirements/",
        {"plan": county.plan.pk, "audience": "group", "group": group_id, "due_days": 7},
        format="json",
    )
    assert required.status_code == 201, required.content
    body = required.json()
    assert (body["plan_title"], body["group_name"], body["due_days"], body["people"]) == (
        "Maple Valley High crisis plan",
        "School Resource Officers",
        7,
        1,
    )
    assert set(ReadingObligation.objects.values_list("user__username", flat=True)) == {"police_officer"}
    changed = api_liaison.patch(f"{base}reading-requirements/{body['id']}/", {"audience": "everyone"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["group"], changed.json()["people"]) == (None, 2)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"audience": "everyone", "due_days": 0}, "due_days"),
        ({"audience": "everyone", "due_days": 366}, "due_days"),
        ({"audience": "role"}, "role"),
        ({"audience": "role", "role": "captain"}, "role"),
        ({"audience": "group"}, "group"),
        ({"audience": "group", "group": 999999}, "group"),
        ({"audience": "whoever"}, "audience"),
        ({"plan": 999999}, "plan"),
        ({"plan": "first"}, "plan"),
    ],
)
def test_bad_requirements_are_400_with_the_field_named(county, api_liaison, data, field):
    response = api_liaison.post(
        f"{_base(county.police)}reading-requirements/", {"plan": county.plan.pk, **data}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ReadingRequirement.objects.exists()


def test_a_plan_the_agency_may_not_read_or_another_agencys_group_is_refused(county, api_liaison):
    hidden = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County tactics")
    publish(hidden, county.unrelated_admin, "Not for Ridgeford.")
    theirs = services.reading_group_create(agency=county.fire, name="Engine 1", actor=SYSTEM)
    url = f"{_base(county.police)}reading-requirements/"
    assert api_liaison.post(url, {"plan": hidden.pk}, format="json").json() == {
        "plan": ["No such plan among those your agency may read."]
    }
    refused = api_liaison.post(url, {"plan": county.plan.pk, "audience": "group", "group": theirs.pk}, format="json")
    assert refused.json() == {"group": ["No such group in this agency."]}
    assert not ReadingRequirement.objects.exists()


def test_duplicates_are_409_with_a_message(county, api_liaison):
    base = _base(county.police)
    assert api_liaison.post(f"{base}reading-requirements/", {"plan": county.plan.pk}, format="json").status_code == 201
    again = api_liaison.post(f"{base}reading-requirements/", {"plan": county.plan.pk}, format="json")
    assert again.status_code == 409
    assert "already required" in again.json()["detail"]
    assert api_liaison.post(f"{base}reading-groups/", {"name": "Patrol"}, format="json").status_code == 201
    assert api_liaison.post(f"{base}reading-groups/", {"name": "patrol"}, format="json").status_code == 409


def test_only_the_agencys_active_people_join_its_groups(county, api_liaison):
    group = services.reading_group_create(agency=county.police, name="Patrol", actor=SYSTEM)
    url = f"{_base(county.police)}reading-groups/{group.pk}/members/"
    for user_id in (county.owner_admin.pk, 999999):
        response = api_liaison.post(url, {"user": user_id}, format="json")
        assert response.status_code == 400
        assert response.json() == {"user": ["Only active members of this agency can be put in its groups."]}
    assert not ReadingGroupMember.objects.exists()


def test_the_plans_owner_neither_sees_nor_sets_a_partners_requirements(county):
    group = services.reading_group_create(agency=county.police, name="Patrol", actor=SYSTEM)
    requirement = services.reading_requirement_create(agency=county.police, plan=county.plan, actor=SYSTEM)
    owner = client_for(county.owner_admin)
    police = _base(county.police)
    assert owner.get(f"{police}reading-requirements/").status_code == 404
    assert (
        owner.patch(f"{police}reading-requirements/{requirement.pk}/", {"due_days": 1}, format="json").status_code
        == 404
    )
    assert owner.get(f"{police}reading-groups/{group.pk}/members/").status_code == 404
    # Nor through its own agency's address: another agency's objects are not found there.
    district = _base(county.district)
    assert owner.get(f"{district}reading-requirements/{requirement.pk}/").status_code == 404
    assert owner.delete(f"{district}reading-groups/{group.pk}/").status_code == 404
    assert owner.get(f"{district}reading-requirements/").json()["results"] == []
    requirement.refresh_from_db()
    assert requirement.due_days == 14
    assert ReadingGroup.objects.filter(pk=group.pk).exists()


def _many(county, n: int) -> ReadingGroup:
    people = [member(county.police, Role.MEMBER, username=f"patrol{i:02d}") for i in range(n)]
    groups = ReadingGroup.objects.bulk_create(
        [ReadingGroup(agency=county.police, name=f"Squad {i:02d}") for i in range(n)]
    )
    ReadingGroupMember.objects.bulk_create([ReadingGroupMember(group=groups[0], user=user) for user in people])
    ReadingRequirement.objects.bulk_create(
        [ReadingRequirement(agency=county.police, plan=county.plan, audience=Audience.GROUP, group=g) for g in groups]
    )
    return groups[0]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_lists_take_the_same_queries_for_5_and_50_rows(county, django_assert_max_num_queries, rows):
    group = _many(county, rows)
    client = client_for(county.partner_view_liaison)
    base = _base(county.police)
    for path in (
        f"{base}reading-groups/",
        f"{base}reading-groups/{group.pk}/members/",
        f"{base}reading-requirements/",
    ):
        with django_assert_max_num_queries(9):
            response = client.get(path, {"page_size": 100})
        assert response.status_code == 200
        assert response.json()["count"] == rows, path
