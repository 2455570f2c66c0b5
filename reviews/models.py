"""Partners review plans in place: comments on versions (some of them change requests) and formal concurrence."""

from django.conf import settings
from django.db import models


class Comment(models.Model):
    """A review remark on one version, optionally anchored to a section; a reply joins its parent's thread."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="comments")
    # The section's key in that version; blank for a remark on the version as a whole.
    section_key = models.SlugField(max_length=80, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The agency the author spoke for (their membership that allowed the comment).
    author_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    # A partner asks the owner to change the plan; open until the owner resolves it, across versions.
    is_change_request = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(is_change_request=False),
                name="only_thread_starts_request_changes",
            ),
        ]
        indexes = [
            models.Index(fields=["version", "created_at"]),
            models.Index(
                fields=["plan", "author_agency"],
                condition=models.Q(is_change_request=True, resolved_at__isnull=True),
                name="open_change_request_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment #{self.pk} on {self.version}"

    @property
    def is_open_change_request(self) -> bool:
        return self.is_change_request and self.resolved_at is None


class ConcurrenceOutcome(models.TextChoices):
    CONCUR = "concur", "Concur"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Concurrence(models.Model):
    """A partner agency's formal outcome on one published version; append-only, the newest per agency counts."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="concurrences")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="concurrences")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="concurrences")
    outcome = models.CharField(max_length=24, choices=ConcurrenceOutcome.choices)
    note = models.TextField(blank=True)
    # The agency's open change requests when it asked for changes: the evidence of what is owed.
    change_requests = models.ManyToManyField(Comment, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["version", "agency", "-recorded_at"]),
            models.Index(fields=["plan", "agency", "-recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.outcome} on {self.version}"
