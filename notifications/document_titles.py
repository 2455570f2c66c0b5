"""How an alert names a building document's change: the building, the document, old → new version, the note."""

from typing import Any


def document_change_title(payload: dict[str, Any]) -> str:
    """ "Lincoln High: Site map version 1 → 2 (gate C moved)", or "… added" for a new document."""
    where = f"{payload.get('facility_name', 'A building')}: {payload.get('title', 'a document')}"
    old, new = payload.get("previous_version"), payload.get("version")
    change = f"version {old} → {new}" if old else "added"
    note = payload.get("change_note")
    return f"{where} {change}" + (f" ({note})" if note else "")
