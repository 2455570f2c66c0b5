"""Issue 13, item 3: a draft that says exactly what the current version says is not published (web and API):
partners would be alerted to a change that is not one; the annual review has "Mark reviewed — no changes"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consistency.fact_services import facility_facts_set
from notifications.models import OutboxEvent
from plans import services
from plans.models import VersionState
from plans.version_content import published_twin
from tests.conftest import client_for, web_client
from tests.plans.factories import sections

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def unchanged_draft(county):
    """The plan's published v1 copied into a new draft, with a new change summary and nothing else changed."""
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    county.plan.refresh_from_db()
    copy = services.plan_version_create_draft(
        plan=county.plan, actor=county.owner_planner, change_summary="Annual review 2027"
    )
    return copy


def test_publishing_an_unchanged_copy_through_the_api_answers_409_and_alerts_nobody(county, unchanged_draft):
    events = OutboxEvent.objects.count()
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/versions/{unchanged_draft.number}/publish/"
    )
    assert response.status_code == 409
    assert "Nothing to publish — this draft is the same as v2" in response.json()["detail"]
    assert "Mark reviewed — no changes" in response.json()["detail"]
    unchanged_draft.refresh_from_db()
    assert unchanged_draft.state == VersionState.DRAFT
    assert OutboxEvent.objects.count() == events


def test_the_publish_confirmation_says_nothing_to_publish_and_points_to_mark_reviewed(county, unchanged_draft):
    client = web_client(county.owner_admin)
    url = f"/plans/{county.plan.pk}/versions/{unchanged_draft.number}/publish/"
    page = client.get(url).content.decode()
    assert "Nothing to publish — this draft is the same as v2." in page
    assert f'href="/plans/{county.plan.pk}/reviewed/"' in page
    assert f"Publish version {unchanged_draft.number}</button>" not in page
    response = client.post(url)  # sent anyway (an old tab): refused, said the same way
    assert response.status_code == 409
    assert "Nothing to publish — this draft is the same as v2." in response.content.decode()
    unchanged_draft.refresh_from_db()
    assert unchanged_draft.state == VersionState.DRAFT


@pytest.mark.parametrize("change", ["section text", "section order", "key fact", "attachment"])
def test_any_change_of_content_makes_the_draft_publishable(county, unchanged_draft, change):
    if change == "section text":
        services.plan_version_update_draft(
            version=unchanged_draft, actor=county.owner_planner, sections=sections("Evacuate to the gym.", "Lockdown.")
        )
    elif change == "section order":
        rows = list(unchanged_draft.sections.order_by("-position").values("key", "title", "body"))
        services.plan_version_update_draft(version=unchanged_draft, actor=county.owner_planner, sections=rows)
    elif change == "key fact":
        facility_facts_set(
            version=unchanged_draft,
            facility=county.school,
            actor=county.owner_planner,
            facts={"reunification_site": "Ridgeford Stadium, north gate"},
        )
    else:
        services.attachment_add(
            version=unchanged_draft,
            actor=county.owner_planner,
            upload=SimpleUploadedFile("site-map.pdf", PDF, content_type="application/pdf"),
            max_bytes=10_000_000,
        )
    assert published_twin(version=unchanged_draft) is None
    services.plan_version_publish(version=unchanged_draft, actor=county.owner_admin)
    unchanged_draft.refresh_from_db()
    assert unchanged_draft.state == VersionState.PUBLISHED


def test_a_new_change_summary_alone_is_not_a_change(county, unchanged_draft):
    services.plan_version_update_draft(
        version=unchanged_draft, actor=county.owner_planner, change_summary="Reviewed with police and fire."
    )
    assert published_twin(version=unchanged_draft).number == 2


def test_the_first_version_and_a_copy_of_a_withdrawn_version_may_be_published(county, unchanged_draft):
    current = county.plan.current_version
    services.plan_version_withdraw(version=current, actor=county.owner_admin)
    county.plan.refresh_from_db()
    unchanged_draft.refresh_from_db()
    assert published_twin(version=unchanged_draft) is None


def test_checking_for_an_identical_draft_takes_at_most_four_queries(
    county, unchanged_draft, django_assert_max_num_queries
):
    unchanged_draft.plan.refresh_from_db()
    with django_assert_max_num_queries(4):
        assert published_twin(version=unchanged_draft) is not None
