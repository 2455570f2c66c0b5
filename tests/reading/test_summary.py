"""The per-plan summary behind the compliance page always says what the obligations say, whatever changed them."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from agencies.models import Membership, Role
from agencies.services import membership_add, membership_change_role, membership_remove
from plans import services
from reading import selectors_compliance as selectors
from reading.models import ReadingGroup, ReadingObligation, ReadingSummary
from reading.services import (
    reading_group_member_add,
    reading_group_member_remove,
    reading_requirement_create,
    reading_requirement_delete,
    reading_requirement_update,
)
from reading.sync import obligations_sync
from tests.agencies.factories import member
from tests.plans.factories import make_plan, publish

KEY = ("agency_id", "plan_id", "version_id", "due_at")


def _from_obligations() -> dict[tuple, tuple[int, int]]:
    rows = ReadingObligation.objects.order_by().values(*KEY)
    counted = rows.annotate(required=Count("id"), unread=Count("id", filter=Q(acknowledged_at__isnull=True)))
    return {tuple(row[k] for k in KEY): (row["required"], row["unread"]) for row in counted}


def _from_summary() -> dict[tuple, tuple[int, int]]:
    return {tuple(row[k] for k in KEY): (row["people"], row["unread"]) for row in ReadingSummary.objects.values()}


def assert_summary_agrees() -> None:
    expected = _from_obligations()
    assert _from_summary() == expected
    assert expected or not ReadingSummary.objects.exists()


def test_the_summary_follows_requirements_acknowledgements_publishes_and_people(county):
    admin = member(county.police, Role.ADMIN, username="police_boss")
    requirement = reading_requirement_create(agency=county.police, plan=county.plan, due_days=10, actor=admin)
    assert_summary_agrees()
    assert ReadingSummary.objects.get().people == 3  # the liaison, the officer and the new admin

    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    assert_summary_agrees()
    assert ReadingSummary.objects.get().unread == 2

    newcomer = member(county.fire, Role.MEMBER, username="newcomer")
    membership_add(agency=county.police, user=newcomer, role=Role.MEMBER, actor=admin)
    assert_summary_agrees()  # joined later: a due date of their own, a row of its own
    assert ReadingSummary.objects.count() == 2

    membership_change_role(
        membership=Membership.objects.get(user=county.partner_view_liaison, agency=county.police),
        role=Role.MEMBER,
        actor=admin,
    )
    reading_requirement_update(requirement=requirement, audience="role", role=Role.MEMBER, actor=admin)
    assert_summary_agrees()

    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert_summary_agrees()  # the old version's rows are gone, the new one's unread by all
    assert set(ReadingSummary.objects.values_list("version_id", flat=True)) == {county.draft.pk}

    membership_remove(membership=Membership.objects.get(user=newcomer, agency=county.police), actor=admin)
    assert_summary_agrees()

    reading_requirement_delete(requirement=requirement, actor=admin)
    assert_summary_agrees()
    assert not ReadingSummary.objects.exists()


def test_the_summary_follows_groups_withdrawals_and_deleted_people(county):
    admin = member(county.police, Role.ADMIN, username="police_boss")
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    second.refresh_from_db()
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    sros = ReadingGroup.objects.create(agency=county.police, name="School Resource Officers")
    reading_requirement_create(agency=county.police, plan=county.plan, audience="group", group=sros, actor=admin)
    reading_requirement_create(agency=county.police, plan=second, actor=admin)
    reading_group_member_add(group=sros, user=county.partner_view_member, actor=admin)
    assert_summary_agrees()
    services.plan_version_acknowledge(version=second.current_version, actor=county.partner_view_liaison)
    reading_group_member_remove(group=sros, user=county.partner_view_member, actor=admin)
    assert_summary_agrees()

    services.plan_version_withdraw(version=second.current_version, actor=county.owner_admin)
    assert_summary_agrees()

    reading_group_member_add(group=sros, user=county.partner_view_member, actor=admin)
    county.partner_view_member.delete()  # the obligations go by cascade; the summary with them
    assert_summary_agrees()

    obligations_sync()  # the nightly safety net changes nothing more
    assert_summary_agrees()


def test_the_compliance_page_counts_from_the_summary_equal_counting_the_obligations(county):
    admin = member(county.police, Role.ADMIN, username="police_boss")
    reading_requirement_create(agency=county.police, plan=county.plan, due_days=10, actor=admin)
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    reading_requirement_create(agency=county.police, plan=second, due_days=3, actor=admin)
    membership_add(
        agency=county.police, user=member(county.fire, Role.MEMBER, username="late"), role="member", actor=admin
    )
    ReadingObligation.objects.filter(user=county.partner_view_liaison).update(due_at=timezone.now() - timedelta(days=3))
    services.plan_version_acknowledge(version=county.published, actor=county.partner_view_member)
    scope = selectors.compliance_scope_for(user=admin, agency_id=county.police.pk)
    now = timezone.now()
    summed = list(selectors.plan_counts_summed(agency_id=county.police.pk, now=now).order_by("plan_id"))
    counted = selectors.plan_counts_counted(scope=scope, filters=selectors.ComplianceFilters(), now=now)
    assert summed == list(counted.order_by("plan_id"))
    assert [(row["required"], row["acknowledged"], row["overdue"]) for row in summed] == [(4, 1, 1), (4, 0, 1)]
    assert selectors.summarised(scope, selectors.ComplianceFilters(state="overdue", sort="-read"))
    assert not selectors.summarised(scope, selectors.ComplianceFilters(role=Role.MEMBER))
