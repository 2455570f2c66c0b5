"""Training records: who was trained on which plan versions, when, by whom, and what the agency requires.

A sibling of required reading rather than a second copy of it: a `TrainingRequirement` names its audience
exactly as a `ReadingRequirement` does (everyone, a role, one of the agency's `ReadingGroup`s), the compliance
pages reuse the reading scope (`access/reading.py`: the agency's admins and liaisons see everyone, a group's
supervisors their groups), and "current" means trained on the plan's current version (no longer than
`refresh_months` ago when the requirement says so) instead of acknowledged. docs/exercises.md says why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from reading.models import AudienceRequirement, ReadingGroup, audience_constraints


class TrainingRequirement(AudienceRequirement):
    """An agency requires some of its own people to be trained on a plan's current version."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="training_requirements")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="training_requirements")
    group = models.ForeignKey(
        ReadingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="training_requirements"
    )
    # None: trained on the current version is enough, however long ago; N: and no more than N months ago.
    refresh_months = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "plan", "id"]
        constraints = [
            *audience_constraints("training_requirement"),
            models.CheckConstraint(
                condition=Q(refresh_months__isnull=True) | Q(refresh_months__gte=1, refresh_months__lte=120),
                name="training_requirement_refresh_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} requires training on {self.plan} ({self.audience})"


class TrainingSession(models.Model):
    """One training given by one of an agency's people to others of its people (and school staff who are not
    users, by name), on one or more released plan versions; recorded directly or from an exercise."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="training_sessions")
    title = models.CharField(max_length=200)
    trained_on = models.DateField()
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    plan_versions = models.ManyToManyField("plans.PlanVersion", related_name="training_sessions")
    # School staff (and others) trained who are not users of Concord: their names, and how many in all.
    staff_names = models.JSONField(default=list, blank=True)
    staff_count = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    exercise = models.ForeignKey(
        "exercises.Exercise", null=True, blank=True, on_delete=models.SET_NULL, related_name="training_sessions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-trained_on", "-id"]
        indexes = [models.Index(fields=["agency", "trained_on"], name="training_session_agency_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "agency"], condition=Q(exercise__isnull=False), name="training_once_per_exercise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.trained_on})"


class TrainingRecord(models.Model):
    """One person trained on one plan version in one session: the row the compliance pages count.

    Derived: `reading/services_training.py` writes them from the session's trainees and versions, nothing else.
    """

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="records")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    trained_on = models.DateField()

    class Meta:
        ordering = ["-trained_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user", "version"], name="unique_training_record"),
        ]
        indexes = [
            # Is this person current on this plan: their records for it, newest first.
            models.Index(fields=["agency", "user", "plan", "trained_on"], name="training_rec_person_idx"),
            # Who of the agency was trained on a version.
            models.Index(fields=["agency", "plan", "version"], name="training_rec_version_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} trained on v{self.version_id} ({self.trained_on})"
