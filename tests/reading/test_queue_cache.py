"""A person's page of the "To read" list is kept between requests (reading/queue_cache.py) and never shows what it
should no longer: every change the rows or the queue's access rule depend on shows on the next page through a real
request, a kept page reads fewer queries than a computed one, and one person's rows never show to another.

The writes commit here (transactional tests): pages are kept outside transactions only, and a kept page is checked
against the stamps its plans and owners had when it was read, which the triggers replace in the writing transaction.
"""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from access.actors import SYSTEM
from agencies.models import Membership, Role
from agencies.services import agency_update, membership_add, membership_remove
from plans import services
from plans.models import Classification, Plan, PlanGroupObjectPermission
from portal.header_cache import header_counts_changed, person_key
from reading.models import ReadingObligation
from reading.queue_page import QueuePages
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish
from tests.reading.queue_scene import publish_next, require, shared_plans

User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)

_ROW = re.compile(
    r'<a class="to-read__title" href="[^"]*">([^<]*)</a>.*?tag--muted">v(\d+)</span>.*?'
    r'<span class="meta to-read__meta">([^·<]*) ·[^<]*?( · needs your second factor)?</span>',
    re.S,
)


def listed(client) -> list[tuple[str, int, str, bool]]:
    """(title, version, owner, withheld) of each row of the person's `/to-read/`, as the page shows them."""
    response = client.get("/to-read/")
    assert response.status_code == 200
    return [(t, int(v), o.strip(), bool(w)) for t, v, o, w in _ROW.findall(response.content.decode())]


def titles(client) -> list[str]:
    return [row[0] for row in listed(client)]


def _stamp(table: str, column: str, pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(max(stamp), 0) FROM {table} WHERE {column} = %s", [pk])  # noqa: S608
        return int(cursor.fetchone()[0])


def plan_stamp(plan) -> int:
    return _stamp("reading_queue_plan_stamp", "plan_id", plan.pk)


def agency_stamp(agency) -> int:
    return _stamp("reading_queue_agency_stamp", "agency_id", agency.pk)


@pytest.fixture
def officer_queue(county):
    """The police officer owes the county plan and three more district plans, their page kept."""
    require(county.police, county.plan)
    shared_plans(county, 3)
    officer = User.objects.get(pk=county.partner_view_member.pk)
    client = web_client(officer)
    assert len(listed(client)) == 4  # computed, now kept
    assert len(listed(client)) == 4  # kept
    return officer, client


def test_a_kept_page_reads_the_session_the_person_and_the_stamps_only(county, officer_queue, django_assert_num_queries):
    officer, client = officer_queue
    with django_assert_num_queries(3):  # the session, the person, the stamps of the page's plans and owners
        assert client.get("/to-read/").status_code == 200
    Plan.objects.filter(pk=county.plan.pk).update(title="Renamed")  # one of the page's plans: a new stamp
    with django_assert_num_queries(4):  # ... and the page, computed once
        assert "Renamed" in client.get("/to-read/").content.decode()
    with django_assert_num_queries(3):
        assert client.get("/to-read/").status_code == 200
    cache.delete(person_key(user_id=officer.pk, name="queue-page:0:50"))
    with django_assert_num_queries(3):  # nothing kept: the session, the person, the page (no stamps to check)
        assert client.get("/to-read/").status_code == 200
    with django_assert_num_queries(3):
        assert client.get("/to-read/").status_code == 200


def test_changes_to_other_plans_and_agencies_leave_the_page_kept(county, officer_queue, django_assert_num_queries):
    """The point of the stamps: a publish, a share, a new title or an owner's new name anywhere else in the state
    does not make the person's kept page compute again."""
    _officer, client = officer_queue
    kept = listed(client)
    other = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far county flood plan")
    publish(other, county.unrelated_admin, "Move to high ground.")
    services.plan_share(plan=other, agency=county.fire, level="view", actor=county.unrelated_admin)
    services.plan_update(plan=other, actor=county.unrelated_admin, title="Far county flood and storm plan")
    agency_update(agency=county.unrelated, actor=SYSTEM, name="Far County Sheriff's Office")
    agency_update(agency=county.fire, actor=SYSTEM, les_read_requires_mfa=True)
    assert plan_stamp(other) > 0
    assert agency_stamp(county.unrelated) > 0
    assert agency_stamp(county.fire) > 0
    with django_assert_num_queries(3):  # the session, the person, the page's stamps: still kept
        assert listed(client) == kept
    district_plan = make_plan(owner=county.district, actor=county.owner_admin, title="Bus routes")
    publish(district_plan, county.owner_admin, "Buses leave at three.")  # the page's owner, not one of its plans
    with django_assert_num_queries(3):
        assert listed(client) == kept


def test_an_unshare_removes_the_plan_from_the_next_page(county, officer_queue):
    _officer, client = officer_queue
    services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    assert county.plan.title not in titles(client)
    assert len(titles(client)) == 3


def test_a_grant_gone_without_the_sync_still_removes_the_plan(county, officer_queue):
    """The plan's stamp alone guards the access rule here: a grant deleted by a path that neither syncs the
    obligations nor bumps the person's header version (a cascade, an operator's SQL) shows on the next page too."""
    _officer, client = officer_queue
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM plans_plangroupobjectpermission WHERE content_object_id = %s AND group_id = %s",
            [county.plan.pk, county.police.group_id],
        )
    assert county.plan.title not in titles(client)


