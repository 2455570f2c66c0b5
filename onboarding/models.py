"""What onboarding adds to an agency: the partners its new plans are shared with by default, and the state-level
coordinators who see every agency's completeness (never a plan's content)."""

from django.conf import settings
from django.db import models

from plans.models import ShareLevel


class SharingDefault(models.Model):
    """A partner agency every new plan of `agency` is shared with, at `level`, when the plan is created."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="sharing_defaults")
    partner = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=16, choices=ShareLevel.choices, default=ShareLevel.VIEW)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "partner"], name="unique_sharing_default"),
            models.CheckConstraint(condition=~models.Q(agency=models.F("partner")), name="sharing_default_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} shares new plans with {self.partner_id} ({self.level})"


class StateCoordinator(models.Model):
    """A person who sees the list of agencies and how complete each is (plans current, reviews overdue,
    acknowledgements), for a county or a state; it gives no access to any plan."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_coordinator")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} (state coordinator)"
