"""Acknowledging a version personally and for the agency, and the owner's view of who holds what."""

from plans import services
from plans.models import Acknowledgement, AgencyAcknowledgement
from tests.conftest import client_for


def ack(client, plan, number, **body):
    return client.post(f"/api/v1/plans/{plan.pk}/versions/{number}/acknowledge/", body, format="json")


def test_a_member_acknowledges_personally_and_a_liaison_for_the_agency_too(county):
    officer = ack(client_for(county.partner_view_member), county.plan, county.published.number)
    assert officer.status_code == 200
    assert officer.json()["agencies"] == []
    liaison = ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    assert liaison.status_code == 200
    assert liaison.json()["agencies"] == [county.police.pk]
    assert Acknowledgement.objects.filter(version=county.published).count() == 2
    assert AgencyAcknowledgement.objects.filter(version=county.published, agency=county.police).exists()


def test_acknowledging_twice_keeps_the_first_time(county):
    client = client_for(county.partner_view_member)
    first = ack(client, county.plan, county.published.number).json()["acknowledged_at"]
    second = ack(client, county.plan, county.published.number).json()["acknowledged_at"]
    assert first == second
    assert Acknowledgement.objects.count() == 1


def test_a_superseded_version_cannot_be_acknowledged(county):
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    response = ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    assert response.status_code == 409
    assert "current published version" in response.json()["detail"]
    assert not Acknowledgement.objects.exists()


def test_a_member_cannot_acknowledge_for_the_agency(county):
    response = ack(
        client_for(county.partner_view_member), county.plan, county.published.number, agency=county.police.pk
    )
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()
    assert not AgencyAcknowledgement.objects.exists()


def test_owner_sees_the_latest_version_each_partner_and_person_acknowledged(county):
    ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    ack(client_for(county.partner_comment_liaison), county.plan, county.draft.number)

    response = client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 200
    agencies = {row["agency"]: row["version"] for row in response.json()["agencies"]}
    assert agencies == {county.police.pk: county.published.number, county.fire.pk: county.draft.number}
    people = {row["username"]: row["version"] for row in response.json()["people"]}
    assert people == {"police_liaison": 1, "police_officer": None, "fire_liaison": 2}


def test_partners_cannot_see_who_else_acknowledged(county):
    response = client_for(county.partner_view_liaison).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 403
