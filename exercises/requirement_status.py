"""Where a building stands against its drill requirements this school year: per line, required, done (exercises
of that kind at the building, conducted), scheduled, still due, and behind when the year's elapsed share says
so. The exercises counted are those the building's owner agency leads or takes part in (access/drills.py).

A fixed number of queries, whatever the number of buildings, sets, lines or exercises: the assignments with
their sets and lines (two), and the exercises of the window (one).
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from agencies.models import Facility
from exercises.models import (
    Exercise,
    ExerciseKind,
    ExerciseParticipant,
    ExerciseStatus,
    RequirementAssignment,
    RequirementLine,
    RequirementPeriod,
    RequirementSet,
)


@dataclass(frozen=True)
class SchoolYear:
    """One school year of a set: [start, end), split into equal terms."""

    start: date
    end: date
    terms: int

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.end.year}"

    def elapsed_share(self, today: date) -> float:
        return min(1.0, max(0.0, (today - self.start).days / (self.end - self.start).days))

    def term_of(self, today: date) -> tuple[int, float]:
        """(terms completed, share of the current term elapsed)."""
        share = self.elapsed_share(today) * self.terms
        completed = min(self.terms, math.floor(share))
        return completed, (share - completed if completed < self.terms else 0.0)


def school_year(requirement_set: RequirementSet, today: date) -> SchoolYear:
    """The school year of the set that contains `today`."""
    start = date(today.year, requirement_set.year_start_month, requirement_set.year_start_day)
    if start > today:
        start = start.replace(year=today.year - 1)
    return SchoolYear(start=start, end=start.replace(year=start.year + 1), terms=requirement_set.terms_per_year)


def line_applies(line: RequirementLine, facility: Facility) -> bool:
    return not line.facility_kinds or facility.kind in line.facility_kinds


@dataclass(frozen=True)
class LineStatus:
    """One requirement line at one building this school year."""

    line: RequirementLine
    kind_label: str
    required: int
    done: int
    scheduled: int
    expected_by_now: int

    @property
    def due(self) -> int:
        return max(0, self.required - self.done)

    @property
    def behind(self) -> bool:
        return self.done < self.expected_by_now

    @property
    def unplanned(self) -> int:
        """Still due and not even scheduled."""
        return max(0, self.required - self.done - self.scheduled)


@dataclass
class SetStatus:
    """One assigned set at one building: its school year and its lines that apply to the building's kind."""

    requirement_set: RequirementSet
    year: SchoolYear
    lines: list[LineStatus] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return any(line.behind for line in self.lines)


@dataclass
class FacilityDrillStatus:
    """A building's drill status: every set assigned to it."""

    facility: Facility
    sets: list[SetStatus] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return any(s.behind for s in self.sets)

    @property
    def behind_kinds(self) -> list[str]:
        return sorted({line.kind_label for s in self.sets for line in s.lines if line.behind})


def _expected(line: RequirementLine, year: SchoolYear, today: date) -> tuple[int, int]:
    """(required this year, expected done by today)."""
    if line.period == RequirementPeriod.TERM:
        completed, share = year.term_of(today)
        return line.count * year.terms, line.count * completed + math.floor(line.count * share)
    return line.count, math.floor(line.count * year.elapsed_share(today))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def drill_status(*, facilities: list[Facility], today: date | None = None) -> dict[int, FacilityDrillStatus]:
    """The drill status of each building (keyed by id; those with no set assigned have no set in theirs)."""
    today = today or timezone.localdate()
    result = {f.pk: FacilityDrillStatus(facility=f) for f in facilities}
    if not facilities:
        return result
    assignments = list(
        RequirementAssignment.objects.filter(facility_id__in=list(result))
        .select_related("requirement_set")
        .prefetch_related(Prefetch("requirement_set__lines", RequirementLine.objects.order_by("exercise_kind", "id")))
        .order_by("facility_id", "requirement_set__name", "requirement_set_id")
    )
    if not assignments:
        return result
    years = {a.requirement_set_id: school_year(a.requirement_set, today) for a in assignments}
    window_start = min(y.start for y in years.values())
    window_end = max(y.end for y in years.values())
    counts = _exercise_days(result, _moment(window_start), _moment(window_end))
    labels = dict(ExerciseKind.choices)
    for assignment in assignments:
        facility = result[assignment.facility_id].facility
        year = years[assignment.requirement_set_id]
        status = SetStatus(requirement_set=assignment.requirement_set, year=year)
        for line in assignment.requirement_set.lines.all():
            if not line_applies(line, facility):
                continue
            tally = counts.get((facility.pk, line.exercise_kind), [])
            done = sum(1 for day, state in tally if state == ExerciseStatus.CONDUCTED and year.start <= day < year.end)
            scheduled = sum(
                1 for day, state in tally if state == ExerciseStatus.SCHEDULED and year.start <= day < year.end
            )
            required, expected = _expected(line, year, today)
            status.lines.append(
                LineStatus(
                    line=line,
                    kind_label=labels.get(line.exercise_kind, line.exercise_kind),
                    required=required,
                    done=done,
                    scheduled=scheduled,
                    expected_by_now=expected,
                )
            )
        result[facility.pk].sets.append(status)
    return result


def _exercise_days(
    facilities: dict[int, FacilityDrillStatus], start: datetime, end: datetime
) -> dict[tuple[int, str], list[tuple[date, str]]]:
    """(facility, kind) → (local day, status) of each exercise in the window that the building's owner agency
    leads or takes part in (cancelled ones left out). One query."""
    owner_takes_part = ExerciseParticipant.objects.filter(
        exercise_id=OuterRef("exercise_id"), agency_id=OuterRef("facility__owner_agency_id")
    )
    rows = (
        Exercise.facilities.through.objects.filter(
            facility_id__in=list(facilities),
            exercise__starts_at__gte=start,
            exercise__starts_at__lt=end,
            exercise__status__in=(ExerciseStatus.CONDUCTED, ExerciseStatus.SCHEDULED),
        )
        .filter(Exists(owner_takes_part))
        .order_by()
        .values_list("facility_id", "exercise__kind", "exercise__status", "exercise__starts_at")
    )
    found: dict[tuple[int, str], list[tuple[date, str]]] = {}
    for facility_id, kind, state, starts_at in rows:
        found.setdefault((facility_id, kind), []).append((timezone.localtime(starts_at).date(), state))
    return found