def test_a_public_plan_made_law_enforcement_sensitive_leaves_the_page_of_those_it_was_not_shared_with(county):
    public = make_plan(owner=county.district, actor=county.owner_admin, title="Open house", classification="public")
    publish(public, county.owner_admin, "Doors open at nine.")
    require(county.fire, public)
    reader = User.objects.get(pk=county.partner_comment_liaison.pk)
    client = web_client(reader)
    assert titles(client) == ["Open house"]
    assert titles(client) == ["Open house"]  # kept
    services.plan_update(plan=public, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    assert titles(client) == []


def test_a_classification_changed_without_the_sync_still_removes_the_plan(county):
    public = make_plan(owner=county.district, actor=county.owner_admin, title="Open house", classification="public")
    publish(public, county.owner_admin, "Doors open at nine.")
    require(county.fire, public)
    client = web_client(User.objects.get(pk=county.partner_comment_liaison.pk))
    assert titles(client) == ["Open house"]
    assert titles(client) == ["Open house"]
    Plan.objects.filter(pk=public.pk).update(classification=Classification.PARTNER)  # no sync, no header bump
    assert titles(client) == []


def test_a_withdrawn_plan_leaves_the_page(county, officer_queue):
    _officer, client = officer_queue
    services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    assert county.plan.title not in titles(client)


def test_a_current_version_cleared_without_the_sync_still_removes_the_plan(county, officer_queue):
    """A plan in the queue cannot be deleted (its released versions refuse it, plans.0003); what comes nearest, the
    plan left without a current version by a path that neither syncs nor bumps the person, leaves the page."""
    _officer, client = officer_queue
    Plan.objects.filter(pk=county.plan.pk).update(current_version=None)
    assert county.plan.title not in titles(client)
    assert len(titles(client)) == 3


def test_a_new_title_that_sorts_a_plan_onto_a_kept_page_shows_there(county):
    """A page is checked against its own plans' stamps; a plan of the same due date from the next page, renamed to
    sort first, comes onto it because the rename moves its readers' versions (`plan_title_changed`)."""
    require(county.police, county.plan)
    plans = shared_plans(county, 3)
    officer = User.objects.get(pk=county.partner_view_member.pk)
    ReadingObligation.objects.filter(user=officer).update(due_at=timezone.now() + timedelta(days=30))
    header_counts_changed([officer.pk])
    first_two = ["Maple Valley High crisis plan", "Plan 000"]
    for _ in range(2):  # computed, then kept
        assert [row["plan__title"] for row in QueuePages(user=officer, count=4)[0:2]] == first_two
    services.plan_update(plan=plans[2], actor=county.owner_admin, title="Assembly points")
    assert [row["plan__title"] for row in QueuePages(user=officer, count=4)[0:2]] == [
        "Assembly points",
        "Maple Valley High crisis plan",
    ]
    assert [row["plan__title"] for row in QueuePages(user=officer, count=4)[2:4]] == ["Plan 000", "Plan 001"]


def test_a_person_who_leaves_the_agency_no_longer_sees_its_plans(county, officer_queue):
    officer, client = officer_queue
    membership_add(agency=county.fire, user=officer, role=Role.MEMBER, actor=SYSTEM)  # leaving the last signs out
    assert len(titles(client)) == 4
    assert len(titles(client)) == 4  # kept
    membership = Membership.objects.get(user=officer, agency=county.police)
    membership_remove(membership=membership, actor=SYSTEM)
    assert titles(client) == []


def test_a_new_title_an_owner_rename_and_its_second_factor_setting_show_on_the_next_page(county, officer_queue):
    _officer, client = officer_queue
    services.plan_update(plan=county.plan, actor=county.owner_admin, title="Maple Valley High emergency plan")
    assert "Maple Valley High emergency plan" in titles(client)
    agency_update(agency=county.district, actor=SYSTEM, name="Maple Valley Unified")
    assert {row[2] for row in listed(client)} == {"Maple Valley Unified"}
    assert not any(row[3] for row in listed(client))
    services.plan_update(
        plan=county.plan, actor=county.owner_admin, classification=Classification.LAW_ENFORCEMENT_SENSITIVE
    )
    assert not any(row[3] for row in listed(client))  # the owner does not ask for a second factor yet
    agency_update(agency=county.district, actor=SYSTEM, les_read_requires_mfa=True)
    withheld = {row[0]: row[3] for row in listed(client)}
    assert withheld["Maple Valley High emergency plan"]
    assert sum(withheld.values()) == 1


def test_a_new_version_and_an_acknowledgement_show_on_the_next_page(county, officer_queue):
    _officer, client = officer_queue
    assert (county.plan.title, 1) in [(row[0], row[1]) for row in listed(client)]
    publish_next(county)
    assert (county.plan.title, 2) in [(row[0], row[1]) for row in listed(client)]
    response = client.post(f"/to-read/{county.plan.pk}/", {"version": 2})
    assert response.status_code == 302
    assert county.plan.title not in titles(client)
    assert len(titles(client)) == 3


def test_two_people_of_different_agencies_never_see_each_others_rows(county):
    require(county.police, county.plan)
    fire_plan = make_plan(owner=county.district, actor=county.owner_admin, title="Fire drill")
    publish(fire_plan, county.owner_admin, "Leave by the east stairs.")
    services.plan_share(plan=fire_plan, agency=county.fire, level="view", actor=county.owner_admin)
    require(county.fire, fire_plan)
    officer = web_client(User.objects.get(pk=county.partner_view_member.pk))
    firefighter = web_client(member(county.fire, Role.MEMBER, username="firefighter"))
    for _ in range(2):  # computed, then kept
        assert titles(officer) == [county.plan.title]
        assert titles(firefighter) == ["Fire drill"]
    assert web_client(county.unrelated_admin).get("/to-read/").content.decode().count("to-read__title") == 0


def test_an_uncommitted_change_is_seen_by_its_own_transaction_and_never_kept(county, officer_queue):
    officer, client = officer_queue
    before = plan_stamp(county.plan)
    with transaction.atomic():
        Plan.objects.filter(pk=county.plan.pk).update(title="Renamed, then rolled back")
        rows = QueuePages(user=officer, count=4)[0:4]  # computed in the transaction, not kept
        assert "Renamed, then rolled back" in [row["plan__title"] for row in rows]
        transaction.set_rollback(True)
    assert plan_stamp(county.plan) == before  # nothing committed: the stamp stands
    assert county.plan.title in titles(client)
    assert "Renamed, then rolled back" not in titles(client)


def test_a_stamp_is_replaced_in_the_writing_transaction_and_seen_by_others_at_commit(county):
    before = plan_stamp(county.plan)
    with transaction.atomic():
        services.plan_update(plan=county.plan, actor=county.owner_admin, title="New title")
        inside = plan_stamp(county.plan)
        assert inside != before
    assert plan_stamp(county.plan) == inside
    with transaction.atomic():  # a bulk share: one statement, every plan stamped
        PlanGroupObjectPermission.objects.filter(content_object=county.plan).delete()
        assert plan_stamp(county.plan) != inside


def test_a_kept_page_shows_an_item_falling_due_soon_when_the_moment_passes(county, django_assert_num_queries):
    """The rows' HTML is kept with the page (reading/queue_rows.py) only until a due text would change: an item whose
    due-soon window opens a moment later shows as due soon on the next view, the page itself still kept."""
    require(county.police, county.plan)
    officer = User.objects.get(pk=county.partner_view_member.pk)
    ReadingObligation.objects.filter(user=officer).update(due_at=timezone.now() + timedelta(days=3, seconds=2))
    client = web_client(officer)

    def the_list() -> str:
        page = client.get("/to-read/").content.decode()
        return page[page.index('id="to-read-list"') : page.index("</ul>", page.index('id="to-read-list"'))]

    first = the_list()
    assert 'tag tag--muted">Due in 3 days' in first
    assert the_list() == first  # kept, and the same
    time.sleep(2.5)  # the item's due-soon window opens
    with django_assert_num_queries(3):  # the page still kept: the session, the person, the stamps
        later = the_list()
    assert 'tag tag--warn">Due in 3 days' in later
