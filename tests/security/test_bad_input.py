"""Bad input and uploads (issue 11, items 8 and 10), each found as a 500 by attacking the running portal.

Every out-of-range, malformed, oversized or duplicated request gets a 4xx with a message a person can act on:
never a 500, never an HTML page from the API, never a second plan or draft from one double-click, and an
upload over the limit is refused before its body is read. The URL sweeps walk every route of the portal, so a
new endpoint is attacked the day it is added. tests/test_bad_input.py holds the field-by-field validation cases.
"""

import json
import re
import socket
import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from access.actors import SYSTEM
from agencies.models import Agency
from agencies.services import agency_create
from plans.models import Attachment, Plan, PlanVersion, VersionState
from tests.conftest import client_for, web_client
from tests.plans.factories import make_plan, publish
from tests.web.test_plan_editing import tiny_png

# Past int4, past bigint, and past anything: ids and numbers the database cannot hold.
HUGE = [str(2**31), str(2**63), str(10**20)]
# Every integer query parameter a list or page of the portal reads (API filters, web filters, diffs, paging).
INTEGER_PARAMETERS = ["page", "page_size", "against", "facility", "owner_agency", "owner", "agency", "from", "to"]
_INTEGER = re.compile(r"<int:(\w+)>|\(\?P<(\w+)>\[\^/\.\]\+\)")
_TEXT = re.compile(r"<(?:\w+:)?\w+>")


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every route of the portal as a template (`api/v1/plans/{plan_id}/`), admin and static files aside.
    Integer parameters (and the routers' `pk`) become `{name}`; text ones (a reset token) a fixed text."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        text = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if text.startswith(("admin/", "static/")):
            continue
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry, text))
        elif isinstance(entry, URLPattern):
            route = _INTEGER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", text)
            route = _TEXT.sub("x", route).replace("^", "")
            if not re.search(r"[\\()\[\]$?*+]", route):
                found.append(route)
    return sorted(set(found))


ROUTES = _routes()
ROUTES_WITH_IDS = [route for route in ROUTES if "{" in route]


def _real_ids(county) -> dict[str, int]:
    return {
        "plan_id": county.plan.pk,
        "number": county.published.number,
        "agency_id": county.district.pk,
        "facility_id": county.school.pk,
        "pk": county.plan.pk,
    }


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), route)


def _problems(response, what: str) -> list[str]:
    """A refusal or an answer, never a server error; under /api/v1/ every refusal is JSON."""
    if response.status_code >= 500:
        return [f"{what}: {response.status_code}"]
    is_api_refusal = what.split()[1].startswith("/api/v1/") and response.status_code >= 400
    if is_api_refusal and not response["Content-Type"].startswith("application/json"):
        return [f"{what}: {response['Content-Type']}"]
    return []


@pytest.fixture
def clients(county):
    """The owner's admin, through the API's and the web's own sign-in."""
    return {"api": client_for(county.owner_admin), "web": web_client(county.owner_admin)}


def _client_for_route(clients, route: str):
    return clients["api"] if route.startswith("api/") else clients["web"]


def test_the_sweep_covers_the_api_and_the_web_pages():
    assert "api/v1/plans/{plan_id}/versions/{number}/diff/" in ROUTES
    assert "api/v1/plans/{pk}/" in ROUTES
    assert "plans/{plan_id}/versions/{number}/attachments/upload/" in ROUTES
    assert len(ROUTES_WITH_IDS) > 40


def test_ids_in_paths_past_the_database_range_or_not_numbers_are_404(clients, county):
    failures = []
    for route in ROUTES_WITH_IDS:
        client = _client_for_route(clients, route)
        real = _real_ids(county)
        for name in re.findall(r"\{(\w+)\}", route):
            for bad in [*HUGE, "abc"]:
                url = _fill(route, {**real, name: bad})
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    failures += _problems(response, f"{method.upper()} {url}")
                    if method == "get" and response.status_code not in (301, 302, 404, 405):
                        failures.append(f"GET {url}: {response.status_code}")
    assert failures == []


def test_integer_query_parameters_past_the_database_range_are_refused_not_500(clients, county):
    failures = []
    for route in ROUTES:
        client = _client_for_route(clients, route)
        url = _fill(route, _real_ids(county))
        if client.get(url).status_code != 200:
            continue  # not a page or list this user reads
        for name in INTEGER_PARAMETERS:
            for bad in [*HUGE, "1000000000000000000"] if name == "page" else [HUGE[-1], "1e400"]:
                failures += _problems(client.get(url, {name: bad}), f"GET {url}?{name}={bad}")
    assert failures == []


