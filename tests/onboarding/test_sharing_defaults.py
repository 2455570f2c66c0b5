"""Sharing defaults: the partners an agency's admins choose receive each new plan as it is created, whoever of
its admins or planners creates it; taking a partner off leaves the plans already shared as they are."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from onboarding.models import SharingDefault
from onboarding.services import sharing_default_add, sharing_default_remove
from plans.models import PlanShare
from portal.errors import InvalidInputError, NotAllowedError
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish


def test_a_planners_new_plan_is_shared_with_the_default_partners(county):
    sharing_default_add(agency=county.district, partner=county.police, level="comment", actor=county.owner_admin)
    plan = make_plan(owner=county.district, actor=county.owner_planner, title="Bus crash plan", facilities=[])
    assert list(PlanShare.objects.filter(plan=plan).values_list("agency", "level")) == [(county.police.pk, "comment")]
    shared = AuditEvent.objects.get(action="plan.share", plan_id=plan.pk)
    assert shared.actor == county.owner_planner
    assert shared.details["sharing_default"] is True
    # Partners read it once a version is published.
    publish(plan, county.owner_admin, "Stage at the north lot.", "Triage at the gym.")
    page = web_client(county.partner_view_liaison).get(reverse("plans:detail", kwargs={"plan_id": plan.pk}))
    assert page.status_code == 200
    assert "Bus crash plan" in page.content.decode()


def test_other_agencies_plans_and_earlier_plans_are_not_touched(county):
    sharing_default_add(agency=county.district, partner=county.unrelated, level="view", actor=county.owner_admin)
    assert not PlanShare.objects.filter(plan=county.plan, agency=county.unrelated).exists()
    default = SharingDefault.objects.get(agency=county.district)
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Second plan", facilities=[])
    sharing_default_remove(default=default, actor=county.owner_admin)
    assert PlanShare.objects.filter(plan=plan, agency=county.unrelated).exists()  # already shared stays shared
    later = make_plan(owner=county.district, actor=county.owner_admin, title="Third plan", facilities=[])
    assert not PlanShare.objects.filter(plan=later).exists()
    actions = AuditEvent.objects.filter(action__startswith="sharing_default").values_list("action", flat=True)
    assert sorted(actions) == ["sharing_default.add", "sharing_default.remove"]


def test_only_admins_set_defaults_and_never_to_their_own_agency(county):
    with pytest.raises(NotAllowedError):
        sharing_default_add(agency=county.district, partner=county.police, level="view", actor=county.owner_planner)
    with pytest.raises(InvalidInputError):
        sharing_default_add(agency=county.district, partner=county.district, level="view", actor=county.owner_admin)
    page = web_client(county.owner_admin).post(
        reverse("onboarding:sharing-add", kwargs={"agency_id": county.district.pk}),
        {"sharing-partner": county.district.pk, "sharing-level": "view"},
    )
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not SharingDefault.objects.exists()


def test_the_setup_page_is_the_admins_own(county):
    url = reverse("onboarding:setup", kwargs={"agency_id": county.district.pk})
    assert web_client(county.owner_admin).get(url).status_code == 200
    assert web_client(county.staff).get(url).status_code == 200
    assert web_client(county.owner_planner).get(url).status_code == 403
    assert web_client(county.unrelated_admin).get(url).status_code == 403
    assert web_client(county.owner_admin).get(url.replace(str(county.district.pk), "999999")).status_code == 404
