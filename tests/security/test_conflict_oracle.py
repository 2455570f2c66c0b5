"""The conflict-guessing attack (issue 11, item 5): an agency that may not read another agency's plan publishes
its own plan for the same building with a guessed radio channel or staging area. Whether the guess is right or
wrong, everything it can observe is the same: the conflict list (API), the building page, its dashboard, its
plan page, the draft editor and publish confirmation, the publish answer, its alerts (in-app, e-mail, webhook)
and even the rows its publish writes (their number decides the ids others see next and the time it takes).

Each guess is played in two worlds, a right one and a wrong one, each inside a savepoint that is rolled back;
the database's sequences are put back before each world, so ids come out equal unless one world wrote more.
"""

import difflib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pprint import pformat

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agencies.models import Role
from consistency.fact_services import facility_facts_set
from consistency.models import FactConflict, FactKey
from notifications.channels import email_content, webhooks
from notifications.models import Channel, Delivery, EventType, Notification, OutboxEvent, WebhookEndpoint
from notifications.services import outbox_event_fan_out
from plans import services
from plans.models import Classification, PlanKind, ShareLevel
from tests.agencies.factories import member
from tests.conftest import client_for
from tests.consistency.helpers import publish_facts
from tests.dashboard import dashboard_html
from tests.plans.factories import make_plan, sections

LAT, LON = Decimal("41.912000"), Decimal("-88.081000")
# 20 m and 400 m north of (LAT, LON): the same place, and another one.
LAT_20M, LAT_400M = LAT + Decimal("0.000180"), LAT + Decimal("0.003597")

# The police's facts about the school, in a law-enforcement-sensitive plan shared with nobody.
HIDDEN = {
    FactKey.RADIO_CHANNEL: "PD TAC-7",
    FactKey.STAGING_AREA: ("North faculty lot", LAT, LON),
    FactKey.COMMAND_POST: "Gym lobby",
}


@dataclass(frozen=True)
class Guess:
    """What the attacker states about the school, guessing right and guessing wrong."""

    key: str
    right: str | tuple
    wrong: str | tuple


GUESSES = {
    # Equal after normalising: a "differs" conflict that disappears when the guess is right.
    "radio_channel": Guess(FactKey.RADIO_CHANNEL, "pd tac 7", "PD TAC-8"),
    "command_post": Guess(FactKey.COMMAND_POST, "GYM LOBBY", "Cafeteria lobby"),
    # Coordinates decide: 20 m away is the same place, 400 m is not.
    "staging_area": Guess(FactKey.STAGING_AREA, ("Staging lot", LAT_20M, LON), ("Staging lot", LAT_400M, LON)),
    # A "contradicts" conflict that appears when the guess is right: the attacker's reunification site at the
    # police's staging area names the hidden fact.
    "reunification_at_staging": Guess(
        FactKey.REUNIFICATION_SITE, ("Reunify here", LAT_20M, LON), ("Reunify here", LAT_400M, LON)
    ),
}


@dataclass
class Scene:
    county: object
    attacker: object  # the attacking agency
    attacker_admin: object
    attacker_planner: object
    attacker_plan: object
    police_admin: object
    police_plan: object


def _scene(county, attacker_name: str) -> Scene:
    """The police's hidden plan for the school, and the attacker's plan for it (not yet stating anything)."""
    police_admin = member(county.police, Role.ADMIN, username="police_admin")
    police_plan = make_plan(
        owner=county.police,
        actor=police_admin,
        title="Ridgeford PD tactical plan",
        kind=PlanKind.AGENCY_RESPONSE,
        classification=Classification.LAW_ENFORCEMENT_SENSITIVE,
        facilities=[county.school],
    )
    publish_facts(police_plan, police_admin, {county.school: HIDDEN})
    if attacker_name == "unrelated":
        # An agency nobody shares with; its plan is public, so the police may read it (one direction only).
        attacker, admin = county.unrelated, county.unrelated_admin
        classification = Classification.PUBLIC
    else:
        # The school district: its plans are shared with the police, the police plan is not shared back.
        attacker, admin = county.district, county.owner_admin
        classification = Classification.PARTNER
    planner = member(attacker, Role.PLANNER, username=f"{attacker.slug}_guesser")
    plan = make_plan(
        owner=attacker,
        actor=admin,
        title="Guessing plan",
        kind=PlanKind.AGENCY_RESPONSE,
        classification=classification,
        facilities=[county.school],
    )
    if attacker_name == "district":
        services.plan_share(plan=plan, agency=county.police, level=ShareLevel.VIEW, actor=admin)
    WebhookEndpoint.objects.create(agency=attacker, url="https://cad.example.org/hook", events=list(EventType.values))
    return Scene(county, attacker, admin, planner, plan, police_admin, police_plan)


