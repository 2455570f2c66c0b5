"""The compliance page's per-plan rows and group filter are kept per agency (reading/compliance_cache.py) and every
change shows on the next page: an acknowledgement, a new requirement, a publish, a plan retitled, a group added or
renamed, and a due time passing with no write at all. A page served from what was kept reads fewer queries; an
agency never sees another's rows, and a supervisor's narrower list is never the manager's.

The writes commit here (transactional tests): the agency's token is replaced when a writing transaction commits.
"""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django.utils.safestring import SafeString

from agencies.models import Role
from plans import services
from plans.services.plan_records import plan_update
from reading import selectors_compliance as selectors
from reading.compliance_cache import agency_compliance, page_html, plan_rows
from reading.forms_compliance import PLAN_SORT_CHOICES
from reading.models import ReadingObligation
from reading.services import reading_group_create, reading_group_update, reading_requirement_create
from tests.agencies.factories import member
from tests.conftest import web_client
from tests.plans.factories import make_plan, publish
from tests.reading.compliance_scene import build

pytestmark = pytest.mark.django_db(transaction=True)

# session, user, memberships with their agencies, the agency's token: the rows and groups come from the cache.
HIT_QUERIES = 4
# ... and, on a miss, the summary's rows and the agency's groups.
MISS_QUERIES = 6

_ROW = re.compile(
    r'<th scope="row" data-label="Plan"><a href="[^"]*">([^<]*)</a> <span class="meta">v(\d+)</span></th>\s*'
    r'<td data-label="Read">.*?</progress> (\d+) of (\d+) \(\d+%\)</td>\s*'
    r'<td data-label="Due">(\d+)</td>\s*<td data-label="Overdue">(?:<span class="tag tag--bad">)?(\d+)',
    re.S,
)


def _rows(client, agency_id: int, query: str = "") -> dict[str, tuple[int, int, int, int, int]]:
    """The page's per-plan rows: title -> (version, read, required, due, overdue)."""
    response = client.get(f"/agencies/{agency_id}/reading/compliance/{query}")
    assert response.status_code == 200
    return {
        title: (int(v), int(read), int(required), int(due), int(overdue))
        for title, v, read, required, due, overdue in _ROW.findall(response.content.decode())
    }


def _groups(client, agency_id: int) -> list[str]:
    html = client.get(f"/agencies/{agency_id}/reading/compliance/").content.decode()
    select = html.split('name="group"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="\d+">([^<]*)</option>', select)


def _token(agency_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM reading_compliance_token WHERE agency_id = %s", [agency_id])
        return str(cursor.fetchone()[0])


@pytest.fixture
def scene(county):
    return build(county)


def test_a_second_view_reads_the_rows_and_groups_from_the_cache(scene, django_assert_num_queries):
    client = web_client(scene.police_admin)
    police = scene.county.police.pk
    client.get(f"/agencies/{police}/reading/compliance/")  # the header's counts, cached for the person
    connection.cursor().execute("UPDATE reading_compliance_token SET token = gen_random_uuid()")  # a cold cache
    with django_assert_num_queries(MISS_QUERIES):
        first = _rows(client, police)
    with django_assert_num_queries(HIT_QUERIES):
        second = _rows(client, police)
    assert first == second == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    with django_assert_num_queries(HIT_QUERIES):  # another sort and state: summed from the same kept rows
        assert _rows(client, police, "?state=overdue&sort=-read") == first


def test_an_acknowledgement_a_requirement_and_a_publish_show_on_the_next_page(scene):
    county = scene.county
    client = web_client(scene.police_admin)
    police = county.police.pk
    assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    _rows(client, police)  # kept
    services.plan_version_acknowledge(version=county.published, actor=scene.officers["Ben"])
    assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 2, 8, 3, 3)}

    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    _rows(client, police)
    reading_requirement_create(agency=county.police, plan=second, due_days=3, actor=scene.police_admin)
    assert _rows(client, police)["Bus route plan"] == (1, 0, 8, 8, 0)

    publish(county.plan, county.owner_admin, "A new version: everyone owes it again.")
    assert _rows(client, police)["Maple Valley High crisis plan"] == (3, 0, 8, 8, 0)


def test_a_retitled_plan_and_a_group_added_or_renamed_show_on_the_next_page(scene):
    county = scene.county
    client = web_client(scene.police_admin)
    police = county.police.pk
    assert _groups(client, police) == ["Patrol", "School Resource Officers"]
    _rows(client, police)
    plan_update(plan=county.plan, actor=county.owner_admin, title="Maple Valley High emergency plan")
    assert list(_rows(client, police)) == ["Maple Valley High emergency plan"]

    group = reading_group_create(agency=county.police, name="Command staff", actor=scene.police_admin)
    assert _groups(client, police) == ["Command staff", "Patrol", "School Resource Officers"]
    reading_group_update(group=group, name="Watch commanders", actor=scene.police_admin)
    assert _groups(client, police) == ["Patrol", "School Resource Officers", "Watch commanders"]


