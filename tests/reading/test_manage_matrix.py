"""Issue 15, items 1 and 6: every actor against every page and endpoint that sets an agency's required reading.

The agency under test is the police department, a partner the district's plan is shared with: its liaison sets
its reading; its other members get 403; everyone outside it — the plan's owner included — gets 404, and nothing
changes for anyone refused.
"""

import pytest

from access.actors import SYSTEM
from audit.models import AuditEvent
from reading import services
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement
from tests.conftest import web_client
from tests.permission_matrix import client_as, covers, matrix, user_of

WEB = matrix(
    anonymous=302,
    owner_admin=404,
    owner_planner=404,
    owner_liaison=404,
    owner_member=404,
    partner_view_liaison=200,
    partner_view_member=403,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)
API = matrix(
    anonymous=401,
    owner_admin=404,
    owner_planner=404,
    owner_liaison=404,
    owner_member=404,
    partner_view_liaison=200,
    partner_view_member=403,
    partner_comment_liaison=404,
    unrelated_admin=404,
    staff=404,
)


@pytest.fixture
def scene(county):
    group = services.reading_group_create(agency=county.police, name="School Resource Officers", actor=SYSTEM)
    services.reading_group_member_add(group=group, user=county.partner_view_member, actor=SYSTEM)
    requirement = services.reading_requirement_create(
        agency=county.police, plan=county.plan, audience=Audience.GROUP, group=group, actor=SYSTEM
    )
    return group, requirement


def _state():
    return (
        list(ReadingGroup.objects.values_list("pk", "name")),
        list(ReadingGroupMember.objects.values_list("pk", "is_supervisor")),
        list(ReadingRequirement.objects.values_list("pk", "plan_id", "audience", "due_days")),
        ReadingObligation.objects.count(),
        AuditEvent.objects.filter(action__startswith="reading.").count(),
    )


@covers("reading-manage", "reading-group", "reading-group-people")
@pytest.mark.parametrize(("actor", "expected"), WEB)
def test_only_the_agencys_admins_and_liaisons_open_its_reading_pages(county, scene, actor, expected):
    group, _ = scene
    client = web_client(user_of(county, actor))
    people = client.get(f"/agencies/{county.police.pk}/reading/groups/{group.pk}/people/", {"username": "police"})
    assert people.status_code == expected
    assert ("police_liaison" in people.content.decode()) == (expected == 200)
    for path in (f"/agencies/{county.police.pk}/reading/", f"/agencies/{county.police.pk}/reading/groups/{group.pk}/"):
        response = client.get(path)
        assert response.status_code == expected, path
        assert ("School Resource Officers" in response.content.decode()) == (expected == 200), path
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")


@covers(
    "reading-requirement-add",
    "reading-requirement-edit",
    "reading-requirement-remove",
    "reading-group-add",
    "reading-group-remove",
    "reading-group-member-add",
    "reading-group-member-remove",
    "reading-group-member-supervisor",
)
@pytest.mark.parametrize(("actor", "expected"), WEB)
def test_only_the_agencys_admins_and_liaisons_change_its_reading_on_the_web(county, scene, actor, expected):
    group, requirement = scene
    client = web_client(user_of(county, actor))
    base = f"/agencies/{county.police.pk}/reading/"
    member = f"{base}groups/{group.pk}/members/{county.partner_view_member.pk}/"
    posts = [
        (
            f"{base}requirements/{requirement.pk}/",
            {
                f"r{requirement.pk}-plan": county.plan.pk,
                f"r{requirement.pk}-audience": "everyone",
                f"r{requirement.pk}-due_days": 5,
            },
        ),
        (f"{base}groups/", {"name": "Patrol"}),
        (f"{base}groups/{group.pk}/members/", {"username": "police_liaison"}),
        (f"{member}supervisor/", {"is_supervisor": "on"}),
        (f"{member}remove/", {}),
        (f"{base}requirements/{requirement.pk}/remove/", {}),
        (f"{base}requirements/", {"plan": county.plan.pk, "audience": "everyone", "due_days": 14}),
        (f"{base}groups/{group.pk}/remove/", {}),
    ]
    before = _state()
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code == (302 if expected == 200 else expected), (path, response.content[:300])
    if expected == 200:
        assert AuditEvent.objects.filter(action__startswith="reading.").count() == before[-1] + len(posts)
        assert list(ReadingGroup.objects.values_list("name", flat=True)) == ["Patrol"]
        assert ReadingRequirement.objects.get().audience == Audience.EVERYONE
    else:
        assert _state() == before


@covers("reading-group-list", "reading-group-detail", "reading-group-member-list", "reading-group-member-detail")
@pytest.mark.parametrize(("actor", "expected"), API)
def test_only_the_agencys_admins_and_liaisons_use_its_reading_groups_api(county, scene, actor, expected):
    group, _ = scene
    client = client_as(county, actor)
    groups = f"/api/v1/agencies/{county.police.pk}/reading-groups/"
    members = f"{groups}{group.pk}/members/"
    person = f"{members}{county.partner_view_member.pk}/"
    before = _state()
    for path in (groups, f"{groups}{group.pk}/", members, person):
        response = client.get(path)
        assert response.status_code == expected, path
    ok = expected == 200
    writes = [
        ("post", groups, {"name": "Patrol"}, 201),
        ("patch", f"{groups}{group.pk}/", {"description": "Every school's SRO"}, 200),
        ("post", members, {"user": county.partner_view_liaison.pk}, 201),
        ("patch", person, {"is_supervisor": True}, 200),
        ("delete", person, None, 204),
        ("delete", f"{groups}{group.pk}/", None, 204),
    ]
    for method, path, data, success in writes:
        response = getattr(client, method)(path, data, format="json")
        assert response.status_code == (success if ok else expected), (method, path, response.content)
    if ok:
        assert list(ReadingGroup.objects.values_list("name", flat=True)) == ["Patrol"]
    else:
        assert _state() == before


@covers("reading-requirement-list", "reading-requirement-detail")
@pytest.mark.parametrize(("actor", "expected"), API)
def test_only_the_agencys_admins_and_liaisons_use_its_reading_requirements_api(county, scene, actor, expected):
    _, requirement = scene
    client = client_as(county, actor)
    listed = f"/api/v1/agencies/{county.police.pk}/reading-requirements/"
    one = f"{listed}{requirement.pk}/"
    before = _state()
    assert client.get(listed).status_code == expected
    assert client.get(one).status_code == expected
    ok = expected == 200
    writes = [
        ("patch", one, {"due_days": 3}, 200),
        ("post", listed, {"plan": county.plan.pk, "audience": "role", "role": "member"}, 201),
        ("delete", one, None, 204),
    ]
    for method, path, data, success in writes:
        response = getattr(client, method)(path, data, format="json")
        assert response.status_code == (success if ok else expected), (method, path, response.content)
    if ok:
        assert list(ReadingRequirement.objects.values_list("audience", "role")) == [("role", "member")]
    else:
        assert _state() == before