def _sequences() -> dict[str, tuple[int, bool]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences")
        return {name: (1, False) if value is None else (value, True) for name, value in cursor.fetchall()}


def _sequences_restore(values: dict[str, tuple[int, bool]]) -> None:
    with connection.cursor() as cursor:
        for name, (value, called) in values.items():
            cursor.execute("SELECT setval(%s, %s, %s)", [name, value, called])


def _normal(text: str, guess: Guess, world: str, own_hash: str = "") -> str:
    """The text with what legitimately differs between the worlds taken out: the attacker's own guess and its
    version's content hash (it reads its own plan), CSRF tokens and times."""
    if own_hash:
        text = text.replace(own_hash, "HASH").replace(own_hash[:12], "HASH")
    value = getattr(guess, world)
    words = value if isinstance(value, str) else value[0]
    for shown in {words, json.dumps(words)[1:-1]}:
        text = text.replace(shown, "GUESS")
    if not isinstance(value, str):
        for number in value[1:]:
            text = re.sub(rf"{re.escape(str(number))}0*", "COORDINATE", text)
            text = text.replace(str(number.normalize()), "COORDINATE")
    text = re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", text)  # CSRF tokens, masked afresh on every page
    text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?", "TIME", text)
    # Clock times on pages ("last saved 2 Dec 2026, 19:25"): the two worlds may straddle a minute.
    text = re.sub(r"\b\d{1,2}:\d\d(:\d\d)?\b", "CLOCK", text)
    text = re.sub(r"\b\d+\W(second|minute)s?\b", "A MOMENT", text)
    return text


def _write_statements(queries) -> list[str]:
    """The tables each writing statement touched, in order: what the publish leaves behind, by count."""
    written = []
    for query in queries.captured_queries:
        sql = query["sql"]
        match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', sql)
        if match:
            written.append(f"{match.group(1)} {match.group(2)}")
    return written


def _observe(scene: Scene, guess: Guess, world: str) -> dict[str, object]:
    """Play one world and return everything the attacker's people can observe in it."""
    school, plan = scene.county.school, scene.attacker_plan
    seen: dict[str, object] = {}
    first_event = (OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    # The planner writes the guess on a draft; the editor and the publish confirmation show it back.
    version = services.plan_version_create_draft(plan=plan, actor=scene.attacker_planner, sections=sections("Body"))
    value = getattr(guess, world)
    raw = value if isinstance(value, str) else {"text": value[0], "latitude": value[1], "longitude": value[2]}
    facility_facts_set(version=version, facility=school, facts={guess.key: raw}, actor=scene.attacker_planner)
    for person, name, url in (
        (scene.attacker_planner, "editor", f"/plans/{plan.pk}/versions/{version.number}/edit/"),
        (scene.attacker_admin, "publish confirmation", f"/plans/{plan.pk}/versions/{version.number}/publish/"),
    ):
        web = Client()
        web.force_login(person)
        response = web.get(url)
        seen[name] = (response.status_code, _normal(response.content.decode(), guess, world))

    # The admin publishes through the API: its answer and what the publish writes.
    with CaptureQueriesContext(connection) as queries:
        response = client_for(scene.attacker_admin).post(f"/api/v1/plans/{plan.pk}/versions/{version.number}/publish/")
    seen["publish answer"] = (response.status_code, _normal(response.content.decode(), guess, world))
    seen["publish writes"] = _write_statements(queries)

    version.refresh_from_db()
    own_hash = version.content_sha256

    # The police republish the same facts (a new text): the other side acting must not tell the attacker anything.
    publish_facts(scene.police_plan, scene.police_admin, {school: HIDDEN}, body="Body, reviewed with the district.")

    # Every alert is fanned out as the worker would; then the attacker looks everywhere it can.
    for event_id in OutboxEvent.objects.filter(id__gte=first_event).order_by("id").values_list("id", flat=True):
        outbox_event_fan_out(event_id=event_id)
    people = [scene.attacker_admin, scene.attacker_planner]
    for person in people:
        api = client_for(person)
        for name, url in {
            "conflicts API": f"/api/v1/facilities/{school.pk}/conflicts/",
            "notifications API": "/api/v1/notifications/",
        }.items():
            response = api.get(url)
            seen[f"{person.username}: {name}"] = (
                response.status_code,
                _normal(response.content.decode(), guess, world, own_hash),
            )
        page = Client()
        page.force_login(person)
        for name, url in {
            "dashboard": "/",
            "building page": f"/facilities/{school.pk}/",
            "plan page": f"/plans/{plan.pk}/",
            "alerts page": "/alerts/",
        }.items():
            response = page.get(url)
            # The dashboard as the person sees it, its panels loaded as htmx loads them.
            html = dashboard_html(page, url) if name == "dashboard" else response.content.decode()
            seen[f"{person.username}: {name}"] = (response.status_code, _normal(html, guess, world, own_hash))
    seen["in-app alerts"] = sorted(
        Notification.objects.filter(user__in=people).values_list("user__username", "event_type", "title")
    )
    seen["e-mails"] = sorted(
        (delivery.user.username, delivery.event.event_type, str(message.subject), message.body)
        for delivery in Delivery.objects.filter(channel=Channel.EMAIL, user__in=people).select_related("event", "user")
        for message in [email_content.event_email(event=delivery.event, to=delivery.user.email)]
    )
    seen["webhooks"] = sorted(
        _normal(json.dumps(webhooks.webhook_message(delivery.event), sort_keys=True), guess, world, own_hash)
        for delivery in Delivery.objects.filter(
            channel=Channel.WEBHOOK, endpoint__agency=scene.attacker
        ).select_related("event")
    )
    return seen


def _both_worlds(scene: Scene, guess: Guess) -> dict[str, dict[str, object]]:
    sequences = _sequences()
    worlds: dict[str, dict[str, object]] = {}
    for world in ("right", "wrong"):
        _sequences_restore(sequences)
        # Each world starts from the same cache too: the header's cached counts live in Redis, which the
        # rollback below does not undo.
        cache.clear()
        with transaction.atomic():
            worlds[world] = _observe(scene, guess, world)
            transaction.set_rollback(True)
    return worlds


def _explain(right: dict, wrong: dict, names: list[str]) -> str:
    """The first lines that differ on each surface, to read in a failure."""
    out = []
    for name in names:
        lines = difflib.unified_diff(
            pformat(right[name], width=160).splitlines(), pformat(wrong[name], width=160).splitlines(), lineterm=""
        )
        out.append(f"--- {name}\n" + "\n".join(list(lines)[2:12]))
    return "\n".join(out)


@pytest.mark.parametrize("guess_name", list(GUESSES))
@pytest.mark.parametrize("attacker_name", ["unrelated", "district"])
def test_a_guess_at_a_hidden_fact_looks_the_same_right_or_wrong_on_every_surface(county, attacker_name, guess_name):
    scene = _scene(county, attacker_name)
    worlds = _both_worlds(scene, GUESSES[guess_name])
    right, wrong = worlds["right"], worlds["wrong"]
    assert right["publish answer"][0] == 200
    assert set(right) == set(wrong)
    different = sorted(name for name in right if right[name] != wrong[name])
    assert different == [], _explain(right, wrong, different)
    # And nothing of the police's plan reached the attacker at all.
    everything = json.dumps(right, default=str) + json.dumps(wrong, default=str)
    for secret in ("PD TAC-7", "North faculty lot", "Gym lobby", scene.police_plan.title):
        assert secret not in everything, secret


@pytest.mark.parametrize("guess_name", ["radio_channel", "reunification_at_staging"])
def test_the_same_guess_by_a_partner_who_may_read_the_plan_is_compared_so_the_worlds_differ(county, guess_name):
    """The control: once the police share their plan with the district (which shares its own with them), the two
    read each other's plans and Concord compares them, so the harness above does see a difference."""
    scene = _scene(county, "district")
    services.plan_share(plan=scene.police_plan, agency=county.district, level=ShareLevel.VIEW, actor=scene.police_admin)
    worlds = _both_worlds(scene, GUESSES[guess_name])
    different = {name for name in worlds["right"] if worlds["right"][name] != worlds["wrong"][name]}
    assert {
        f"{scene.attacker_admin.username}: conflicts API",
        f"{scene.attacker_admin.username}: building page",
        "in-app alerts",
        "webhooks",
        "publish writes",
    } <= different


def test_the_guessed_owner_who_reads_the_guessing_plan_gets_no_conflict_and_no_alert(county):
    """The police may read the attacker's public plan but the attacker may not read theirs: the pair is not
    compared at all, so the police get no alert the attacker could provoke or time either."""
    scene = _scene(county, "unrelated")
    version = services.plan_version_create_draft(
        plan=scene.attacker_plan, actor=scene.attacker_admin, sections=sections("Body")
    )
    facility_facts_set(
        version=version,
        facility=county.school,
        facts={FactKey.RADIO_CHANNEL: "PD TAC-8"},
        actor=scene.attacker_admin,
    )
    services.plan_version_publish(version=version, actor=scene.attacker_admin)
    assert not FactConflict.objects.exists()
    assert not OutboxEvent.objects.filter(event_type=EventType.FACILITY_CONFLICT).exists()
    client = Client()
    client.force_login(scene.police_admin)
    assert "PD TAC-8" in client.get(f"/facilities/{county.school.pk}/").content.decode()  # they may read it
    assert client_for(scene.police_admin).get(f"/api/v1/facilities/{county.school.pk}/conflicts/").json()["count"] == 0
