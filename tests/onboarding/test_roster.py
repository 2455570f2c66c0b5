"""A roster import: the preview says what each row would do and why a row is refused, writes nothing, and costs
the same queries for 5 rows as for 200; the import invites through the invitation service, one audit row each."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.actors import SYSTEM
from agencies.models import Membership
from audit.models import AuditEvent
from notifications.models import EventType, OutboxEvent
from onboarding.roster import MAX_BYTES, MAX_ROWS, roster_preview
from onboarding.services import roster_import
from portal.errors import InvalidInputError, NotAllowedError
from tests.agencies.factories import UserFactory
from tests.conftest import client_for, web_client

User = get_user_model()
HEADER = "email,first_name,last_name,role,username\n"


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")


def preview_api(county) -> str:
    return f"/api/v1/agencies/{county.district.pk}/roster/preview/"


def import_api(county) -> str:
    return f"/api/v1/agencies/{county.district.pk}/roster/"


def test_each_row_says_what_would_happen_and_what_to_fix(county):
    outsider = UserFactory(username="ana", email="ana@other.example.org")
    text = HEADER + "\n".join(
        [
            "new.one@maple.example.org,New,One,planner,",
            f"{county.owner_member.email},Old,Member,member,",
            "ANA@other.example.org,Ana,,Liaison,",
            "not-an-e-mail,Bad,Address,member,",
            "role.typo@maple.example.org,Role,Typo,captain,",
            "new.one@maple.example.org,Again,Same,member,",
            f"taken@maple.example.org,Taken,Name,member,{county.owner_admin.username}",
            "bad.name@maple.example.org,Bad,Name,member,has space",
            ",No,Address,member,",
        ]
    )
    rows = roster_preview(agency=county.district, text=text).rows
    assert [(row.line, row.status, row.errors) for row in rows] == [
        (2, "invite", []),
        (3, "member", []),
        (4, "add", []),
        (5, "error", ["“not-an-e-mail” is not an e-mail address."]),
        (6, "error", ["Unknown role “captain”: use admin, planner, liaison, member."]),
        (7, "error", ["Duplicate row: the same e-mail address as line 2."]),
        (
            8,
            "error",
            [f"The username “{county.owner_admin.username}” is taken; give another one in a username column."],
        ),
        (9, "error", ["“has space” is not a valid username (letters, digits and @ . + - _ only)."]),
        (10, "error", ["No e-mail address."]),
    ]
    assert (rows[2].user_id, rows[2].role) == (outsider.pk, "liaison")
    assert rows[0].username == "new.one@maple.example.org"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("mail,role\nx@example.org,member\n", "unknown column mail; no email column"),
        (HEADER, "lists nobody"),
        (HEADER + "a@example.org,A,B,member,\n" * (MAX_ROWS + 1), f"more than {MAX_ROWS} people"),
    ],
)
def test_a_file_that_is_no_roster_is_refused_as_a_whole(county, text, message):
    with pytest.raises(InvalidInputError, match=message):
        roster_preview(agency=county.district, text=text)


def test_the_api_preview_writes_nothing_and_answers_400_or_413_for_a_bad_file(county):
    client = client_for(county.owner_admin)
    before = (User.objects.count(), AuditEvent.objects.count(), OutboxEvent.objects.count())
    response = client.post(
        preview_api(county), {"file": csv_file(HEADER + "new@maple.example.org,,,,\n")}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"invite": 1, "add": 0, "member": 0, "error": 0}
    assert response.json()["rows"][0]["problems"] == []
    bad = client.post(
        preview_api(county), {"file": SimpleUploadedFile("r.csv", b"\xff\xfe\x00bad")}, format="multipart"
    )
    assert bad.status_code == 400
    assert "UTF-8" in bad.json()["file"][0]
    huge = client.post(preview_api(county), {"file": csv_file(HEADER + "x" * MAX_BYTES)}, format="multipart")
    assert huge.status_code == 413
    assert "at most 256 KB" in huge.json()["detail"]
    assert client.post(preview_api(county), {}, format="multipart").status_code == 400
    assert (User.objects.count(), AuditEvent.objects.count(), OutboxEvent.objects.count()) == before


def test_the_import_invites_the_new_people_adds_accounts_and_leaves_out_the_rest(county):
    outsider = UserFactory(username="ana", email="ana@other.example.org")
    text = HEADER + "new@maple.example.org,New,Person,planner,\nana@other.example.org,,,liaison,\nbad,,,,\n"
    response = client_for(county.owner_admin).post(import_api(county), {"file": csv_file(text)}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["invited"], body["added"], body["counts"]["error"]) == (1, 1, 1)
    new = User.objects.get(username="new@maple.example.org")
    assert (new.first_name, new.last_name) == ("New", "Person")
    roles = dict(
        Membership.objects.filter(agency=county.district, user__in=[new, outsider]).values_list("user", "role")
    )
    assert roles == {new.pk: "planner", outsider.pk: "liaison"}
    invitations = OutboxEvent.objects.filter(event_type=EventType.MEMBER_INVITED)
    assert [event.payload["user"] for event in invitations] == [new.pk]
    trail = AuditEvent.objects.filter(agency=county.district, actor=county.owner_admin)
    actions = list(trail.values_list("action", flat=True))
    assert actions.count("membership.invite") == 1
    assert actions.count("membership.add") == 2
    summary = AuditEvent.objects.get(action="roster.import")
    assert summary.details == {"invited": 1, "added": 1, "already_members": 0, "errors": 1}
    assert summary.actor == county.owner_admin


def test_only_the_agencys_admins_import_its_roster(county):
    with pytest.raises(NotAllowedError):
        roster_import(agency=county.district, actor=county.owner_planner, text=HEADER + "a@example.org,,,,\n")
    assert roster_import(agency=county.district, actor=SYSTEM, text=HEADER + "a@example.org,,,,\n").invited == 1


def test_the_preview_costs_the_same_queries_for_5_rows_as_for_200(county, django_assert_max_num_queries):
    def rows(count: int) -> str:
        return HEADER + "".join(f"person{n}@maple.example.org,P,{n},member,\n" for n in range(count))

    with django_assert_max_num_queries(3) as few:
        roster_preview(agency=county.district, text=rows(5))
    with django_assert_max_num_queries(len(few.captured_queries)):
        roster_preview(agency=county.district, text=rows(200))
    browser = web_client(county.owner_admin)
    url = reverse("onboarding:roster", kwargs={"agency_id": county.district.pk})
    with django_assert_max_num_queries(30) as page:
        assert browser.post(url, {"file": csv_file(rows(5))}).status_code == 200
    with django_assert_max_num_queries(len(page.captured_queries)):
        assert browser.post(url, {"file": csv_file(rows(200))}).status_code == 200


def test_a_changed_or_foreign_preview_is_refused_on_confirmation(county):
    browser = web_client(county.owner_admin)
    confirm = reverse("onboarding:roster-confirm", kwargs={"agency_id": county.district.pk})
    response = browser.post(confirm, {"roster": "forged"}, follow=True)
    assert "upload the roster again" in response.content.decode()
    assert not User.objects.filter(username__startswith="new").exists()
