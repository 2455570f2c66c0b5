"""One gate: only the access layer (`access/`) reads or writes the grant tables or decides visibility.

A new feature that queries the grants itself, or filters plans by classification on its own, would be a
second copy of the rule that protects law-enforcement-sensitive plans; this test names the file and line.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "agencies",
    "audit",
    "consistency",
    "notifications",
    "plans",
    "portal",
    "reviews",
    "dashboard",
    "feeds",
    "reading",
    "sources",
    "buildings",
    "offline",
    "packets",
    "onboarding",
    "operations",
    "exercises",
)
GATE = ROOT / "access"

# What only the gate may touch: the grant tables (ORM models and raw SQL names), guardian's API, and the
# visibility rule's public-plan clause.
FORBIDDEN = {
    "grant table (ORM)": re.compile(r"\b(PlanGroupObjectPermission|PlanUserObjectPermission|GroupObjectPermission)\b"),
    "grant table (SQL)": re.compile(
        r"plans_plangroupobjectpermission|guardian_\w+objectpermission|auth_permission", re.I
    ),
    "guardian": re.compile(r"^\s*(from|import) guardian\b", re.M),
    "object permission check": re.compile(r"\.has_perm\(|get_objects_for_user|get_perms\("),
    "visibility rule": re.compile(r"(\.filter|\.exclude|\bQ)\([^()]*classification\s*=\s*Classification\.PUBLIC"),
}
# The models that define the grant tables (they must exist somewhere) and the settings that switch guardian on.
ALLOWED = {
    ("plans/models.py", "grant table (ORM)"),
    ("plans/models.py", "guardian"),
}


def app_sources() -> list[Path]:
    files = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                files.append(path)
    return sorted(files)


def offences(paths: list[Path], root: Path = ROOT) -> list[str]:
    found = []
    for path in paths:
        relative = path.relative_to(root).as_posix()
        text = path.read_text()
        for what, pattern in FORBIDDEN.items():
            if (relative, what) in ALLOWED:
                continue
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{relative}:{line}: {what} outside access/ ({match.group(0).strip()!r})")
    return found


def test_nothing_outside_the_access_layer_queries_the_grant_tables_or_decides_visibility():
    found = offences(app_sources())
    assert not found, "Ask access/ instead (access.plans, access.audience, access.grants):\n" + "\n".join(found)


def test_the_gate_itself_holds_what_the_rule_forbids_elsewhere():
    """The patterns find real uses: the gate's own modules match them (so the test above can fail)."""
    in_gate = offences(sorted(GATE.rglob("*.py")))
    kinds = {line.split(": ", 1)[1].split(" outside")[0] for line in in_gate}
    assert {"grant table (ORM)", "grant table (SQL)", "guardian", "visibility rule"} <= kinds


@pytest.mark.parametrize(
    "line",
    [
        "rows = PlanGroupObjectPermission.objects.filter(content_object_id=1)",
        "cursor.execute('SELECT 1 FROM plans_plangroupobjectpermission')",
        "from guardian.shortcuts import get_objects_for_user",
        "plans = Plan.objects.filter(classification=Classification.PUBLIC)",
        "if user.has_perm('plans.view_plan', plan):",
    ],
)
def test_a_second_copy_of_the_rule_is_reported(tmp_path, line):
    module = tmp_path / "notifications" / "sneaky.py"
    module.parent.mkdir()
    module.write_text(f"def read(user, plan):\n    {line}\n")
    found = offences([module], root=tmp_path)
    assert found
    assert all(offence.startswith("notifications/sneaky.py:2: ") for offence in found)
