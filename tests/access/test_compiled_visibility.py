"""The visibility subqueries compiled once per process (access/compiled.py) answer as the ORM forms they were
compiled from, for every kind of reader, after shares, unshares and withdrawals, and as parts of other queries."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from access.actors import SYSTEM
from access.plans import granted_plan_ids, plans_visible_to, visible_plan_exists, visible_plan_filter, visible_plan_ids
from agencies.models import Role
from agencies.services import membership_add
from plans import services
from plans.models import Classification, Plan, PlanVersion, ShareLevel
from tests.access.test_one_rule import READERS
from tests.agencies.factories import UserFactory
from tests.plans.test_visible_plan_rows import varied  # noqa: F401 - the fixture: 26 plans of every kind


def _orm_rows(user) -> list[tuple]:
    """`plans_visible_to` as it was built per call: the ORM's union subquery, same joins, same order."""
    plans = Plan.objects.filter(id__in=visible_plan_ids(user=user)).select_related("owner_agency", "current_version")
    return list(plans.order_by("title", "id").values_list("pk", "title", "owner_agency__name", "current_version_id"))


def _compiled_rows(user) -> list[tuple]:
    plans = plans_visible_to(user=user).order_by("title", "id")
    return list(plans.values_list("pk", "title", "owner_agency__name", "current_version_id"))


def _orm_filter(user) -> set[int]:
    rule = Q(classification=Classification.PUBLIC) | Q(id__in=granted_plan_ids(user=user))
    return set(Plan.objects.filter(rule).values_list("pk", flat=True))


def _assert_forms_agree(user) -> set[int]:
    rows = _compiled_rows(user)
    assert rows == _orm_rows(user)
    ids = {row[0] for row in rows}
    assert set(Plan.objects.filter(visible_plan_filter(user=user)).values_list("pk", flat=True)) == ids
    assert _orm_filter(user) == ids
    assert set(Plan.objects.filter(visible_plan_exists(user=user, plan_ref="pk")).values_list("pk", flat=True)) == ids
    # Composed into another query as a subquery, and excluded, it still means the same plans.
    versions = PlanVersion.objects.filter(plan__in=plans_visible_to(user=user).values("pk"))
    assert set(versions.values_list("plan_id", flat=True)) == set(
        PlanVersion.objects.filter(plan_id__in=ids).values_list("plan_id", flat=True)
    )
    hidden = set(Plan.objects.exclude(pk__in=plans_visible_to(user=user).values("pk")).values_list("pk", flat=True))
    assert hidden == set(Plan.objects.values_list("pk", flat=True)) - ids
    return ids


@pytest.mark.parametrize("reader", READERS)
def test_the_compiled_visibility_is_the_orms_for_every_kind_of_reader(varied, reader):  # noqa: F811
    _assert_forms_agree(getattr(varied, reader))


def test_the_compiled_visibility_follows_memberships_shares_and_withdrawals(varied):  # noqa: F811
    several = UserFactory(username="two_agencies")
    membership_add(agency=varied.police, user=several, role=Role.MEMBER, actor=SYSTEM)
    membership_add(agency=varied.fire, user=several, role=Role.LIAISON, actor=SYSTEM)
    police_only = _assert_forms_agree(varied.partner_view_member)
    fire_only = _assert_forms_agree(varied.partner_comment_liaison)
    assert _assert_forms_agree(several) == police_only | fire_only

    # A sensitive plan shared with one agency, then unshared: the compiled form follows at once.
    secret = Plan.objects.filter(classification=Classification.LAW_ENFORCEMENT_SENSITIVE).first()
    assert secret is not None
    admin = UserFactory(username="secret_owner_admin")
    membership_add(agency=secret.owner_agency, user=admin, role=Role.ADMIN, actor=SYSTEM)
    outsider = varied.unrelated_admin
    assert secret.pk not in _assert_forms_agree(outsider)
    services.plan_share(plan=secret, agency=varied.unrelated, level=ShareLevel.VIEW, actor=admin)
    assert secret.pk in _assert_forms_agree(outsider)
    services.plan_unshare(plan=secret, agency=varied.unrelated, actor=admin)
    assert secret.pk not in _assert_forms_agree(outsider)

    # A withdrawn plan stays visible (it has no current version) in both forms.
    services.plan_version_withdraw(version=varied.published, actor=varied.owner_admin)
    assert varied.plan.pk in _assert_forms_agree(varied.partner_view_member)


def test_readers_without_agencies_or_not_signed_in_get_what_the_orm_gives(varied):  # noqa: F811
    loner = UserFactory()
    public = set(Plan.objects.filter(classification=Classification.PUBLIC).values_list("pk", flat=True))
    assert _assert_forms_agree(loner) == public
    assert not plans_visible_to(user=AnonymousUser()).exists()
    assert not Plan.objects.filter(visible_plan_filter(user=AnonymousUser())).exists()
