"""Sharing with partner agencies: levels, changes of level, and revocation taking effect at once."""

from audit.models import AuditEvent
from notifications.models import OutboxEvent
from plans.models import PlanGroupObjectPermission, PlanShare
from tests.conftest import client_for


def test_owner_admin_shares_with_an_agency_which_then_sees_the_plan(county):
    far = client_for(county.unrelated_admin)
    assert far.get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/shares/", {"agency": county.unrelated.pk, "level": "view"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["level"] == "view"
    assert response.json()["shared_by"] == "district_admin"
    assert far.get(f"/api/v1/plans/{county.plan.pk}/").status_code == 200
    assert county.plan.pk in [p["id"] for p in far.get("/api/v1/plans/").json()["results"]]
    assert AuditEvent.objects.filter(action="plan.share", details__partner=county.unrelated.pk).exists()
    assert OutboxEvent.objects.filter(event_type="plan.shared", payload__partner=county.unrelated.pk).exists()


def test_reposting_a_share_changes_its_level(county):
    client = client_for(county.owner_admin)
    client.post(f"/api/v1/plans/{county.plan.pk}/shares/", {"agency": county.fire.pk, "level": "view"}, format="json")
    share = PlanShare.objects.get(plan=county.plan, agency=county.fire)
    assert share.level == "view"
    codenames = set(
        PlanGroupObjectPermission.objects.filter(content_object=county.plan, group=county.fire.group).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"view_plan"}


def test_revoking_a_share_removes_access_immediately(county):
    police = client_for(county.partner_view_liaison)
    assert police.get(f"/api/v1/plans/{county.plan.pk}/versions/1/").status_code == 200
    response = client_for(county.owner_admin).delete(f"/api/v1/plans/{county.plan.pk}/shares/{county.police.pk}/")
    assert response.status_code == 204
    assert police.get(f"/api/v1/plans/{county.plan.pk}/").status_code == 404
    assert police.get(f"/api/v1/plans/{county.plan.pk}/versions/1/").status_code == 404
    assert county.plan.pk not in [p["id"] for p in police.get("/api/v1/plans/").json()["results"]]
    assert not PlanGroupObjectPermission.objects.filter(content_object=county.plan, group=county.police.group).exists()
    assert AuditEvent.objects.filter(action="plan.unshare", details__partner=county.police.pk).exists()


def test_revoking_a_share_that_does_not_exist_answers_404(county):
    response = client_for(county.owner_admin).delete(f"/api/v1/plans/{county.plan.pk}/shares/{county.unrelated.pk}/")
    assert response.status_code == 404


def test_sharing_with_the_owner_itself_is_a_field_error(county):
    response = client_for(county.owner_admin).post(
        f"/api/v1/plans/{county.plan.pk}/shares/", {"agency": county.district.pk, "level": "view"}, format="json"
    )
    assert response.status_code == 400
    assert "agency" in response.json()


def test_sharing_with_an_unknown_agency_or_level_is_a_field_error(county):
    client = client_for(county.owner_admin)
    unknown = client.post(f"/api/v1/plans/{county.plan.pk}/shares/", {"agency": 999999, "level": "view"}, format="json")
    assert unknown.status_code == 400
    assert "agency" in unknown.json()
    bad_level = client.post(
        f"/api/v1/plans/{county.plan.pk}/shares/", {"agency": county.unrelated.pk, "level": "edit"}, format="json"
    )
    assert bad_level.status_code == 400
    assert "level" in bad_level.json()
    assert not PlanShare.objects.filter(agency=county.unrelated).exists()
