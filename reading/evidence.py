"""What an agency's required-reading evidence holds for a period, row by row (the CSV and the PDF read the same rows).

Two kinds of row:
- `obligation`: every current obligation of the agency's people whose version was published by the period's end,
  with its due date and its state at the end of the period (or now, if that is earlier);
- `acknowledgement`: every personal acknowledgement made in the period by the agency's people of a version of a
  plan the agency requires (and may still read) that is not already a current obligation's row, earlier
  versions included, marked with whether the version was the plan's current one when it was acknowledged.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from access.audience import plan_readers
from agencies.models import Agency, Membership, Role
from plans.models import Acknowledgement
from reading.models import Audience, ReadingGroupMember, ReadingObligation, ReadingRequirement

CHUNK = 2000
CSV_COLUMNS = [
    "record",
    "requirement",
    "plan_id",
    "plan",
    "version",
    "content_sha256",
    "person",
    "username",
    "due_at",
    "acknowledged_at",
    "state",
]
INCLUDES = (
    "Every current obligation of the agency's people whose version was published by the end of the period, with "
    "its due date and its state at the end of the period (or at generation, if earlier); and every personal "
    "acknowledgement made in the period by the agency's people of any version of a plan the agency requires, "
    "earlier versions included."
)
# Spreadsheets run cells starting with these as formulas; a leading apostrophe keeps them text (CWE-1236).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class EvidencePeriod:
    """The first and last day (included), and the instants that bound them in the server's time zone."""

    since: date
    until: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


@dataclass(frozen=True)
class EvidenceRow:
    record: str
    requirement: str
    plan_id: int
    plan: str
    version: int
    content_sha256: str
    person: str
    username: str
    due_at: datetime | None
    acknowledged_at: datetime | None
    state: str


@dataclass
class _Audience:
    """What decides which of a plan's requirements apply to a person: their role and groups in the agency."""

    requirements: dict[int, list[ReadingRequirement]]
    roles: dict[int, str]
    groups: dict[int, set[int]]

    def label(self, plan_id: int, user_id: int) -> str:
        labels = []
        for requirement in self.requirements.get(plan_id, []):
            if requirement.audience == Audience.ROLE and self.roles.get(user_id) != requirement.role:
                continue
            if requirement.audience == Audience.GROUP and requirement.group_id not in self.groups.get(user_id, set()):
                continue
            labels.append(requirement_label(requirement))
        return "; ".join(labels)


def requirement_label(requirement: ReadingRequirement) -> str:
    """`Everyone`, `Role: Member` or `Group: Patrol`, with its due days."""
    if requirement.audience == Audience.ROLE:
        who = f"Role: {Role(requirement.role).label}"
    elif requirement.audience == Audience.GROUP and requirement.group is not None:
        who = f"Group: {requirement.group.name}"
    else:
        who = "Everyone"
    return f"{who} ({requirement.due_days} days)"


def _audience(agency: Agency) -> _Audience:
    requirements: dict[int, list[ReadingRequirement]] = {}
    for requirement in ReadingRequirement.objects.filter(agency=agency).select_related("group").order_by("pk"):
        requirements.setdefault(requirement.plan_id, []).append(requirement)
    roles = dict(Membership.objects.filter(agency=agency).order_by().values_list("user_id", "role"))
    groups: dict[int, set[int]] = {}
    for user_id, group_id in ReadingGroupMember.objects.filter(group__agency=agency).values_list("user_id", "group_id"):
        groups.setdefault(user_id, set()).add(group_id)
    return _Audience(requirements=requirements, roles=roles, groups=groups)


def _name(user) -> str:  # type: ignore[no-untyped-def]  # a User of a select_related row
    return str(user.get_full_name() or user.get_username())


