"""List endpoints issue the same number of queries for 5 rows as for 200: no query per row.

Each test measures the queries of a request with 5 rows, grows the data to 200 rows, and allows at most that
many queries for the 200-row page. Every request authenticates a freshly loaded user, so nothing cached on the
user object from an earlier request hides a query.
"""

from dataclasses import dataclass
from uuid import uuid4

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.actors import SYSTEM
from agencies import services as agency_services
from agencies.models import Agency, AgencyKind, Facility, Membership, Role
from plans import services
from plans.models import Plan, PlanVersion, ShareLevel
from tests.agencies.factories import AgencyFactory, FacilityFactory, member
from tests.conftest import client_for
from tests.plans.factories import make_plan, publish, sections

User = get_user_model()
FEW = 5
MANY = 200


@dataclass
class Setting:
    district: Agency
    police: Agency
    school: Facility
    admin: object  # district admin
    member: object  # district member: sees the district's plans through its agency's guardian grants
    liaison: object  # police liaison: sees the district's plans shared with the police


@pytest.fixture
def setting(db) -> Setting:
    district = AgencyFactory(name="Maple Valley School District", slug="maple-valley", kind=AgencyKind.SCHOOL_DISTRICT)
    police = AgencyFactory(name="Ridgeford Police", slug="ridgeford-pd", kind=AgencyKind.POLICE)
    school = FacilityFactory(name="Maple Valley High", owner_agency=district)
    admin = member(district, Role.ADMIN, username="district_admin")
    district_member = member(district, Role.MEMBER, username="district_member")
    liaison = member(police, Role.LIAISON, username="police_liaison")
    return Setting(
        district=district, police=police, school=school, admin=admin, member=district_member, liaison=liaison
    )


def get_counted(user, url: str) -> tuple[int, list]:
    """GET `url` as a freshly loaded `user`; the number of queries and the rows of the answer."""
    client = client_for(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), rows_of(response.json())


def get_bounded(django_assert_max_num_queries, user, url: str, most: int) -> list:
    client = client_for(User.objects.get(pk=user.pk))
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200, response.content
    return rows_of(response.json())


def rows_of(body) -> list:
    return body["results"] if "results" in body else body["agencies"]


def add_plans(setting: Setting, count: int, *, shared: bool = True) -> list[Plan]:
    """Published district plans covering the school, shared with the police unless told otherwise."""
    plans = []
    for _ in range(count):
        plan = make_plan(owner=setting.district, actor=setting.admin, facilities=[setting.school])
        publish(plan, setting.admin, "Evacuate to the north field.")
        if shared:
            services.plan_share(plan=plan, agency=setting.police, level=ShareLevel.VIEW, actor=setting.admin)
        plans.append(plan)
    return plans


def test_plan_list_queries_do_not_grow_with_the_number_of_plans(setting, django_assert_max_num_queries):
    # The member sees the plans through the same guardian-grant subquery partners go through; unshared plans
    # keep building 200 of them quick.
    url = f"/api/v1/plans/?page_size={MANY}"
    add_plans(setting, FEW, shared=False)
    at_few, rows = get_counted(setting.member, url)
    assert len(rows) == FEW
    assert all(row["current_version"] == 1 and row["facilities"] == [setting.school.pk] for row in rows)
    add_plans(setting, MANY - FEW, shared=False)
    assert len(get_bounded(django_assert_max_num_queries, setting.member, url, at_few)) == MANY


def test_facility_plan_list_queries_do_not_grow_with_the_number_of_plans(setting, django_assert_max_num_queries):
    url = f"/api/v1/facilities/{setting.school.pk}/plans/?page_size={MANY}"
    add_plans(setting, FEW, shared=False)
    at_few, rows = get_counted(setting.member, url)
    assert len(rows) == FEW
    add_plans(setting, MANY - FEW, shared=False)
    assert len(get_bounded(django_assert_max_num_queries, setting.member, url, at_few)) == MANY


def test_agency_list_queries_do_not_grow_with_the_number_of_agencies(setting, django_assert_max_num_queries):
    url = f"/api/v1/agencies/?page_size={MANY}"

    def add_agencies(count: int) -> None:
        start = Agency.objects.count()
        for n in range(start, start + count):
            agency_services.agency_create(actor=SYSTEM, name=f"Agency {n:03}", slug=f"agency-{n}", kind=AgencyKind.FIRE)

    add_agencies(FEW - Agency.objects.count())
    at_few, rows = get_counted(setting.liaison, url)
    assert len(rows) == FEW
    add_agencies(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.liaison, url, at_few)) == MANY


def test_facility_list_queries_do_not_grow_with_the_number_of_facilities(setting, django_assert_max_num_queries):
    url = f"/api/v1/facilities/?page_size={MANY}"

    def add_facilities(count: int) -> None:
        start = Facility.objects.count()
        for n in range(start, start + count):
            agency_services.facility_create(
                name=f"School {n:03}", kind="elementary_school", owner_agency=setting.district, actor=SYSTEM
            )

    add_facilities(FEW - Facility.objects.count())
    at_few, rows = get_counted(setting.liaison, url)
    assert len(rows) == FEW
    add_facilities(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.liaison, url, at_few)) == MANY


