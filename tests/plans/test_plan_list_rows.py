"""The web plan list reads a page in one statement (plans/list_rows.py): the same rows and totals as the ORM path
(kept for other databases), for every kind of reader and filter."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone

from plans import services
from plans.list_rows import PlanListFilters, PlanListPages, day_label
from plans.models import Plan, PlanKind
from reading.models import ReadingObligation
from tests.plans.test_visible_plan_rows import varied  # noqa: F401 - the fixture

READERS = ["owner_member", "partner_view_member", "partner_comment_liaison", "unrelated_admin"]


@pytest.fixture
def listed(varied):  # noqa: F811 - the fixture imported above
    """`varied`, with review dates, a kind, an acknowledgement and a reading obligation on some plans."""
    today = timezone.localdate()
    plans = list(Plan.objects.order_by("id"))
    for i, plan in enumerate(plans):
        due = today + timedelta(days=(i * 11) % 90 - 20) if i % 4 else None
        kind = PlanKind.SCHOOL_EOP if i % 3 == 0 else plan.kind
        Plan.objects.filter(pk=plan.pk).update(next_review_due=due, kind=kind)
    published = [plan for plan in Plan.objects.order_by("id") if plan.current_version_id]
    services.plan_version_acknowledge(
        version=published[0].current_version, actor=varied.partner_comment_liaison, agency=None
    )
    ReadingObligation.objects.create(
        agency=varied.district,
        user=varied.owner_member,
        plan=published[0],
        version=published[0].current_version,
        due_at=timezone.now(),
    )
    return varied


def _filters(county) -> list[PlanListFilters]:
    return [
        PlanListFilters(),
        PlanListFilters(text="evacuate north"),
        PlanListFilters(text="   "),
        PlanListFilters(owner_agency_id=county.district.pk),
        PlanListFilters(owner_agency_id=county.police.pk, text="evacuate"),
        PlanListFilters(facility_id=county.buildings[0].pk),
        PlanListFilters(kind=PlanKind.SCHOOL_EOP),
        PlanListFilters(review_due=True),
        PlanListFilters(kind=PlanKind.SCHOOL_EOP, review_due=True, owner_agency_id=county.district.pk),
        PlanListFilters(facility_id=999_999),
    ]


@pytest.mark.parametrize("reader", READERS)
def test_every_page_of_every_filter_is_the_orm_paths_page(listed, reader):
    user = getattr(listed, reader)
    for filters in _filters(listed):
        source = PlanListPages(user=user, filters=filters)
        for size in (1, 7, 50):
            offset = 0
            while True:
                fast = source.page_with_total(offset=offset, limit=size)
                assert fast == source._orm_page(offset=offset, limit=size), (filters, size, offset)
                if not fast[1]:
                    break
                offset += size
            assert fast[0] is None
        total = source.page_with_total(offset=0, limit=50)[0] or 0
        assert total == source.count()


def test_the_rows_show_what_the_reader_did_and_must_do(listed):
    rows = PlanListPages(user=listed.partner_comment_liaison, filters=PlanListFilters()).page_with_total(
        offset=0, limit=100
    )[1]
    assert any(row.acknowledged_by_me for row in rows)
    assert any(row.open_change_requests for row in rows)
    mine = PlanListPages(user=listed.owner_member, filters=PlanListFilters()).page_with_total(offset=0, limit=100)[1]
    assert any(row.reading_required for row in mine)
    assert ["Alpha Gym", "Zeta Hall"] in [row.facility_names for row in mine]  # in name order


def test_a_rows_day_is_written_as_the_date_filter_writes_it():
    template = engines["django"].from_string('{{ value|date:"j M Y" }}')
    values = [None, date(2026, 1, 5), date(987, 12, 31), datetime(2026, 3, 1, 23, 30, tzinfo=UTC)]
    for zone in ("UTC", "America/Chicago", "Asia/Tokyo"):
        with timezone.override(zone):
            for value in values:
                assert day_label(value) == template.render({"value": value}), (zone, value)
