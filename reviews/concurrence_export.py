"""The concurrence record as CSV: one row per recorded outcome (history included), one per agency that has none."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

CSV_COLUMNS = [
    "plan",
    "version",
    "published_at",
    "content_sha256",
    "agency",
    "outcome",
    "recorded_by",
    "recorded_at",
    "note",
    "open_change_request_ids",
    "is_newest",
]
# Spreadsheets run cells starting with these as formulas; a leading apostrophe keeps them text (CWE-1236).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def concurrence_csv_rows(record: dict[str, Any]) -> Iterator[list[str]]:
    """The header, then per version (newest first) and agency every outcome newest first, or its status."""
    yield CSV_COLUMNS
    plan = record["plan_title"]
    for version in record["versions"]:
        fixed = [plan, version["number"], version["published_at"], version["content_sha256"]]
        for cell in version["agencies"]:
            if not cell["history"]:
                yield [_text(v) for v in [*fixed, cell["agency_name"], cell["status"], "", "", "", "", ""]]
                continue
            for index, entry in enumerate(cell["history"]):
                yield [
                    _text(v)
                    for v in [
                        *fixed,
                        cell["agency_name"],
                        entry["outcome"],
                        entry["recorded_by"],
                        entry["recorded_at"],
                        entry["note"],
                        " ".join(str(pk) for pk in entry["change_requests"]),
                        "yes" if index == 0 else "no",
                    ]
                ]


def concurrence_csv(record: dict[str, Any]) -> str:
    """The whole record as CSV text (RFC 4180 line endings)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(concurrence_csv_rows(record))
    return buffer.getvalue()
