"""Issue 15, item 1: an agency's admins and liaisons set its groups and requirements; the obligations follow."""

import pytest

from access.actors import SYSTEM
from agencies.models import Role
from audit.models import AuditEvent
from plans.models import Classification
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from reading import services
from reading.models import Audience, ReadingGroup, ReadingGroupMember, ReadingObligation, ReadingRequirement
from tests.agencies.factories import UserFactory, member
from tests.plans.factories import make_plan, publish


def _owing(agency, plan=None):
    rows = ReadingObligation.objects.filter(agency=agency)
    if plan is not None:
        rows = rows.filter(plan=plan)
    return set(rows.values_list("user__username", flat=True))


def _plan_of(agency, title, **fields):
    admin = member(agency, Role.ADMIN, username=f"{agency.slug}_chief")
    plan = make_plan(owner=agency, actor=admin, title=title, **fields)
    publish(plan, admin, "Read me.")
    return plan


def _state():
    return (
        ReadingGroup.objects.count(),
        ReadingGroupMember.objects.count(),
        ReadingRequirement.objects.count(),
        ReadingObligation.objects.count(),
        AuditEvent.objects.filter(action__startswith="reading.").count(),
    )


@pytest.fixture
def sros(county):
    group = services.reading_group_create(agency=county.police, name="School Resource Officers", actor=SYSTEM)
    services.reading_group_member_add(group=group, user=county.partner_view_member, actor=SYSTEM)
    return group


def test_a_liaison_requires_a_shared_plan_of_a_group_and_its_people_owe_it(county, sros):
    requirement = services.reading_requirement_create(
        agency=county.police,
        plan=county.plan,
        audience=Audience.GROUP,
        group=sros,
        due_days=7,
        actor=county.partner_view_liaison,
        ip_address="203.0.113.5",
    )
    assert _owing(county.police, county.plan) == {"police_officer"}
    event = AuditEvent.objects.get(action="reading.requirement_create")
    assert (event.actor, event.agency_id, event.plan_id) == (
        county.partner_view_liaison,
        county.police.pk,
        county.plan.pk,
    )
    assert event.details["group"] == "School Resource Officers"
    assert requirement.created_by == county.partner_view_liaison


def test_joining_and_leaving_a_group_starts_and_ends_what_it_requires(county, sros):
    services.reading_requirement_create(
        agency=county.police, plan=county.plan, audience=Audience.GROUP, group=sros, actor=county.partner_view_liaison
    )
    services.reading_group_member_add(group=sros, user=county.partner_view_liaison, actor=county.partner_view_liaison)
    assert _owing(county.police) == {"police_officer", "police_liaison"}
    services.reading_group_member_remove(group=sros, user=county.partner_view_member, actor=county.partner_view_liaison)
    assert _owing(county.police) == {"police_liaison"}
    services.reading_group_delete(group=sros, actor=county.partner_view_liaison)
    assert _owing(county.police) == set()
    assert not ReadingRequirement.objects.filter(agency=county.police).exists()
    assert set(AuditEvent.objects.filter(action__startswith="reading.group").values_list("action", flat=True)) >= {
        "reading.group_member_add",
        "reading.group_member_remove",
        "reading.group_delete",
    }


def test_changing_the_plan_of_a_requirement_moves_the_obligation_to_the_new_plan(county):
    other = _plan_of(county.police, "Active threat response")
    requirement = services.reading_requirement_create(
        agency=county.police, plan=county.plan, actor=county.partner_view_liaison
    )
    assert _owing(county.police, county.plan) == {"police_officer", "police_liaison", "ridgeford-pd_chief"}
    services.reading_requirement_update(
        requirement=requirement, plan=other, audience=Audience.ROLE, role=Role.MEMBER, actor=county.partner_view_liaison
    )
    assert _owing(county.police, county.plan) == set()
    assert _owing(county.police, other) == {"police_officer"}
    services.reading_requirement_delete(requirement=requirement, actor=county.partner_view_liaison)
    assert _owing(county.police) == set()


def test_only_an_active_member_of_the_agency_can_join_its_group(county, sros):
    before = _state()
    for outsider in (county.owner_admin, UserFactory(username="nobody")):
        with pytest.raises(InvalidInputError) as refused:
            services.reading_group_member_add(group=sros, user=outsider, actor=county.partner_view_liaison)
        assert refused.value.field == "user"
    gone = member(county.police, Role.MEMBER, username="retired")
    gone.is_active = False
    gone.save()
    with pytest.raises(InvalidInputError):
        services.reading_group_member_add(group=sros, user=gone, actor=county.partner_view_liaison)
    with pytest.raises(ConflictError, match="already in"):
        services.reading_group_member_add(
            group=sros, user=county.partner_view_member, actor=county.partner_view_liaison
        )
    assert _state() == before


