"""Every form of the visibility rule in the access layer gives the same answer, for every kind of reader and
every kind of plan: the one-statement SQL reads, the per-plan roles-and-grants read, the subquery of plan
ids, the filter used inside per-row subqueries, and the reverse question (which agencies see a plan)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from access.audience import agency_may_view, person_may_view, plan_readers, viewing_agencies, viewing_agencies_of
from access.plan_rows import visible_plan_row
from access.plans import plan_access, plans_visible_to, visible_plan_exists, visible_plan_filter, visible_plan_ids
from agencies.models import Membership
from plans.models import Plan
from tests.agencies.factories import UserFactory
from tests.plans.test_visible_plan_rows import varied  # noqa: F401 - the fixture: 26 plans of every kind

READERS = [
    "owner_admin",
    "owner_member",
    "owner_liaison",
    "partner_view_member",
    "partner_comment_liaison",
    "unrelated_admin",
    "staff",
]


@pytest.mark.parametrize("reader", READERS)
def test_every_form_of_the_visibility_rule_agrees_for_every_plan(varied, reader):  # noqa: F811
    user = getattr(varied, reader)
    listed = set(plans_visible_to(user=user).values_list("pk", flat=True))
    ids = {row for row in visible_plan_ids(user=user).values_list("id", flat=True)}
    filtered = set(Plan.objects.filter(visible_plan_filter(user=user)).values_list("pk", flat=True))
    per_row = set(Plan.objects.filter(visible_plan_exists(user=user, plan_ref="pk")).values_list("pk", flat=True))
    assert ids == filtered == per_row == listed
    plans = list(Plan.objects.select_related("owner_agency"))
    viewers = viewing_agencies_of(plan_ids=[plan.pk for plan in plans])
    agencies = set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
    readers = plan_readers(classifications={p.pk: p.classification for p in plans}, agency_ids=agencies)
    for plan in plans:
        visible = plan.pk in listed
        assert plan_access(user=user, plan=plan).can_view is visible, plan
        assert (visible_plan_row(user=user, plan_id=plan.pk) is not None) is visible, plan
        # The reverse question, asked per plan and for a batch, names the same agencies.
        assert set(viewing_agencies(plan_id=plan.pk)) == viewers.get(plan.pk, set())
        if agencies:
            assert person_may_view(plan=plan, agency_ids=agencies, viewers=viewers.get(plan.pk, set())) is visible
            assert any((plan.pk, agency) in readers for agency in agencies) is visible
            assert any(agency_may_view(plan_id=plan.pk, agency_id=agency) for agency in agencies) is visible


def test_someone_not_signed_in_or_without_agencies_sees_only_what_the_rule_allows(varied):  # noqa: F811
    anonymous = AnonymousUser()
    assert not plans_visible_to(user=anonymous).exists()
    assert not Plan.objects.filter(visible_plan_filter(user=anonymous)).exists()
    some_plan = Plan.objects.first()
    assert not plan_access(user=anonymous, plan=some_plan).can_view
    loner = UserFactory()
    public = set(Plan.objects.filter(classification="public").values_list("pk", flat=True))
    assert public
    assert set(plans_visible_to(user=loner).values_list("pk", flat=True)) == public
    assert {pk for pk in visible_plan_ids(user=loner).values_list("id", flat=True)} == public