def test_version_list_queries_do_not_grow_with_the_number_of_versions(setting, django_assert_max_num_queries):
    (plan,) = add_plans(setting, 1)
    url = f"/api/v1/plans/{plan.pk}/versions/?page_size={MANY}"
    planner = member(setting.district, Role.PLANNER, username="district_planner")

    def add_versions(count: int) -> None:
        # Drafts by the planner, published by the admin: every row names two different people.
        for _ in range(count):
            version = services.plan_version_create_draft(
                plan=plan, actor=planner, change_summary="Update", sections=sections(f"Body {uuid4()}")
            )
            services.plan_version_publish(version=version, actor=setting.admin)

    add_versions(FEW - 1)
    at_few, rows = get_counted(setting.liaison, url)
    assert [(row["created_by"], row["published_by"]) for row in rows[1:]] == [
        ("district_planner", "district_admin")
    ] * 4
    assert len(rows) == FEW
    add_versions(MANY - FEW)
    assert PlanVersion.objects.filter(plan=plan).count() == MANY
    assert len(get_bounded(django_assert_max_num_queries, setting.liaison, url, at_few)) == MANY


def test_share_list_queries_do_not_grow_with_the_number_of_partners(setting, django_assert_max_num_queries):
    (plan,) = add_plans(setting, 1)
    url = f"/api/v1/plans/{plan.pk}/shares/?page_size={MANY}"

    def add_partners(count: int) -> None:
        start = Agency.objects.count()
        for n in range(start, start + count):
            agency = agency_services.agency_create(
                actor=SYSTEM, name=f"Partner {n:03}", slug=f"partner-{n}", kind=AgencyKind.EMS
            )
            services.plan_share(plan=plan, agency=agency, level=ShareLevel.COMMENT, actor=setting.admin)

    add_partners(FEW - 1)
    at_few, rows = get_counted(setting.admin, url)
    assert len(rows) == FEW
    add_partners(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.admin, url, at_few)) == MANY


def test_acknowledgement_status_queries_do_not_grow_with_partners_or_their_members(
    setting, django_assert_max_num_queries
):
    (plan,) = add_plans(setting, 1)
    url = f"/api/v1/plans/{plan.pk}/acknowledgements/"
    version = plan.versions.get()

    def add_partners(count: int) -> None:
        # Every other partner acknowledges through its liaison, so rows carry both acknowledged and pending
        # agencies; each has a member who acknowledged personally too (never listed to the owner).
        start = Agency.objects.count()
        for n in range(start, start + count):
            agency = agency_services.agency_create(
                actor=SYSTEM, name=f"Partner {n:03}", slug=f"partner-{n}", kind=AgencyKind.EMS
            )
            services.plan_share(plan=plan, agency=agency, level=ShareLevel.VIEW, actor=setting.admin)
            officer = User.objects.get(pk=member(agency, Role.MEMBER, username=f"officer{n:03}").pk)
            services.plan_version_acknowledge(version=version, actor=officer)
            if n % 2:
                liaison = User.objects.get(pk=member(agency, Role.LIAISON, username=f"liaison{n:03}").pk)
                services.plan_version_acknowledge(version=version, actor=liaison)

    add_partners(FEW - 1)  # and the police
    at_few, agencies = get_counted(setting.admin, url)
    assert len(agencies) == FEW
    assert {a["version"] for a in agencies} == {1, None}
    add_partners(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.admin, url, at_few)) == MANY


def test_membership_list_queries_do_not_grow_with_the_number_of_members(setting, django_assert_max_num_queries):
    url = f"/api/v1/agencies/{setting.district.pk}/memberships/?page_size={MANY}"

    def add_members(count: int) -> None:
        start = User.objects.count()
        for n in range(start, start + count):
            member(setting.district, Role.MEMBER, username=f"staffer{n:03}")

    add_members(FEW - Membership.objects.filter(agency=setting.district).count())
    at_few, rows = get_counted(setting.admin, url)
    assert len(rows) == FEW
    add_members(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.admin, url, at_few)) == MANY


def test_attachment_list_queries_do_not_grow_with_the_number_of_attachments(setting, django_assert_max_num_queries):
    (plan,) = add_plans(setting, 1)
    version = services.plan_version_create_draft(plan=plan, actor=setting.admin, sections=sections("Body"))
    url = f"/api/v1/plans/{plan.pk}/versions/{version.number}/attachments/?page_size={MANY}"

    def add_attachments(count: int) -> None:
        for n in range(count):
            upload = SimpleUploadedFile(f"map-{n}.pdf", b"%PDF-1.4\n%%EOF\n" + str(n).encode(), "application/pdf")
            services.attachment_add(version=version, actor=setting.admin, upload=upload, max_bytes=10_000)

    add_attachments(FEW)
    at_few, rows = get_counted(setting.admin, url)
    assert len(rows) == FEW
    assert all(row["download_url"].endswith("/download/") for row in rows)
    add_attachments(MANY - FEW)
    assert len(get_bounded(django_assert_max_num_queries, setting.admin, url, at_few)) == MANY