@pytest.mark.parametrize("actor", ["partner_view_member", "owner_admin", "unrelated_admin", "staff"])
def test_nobody_but_the_agencys_admins_and_liaisons_sets_its_reading(county, sros, actor):
    person = getattr(county, actor)
    before = _state()
    requirement = services.reading_requirement_create(agency=county.police, plan=county.plan, actor=SYSTEM)
    before = _state()
    calls = [
        lambda: services.reading_group_create(agency=county.police, name="Patrol", actor=person),
        lambda: services.reading_group_update(group=sros, name="SROs", actor=person),
        lambda: services.reading_group_delete(group=sros, actor=person),
        lambda: services.reading_group_member_add(group=sros, user=county.partner_view_liaison, actor=person),
        lambda: services.reading_group_member_remove(group=sros, user=county.partner_view_member, actor=person),
        lambda: services.reading_group_member_set_supervisor(
            group=sros, user=county.partner_view_member, is_supervisor=True, actor=person
        ),
        lambda: services.reading_requirement_create(
            agency=county.police, plan=county.plan, audience=Audience.GROUP, group=sros, actor=person
        ),
        lambda: services.reading_requirement_update(requirement=requirement, due_days=3, actor=person),
        lambda: services.reading_requirement_delete(requirement=requirement, actor=person),
    ]
    for call in calls:
        with pytest.raises(NotAllowedError):
            call()
    assert _state() == before
    assert ReadingGroup.objects.get(pk=sros.pk).name == "School Resource Officers"


def test_a_requirement_names_a_plan_the_agency_may_read_and_its_own_group(county, sros):
    liaison = county.partner_view_liaison
    secret = _plan_of(county.unrelated, "Far County tactics")
    theirs = services.reading_group_create(agency=county.fire, name="Engine 1", actor=SYSTEM)
    before = _state()
    cases = [
        ({"plan": secret}, "plan"),
        ({"plan": county.plan, "audience": Audience.GROUP, "group": theirs}, "group"),
        ({"plan": county.plan, "audience": Audience.GROUP}, "group"),
        ({"plan": county.plan, "audience": Audience.ROLE, "role": "captain"}, "role"),
        ({"plan": county.plan, "audience": "someone"}, "audience"),
        ({"plan": county.plan, "due_days": 0}, "due_days"),
        ({"plan": county.plan, "due_days": 366}, "due_days"),
    ]
    for fields, field in cases:
        with pytest.raises(InvalidInputError) as refused:
            services.reading_requirement_create(agency=county.police, actor=liaison, **fields)
        assert refused.value.field == field, fields
    assert _state() == before


def test_the_same_requirement_twice_is_refused_with_a_message(county):
    services.reading_requirement_create(agency=county.police, plan=county.plan, actor=county.partner_view_liaison)
    with pytest.raises(ConflictError, match="already required"):
        services.reading_requirement_create(agency=county.police, plan=county.plan, actor=county.partner_view_liaison)
    services.reading_requirement_create(
        agency=county.police,
        plan=county.plan,
        audience=Audience.ROLE,
        role=Role.MEMBER,
        actor=county.partner_view_liaison,
    )
    assert ReadingRequirement.objects.filter(agency=county.police).count() == 2


def test_a_public_plan_of_any_agency_may_be_required(county):
    public = _plan_of(county.unrelated, "Mutual aid", classification=Classification.PUBLIC)
    services.reading_requirement_create(agency=county.police, plan=public, actor=county.partner_view_liaison)
    assert _owing(county.police, public) == {"police_officer", "police_liaison"}


def test_group_names_are_unique_in_an_agency_and_supervisors_are_marked(county, sros):
    with pytest.raises(ConflictError, match="already has a group"):
        services.reading_group_create(agency=county.police, name="school resource officers", actor=SYSTEM)
    with pytest.raises(InvalidInputError):
        services.reading_group_create(agency=county.police, name="   ", actor=SYSTEM)
    services.reading_group_create(agency=county.fire, name="School Resource Officers", actor=SYSTEM)
    member_row = services.reading_group_member_set_supervisor(
        group=sros, user=county.partner_view_member, is_supervisor=True, actor=county.partner_view_liaison
    )
    assert member_row.is_supervisor
    assert AuditEvent.objects.filter(action="reading.group_supervisor").count() == 1
