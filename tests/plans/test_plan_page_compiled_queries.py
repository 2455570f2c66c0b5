"""The plan page's reads by SQL compiled once per process (portal/compiled_queries.py) give the rows, fields and
related objects the ORM gives for the same ids, for every id bound after the first compile; the plan page still
shows what it did and refuses a plan the user may not see."""

from datetime import datetime

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone

from access import http
from access.plans import plan_access, versions_visible
from agencies.models import Role
from consistency import conflict_selectors, fact_selectors
from plans import selectors, services, visible_versions
from plans.models import Acknowledgement, Classification, PlanReview, Section
from portal.compiled_queries import CompiledQuery
from reviews import concurrence_selectors
from reviews import selectors as review_selectors
from sources import selectors as source_selectors
from sources.services import plan_source_add
from tests.agencies.factories import member
from tests.plans.factories import make_plan, publish
from tests.reviews.concurrence_helpers import change_request, record


def _state(obj: object, depth: int = 0) -> object:
    """A model instance as everything it carries: its field values and its loaded related objects, in depth
    (a related object's link back to its row is cached too: deep enough is its key)."""
    if not isinstance(obj, Model):
        return obj
    if depth > 3:
        return (type(obj), obj.pk)
    values = {key: value for key, value in vars(obj).items() if key != "_state"}
    related = {name: _state(value, depth + 1) for name, value in obj._state.fields_cache.items()}
    return (type(obj), values, related, obj.get_deferred_fields())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _same_as_orm(query: CompiledQuery, **ids: int) -> list:
    rows = query(**ids)
    assert [_state(row) for row in rows] == [_state(row) for row in query.build(**ids)]
    return rows


@pytest.fixture
def busy(county):
    """The county's plan with two published versions, acknowledgements, concurrence, change requests, a review
    and a source; and a second plan, so that the compiled SQL is bound to ids other than those it met first."""
    plan, admin = county.plan, county.owner_admin
    current = publish(plan, admin, "Evacuate to the stadium.", "Shelter in the gym.")
    services.plan_version_acknowledge(version=current, actor=county.partner_view_liaison)
    services.plan_version_acknowledge(version=current, actor=county.partner_comment_liaison)
    record(county.partner_comment_liaison, current, outcome="changes_requested", note="Staging.")
    record(county.partner_comment_liaison, current, outcome="concur")
    change_request(plan, current, county.fire, county.partner_comment_liaison)
    change_request(plan, current, county.fire, county.partner_comment_liaison, body="Add a second exit.")
    services.plan_mark_reviewed(plan=plan, actor=admin, note="Checked.")
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    other = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Ridgeford traffic plan",
        classification=Classification.PUBLIC,
    )
    publish(other, police_admin, "Close Main Street.")
    plan_source_add(plan=plan, source_plan=other, section_key="", actor=admin)
    plan.refresh_from_db()
    return county, plan, other


def test_compiled_plan_page_reads_give_the_orms_rows(busy):
    county, plan, other = busy
    version_id = plan.current_version_id
    for plan_id in (plan.pk, other.pk, -1):
        assert _same_as_orm(http._PLAN_BY_ID, plan_id=plan_id) or plan_id == -1
        assert _same_as_orm(source_selectors._LINKS, plan_id=plan_id) or plan_id != plan.pk
        _same_as_orm(source_selectors._DEPENDENT_IDS, plan_id=plan_id)
        _same_as_orm(concurrence_selectors._SHARE_NAMES, plan_id=plan_id)
    assert len(_same_as_orm(review_selectors._OPEN_CHANGE_REQUESTS, plan_id=plan.pk)) == 2
    assert len(_same_as_orm(selectors._LAST_REVIEW, plan_id=plan.pk, version_id=version_id)) == 1
    assert len(_same_as_orm(selectors._SECTIONS_SHOWN, version_id=version_id)) == 2
    assert len(_same_as_orm(concurrence_selectors._VERSION_RECORDS, version_id=version_id)) == 2
    assert len(_same_as_orm(review_selectors._THREAD_STARTS, version_id=version_id)) == 2
    for user in (county.partner_view_liaison, county.partner_comment_liaison, county.owner_admin):
        _same_as_orm(selectors._AGENCY_ACKS, version_id=version_id, user_id=user.pk)
    assert len(selectors._AGENCY_ACKS(version_id=version_id, user_id=county.partner_view_liaison.pk)) == 1


