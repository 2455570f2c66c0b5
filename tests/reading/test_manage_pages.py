"""Issue 15, item 1: the pages where a police liaison sets what the department's people must read."""

import re

import pytest

from access.actors import SYSTEM
from agencies.models import Role
from reading import services
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement
from reading.selectors_manage import PEOPLE_MATCHES_SHOWN
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish


def _page(county) -> str:
    return f"/agencies/{county.police.pk}/reading/"


@pytest.fixture
def liaison(county):
    return web_client(county.partner_view_liaison)


@pytest.fixture
def own_plan(county):
    chief = member(county.police, Role.ADMIN, username="chief")
    plan = make_plan(owner=county.police, actor=chief, title="Active threat response")
    publish(plan, chief, "Go in.")
    return plan


def test_the_plan_picker_offers_our_plans_and_those_shared_with_us_only(county, liaison, own_plan):
    hidden = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County tactics")
    publish(hidden, county.unrelated_admin, "Not for Ridgeford.")
    html = liaison.get(_page(county)).content.decode()
    assert '<optgroup label="Our plans">' in html
    assert "Active threat response" in html
    assert "Maple Valley High crisis plan (Maple Valley School District)" in html
    assert "Far County tactics" not in html


def test_requiring_a_plan_of_everyone_lists_it_with_how_many_people_it_covers(county, liaison, own_plan):
    response = liaison.post(
        f"{_page(county)}requirements/", {"plan": own_plan.pk, "audience": "everyone", "due_days": 10}
    )
    assert response.status_code == 302
    html = liaison.get(response["Location"]).content.decode()
    assert "Active threat response is now required reading." in html
    row = html[html.index('id="requirement-') :]
    row = row[: row.index("</tr>")]
    assert "Everyone" in row
    assert '<td data-label="Days to acknowledge">10</td>' in row
    assert '<td data-label="People">3</td>' in row  # the liaison, the officer and the chief
    assert ReadingObligation.objects.filter(agency=county.police, plan=own_plan).count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "everyone", "due_days": 0}, "Ensure this value is greater than or equal to 1."),
        ({"audience": "everyone", "due_days": 400}, "Ensure this value is less than or equal to 365."),
        ({"audience": "role", "due_days": 14}, "Choose the role whose people must read the plan."),
        ({"audience": "group", "due_days": 14}, "Choose the group whose people must read the plan."),
        ({"audience": "nobody", "due_days": 14}, "Select a valid choice."),
    ],
)
def test_bad_requirements_come_back_with_the_message_beside_the_field(county, liaison, data, message):
    response = liaison.post(f"{_page(county)}requirements/", {"plan": county.plan.pk, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReadingRequirement.objects.exists()


def test_the_same_requirement_twice_says_so(county, liaison):
    data = {"plan": county.plan.pk, "audience": "role", "role": Role.MEMBER, "due_days": 14}
    assert liaison.post(f"{_page(county)}requirements/", data).status_code == 302
    response = liaison.post(f"{_page(county)}requirements/", data)
    assert response.status_code == 400
    assert "This plan is already required of these people" in response.content.decode()
    assert ReadingRequirement.objects.count() == 1


def test_editing_a_requirement_changes_who_and_how_soon(county, liaison):
    requirement = services.reading_requirement_create(agency=county.police, plan=county.plan, actor=SYSTEM)
    prefix = f"r{requirement.pk}"
    response = liaison.post(
        f"{_page(county)}requirements/{requirement.pk}/",
        {
            f"{prefix}-plan": county.plan.pk,
            f"{prefix}-audience": "role",
            f"{prefix}-role": "member",
            f"{prefix}-due_days": 3,
        },
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.audience, requirement.role, requirement.due_days) == ("role", "member", 3)
    assert set(ReadingObligation.objects.values_list("user__username", flat=True)) == {"police_officer"}


def test_a_group_lists_its_people_by_name_with_supervisors_and_adds_only_the_agencys_people(county, liaison):
    response = liaison.post(f"{_page(county)}groups/", {"name": "School Resource Officers"})
    group = ReadingGroup.objects.get()
    assert response["Location"] == f"{_page(county)}groups/{group.pk}/"
    officer = county.partner_view_member
    officer.first_name, officer.last_name = "Dana", "Reyes"
    officer.save()
    add = f"{_page(county)}groups/{group.pk}/members/"
    assert liaison.post(add, {"username": "Police_Officer", "is_supervisor": "on"}).status_code == 302
    outsider = liaison.post(add, {"username": "district_admin"})
    assert outsider.status_code == 400
    assert "No active member of Ridgeford Police is called &#x27;district_admin&#x27;" in outsider.content.decode()
    again = liaison.post(add, {"username": "police_officer"})
    assert again.status_code == 400
    assert "already in School Resource Officers" in again.content.decode()
    html = liaison.get(f"{_page(county)}groups/{group.pk}/").content.decode()
    assert "Dana Reyes" in html
    assert '<span class="tag tag--ok">Supervisor</span>' in html
    assert list(ReadingGroupMember.objects.values_list("user_id", "is_supervisor")) == [(officer.pk, True)]
    assert "district_admin" not in html
    # Nobody is listed until one types: a department has thousands.
    assert '<datalist id="reading-people-options"></datalist>' in html


def test_the_add_a_person_field_suggests_a_few_of_the_agencys_people_not_yet_in_the_group(county, liaison):
    group = services.reading_group_create(agency=county.police, name="Patrol", actor=SYSTEM)
    for number in range(PEOPLE_MATCHES_SHOWN + 5):
        member(county.police, Role.MEMBER, username=f"patrol{number:02d}")
    officer = county.partner_view_member
    officer.first_name, officer.last_name = "Dana", "Reyes"
    officer.save()
    services.reading_group_member_add(group=group, user=county.partner_view_liaison, actor=SYSTEM)
    people = f"{_page(county)}groups/{group.pk}/people/"
    page = liaison.get(f"{_page(county)}groups/{group.pk}/").content.decode()
    assert f'hx-get="{people}"' in page
    assert 'list="reading-people-options"' in page

    def suggested(text: str) -> list[str]:
        html = liaison.get(people, {"username": text}, headers={"HX-Request": "true"}).content.decode()
        assert html.startswith('<datalist id="reading-people-options">')
        return re.findall(r'<option value="([^"]+)">', html)

    assert suggested("dana rey") == ["police_officer"]
    assert suggested("patrol") == [f"patrol{n:02d}" for n in range(PEOPLE_MATCHES_SHOWN)]
    assert suggested("police") == ["police_officer"]  # the liaison is in the group already
    assert suggested("district") == []  # another agency's people
    assert suggested("p") == []  # too short to search


def test_the_agency_page_links_to_required_reading_for_its_admins_and_liaisons_only(county):
    page = f"/agencies/{county.police.pk}/"
    assert _page(county) in web_client(county.partner_view_liaison).get(page).content.decode()
    assert _page(county) not in web_client(county.partner_view_member).get(page).content.decode()


def test_another_agencys_group_or_requirement_is_404_under_this_agencys_address(county):
    theirs = services.reading_group_create(agency=county.fire, name="Engine 1", actor=SYSTEM)
    requirement = services.reading_requirement_create(agency=county.fire, plan=county.plan, actor=SYSTEM)
    client = web_client(county.partner_view_liaison)
    assert client.get(f"{_page(county)}groups/{theirs.pk}/").status_code == 404
    assert client.post(f"{_page(county)}groups/{theirs.pk}/remove/").status_code == 404
    assert client.post(f"{_page(county)}requirements/{requirement.pk}/remove/").status_code == 404
    assert ReadingGroup.objects.filter(pk=theirs.pk).exists()
    assert ReadingRequirement.objects.filter(pk=requirement.pk).exists()


def _groups_with_requirements(county, n: int) -> None:
    for i in range(n):
        group = ReadingGroup.objects.create(agency=county.police, name=f"Squad {i:02d}")
        ReadingGroupMember.objects.create(group=group, user=county.partner_view_member)
        ReadingRequirement.objects.create(agency=county.police, plan=county.plan, audience=Audience.GROUP, group=group)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_reading_page_takes_the_same_queries_for_5_and_50_requirements(county, django_assert_max_num_queries, rows):
    _groups_with_requirements(county, rows)
    client = web_client(county.partner_view_liaison)
    client.get(_page(county))  # warm the session
    with django_assert_max_num_queries(16):
        response = client.get(_page(county))
    assert response.content.decode().count('id="requirement-') == rows


@pytest.mark.parametrize("people", [5, 50])
def test_a_group_page_takes_the_same_queries_for_5_and_50_people(county, django_assert_max_num_queries, people):
    group = ReadingGroup.objects.create(agency=county.police, name="Patrol")
    users = [member(county.police, Role.MEMBER, username=f"patrol{i:02d}") for i in range(people)]
    ReadingGroupMember.objects.bulk_create([ReadingGroupMember(group=group, user=user) for user in users])
    client = web_client(county.partner_view_liaison)
    url = f"{_page(county)}groups/{group.pk}/"
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count("Make supervisor") == people
