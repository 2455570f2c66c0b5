"""Sources through their services: declaring needs only the right to see, each published version records the
source versions it was written against, a source's new version opens one review per plan (alerted once), and a
review ends in a draft that folds it in or in "no change needed" with a reason."""

import pytest

from audit.models import AuditAction, AuditEvent
from notifications import services as notification_services
from notifications.models import EventType, Notification, OutboxEvent
from plans import services as plan_services
from plans.models import ShareLevel
from portal.errors import ConflictError, InvalidInputError, NotAllowedError
from sources.models import PlanSource, PlanSourceVersion, SourceChange, SourceChangeKind, SourceChangeStatus
from sources.publish_hooks import source_changes_record
from sources.selectors import agency_source_picture, plan_dependents, plan_sources
from sources.services import plan_source_add, plan_source_remove, source_change_draft_start, source_change_no_change
from tests.plans.factories import make_plan, publish
from tests.sources.scene import police_publish, school_publishes


def test_a_published_version_records_the_source_version_it_was_written_against(built):
    recorded = PlanSourceVersion.objects.get(version_id=built.plan.current_version_id)
    assert recorded.source_version == built.county.published
    assert recorded.section_key == "reunification"
    row = plan_sources(user=built.police_planner, plan=built.plan).rows[0]
    assert (row.state, row.title, row.recorded_number, row.current_number) == (
        "current",
        "Maple Valley High crisis plan",
        1,
        1,
    )


def test_declaring_a_source_needs_only_the_right_to_see_it(built, county):
    hidden = make_plan(owner=county.unrelated, actor=county.unrelated_admin, title="Far County plan")
    with pytest.raises(InvalidInputError):
        plan_source_add(plan=built.plan, source_plan=hidden, actor=built.police_planner)
    for refused in (county.partner_view_liaison, county.partner_view_member, county.owner_admin):
        with pytest.raises(NotAllowedError):
            plan_source_add(plan=built.plan, source_plan=county.plan, actor=refused)
    with pytest.raises(InvalidInputError):
        plan_source_add(plan=built.plan, source_plan=built.plan, actor=built.police_planner)
    with pytest.raises(InvalidInputError):
        plan_source_add(plan=built.plan, source_plan=county.plan, section_key="no-such", actor=built.police_planner)
    assert PlanSource.objects.count() == 1
    _, created = plan_source_add(
        plan=built.plan, source_plan=county.plan, section_key="reunification", actor=built.police_planner
    )
    assert not created
    assert AuditEvent.objects.filter(action=AuditAction.SOURCE_ADD).count() == 1


