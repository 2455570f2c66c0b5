"""Plans that build on partners' plans: the declared sources, the source versions each published version was
written against, and the reviews a source's new (or withdrawn) version asks of the plans built on it."""

from django.conf import settings
from django.db import models


class PlanSource(models.Model):
    """A partner plan that a plan builds on, as a whole or for one of its sections; declared by its writers."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="source_links")
    source_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="dependent_links")
    # The key of the plan's section that builds on the source; blank: the plan as a whole.
    section_key = models.SlugField(max_length=80, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "source_plan", "section_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source_plan", "section_key"], name="unique_plan_source"),
            models.CheckConstraint(condition=~models.Q(plan=models.F("source_plan")), name="plan_source_not_itself"),
        ]
        indexes = [models.Index(fields=["source_plan", "plan"], name="plan_source_reverse_idx")]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} builds on plan {self.source_plan_id}" + (
            f" ({self.section_key})" if self.section_key else ""
        )


class PlanSourceVersion(models.Model):
    """The exact version of a source that a published version was written against (recorded at publish)."""

    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="source_versions")
    source_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    # None: the source had no current version the owner could read when this version was published.
    source_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section_key = models.SlugField(max_length=80, blank=True)

    class Meta:
        ordering = ["version", "source_plan", "section_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "source_plan", "section_key"], name="unique_source_version_per_version"
            )
        ]
        indexes = [models.Index(fields=["source_plan"], name="source_version_source_idx")]

    def __str__(self) -> str:
        return f"Version {self.version_id} written against version {self.source_version_id}"


class SourceChangeKind(models.TextChoices):
    PUBLISHED = "published", "New version published"
    WITHDRAWN = "withdrawn", "Version withdrawn"


class SourceChangeStatus(models.TextChoices):
    PENDING = "pending", "Review pending"
    DRAFTING = "drafting", "Draft started"
    FOLDED_IN = "folded_in", "Folded into a new version"
    NO_CHANGE = "no_change", "No change needed"


OPEN_STATUSES = (SourceChangeStatus.PENDING, SourceChangeStatus.DRAFTING)


class SourceChange(models.Model):
    """A source of a plan moved on (a new version, or its version withdrawn): the plan's writers review it, then
    fold it into a new version or record that no change is needed. One row per plan and source event."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="source_changes")
    source_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SourceChangeKind.choices)
    # The source version that was published or withdrawn.
    source_version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    # The source version the plan's current version was written against (None: none recorded).
    built_on = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The plan's sections declared to build on the source ("" for the plan as a whole).
    section_keys = models.JSONField(default=list)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=SourceChangeStatus.choices, default=SourceChangeStatus.PENDING)
    # The draft started to fold the change in, and the version that did.
    draft = models.ForeignKey("plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_by_version = models.ForeignKey(
        "plans.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source_version", "kind"], name="unique_source_change"),
        ]
        indexes = [
            models.Index(
                fields=["plan", "created_at"],
                condition=models.Q(status__in=["pending", "drafting"]),
                name="source_change_open_idx",
            ),
            models.Index(fields=["plan", "source_plan", "-created_at"], name="source_change_pair_idx"),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id}: source {self.source_plan_id} {self.kind} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
