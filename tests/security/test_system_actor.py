"""SYSTEM is the only actor the services let through without asking the access layer, and no request has it.

Seeding, data generators and fixtures pass `actor=SYSTEM` (access/actors.py); nothing that answers a request
may import it. Anything else that is not a person, None passed by mistake included, is refused like a person
without the right (NotAllowedError, so a 403, never a 500) and changes nothing.
"""

import ast
from pathlib import Path

import pytest

from access.actors import SYSTEM, SystemActor
from agencies.models import Membership
from agencies.services import member_invite, membership_add
from audit.models import AuditEvent
from consistency.fact_services import facility_facts_set
from consistency.models import FacilityFact
from notifications import webhook_services
from notifications.models import EventType, OutboxEvent, WebhookEndpoint
from portal.errors import NotAllowedError

ROOT = Path(__file__).resolve().parents[2]
# What answers a request: web views and pages, API views, the admin, and the project package itself.
REQUEST_CODE = ("*/views*.py", "*/api/*.py", "*/admin.py", "*/*_pages.py", "portal/**/*.py")
NAMES = {"SYSTEM", "SystemActor"}


def request_modules() -> list[Path]:
    found = {path for pattern in REQUEST_CODE for path in ROOT.glob(pattern)}
    return sorted(path for path in found if not {".venv", "tests"} & set(path.relative_to(ROOT).parts))


def system_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Each import of access.actors (or of SYSTEM from anywhere) in a module, as `path:line`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            hit = (
                node.module == "access.actors" or bool(names & NAMES) or (node.module == "access" and "actors" in names)
            )
        elif isinstance(node, ast.Import):
            hit = any(alias.name == "access.actors" for alias in node.names)
        else:
            continue
        if hit:
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


def test_no_view_api_view_or_admin_imports_the_system_actor():
    modules = request_modules()
    assert {"agencies/views.py", "plans/api/views.py", "agencies/admin.py", "reviews/concurrence_pages.py"} <= {
        path.relative_to(ROOT).as_posix() for path in modules
    }
    found = [hit for path in modules for hit in system_imports(path)]
    assert not found, "A request acts as its user, never as SYSTEM:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "line", ["from access.actors import SYSTEM", "import access.actors", "from access import actors"]
)
def test_a_view_importing_the_system_actor_is_reported(tmp_path, line):
    module = tmp_path / "plans" / "views_sneaky.py"
    module.parent.mkdir()
    module.write_text(f"{line}\n")
    assert system_imports(module, root=tmp_path) == ["plans/views_sneaky.py:1"]


def test_none_is_refused_by_the_agency_services_and_changes_nothing(county):
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotAllowedError):
        membership_add(agency=county.police, user=county.staff, role="member", actor=None)
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_none_is_refused_by_the_fact_services_and_changes_nothing(county):
    before = (FacilityFact.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotAllowedError):
        facility_facts_set(version=county.draft, facility=county.school, facts={"main_entry": "A"}, actor=None)
    assert (FacilityFact.objects.count(), AuditEvent.objects.count()) == before


def test_none_is_refused_by_the_webhook_services_and_changes_nothing(county, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    before = (WebhookEndpoint.objects.count(), AuditEvent.objects.count())
    with pytest.raises(NotAllowedError):
        webhook_services.webhook_endpoint_create(
            agency=county.police, url="http://127.0.0.1:9/hook", events=[EventType.VERSION_PUBLISHED], actor=None
        )
    assert (WebhookEndpoint.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_one_system_actor_passes(county):
    """Another SystemActor instance is not SYSTEM: the gate asks the access layer, which refuses it."""
    with pytest.raises(NotAllowedError):
        membership_add(agency=county.police, user=county.staff, role="member", actor=SystemActor())
    assert not Membership.objects.filter(user=county.staff).exists()


def test_what_the_system_does_names_no_person(county):
    """SYSTEM is allowed; its audit rows and event payloads record no actor."""
    user = member_invite(
        agency=county.police, username="newcomer", email="new@example.org", role="member", actor=SYSTEM
    )
    assert not AuditEvent.objects.filter(object_id=str(user.pk), actor__isnull=False).exists()
    invited = OutboxEvent.objects.get(event_type=EventType.MEMBER_INVITED, payload__user=user.pk)
    assert invited.payload["actor"] is None
