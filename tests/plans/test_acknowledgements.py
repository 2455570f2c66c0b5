"""Acknowledging a version personally and for the agency, and the owner's view: each partner agency's
acknowledgement, never a partner's people (issue 15 item 3)."""

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


def test_owner_sees_the_latest_version_each_partner_agency_acknowledged(county):
    ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    services.plan_version_publish(version=county.draft, actor=county.owner_admin)
    ack(client_for(county.partner_comment_liaison), county.plan, county.draft.number)

    response = client_for(county.owner_member).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 200
    assert set(response.json()) == {"agencies"}
    agencies = {row["agency"]: row["version"] for row in response.json()["agencies"]}
    assert agencies == {county.police.pk: county.published.number, county.fire.pk: county.draft.number}


def name_police_people(county) -> list[str]:
    """Give the police people full names; every username and name of theirs, for asserting none shows."""
    names = []
    for user, (first, last) in [
        (county.partner_view_liaison, ("Dana", "Whitfield")),
        (county.partner_view_member, ("Casey", "Moreno")),
    ]:
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        names += [user.username, first, last]
    return names


def test_the_owner_admin_sees_the_police_agency_acknowledgement_but_none_of_its_people(county):
    names = name_police_people(county)
    ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    ack(client_for(county.partner_view_member), county.plan, county.published.number)

    response = client_for(county.owner_admin).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 200
    police = next(row for row in response.json()["agencies"] if row["agency"] == county.police.pk)
    assert (police["agency_name"], police["version"]) == ("Ridgeford Police", county.published.number)
    assert police["acknowledged_at"] is not None
    body = response.content.decode()
    assert [name for name in names if name in body] == []
    # Only agency-level fields: no person, no count of people.
    assert set(response.json()) == {"agencies"}
    assert {key for row in response.json()["agencies"] for key in row} == {
        "agency",
        "agency_name",
        "version",
        "acknowledged_at",
    }


def test_the_fire_partner_sees_nothing_of_the_police_acknowledgements(county):
    names = name_police_people(county)
    ack(client_for(county.partner_view_liaison), county.plan, county.published.number)
    ack(client_for(county.partner_view_member), county.plan, county.published.number)

    response = client_for(county.partner_comment_liaison).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 403
    body = response.content.decode()
    assert [name for name in names if name in body] == []
    assert "Ridgeford Police" not in body


def test_partners_cannot_see_who_else_acknowledged(county):
    response = client_for(county.partner_view_liaison).get(f"/api/v1/plans/{county.plan.pk}/acknowledgements/")
    assert response.status_code == 403
