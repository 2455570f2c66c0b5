"""The plan page's remaining per-request reads, by SQL compiled once per process (portal/compiled_queries.py): the
person's memberships (agencies/active_agency.py) and the plan's buildings (access/http.py `visible_plan`) give what
the ORM gives, and the whole page is the same, byte for byte, whether its reads are compiled or built by the ORM,
for the owner, partners, a reader whose law-enforcement-sensitive content is withheld and one who gets a 404."""

import re

import pytest
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.test import RequestFactory

from access import http
from agencies import active_agency
from agencies.models import Agency, Role
from agencies.services import membership_add
from plans.forms_partners import AcknowledgeForm
from plans.models import Acknowledgement, Classification, Plan
from portal.compiled_queries import CompiledQuery
from tests.agencies.factories import SYSTEM, FacilityFactory, UserFactory
from tests.conftest import web_client
from tests.plans.test_plan_page_compiled_queries import _same_as_orm, _state

CSRF = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def two_buildings(county):
    """The county's plan covering two buildings, and one of its owner's admins in a second agency."""
    county.plan.facilities.add(FacilityFactory(name="Aspen Elementary", owner_agency=county.district))
    membership_add(agency=county.fire, user=county.owner_admin, role=Role.MEMBER, actor=SYSTEM)
    return county


def _buildings(plan: Plan) -> list:
    """The plan's buildings as prefetched, less the ORM's own note of the plan each was fetched for."""
    shown = []
    for facility in plan.facilities.all():
        vars(facility).pop("_prefetch_related_val_plan_id", None)
        shown.append(_state(facility))
    return shown


def test_compiled_memberships_give_the_orms_rows(two_buildings, django_assert_num_queries):
    county = two_buildings
    nobody = UserFactory(username="no_agency")
    readers = (county.owner_admin, county.partner_view_liaison, county.partner_comment_liaison, county.unrelated_admin)
    for user in (*readers, nobody, county.staff):
        _same_as_orm(active_agency._MEMBERSHIPS_OF, user_id=user.pk)
    both = active_agency._MEMBERSHIPS_OF(user_id=county.owner_admin.pk)
    assert [m.agency.name for m in both] == ["Maple Valley School District", "Ridgeford Fire"]
    with django_assert_num_queries(0):
        assert isinstance(both[1].agency, Agency)
    assert active_agency._MEMBERSHIPS_OF(user_id=nobody.pk) == []


def test_visible_plan_leaves_the_buildings_the_orms_prefetch_leaves(two_buildings, django_assert_num_queries):
    county = two_buildings
    plan_id = county.plan.pk
    request = RequestFactory().get(f"/plans/{plan_id}/")
    for user in (county.owner_admin, county.partner_view_liaison, county.partner_comment_liaison):
        request.user = user
        plan, _ = http.visible_plan(request, plan_id)
        reference = Plan.objects.get(pk=plan_id)
        prefetch_related_objects([reference], "facilities")
        with django_assert_num_queries(0):
            shown = _buildings(plan)
        assert shown == _buildings(reference)
        assert [f.name for f in plan.facilities.all()] == ["Aspen Elementary", "Maple Valley High"]
        # A narrower question about them still asks the database, as after the ORM's prefetch.
        assert list(plan.facilities.filter(name="Maple Valley High")) == [county.school]
    request.user = county.unrelated_admin
    with pytest.raises(Http404):
        http.visible_plan(request, plan_id)


@pytest.fixture
def orm_reads(monkeypatch):
    """Every compiled read answered by its queryset, as the ORM built it per request before."""

    def by_the_orm(self: CompiledQuery, **ids: int) -> list:
        return list(self.build(**ids))

    return lambda: monkeypatch.setattr(CompiledQuery, "__call__", by_the_orm)


def _page(user, path: str) -> tuple[int, bytes]:
    response = web_client(user).get(path)
    return response.status_code, CSRF.sub(rb"\1-", response.content)


def test_plan_page_is_the_same_whether_its_reads_are_compiled_or_built_by_the_orm(two_buildings, orm_reads):
    county = two_buildings
    sensitive = county.plan
    Plan.objects.filter(pk=sensitive.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    readers = (
        county.owner_admin,  # the owner (content withheld too, without a second factor)
        county.owner_member,
        county.partner_view_liaison,  # a partner whose sensitive content is withheld
        county.partner_comment_liaison,
        county.unrelated_admin,  # 404
    )
    path = f"/plans/{sensitive.pk}/"
    compiled = {user.username: _page(user, path) for user in readers}
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=False)
    compiled_open = {user.username: _page(user, path) for user in readers}
    orm_reads()
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=True)
    assert {user.username: _page(user, path) for user in readers} == compiled
    Agency.objects.filter(pk=county.district.pk).update(les_read_requires_mfa=False)
    assert {user.username: _page(user, path) for user in readers} == compiled_open
    assert compiled["far_admin"][0] == compiled_open["far_admin"][0] == 404
    assert compiled_open["police_liaison"][0] == 200
    assert b"This plan needs multi-factor sign-in" in compiled["police_liaison"][1]
    assert b"Evacuate to the north field." not in compiled["police_liaison"][1]
    assert b"Evacuate to the north field." in compiled_open["police_liaison"][1]
    assert b"Aspen Elementary" in compiled_open["police_liaison"][1]


def test_acknowledge_button_posts_the_version_as_the_acknowledge_form_renders_it(county):
    """The Acknowledge panel writes AcknowledgeForm's hidden field itself (the form was built for that field alone);
    the page carries exactly what the form renders, and posting it acknowledges the current version."""
    client = web_client(county.partner_view_liaison)
    number = county.published.number
    for path in (f"/plans/{county.plan.pk}/", f"/plans/{county.plan.pk}/diff/"):
        page = client.get(path).content.decode()
        assert str(AcknowledgeForm(initial={"version": number})["version"]) in page
    response = client.post(f"/plans/{county.plan.pk}/acknowledge/", {"version": number, "next": "/plans/"})
    assert response.status_code == 302
    assert Acknowledgement.objects.filter(user=county.partner_view_liaison, version=county.published).exists()