def _obligations(agency: Agency, period: EvidencePeriod) -> QuerySet[ReadingObligation]:
    return (
        ReadingObligation.objects.filter(agency=agency, version__published_at__lt=period.end)
        .select_related("user", "plan", "version")
        .only(
            "due_at",
            "acknowledged_at",
            "plan_id",
            "user_id",
            "plan__title",
            "version__number",
            "version__content_sha256",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .order_by("plan__title", "plan_id", "user__last_name", "user__first_name", "user__username")
    )


def _acknowledgements(agency: Agency, period: EvidencePeriod) -> QuerySet[Acknowledgement]:
    required = dict(
        ReadingRequirement.objects.filter(agency=agency).values_list("plan_id", "plan__classification").distinct()
    )
    readable = [plan for plan, _ in plan_readers(classifications=required, agency_ids=[agency.pk])]
    current_row = ReadingObligation.objects.filter(
        agency=agency, user_id=OuterRef("user_id"), version_id=OuterRef("version_id")
    )
    return (
        Acknowledgement.objects.filter(
            acknowledged_at__gte=period.start,
            acknowledged_at__lt=period.end,
            version__plan_id__in=readable,
            user_id__in=Membership.objects.filter(agency=agency).values("user_id"),
        )
        .exclude(Exists(current_row))
        .select_related("user", "version__plan")
        .order_by("version__plan__title", "version__plan_id", "-version__number", "acknowledged_at", "pk")
    )


def obligation_state_at(*, due_at: datetime, acknowledged_at: datetime | None, at: datetime) -> str:
    """`acknowledged` (or `acknowledged late`, after its due date), `overdue` or `due`, as things stood `at`."""
    if acknowledged_at is not None and acknowledged_at <= at:
        return "acknowledged late" if acknowledged_at > due_at else "acknowledged"
    return "overdue" if due_at < at else "due"


def evidence_rows(*, agency: Agency, period: EvidencePeriod, now: datetime) -> Iterator[EvidenceRow]:
    """The evidence, obligations first (by plan, then person), then the period's other acknowledgements."""
    audience = _audience(agency)
    at = min(now, period.end)
    for row in _obligations(agency, period).iterator(chunk_size=CHUNK):
        acknowledged = row.acknowledged_at if row.acknowledged_at is not None and row.acknowledged_at <= at else None
        yield EvidenceRow(
            record="obligation",
            requirement=audience.label(row.plan_id, row.user_id),
            plan_id=row.plan_id,
            plan=row.plan.title,
            version=row.version.number,
            content_sha256=row.version.content_sha256,
            person=_name(row.user),
            username=row.user.get_username(),
            due_at=row.due_at,
            acknowledged_at=acknowledged,
            state=obligation_state_at(due_at=row.due_at, acknowledged_at=acknowledged, at=at),
        )
    for ack in _acknowledgements(agency, period).iterator(chunk_size=CHUNK):
        version = ack.version
        ended = version.superseded_at or version.withdrawn_at
        was_current = (
            version.published_at is not None
            and version.published_at <= ack.acknowledged_at
            and (ended is None or ack.acknowledged_at < ended)
        )
        yield EvidenceRow(
            record="acknowledgement",
            requirement=audience.label(version.plan_id, ack.user_id),
            plan_id=version.plan_id,
            plan=version.plan.title,
            version=version.number,
            content_sha256=version.content_sha256,
            person=_name(ack.user),
            username=ack.user.get_username(),
            due_at=None,
            acknowledged_at=ack.acknowledged_at,
            state="acknowledged" if was_current else "acknowledged (not the current version then)",
        )


def evidence_row_count(*, agency: Agency, period: EvidencePeriod) -> int:
    """How many rows the evidence has (the PDF refuses more than it can lay out in reasonable time)."""
    return _obligations(agency, period).count() + _acknowledgements(agency, period).count()


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a streaming response."""

    def write(self, value: str) -> str:
        return value


def evidence_csv_lines(rows: Iterator[EvidenceRow]) -> Iterator[str]:
    """The header, then one line per row."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in rows:
        yield writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
