"""Exercises (HSEEP kinds and the school drills states require), who took part, what they observed, the
after-action report and the corrective actions that carry its lessons into the next version of a plan."""

from typing import Any

from django.conf import settings
from django.db import models

from portal.errors import ConflictError


class ExerciseKind(models.TextChoices):
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    TABLETOP = "tabletop", "Tabletop exercise"
    DRILL = "drill", "Drill"
    FUNCTIONAL = "functional", "Functional exercise"
    FULL_SCALE = "full_scale", "Full-scale exercise"
    LOCKDOWN = "lockdown", "Lockdown drill"
    EVACUATION = "evacuation", "Evacuation drill"
    FIRE = "fire", "Fire drill"
    SEVERE_WEATHER = "severe_weather", "Severe weather drill"
    REUNIFICATION = "reunification", "Reunification drill"


class ExerciseStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CONDUCTED = "conducted", "Conducted"
    CANCELLED = "cancelled", "Cancelled"


class Exercise(models.Model):
    """One exercise or drill led by one agency with others taking part; its participants see it."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=ExerciseKind.choices)
    status = models.CharField(max_length=16, choices=ExerciseStatus.choices, default=ExerciseStatus.SCHEDULED)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    lead_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    facilities = models.ManyToManyField("agencies.Facility", related_name="exercises", blank=True)
    # The published (or since superseded) versions the exercise tested: what its findings were measured against.
    plan_versions = models.ManyToManyField("plans.PlanVersion", related_name="exercises", blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["lead_agency", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["kind", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")), name="exercise_ends_after")
        ]

    def __str__(self) -> str:
        return self.title


class ExerciseParticipant(models.Model):
    """An agency taking part (the lead included), with its attendance: its people who are users, and counts
    of school staff and students who are not."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    staff_count = models.PositiveIntegerField(default=0)
    student_count = models.PositiveIntegerField(default=0)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["exercise", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["exercise", "agency"], name="exercise_participant_once")]
        indexes = [models.Index(fields=["agency", "exercise"])]

    def __str__(self) -> str:
        return f"{self.agency_id} in exercise {self.exercise_id}"


class ExerciseObjective(models.Model):
    """One numbered objective of an exercise; the AAR's findings are grouped by it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [models.UniqueConstraint(fields=["exercise", "position"], name="exercise_objective_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Observation(models.Model):
    """What a participating agency saw during the exercise (its own, added by its admins)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="observations")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(ExerciseObjective, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "created_at", "id"]
        indexes = [models.Index(fields=["exercise", "created_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class AfterActionReport(models.Model):
    """The exercise's after-action report: a draft the lead agency writes, then final and immutable (shared
    with every participant)."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, related_name="report")
    state = models.CharField(max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    summary = models.TextField(blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"After-action report of {self.exercise_id} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == ReportState.FINAL:
                raise ConflictError("The after-action report is final and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.state == ReportState.FINAL:
            raise ConflictError("The after-action report is final and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.state == ReportState.FINAL


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area for improvement"


class Finding(models.Model):
    """A strength or an area for improvement under one objective; an area for improvement names the plan (and
    section, by its key) it concerns. Written only while the report is a draft."""

    report = models.ForeignKey(AfterActionReport, on_delete=models.CASCADE, related_name="findings")
    objective = models.ForeignKey(ExerciseObjective, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=16, choices=FindingKind.choices)
    text = models.TextField()
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    section_key = models.SlugField(max_length=80, blank=True)
    section_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "objective__position", "kind", "id"]
        indexes = [models.Index(fields=["report", "kind"]), models.Index(fields=["plan"])]

    def __str__(self) -> str:
        return self.text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        _refuse_if_final(self.report_id)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_if_final(self.report_id)
        return super().delete(*args, **kwargs)


def _refuse_if_final(report_id: int) -> None:
    if AfterActionReport.objects.filter(pk=report_id, state=ReportState.FINAL).exists():
        raise ConflictError("The after-action report is final; its findings cannot change.")


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED_BY_VERSION = "closed_version", "Closed by a new plan version"
    CLOSED_BY_DECISION = "closed_decision", "Closed by a decision"


class CorrectiveAction(models.Model):
    """One item of the improvement plan: who fixes an area for improvement, by when. On a plan it is open in
    that plan's editor until a new version is published (or someone decides, with a reason, not to change)."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="corrective_actions")
    description = models.TextField()
    owning_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    # Copied from the finding, so that the plan's editor and the publish hook read one indexed table.
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    section_key = models.SlugField(max_length=80, blank=True)
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_reason = models.TextField(blank=True)
    closed_by_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owning_agency", "status", "due_on"]),
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["exercise", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN


# Drill requirements (a module of their own; imported here so that Django registers them with the app).
from exercises.requirement_models import (  # noqa: E402
    RequirementAssignment,
    RequirementLine,
    RequirementPeriod,
    RequirementSet,
)

__all__ = [
    "ActionStatus",
    "AfterActionReport",
    "CorrectiveAction",
    "Exercise",
    "ExerciseKind",
    "ExerciseObjective",
    "ExerciseParticipant",
    "ExerciseStatus",
    "Finding",
    "FindingKind",
    "Observation",
    "ReportState",
    "RequirementAssignment",
    "RequirementLine",
    "RequirementPeriod",
    "RequirementSet",
]
