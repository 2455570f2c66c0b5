"""The plan list finds a page's keys (and the total) first, then loads only the rows shown: the same pages,
totals and errors as Django's paginator. Its serializers write their fields out by hand: the same JSON as
DRF's generic ModelSerializer walk."""

from datetime import timedelta

import pytest
from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.test.html import parse_html
from django.utils import timezone
from rest_framework import serializers as drf

from access.plans import plans_visible_to
from plans import services
from plans.api.serializers import PlanSerializer, SectionSerializer, VersionSerializer, VersionSummarySerializer
from plans.models import Classification, Plan
from portal.api.pagination import KeysFirstPaginator
from portal.widgets import LongSelect
from tests.conftest import client_for
from tests.plans.factories import draft, make_plan, publish


@pytest.fixture
def many(county):
    """23 more district plans, some public, several with the same title (the id breaks the tie)."""
    for i in range(23):
        classification = Classification.PUBLIC if i % 5 == 0 else Classification.PARTNER
        make_plan(owner=county.district, actor=county.owner_admin, title=f"Plan {i % 7}", classification=classification)
    return county


def test_every_page_and_total_match_djangos_paginator(many):
    plans = plans_visible_to(user=many.owner_member).order_by("title", "id")
    for per_page in (1, 4, 7, 50):
        expected_pages = Paginator(plans, per_page)
        for number in expected_pages.page_range:
            ours = KeysFirstPaginator(plans, per_page)
            page, expected = ours.page(number), expected_pages.page(number)
            assert [plan.pk for plan in page] == [plan.pk for plan in expected]
            assert ours.count == expected_pages.count
            assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
        with pytest.raises(EmptyPage):
            KeysFirstPaginator(plans, per_page).page(expected_pages.num_pages + 1)


def test_bad_page_numbers_are_refused_as_django_refuses_them(many):
    plans = plans_visible_to(user=many.owner_member)
    for number, error in (("x", PageNotAnInteger), (1.5, PageNotAnInteger), (0, EmptyPage), (-2, EmptyPage)):
        with pytest.raises(error):
            KeysFirstPaginator(plans, 5).page(number)


def test_a_forgiving_page_is_the_page_djangos_paginator_forgives_to(many):
    plans = plans_visible_to(user=many.owner_member).order_by("title", "id")
    for number in (None, "", "x", 1.5, 0, -2, 1, 3, 4, 99):
        ours, expected = KeysFirstPaginator(plans, 7).get_page(number), Paginator(plans, 7).get_page(number)
        assert [plan.pk for plan in ours] == [plan.pk for plan in expected]
        assert (ours.number, ours.paginator.count) == (expected.number, expected.paginator.count)


def test_the_long_select_writes_the_markup_of_djangos_select():
    choices = [("", "Any facility"), (1, "Gym & <annex>"), (22, 'The "old" school'), (3, "O'Neill Hall")]
    attrs = {"id": "id_facility", "aria-describedby": "id_facility_error", "aria-invalid": "true"}
    for value in (None, "", 22, "22", "999"):
        for extra in (None, attrs):
            ours = LongSelect(choices=choices).render("facility", value, extra)
            assert parse_html(ours) == parse_html(forms.Select(choices=choices).render("facility", value, extra))


def test_an_empty_list_has_one_empty_page(county):
    paginator = KeysFirstPaginator(Plan.objects.none(), 5)
    assert list(paginator.page(1)) == []
    assert paginator.count == 0
    with pytest.raises(EmptyPage):
        KeysFirstPaginator(Plan.objects.none(), 5, allow_empty_first_page=False).page(1)


def test_the_api_pages_through_every_visible_plan_once_in_title_order(many):
    user = many.owner_member
    client = client_for(user)
    expected = list(plans_visible_to(user=user).order_by("title", "id").values_list("pk", flat=True))
    assert len(expected) > 8
    seen, url = [], "/api/v1/plans/?page_size=4"
    while url:
        body = client.get(url).json()
        assert body["count"] == len(expected)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    last = -(-len(expected) // 4)
    assert [row["id"] for row in client.get("/api/v1/plans/?page=last&page_size=4").json()["results"]] == expected[
        4 * (last - 1) :
    ]
    assert client.get(f"/api/v1/plans/?page={last + 1}&page_size=4").status_code == 404
    assert client.get("/api/v1/plans/?page=1&page_size=4&classification=public").json()["count"] == len(
        plans_visible_to(user=user).filter(classification=Classification.PUBLIC)
    )


def test_a_plan_in_the_list_is_the_plan_of_its_detail_endpoint(county):
    Plan.objects.filter(pk=county.plan.pk).update(
        hazards=["flood", "active threat"], next_review_due=timezone.localdate() + timedelta(days=3)
    )
    make_plan(owner=county.district, actor=county.owner_admin, title="No version, no building")
    client = client_for(county.owner_admin)
    rows = client.get("/api/v1/plans/").json()["results"]
    assert len(rows) >= 2
    for row in rows:
        assert row == client.get(f"/api/v1/plans/{row['id']}/").json()


def test_the_plan_serializer_gives_the_json_of_the_generic_model_serializer(county):
    Plan.objects.filter(pk=county.plan.pk).update(hazards=["flood"], next_review_due=timezone.localdate())
    make_plan(owner=county.district, actor=county.owner_admin, title="No version, no building")
    plans = list(plans_visible_to(user=county.owner_admin))
    assert any(plan.current_version_id is None for plan in plans)
    assert any(plan.current_version_id is not None for plan in plans)
    for plan in plans:
        serializer = PlanSerializer()
        written = serializer.to_representation(plan)
        assert list(written) == PlanSerializer.Meta.fields
        assert written == drf.ModelSerializer.to_representation(serializer, plan)


def test_the_section_serializer_gives_the_json_of_the_generic_model_serializer(county):
    sections = list(county.published.sections.all())
    assert sections
    for section in sections:
        serializer = SectionSerializer()
        assert serializer.to_representation(section) == drf.ModelSerializer.to_representation(serializer, section)


def test_the_version_serializers_give_the_json_of_the_generic_model_serializer(county):
    second = services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    services.plan_version_withdraw(version=second, actor=county.owner_admin)
    draft(county.plan, county.owner_planner, "Third, in progress.")
    versions = list(county.plan.versions.select_related("created_by", "published_by", "withdrawn_by"))
    assert {version.state for version in versions} >= {"superseded", "withdrawn", "draft"}
    for version in versions:
        for serializer_class in (VersionSummarySerializer, VersionSerializer):
            serializer = serializer_class()
            written = serializer.to_representation(version)
            assert list(written) == serializer_class.Meta.fields
            assert written == drf.ModelSerializer.to_representation(serializer, version)


def test_a_version_costs_five_queries_whatever_its_number_of_sections(county, django_assert_num_queries):
    """The plan, the person's roles and grants, the version, its sections, its key facts."""
    bodies = [f"Step {i}." for i in range(30)]
    publish(county.plan, county.owner_admin, *bodies)
    client = client_for(county.partner_view_member)
    for number, sections in ((1, 2), (3, 30)):
        with django_assert_num_queries(5):
            body = client.get(f"/api/v1/plans/{county.plan.pk}/versions/{number}/").json()
        assert len(body["sections"]) == sections