def test_a_due_time_passing_shows_overdue_with_no_write(scene, django_assert_num_queries):
    client = web_client(scene.police_admin)
    police = scene.county.police.pk
    soon = timezone.now() + timedelta(seconds=2)
    ReadingObligation.objects.filter(agency_id=police, user=scene.officers["Dee"]).update(due_at=soon)
    assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    with django_assert_num_queries(HIT_QUERIES):
        assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    time.sleep(max((soon - timezone.now()).total_seconds(), 0) + 0.1)
    with django_assert_num_queries(HIT_QUERIES):  # nothing written: the same kept rows, summed at a later moment
        assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 1, 8, 2, 5)}
        # ...and the page's "longest overdue" is the oldest due date's, in days.


def test_two_agencies_never_see_each_others_rows(scene):
    county = scene.county
    fire_admin = member(county.fire, Role.ADMIN, username="fire_chief")
    police_client, fire_client = web_client(scene.police_admin), web_client(fire_admin)
    assert _rows(police_client, county.police.pk)
    assert _rows(fire_client, county.fire.pk) == {}
    assert _rows(police_client, county.police.pk) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    assert _rows(fire_client, county.fire.pk) == {}  # the police's kept rows are under the police's id only
    assert fire_client.get(f"/agencies/{county.police.pk}/reading/compliance/").status_code == 404
    reading_requirement_create(agency=county.fire, plan=county.plan, due_days=5, actor=fire_admin)
    assert _rows(fire_client, county.fire.pk) == {"Maple Valley High crisis plan": (1, 0, 2, 2, 0)}
    assert _rows(police_client, county.police.pk) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}


def test_a_supervisor_is_not_served_the_managers_rows(scene):
    county = scene.county
    police = county.police.pk
    manager, supervisor = web_client(scene.police_admin), web_client(scene.sro_supervisor)
    assert _rows(manager, police) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}
    assert _rows(manager, police)  # kept
    # Ada (read) and Ben (overdue): the School Resource Officers only, counted from their obligations.
    assert _rows(supervisor, police) == {"Maple Valley High crisis plan": (1, 1, 2, 0, 1)}
    assert _groups(supervisor, police) == ["School Resource Officers"]
    assert _groups(manager, police) == ["Patrol", "School Resource Officers"]


def test_a_writers_own_uncommitted_change_is_computed_never_kept(scene):
    county = scene.county
    police = county.police.pk
    client = web_client(scene.police_admin)
    _rows(client, police)
    before = _token(police)
    with transaction.atomic():
        services.plan_version_acknowledge(version=county.published, actor=scene.officers["Ben"])
        assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 2, 8, 3, 3)}
        assert _token(police) == before  # replaced only at commit
        transaction.set_rollback(True)
    assert _token(police) == before
    assert _rows(client, police) == {"Maple Valley High crisis plan": (1, 1, 8, 3, 4)}  # the rollback kept nothing


@pytest.mark.parametrize("sort", ["", *(value for value, _ in PLAN_SORT_CHOICES if value)])
def test_the_kept_rows_sum_to_the_orms_for_every_sort_and_state_and_moment(scene, sort):
    county = scene.county
    second = make_plan(owner=county.district, actor=county.owner_admin, title="Bus route plan")
    publish(second, county.owner_admin, "Stops and times.")
    services.plan_share(plan=second, agency=county.police, level="view", actor=county.owner_admin)
    reading_requirement_create(agency=county.police, plan=second, due_days=3, actor=scene.police_admin)
    scope = selectors.compliance_scope_for(user=scene.police_admin, agency_id=county.police.pk)
    kept = agency_compliance(agency_id=county.police.pk)
    assert kept is not None
    for moment in (timezone.now(), timezone.now() + timedelta(days=4), timezone.now() + timedelta(days=20)):
        for state in (None, *(value for value, _ in selectors.State.CHOICES)):
            filters = selectors.ComplianceFilters(state=state, sort=sort)
            orm = list(selectors.plan_summaries(scope=scope, filters=filters, now=moment))
            assert plan_rows(kept, state=state, sort=sort, now=moment) == orm, (state, sort, moment)


def test_a_pages_html_is_kept_only_for_the_same_list_page_and_days_overdue(scene):
    kept = agency_compliance(agency_id=scene.county.police.pk)
    assert kept is not None
    now = timezone.now()
    rendered: list[str] = []

    def html(days: tuple[int, ...], number: int = 1, moment=now) -> str:
        def render() -> SafeString:
            rendered.append("x")
            return SafeString(f"{number}:{days}")

        return page_html(kept, state=None, sort="", now=moment, number=number, days=days, render=render)

    assert html((10,)) == "1:(10,)"
    assert html((10,)) == "1:(10,)"  # kept
    assert html((11,)) == "1:(11,)"  # a day later: the days overdue moved
    assert html((10,), number=2) == "2:(10,)"
    assert html((10,), moment=now + timedelta(days=30)) == "1:(10,)"  # due dates passed since: another list
    assert len(rendered) == 4