def test_compiled_versions_and_latest_acknowledgement_follow_the_versions_rule(busy):
    county, plan, _ = busy
    first = plan.versions.get(number=1)
    # An acknowledgement of a version since superseded (only the current one can be acknowledged now).
    Acknowledgement.objects.create(version=first, user=county.owner_planner, acknowledged_at=timezone.now())
    readers = (county.owner_admin, county.owner_planner, county.owner_member, county.partner_view_liaison)
    for user in (*readers, county.partner_comment_liaison):
        access = plan_access(user=user, plan=plan)
        shown = visible_versions.versions_visible_list(access=access)
        assert [_state(v) for v in shown] == [_state(v) for v in versions_visible(access=access)]
        assert any(v.is_draft for v in shown) == access.can_see_drafts
        orm = (
            Acknowledgement.objects.filter(user=user, version__in=versions_visible(access=access).values("pk"))
            .select_related("version")
            .order_by("-version__number")
            .first()
        )
        assert _state(visible_versions.acknowledgement_latest(user=user, access=access)) == _state(orm)
    planner = plan_access(user=county.owner_planner, plan=plan)
    assert visible_versions.acknowledgement_latest(user=county.owner_planner, access=planner).version.number == 1
    liaison = plan_access(user=county.partner_view_liaison, plan=plan)
    latest = visible_versions.acknowledgement_latest(user=county.partner_view_liaison, access=liaison)
    assert latest.version_id == plan.current_version_id
    _same_as_orm(selectors._ATTACHMENTS, version_id=plan.current_version_id)
    _same_as_orm(fact_selectors._VERSION_FACTS, version_id=plan.current_version_id)
    assert _same_as_orm(conflict_selectors._PLAN_HAS_CONFLICT, plan_id=plan.pk) == []


def test_plan_page_shows_the_new_version_and_its_rows_after_a_publish(busy):
    county, plan, _ = busy
    client = client_for(county.partner_comment_liaison)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Shelter in the gym." in page
    assert "Last reviewed on" in page
    assert "Add a second exit." in page
    publish(plan, county.owner_admin, "Evacuate to the east lot.")
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Evacuate to the east lot." in page
    assert "Shelter in the gym." not in page
    assert "Last reviewed on" not in page  # the review was of the previous version


def test_plan_page_is_404_for_a_plan_the_user_may_not_see(busy):
    county, plan, other = busy
    assert client_for(county.unrelated_admin).get(f"/plans/{plan.pk}/").status_code == 404
    assert client_for(county.unrelated_admin).get("/plans/999999/").status_code == 404
    services.plan_unshare(plan=plan, agency=county.police, actor=county.owner_admin)
    assert client_for(county.partner_view_member).get(f"/plans/{plan.pk}/").status_code == 404
    assert client_for(county.owner_member).get(f"/plans/{other.pk}/").status_code == 200  # public


def test_compiling_refuses_a_query_that_does_not_name_its_ids_or_freezes_a_time():
    unnamed = CompiledQuery(lambda plan_id: Section.objects.filter(version_id=1), "plan_id")
    with pytest.raises(RuntimeError, match="does not name"):
        unnamed(plan_id=1)
    now: datetime = timezone.now()
    frozen = CompiledQuery(lambda plan_id: PlanReview.objects.filter(plan_id=plan_id, reviewed_at__lt=now), "plan_id")
    with pytest.raises(RuntimeError, match="not a constant"):
        frozen(plan_id=1)
