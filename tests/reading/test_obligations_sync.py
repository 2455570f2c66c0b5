"""The derived obligations follow every change that moves them: requirements, versions, shares, people."""

from datetime import timedelta

from agencies.models import Membership, Role
from agencies.services import membership_add, membership_change_role, membership_remove
from plans import services
from reading.models import (
    Audience,
    ReadingGroup,
    ReadingGroupMember,
    ReadingObligation,
    ReadingReminder,
    ReadingRequirement,
    ReminderStage,
)
from reading.sync import obligations_sync
from tests.agencies.factories import member
from tests.plans.factories import changed_draft


def _require(agency, plan, **fields):
    requirement = ReadingRequirement.objects.create(agency=agency, plan=plan, **fields)
    obligations_sync(agency_ids=[agency.pk], plan_ids=[plan.pk])
    return requirement


def _owing(agency, plan):
    return set(
        ReadingObligation.objects.filter(agency=agency, plan=plan, acknowledged_at__isnull=True).values_list(
            "user__username", flat=True
        )
    )


def test_everyone_in_a_partner_agency_owes_the_current_version_within_the_due_days(county):
    _require(county.police, county.plan, due_days=10)
    rows = ReadingObligation.objects.filter(agency=county.police)
    assert {row.user.username for row in rows} == {"police_liaison", "police_officer"}
    for row in rows:
        assert row.version_id == county.published.pk
        assert row.due_at >= county.published.published_at + timedelta(days=10)


def test_a_role_requirement_covers_that_role_only_and_follows_a_role_change(county):
    _require(county.police, county.plan, audience=Audience.ROLE, role=Role.MEMBER)
    assert _owing(county.police, county.plan) == {"police_officer"}
    liaison = Membership.objects.get(user=county.partner_view_liaison, agency=county.police)
    membership_change_role(membership=liaison, role=Role.MEMBER, actor=_admin(county.police))
    assert _owing(county.police, county.plan) == {"police_officer", "police_liaison"}


def _admin(agency):
    return member(agency, Role.ADMIN, username=f"{agency.slug}_boss")


def test_a_group_requirement_covers_its_members_and_a_person_leaving_the_agency_owes_nothing(county):
    sros = ReadingGroup.objects.create(agency=county.police, name="School Resource Officers")
    ReadingGroupMember.objects.create(group=sros, user=county.partner_view_member)
    _require(county.police, county.plan, audience=Audience.GROUP, group=sros)
    assert _owing(county.police, county.plan) == {"police_officer"}
    admin = _admin(county.police)
    membership_remove(
        membership=Membership.objects.get(user=county.partner_view_member, agency=county.police), actor=admin
    )
    assert _owing(county.police, county.plan) == set()
    assert not ReadingGroupMember.objects.filter(group=sros).exists()


def test_a_new_member_is_owed_from_the_day_they_joined(county):
    _require(county.police, county.plan)
    newcomer = member(county.fire, Role.MEMBER, username="newcomer")
    membership_add(agency=county.police, user=newcomer, role=Role.MEMBER, actor=_admin(county.police))
    row = ReadingObligation.objects.get(agency=county.police, user=newcomer)
    joined = Membership.objects.get(user=newcomer, agency=county.police).created_at
    assert row.due_at == joined + timedelta(days=14)


def test_acknowledging_settles_the_obligation_and_a_new_version_restarts_it(county):
    _require(county.police, county.plan)
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    assert _owing(county.police, county.plan) == {"police_liaison"}
    row = ReadingObligation.objects.get(user=county.partner_view_member)
    ReadingReminder.objects.create(
        obligation=row, version=county.published, stage=ReminderStage.DUE_SOON, reminded_at=row.due_at
    )
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert _owing(county.police, county.plan) == {"police_liaison", "police_officer"}
    row = ReadingObligation.objects.get(user=county.partner_view_member)
    assert row.version_id == county.draft.pk
    # The mark names the version it was sent for: none for the new one, so its reminders start again.
    assert not ReadingReminder.objects.filter(obligation=row, version_id=row.version_id).exists()


def test_a_withdrawn_plan_and_a_revoked_share_end_the_requirement(county):
    _require(county.police, county.plan)
    _require(county.fire, county.plan)
    services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert not ReadingObligation.objects.filter(agency=county.police).exists()
    assert ReadingObligation.objects.filter(agency=county.fire).exists()
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    assert not ReadingObligation.objects.exists()
    services.plan_share(plan=county.plan, agency=county.police, level="view", actor=county.owner_admin)
    assert not ReadingObligation.objects.exists()  # nothing published to read


def test_syncing_twice_changes_nothing(county):
    _require(county.police, county.plan)
    again = obligations_sync()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_the_owner_is_asked_only_when_it_set_a_requirement_for_its_own_people(county):
    assert not ReadingObligation.objects.filter(agency=county.district).exists()
    _require(county.district, county.plan, audience=Audience.ROLE, role=Role.PLANNER)
    assert _owing(county.district, county.plan) == {"district_planner"}
    services.plan_version_publish(version=changed_draft(county.plan, county.owner_planner), actor=county.owner_admin)
    assert _owing(county.district, county.plan) == {"district_planner"}