def test_a_plan_list_page_past_bigint_offsets_is_the_404_of_any_page_past_the_end(county, clients):
    for query in ({}, {"kind": "school_eop"}, {"q": "evacuate"}):
        response = clients["api"].get("/api/v1/plans/", {**query, "page": "1000000000000000000"})
        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}
    assert clients["api"].get("/api/v1/plans/", {"page": "1"}).json()["count"] == 1


def test_options_with_a_csv_format_is_never_a_500(clients, county):
    failures = []
    for route in [route for route in ROUTES if route.startswith("api/v1/")]:
        url = _fill(route, _real_ids(county))
        for query in ("?format=csv", "?format=api", "?format=nope"):
            failures += _problems(clients["api"].options(url + query), f"OPTIONS {url}{query}")
    assert failures == []


def test_the_concurrence_record_describes_itself_in_json_even_when_csv_is_asked_for(county, clients):
    response = clients["api"].options(f"/api/v1/plans/{county.plan.pk}/concurrence-record/?format=csv")
    assert response.status_code == 200
    assert response.json()["name"]
    download = clients["api"].get(f"/api/v1/plans/{county.plan.pk}/concurrence-record/?format=csv")
    assert download["Content-Type"].startswith("text/csv")


def test_plan_create_without_facilities_covers_no_building(county, clients):
    response = clients["api"].post(
        "/api/v1/plans/", {"title": "Tabletop exercise", "kind": "other", "owner_agency": county.district.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["facilities"] == []
    assert Plan.objects.get(pk=response.json()["id"]).facilities.count() == 0


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
@pytest.mark.parametrize("bracket", ["[", '{"a":'])
def test_a_deeply_nested_json_body_is_a_400(county, clients, depth, bracket):
    closing = "]" if bracket == "[" else "}"
    body = bracket * depth + "1" + closing * depth
    for method, url in (
        ("POST", "/api/v1/plans/"),
        ("POST", f"/api/v1/plans/{county.plan.pk}/versions/"),
        ("PATCH", f"/api/v1/agencies/{county.district.pk}/"),
    ):
        response = clients["api"].generic(method, url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.content[:200])
        assert "nested" in response.json()["detail"]
    assert Plan.objects.count() == 1


def test_a_json_body_over_the_size_limit_is_a_413_in_json(county, clients, settings):
    body = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "kind": "other"})
    response = clients["api"].generic("POST", "/api/v1/plans/", body, content_type="application/json")
    assert response.status_code == 413
    assert "at most 2 MB" in response.json()["detail"]
    assert Plan.objects.count() == 1


