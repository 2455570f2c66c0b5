"""Drill requirements as data (issue 17, item 5): a state's rule — "each K-12 school: 2 lockdown drills per term,
10 fire drills per school year" — is a requirement set with lines, assigned to the buildings it applies to."""

from django.conf import settings
from django.db import models

# Import these models through exercises.models (which defines the kinds first, then imports this module).
from exercises.models import ExerciseKind


class RequirementPeriod(models.TextChoices):
    YEAR = "year", "per school year"
    TERM = "term", "per term"


class RequirementSet(models.Model):
    """One rule book: a state's (loaded by an operator, no owner: everyone reads it) or an agency's own."""

    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=120, blank=True)
    # null: a state's set, loaded by an operator; otherwise the agency whose admins keep it.
    owner_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year_start_month = models.PositiveSmallIntegerField(default=8)
    year_start_day = models.PositiveSmallIntegerField(default=1)
    # How many equal terms the school year has (2: semesters); lines counted "per term" use it.
    terms_per_year = models.PositiveSmallIntegerField(default=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner_agency", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_start_month__gte=1, year_start_month__lte=12), name="requirement_set_month"
            ),
            models.CheckConstraint(
                condition=models.Q(year_start_day__gte=1, year_start_day__lte=28), name="requirement_set_day"
            ),
            models.CheckConstraint(
                condition=models.Q(terms_per_year__gte=1, terms_per_year__lte=6), name="requirement_set_terms"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RequirementLine(models.Model):
    """How many exercises of one kind a building of the listed kinds must hold per school year or per term."""

    requirement_set = models.ForeignKey(RequirementSet, on_delete=models.CASCADE, related_name="lines")
    exercise_kind = models.CharField(max_length=32, choices=ExerciseKind.choices)
    count = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=8, choices=RequirementPeriod.choices, default=RequirementPeriod.YEAR)
    # Facility kinds (agencies.FacilityKind values) it applies to; empty: every building the set is assigned to.
    facility_kinds = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["requirement_set", "exercise_kind", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=1, count__lte=100), name="requirement_line_count")
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.exercise_kind} {self.period}"


class RequirementAssignment(models.Model):
    """A requirement set that applies to a building (assigned by the building owner's admins)."""

    requirement_set = models.ForeignKey(RequirementSet, on_delete=models.PROTECT, related_name="assignments")
    facility = models.ForeignKey("agencies.Facility", on_delete=models.CASCADE, related_name="requirement_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "requirement_set__name"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "requirement_set"], name="requirement_assigned_once")
        ]
        indexes = [models.Index(fields=["requirement_set", "facility"])]

    def __str__(self) -> str:
        return f"{self.requirement_set_id} at {self.facility_id}"
