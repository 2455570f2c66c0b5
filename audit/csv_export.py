"""The audit trail as CSV, streamed row by row so an export of a year of events never sits in memory."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from audit.filters import AuditEventFilter
from audit.models import AuditAction, AuditEvent

CSV_COLUMNS = [
    "time_utc",
    "action",
    "action_label",
    "person",
    "agency",
    "object_type",
    "object_id",
    "object",
    "plan_id",
    "ip_address",
    "details",
]
# Spreadsheets run cells starting with these as formulas; a leading apostrophe keeps them text (CWE-1236).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

ACTION_LABELS = dict(AuditAction.choices)


def action_label(action: str) -> str:
    """The action's label, or the code itself for an action this build does not name."""
    return str(ACTION_LABELS.get(action, action))


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value


def audit_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The header, then one line per event in the queryset's order (read in chunks)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.select_related("agency").iterator(chunk_size=CHUNK):
        yield writer.writerow(
            [
                _text(value)
                for value in (
                    event.created_at.isoformat(),
                    event.action,
                    action_label(event.action),
                    event.actor_username,
                    event.agency.name if event.agency else "",
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.plan_id,
                    event.ip_address,
                    json.dumps(event.details, sort_keys=True),
                )
            ]
        )


def filter_values(trail: AuditEventFilter) -> dict[str, str]:
    """The filters as given (for the export's own audit row and the CSV's file name)."""
    data = trail.data or {}
    return {name: str(data[name]) for name in trail.filters if data.get(name)}


def csv_download(events: QuerySet[AuditEvent], agency_slug: str) -> StreamingHttpResponse:
    """A streamed CSV attachment of these events."""
    response = StreamingHttpResponse(audit_csv_lines(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{agency_slug}-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