def test_the_api_answers_json_for_urls_that_match_nothing(county, clients):
    for url in (
        f"/api/v1/plans/{county.plan.pk}/versions/abc/",
        "/api/v1/no-such-thing/",
        f"/api/v1/plans/{county.plan.pk}/versions/1/attachments/x/download/",
    ):
        response = clients["api"].get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    # The web pages keep their HTML page.
    page = clients["web"].get("/plans/abc/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def _boom(request):
    raise RuntimeError("an unexpected failure")


# This module is also the URL configuration of the server-error test: the portal's routes and two that fail.
urlpatterns = [path("api/v1/boom/", _boom), path("boom/", _boom), *get_resolver().url_patterns]


@pytest.mark.urls(__name__)
def test_a_server_error_is_json_under_the_api_and_a_page_elsewhere(county):
    client = Client(raise_request_exception=False)
    client.force_login(county.owner_admin)
    api = client.get("/api/v1/boom/")
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert "Server error" in api.json()["detail"]
    page = client.get("/boom/")
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


# Attachment names of 201 to 255 characters


@pytest.mark.parametrize("length", [200, 201, 230, 255])
def test_a_long_file_name_is_checked_whole_and_stored_shortened_with_its_extension(county, clients, length):
    name = "f" * (length - len(".png")) + ".png"
    response = clients["api"].post(
        f"/api/v1/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/",
        {"file": _upload(name, tiny_png())},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    stored = response.json()["filename"]
    assert len(stored) <= 200
    assert stored.endswith(".png")


@pytest.mark.parametrize("length", [201, 255])
def test_a_long_file_name_with_the_wrong_extension_is_refused_naming_that_extension(county, clients, length):
    name = "f" * (length - len(".pdf")) + ".pdf"
    response = clients["web"].post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": _upload(name, tiny_png())},
    )
    assert response.status_code == 200
    assert "but its name ends in &#x27;.pdf&#x27;" in response.content.decode()
    assert not Attachment.objects.filter(version=county.draft).exists()


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# Two requests at the same moment: real threads, each with its own PostgreSQL connection and transaction


def _in_thread(work, results: list, index: int) -> threading.Thread:
    def run():
        try:
            results[index] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _together(*works, hold=None):
    """Run each request in its own thread and transaction; `hold` (a queryset) is locked FOR UPDATE meanwhile,
    so every request reaches that row, waits, and all go on at once when it is released."""
    results: list = [None] * len(works)
    with transaction.atomic():
        if hold is not None:
            list(hold.select_for_update())
        threads = [_in_thread(work, results, i) for i, work in enumerate(works)]
        time.sleep(2.0)  # every request is now waiting on the held row (or done)
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_agencies_taking_the_same_slug_at_the_same_moment_get_a_field_message(county):
    staff = client_for(county.staff)
    first_committed = threading.Event()
    first_inserted = threading.Event()

    def first():
        # A transaction that has taken the slug but not committed yet, as a concurrent request would be.
        with transaction.atomic():
            agency_create(actor=SYSTEM, name="Lindell Fire", slug="lindell", kind="fire")
            first_inserted.set()
            time.sleep(2.0)
        first_committed.set()

    def second():
        first_inserted.wait(10)
        return staff.post("/api/v1/agencies/", {"name": "Lindell Fire", "slug": "lindell", "kind": "fire"})

    results: list = [None, None]
    threads = [_in_thread(first, results, 0), _in_thread(second, results, 1)]
    for thread in threads:
        thread.join(30)
    response = results[1]
    assert first_committed.is_set()
    assert response.status_code == 400, response.content
    assert "slug" in response.json()
    assert Agency.objects.filter(slug="lindell").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_slug_changes_to_the_same_slug_at_the_same_moment_get_a_field_message(county):
    inserted = threading.Event()

    def first():
        with transaction.atomic():
            agency_create(actor=SYSTEM, name="Taken", slug="taken", kind="fire")
            inserted.set()
            time.sleep(2.0)

    def second():
        inserted.wait(10)
        return client_for(county.owner_admin).patch(f"/api/v1/agencies/{county.district.pk}/", {"slug": "taken"})

    results: list = [None, None]
    for thread in [_in_thread(first, results, 0), _in_thread(second, results, 1)]:
        thread.join(30)
    assert results[1].status_code == 400, results[1].content
    assert "slug" in results[1].json()
    county.district.refresh_from_db()
    assert county.district.slug == "maple-valley"


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_new_plan_form_creates_one_plan(county):
    page = web_client(county.owner_admin).get("/plans/new/").content.decode()
    key = re.search(r'name="creation_key" value="([0-9a-f-]{36})"', page).group(1)
    form = {
        "creation_key": key,
        "owner_agency": county.district.pk,
        "title": "Bus depot plan",
        "kind": "school_eop",
        "classification": "partner",
        "review_interval_days": "365",
        "hazards": "",
        "start": "template",
    }

    def submit():
        return web_client(county.owner_admin).post("/plans/new/", form)

    # Both submissions wait on the owner agency's row (their plan's foreign key), then go on at once.
    first, second = _together(submit, submit, hold=Agency.objects.filter(pk=county.district.pk))
    assert (first.status_code, second.status_code) == (302, 302)
    created = Plan.objects.filter(title="Bus depot plan")
    assert created.count() == 1
    assert PlanVersion.objects.filter(plan=created.get()).count() == 1
    assert first["Location"] == second["Location"]
    # Sent again later (the back button, a retry), it still leads to the same plan.
    assert web_client(county.owner_admin).post("/plans/new/", form)["Location"] == first["Location"]
    assert created.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retried_api_plan_create_with_an_idempotency_key_creates_one_plan(county):
    body = {"title": "Bus depot plan", "kind": "other", "owner_agency": county.district.pk}
    key = str(uuid.uuid4())

    def create():
        return client_for(county.owner_admin).post("/api/v1/plans/", body, HTTP_IDEMPOTENCY_KEY=key)

    first, second = _together(create, create, hold=Agency.objects.filter(pk=county.district.pk))
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["id"] == second.json()["id"]
    assert Plan.objects.filter(title="Bus depot plan").count() == 1
    other = client_for(county.owner_admin).post("/api/v1/plans/", {**body, "title": "Other"}, HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 409
    bad = client_for(county.owner_admin).post("/api/v1/plans/", body, HTTP_IDEMPOTENCY_KEY="not-a-uuid")
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()


def test_another_persons_creation_key_neither_returns_nor_reveals_their_plan(county):
    body = {"title": "Bus depot plan", "kind": "other", "owner_agency": county.district.pk}
    key = str(uuid.uuid4())
    created = client_for(county.owner_admin).post("/api/v1/plans/", body, HTTP_IDEMPOTENCY_KEY=key)
    assert created.status_code == 201
    replay = client_for(county.owner_planner).post("/api/v1/plans/", body, HTTP_IDEMPOTENCY_KEY=key)
    assert replay.status_code == 409
    assert "Bus depot plan" not in replay.content.decode()
    page = web_client(county.owner_planner).post(
        "/plans/new/",
        {**body, "classification": "partner", "review_interval_days": 365, "start": "blank", "creation_key": key},
    )
    assert page.status_code != 302
    assert Plan.objects.filter(title="Bus depot plan").count() == 1


@pytest.fixture
def published_plan(county):
    """A plan with a published version and no open draft."""
    plan = make_plan(owner=county.district, actor=county.owner_admin, title="Stadium plan", facilities=[county.school])
    publish(plan, county.owner_admin, "Evacuate to the parking lot.")
    return plan


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_start_a_draft_starts_one(county, published_plan):
    def start():
        return web_client(county.owner_planner).post(f"/plans/{published_plan.pk}/drafts/new/")

    # Both requests wait on the plan's row, which starting a draft locks, then go on at once.
    first, second = _together(start, start, hold=Plan.objects.filter(pk=published_plan.pk))
    assert (first.status_code, second.status_code) == (302, 302)
    drafts = PlanVersion.objects.filter(plan=published_plan, state=VersionState.DRAFT)
    assert drafts.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_api_draft_start_starts_one(county, published_plan):
    url = f"/api/v1/plans/{published_plan.pk}/versions/"

    def start():
        return client_for(county.owner_planner).post(url, {"change_summary": "Yearly review"})

    first, second = _together(start, start, hold=Plan.objects.filter(pk=published_plan.pk))
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["number"] == second.json()["number"]
    assert PlanVersion.objects.filter(plan=published_plan, state=VersionState.DRAFT).count() == 1
    # Another request, with other content, still starts its own draft (the API's contract).
    other = client_for(county.owner_planner).post(url, {"change_summary": "Another idea"})
    assert other.status_code == 201


# Uploads over the limit are refused on their declared size, before the body is read (item 10)


def _headers_only(live_server, path: str, length: int, extra: str = "") -> tuple[str, str]:
    """Send a POST's headers declaring `length` bytes and none of the body; the status line and body answered."""
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\n{extra}"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {length}\r\n\r\n"
            ).encode()
        )
        received = b""
        while b"\r\n\r\n" not in received or len(received.partition(b"\r\n\r\n")[2]) < _length_of(received):
            chunk = raw.recv(65536)  # a server still reading the body answers nothing: the timeout fails the test
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.decode().split("\r\n")[0], body.decode()