def test_a_source_publishing_opens_one_review_and_alerts_the_owners_writers_once(built, county):
    member_of_police = county.partner_view_member
    version = school_publishes(county)
    change = SourceChange.objects.get()
    assert (change.plan, change.source_version, change.built_on, change.kind) == (
        built.plan,
        version,
        county.published,
        SourceChangeKind.PUBLISHED,
    )
    assert change.section_keys == ["reunification"]
    assert source_changes_record(source=county.plan, version=version, kind=SourceChangeKind.PUBLISHED) == []
    events = OutboxEvent.objects.filter(event_type=EventType.SOURCE_CHANGED)
    assert events.count() == 1
    event = events.get()
    assert event.payload["sections"] == ["Section 1"]
    notification_services.outbox_event_fan_out(event_id=event.pk)
    notification_services.outbox_event_fan_out(event_id=event.pk)
    notified = sorted(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert notified == ["police_admin", "police_planner"]
    assert member_of_police.username not in notified
    assert Notification.objects.get(event=event, user=built.police_admin).title == (
        "Active threat response plan: source Maple Valley High crisis plan is now at v2 — review pending "
        "(sections changed: Section 1)"
    )
    sources = plan_sources(user=built.police_planner, plan=built.plan)
    assert (sources.changed, sources.total, sources.rows[0].state, sources.rows[0].current_number) == (
        1,
        1,
        "pending",
        2,
    )


def test_no_change_needed_takes_a_reason_and_is_audited(built, county):
    school_publishes(county)
    change = SourceChange.objects.get()
    with pytest.raises(InvalidInputError):
        source_change_no_change(change=change, actor=built.police_planner, reason="  ")
    with pytest.raises(NotAllowedError):
        source_change_no_change(change=change, actor=county.partner_view_liaison, reason="Fine.")
    source_change_no_change(change=change, actor=built.police_planner, reason="Only the lockdown wording changed.")
    change.refresh_from_db()
    assert (change.status, change.reason, change.decided_by) == (
        SourceChangeStatus.NO_CHANGE,
        "Only the lockdown wording changed.",
        built.police_planner,
    )
    audit = AuditEvent.objects.get(action=AuditAction.SOURCE_NO_CHANGE)
    assert audit.details["reason"] == "Only the lockdown wording changed."
    assert plan_sources(user=built.police_planner, plan=built.plan).rows[0].state == "reviewed"
    with pytest.raises(ConflictError):
        source_change_no_change(change=change, actor=built.police_planner, reason="Again.")


def test_a_draft_started_for_a_change_closes_it_when_published_and_records_the_new_source_version(built, county):
    version = school_publishes(county)
    change = SourceChange.objects.get()
    draft = source_change_draft_start(change=change, actor=built.police_planner)
    change.refresh_from_db()
    assert (change.status, change.draft) == (SourceChangeStatus.DRAFTING, draft)
    rows = [{"key": s.key, "title": s.title, "body": s.body + " Updated."} for s in draft.sections.all()]
    plan_services.plan_version_update_draft(version=draft, actor=built.police_planner, sections=rows)
    published = plan_services.plan_version_publish(version=draft, actor=built.police_admin)
    change.refresh_from_db()
    assert (change.status, change.closed_by_version) == (SourceChangeStatus.FOLDED_IN, published)
    assert PlanSourceVersion.objects.get(version=published).source_version == version
    built.plan.refresh_from_db()
    row = plan_sources(user=built.police_planner, plan=built.plan).rows[0]
    assert (row.state, row.recorded_number) == ("current", 2)


def test_a_withdrawn_source_is_flagged_the_same_way(built, county):
    plan_services.plan_version_withdraw(version=county.published, actor=county.owner_admin)
    change = SourceChange.objects.get()
    assert (change.kind, change.source_version) == (SourceChangeKind.WITHDRAWN, county.published)
    event = OutboxEvent.objects.get(event_type=EventType.SOURCE_CHANGED)
    notification_services.outbox_event_fan_out(event_id=event.pk)
    assert Notification.objects.filter(event=event).first().title.endswith("v1 was withdrawn — review pending")


def test_a_revoked_share_hides_the_source_and_tells_nothing_new(built, county):
    school_publishes(county)  # an event recorded while shared, fanned out after the revoke
    plan_services.plan_unshare(plan=county.plan, agency=county.police, actor=county.owner_admin)
    event = OutboxEvent.objects.get(event_type=EventType.SOURCE_CHANGED)
    notification_services.outbox_event_fan_out(event_id=event.pk)
    assert not Notification.objects.filter(event=event).exists()
    sources = plan_sources(user=built.police_planner, plan=built.plan)
    row = sources.rows[0]
    assert (row.state, row.title, row.recorded_number, row.current_number, row.source_plan_id) == (
        "hidden",
        "",
        None,
        None,
        None,
    )
    assert (sources.hidden, sources.total) == (1, 1)
    # A later version of the hidden source opens no review and records no version.
    school_draft = plan_services.plan_version_create_draft(plan=county.plan, actor=county.owner_admin)
    rows = [{"key": s.key, "title": s.title, "body": s.body + " v3"} for s in school_draft.sections.all()]
    plan_services.plan_version_update_draft(version=school_draft, actor=county.owner_admin, sections=rows)
    plan_services.plan_version_publish(version=school_draft, actor=county.owner_admin)
    assert SourceChange.objects.count() == 1
    republished = police_publish(built.plan, built.police_admin, "Parents meet at the library.")
    assert PlanSourceVersion.objects.get(version=republished).source_version is None


def test_the_sources_owner_sees_dependents_it_may_see_and_counts_the_rest(built, county):
    hidden = plan_dependents(user=county.owner_admin, plan=county.plan)
    assert (hidden.plans, hidden.others) == ([], 1)
    plan_services.plan_share(plan=built.plan, agency=county.district, level=ShareLevel.VIEW, actor=built.police_admin)
    shown = plan_dependents(user=county.owner_admin, plan=county.plan)
    assert ([p.title for p in shown.plans], shown.others) == (["Active threat response plan"], 0)


def test_the_agency_picture_lists_plans_with_pending_sources_first(built, county):
    calm = make_plan(owner=county.police, actor=built.police_admin, title="Bomb threat plan")
    publish(calm, built.police_admin, "Evacuate.")
    other_source = make_plan(owner=county.police, actor=built.police_admin, title="Police mutual aid")
    publish(other_source, built.police_admin, "Call the county.")
    plan_source_add(plan=calm, source_plan=other_source, actor=built.police_planner)
    school_publishes(county)
    picture = agency_source_picture(user=built.police_planner, agency=county.police)
    assert [(p.plan.title, p.changed, p.total) for p in picture] == [
        ("Active threat response plan", 1, 1),
        ("Bomb threat plan", 0, 1),
    ]


def test_removing_the_last_link_to_a_source_settles_its_open_changes(built, county):
    school_publishes(county)
    with pytest.raises(NotAllowedError):
        plan_source_remove(link=built.link, actor=county.partner_view_member)
    plan_source_remove(link=built.link, actor=built.police_planner)
    assert SourceChange.objects.get().status == SourceChangeStatus.NO_CHANGE
    assert AuditEvent.objects.filter(action=AuditAction.SOURCE_REMOVE).count() == 1
