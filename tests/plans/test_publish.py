"""Publishing: one current version, supersession, review dates, immutability and the race between publishers."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from plans import services
from plans.models import PlanVersion, Section, VersionState
from portal.errors import ConflictError, InvalidInputError
from tests.conftest import client_for
from tests.plans.factories import draft, make_plan, sections


def test_publishing_supersedes_the_previous_version_and_restarts_the_review_clock(county):
    api = client_for(county.owner_admin)
    response = api.post(f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/publish/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"
    county.published.refresh_from_db()
    county.plan.refresh_from_db()
    assert county.published.state == VersionState.SUPERSEDED
    assert county.plan.current_version.number == county.draft.number
    assert county.plan.next_review_due == (timezone.now() + timedelta(days=365)).date()
    assert PlanVersion.objects.filter(plan=county.plan, state=VersionState.PUBLISHED).count() == 1


def test_publish_writes_audit_and_outbox_rows_in_the_same_transaction(county):
    before_events = OutboxEvent.objects.count()
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    assert OutboxEvent.objects.count() == before_events + 1
    event = OutboxEvent.objects.latest("id")
    assert event.event_type == "version.published"
    assert event.payload["version"] == county.draft.number
    assert AuditEvent.objects.filter(action="version.publish", object_id=str(county.draft.pk)).exists()


def test_history_brought_in_keeps_its_publication_time_and_the_clocks_computed_from_it(county):
    """The demo county's past weeks: a version published earlier, never in the future nor before its predecessor."""
    services.plan_version_publish(version=county.draft, actor=county.owner_admin, published_at=timezone.now())
    county.plan.refresh_from_db()
    later = draft(county.plan, county.owner_planner, "Evacuate to the gym.")
    with pytest.raises(InvalidInputError, match="published later"):
        services.plan_version_publish(
            version=later, actor=county.owner_admin, published_at=timezone.now() - timedelta(days=3)
        )
    with pytest.raises(InvalidInputError, match="future"):
        services.plan_version_publish(
            version=later, actor=county.owner_admin, published_at=timezone.now() + timedelta(days=1)
        )
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Carried over from paper")
    first = draft(plan, county.owner_admin, "Shelter in the gym.")
    at = timezone.now() - timedelta(days=20)
    services.plan_version_publish(version=first, actor=county.owner_admin, published_at=at)
    plan.refresh_from_db()
    assert plan.current_version.published_at == at
    assert plan.next_review_due == (at + timedelta(days=plan.review_interval_days)).date()


def test_published_versions_are_immutable_at_the_model_layer(county):
    version = PlanVersion.objects.get(pk=county.published.pk)
    version.change_summary = "sneaky edit"
    with pytest.raises(ConflictError):
        version.save()
    section = Section.objects.filter(version=version).first()
    section.body = "sneaky edit"
    with pytest.raises(ConflictError):
        section.save()
    with pytest.raises(ConflictError):
        section.delete()
    assert Section.objects.get(pk=section.pk).body != "sneaky edit"


def test_editing_a_published_version_through_the_api_answers_409(county):
    api = client_for(county.owner_admin)
    response = api.patch(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.published.number}/",
        {"change_summary": "edited"},
        format="json",
    )
    assert response.status_code == 409
    county.published.refresh_from_db()
    assert county.published.change_summary != "edited"


def test_a_draft_started_before_another_publish_cannot_overwrite_it(county):
    stale = draft(county.plan, county.owner_planner, "Stale content")
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = client_for(county.owner_admin).post(f"/api/v1/plans/{county.plan.pk}/versions/{stale.number}/publish/")
    assert response.status_code == 409
    assert "start a new draft" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_publishes_leave_exactly_one_current_version(county):
    second = services.plan_version_create_draft(
        plan=county.plan, actor=county.owner_planner, change_summary="rival", sections=sections("Rival")
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(version):
        try:
            barrier.wait()
            services.plan_version_publish(version=version, actor=county.owner_admin)
            outcomes.append("published")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(v,)) for v in (county.draft, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "published"]
    published = PlanVersion.objects.filter(plan=county.plan, state=VersionState.PUBLISHED)
    assert published.count() == 1
    county.plan.refresh_from_db()
    assert county.plan.current_version_id == published.get().pk


def test_the_database_refuses_bulk_edits_of_published_content(county):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        PlanVersion.objects.filter(pk=county.published.pk).update(change_summary="rewritten")
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Section.objects.filter(version=county.published).update(body="rewritten")
    with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
        Section.objects.filter(version=county.published)._raw_delete(Section.objects.db)
    assert not Section.objects.filter(body="rewritten").exists()
    # Drafts stay editable in bulk.
    assert Section.objects.filter(version=county.draft).update(body="still a draft") == 2
