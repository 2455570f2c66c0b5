"""The append-only audit trail: sensitive reads, shares, publishes and membership changes leave a record."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.services import api_token_create
from agencies.models import Membership
from agencies.services import membership_remove
from audit.models import AppendOnlyError, AuditEvent
from plans.models import Classification, Plan
from tests.agencies.factories import member
from tests.conftest import client_for


@pytest.fixture
def sensitive(county):
    Plan.objects.filter(pk=county.plan.pk).update(classification=Classification.LAW_ENFORCEMENT_SENSITIVE)
    return county


def test_every_read_of_a_law_enforcement_sensitive_plan_is_audited_with_actor_and_ip(sensitive):
    police = client_for(sensitive.partner_view_member)
    police.get(f"/api/v1/plans/{sensitive.plan.pk}/", REMOTE_ADDR="10.1.2.3")
    police.get(f"/api/v1/plans/{sensitive.plan.pk}/versions/1/", REMOTE_ADDR="10.1.2.3")
    police.get(f"/api/v1/plans/{sensitive.plan.pk}/versions/1/diff/", REMOTE_ADDR="10.1.2.3")
    events = AuditEvent.objects.filter(action="plan.read", actor=sensitive.partner_view_member)
    assert events.count() == 3
    assert {e.details["what"] for e in events} == {"plan", "version", "diff"}
    assert {e.ip_address for e in events} == {"10.1.2.3"}
    assert {e.agency_id for e in events} == {sensitive.district.pk}


def test_reads_of_partner_plans_are_not_audited(county):
    client_for(county.partner_view_member).get(f"/api/v1/plans/{county.plan.pk}/")
    assert not AuditEvent.objects.filter(action="plan.read").exists()


def test_a_refused_read_is_not_recorded_as_a_read(sensitive):
    client_for(sensitive.unrelated_admin).get(f"/api/v1/plans/{sensitive.plan.pk}/")
    assert not AuditEvent.objects.filter(action="plan.read").exists()


def test_membership_changes_are_audited(county):
    admin = client_for(county.owner_admin)
    url = f"/api/v1/agencies/{county.district.pk}/memberships/"
    added = admin.post(url, {"user": county.staff.pk, "role": "member"}, format="json").json()
    admin.patch(f"{url}{added['id']}/", {"role": "liaison"}, format="json")
    admin.delete(f"{url}{added['id']}/")
    actions = list(
        AuditEvent.objects.filter(action__startswith="membership.", details__user=county.staff.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["membership.add", "membership.change", "membership.remove"]


def test_audit_events_cannot_be_changed_or_deleted(county):
    event = AuditEvent.objects.first()
    event.action = "plan.read"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_itself_refuses_to_rewrite_audit_history(county):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'plan.read' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_behind_a_trusted_proxy_the_audit_records_the_client_address(sensitive, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client_for(sensitive.partner_view_member).get(
        f"/api/v1/plans/{sensitive.plan.pk}/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert AuditEvent.objects.get(action="plan.read").ip_address == "203.0.113.9"


def test_registering_and_removing_a_webhook_is_audited(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    police_admin = member(county.police, "admin", username="police_chief")
    client = client_for(police_admin)
    created = client.post(
        f"/api/v1/agencies/{county.police.pk}/webhooks/",
        {"url": "http://127.0.0.1:9/hook", "events": ["version.published"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    client.delete(f"/api/v1/agencies/{county.police.pk}/webhooks/{created.json()['id']}/")
    actions = list(
        AuditEvent.objects.filter(action__startswith="webhook.", actor=police_admin)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["webhook.create", "webhook.delete"]
    assert "whsec_" not in str(AuditEvent.objects.filter(action="webhook.create").values("details").get())


def test_issuing_and_revoking_api_tokens_is_audited_with_who_and_where(county):
    officer = county.partner_view_member
    officer.set_password("a-long-enough-password")
    officer.save()
    signed_in = client_for(None).post(
        "/api/v1/auth/token/",
        {"username": officer.username, "password": "a-long-enough-password", "name": "cad"},
        format="json",
        REMOTE_ADDR="10.3.3.3",
    )
    assert signed_in.status_code == 200, signed_in.content
    issued = AuditEvent.objects.get(action="api_token.create")
    assert (issued.actor, issued.ip_address) == (officer, "10.3.3.3")
    # A password-only sign-in: the token is marked as issued without a second factor.
    assert issued.details == {"user": officer.pk, "name": "cad", "second_factor": False}
    assert signed_in.json()["token"] not in str(issued.details) + issued.object_repr

    client = client_for(officer)
    second = client.post("/api/v1/auth/tokens/", {"name": "gis"}, format="json").json()
    client.delete(f"/api/v1/auth/tokens/{second['id']}/", REMOTE_ADDR="10.3.3.4")
    revoked = AuditEvent.objects.get(action="api_token.revoke")
    assert (revoked.actor, revoked.ip_address, revoked.object_id) == (officer, "10.3.3.4", str(second["id"]))

    logout_all = client_for(None)
    logout_all.credentials(HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}")
    assert logout_all.post("/api/v1/auth/logout-all/", REMOTE_ADDR="10.3.3.5").status_code == 204
    everything = AuditEvent.objects.filter(action="api_token.revoke").latest("id")
    assert (everything.actor, everything.ip_address) == (officer, "10.3.3.5")
    assert everything.details == {"user": officer.pk, "tokens": 1, "reason": "logout-all"}


def test_tokens_revoked_because_someone_left_their_last_agency_name_who_removed_them(county):
    api_token_create(user=county.unrelated_admin, name="cad")
    helper = member(county.unrelated, "admin", username="far_admin_two")
    membership_remove(
        membership=Membership.objects.get(user=county.unrelated_admin), actor=helper, ip_address="10.2.2.2"
    )
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.actor, event.ip_address) == (helper, "10.2.2.2")
    assert event.details["reason"] == "left their last agency, Far County Sheriff"