def _length_of(received: bytes) -> int:
    found = re.search(rb"(?i)content-length: (\d+)", received.partition(b"\r\n\r\n")[0])
    return int(found.group(1)) if found else 0


@pytest.mark.django_db(transaction=True)
def test_an_upload_declaring_more_than_the_limit_is_refused_before_its_body_is_read(
    county, live_server, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    declared = 200 * 1024 * 1024
    version = f"/plans/{county.plan.pk}/versions/{county.draft.number}"
    session = web_client(county.owner_admin).cookies["sessionid"].value

    status, body = _headers_only(live_server, f"/api/v1{version}/attachments/", declared)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(body) == {
        "detail": "The upload is 200 MB; a file may be at most 25 MB. "
        "Nothing was stored. Make the file smaller (e.g. export it at a lower resolution, or split it)."
    }

    status, body = _headers_only(
        live_server, f"{version}/attachments/upload/", declared, extra=f"Cookie: sessionid={session}\r\n"
    )
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert "The upload is 200 MB; a file may be at most 25 MB." in body
    assert "Make the file smaller" in body
    # Nothing was spooled to disk, and nothing attached.
    assert list((tmp_path / "uploads").iterdir()) == []
    assert not Attachment.objects.filter(version=county.draft).exists()


@pytest.mark.django_db(transaction=True)
def test_any_form_or_json_body_declaring_more_than_django_accepts_is_refused_unread(county, live_server, settings):
    declared = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    status, body = _headers_only(live_server, "/api/v1/plans/", declared)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert "at most 2 MB" in json.loads(body)["detail"]
    status, body = _headers_only(live_server, f"/plans/{county.plan.pk}/edit/", declared)
    assert status == "HTTP/1.1 413 Request Entity Too Large"


def test_an_upload_within_the_limit_is_still_read_and_stored(county, clients):
    response = clients["web"].post(
        f"/plans/{county.plan.pk}/versions/{county.draft.number}/attachments/upload/",
        {"file": _upload("map.png", tiny_png())},
    )
    assert response.status_code == 302
    assert Attachment.objects.filter(version=county.draft).count() == 1
