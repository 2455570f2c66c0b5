"""Structured key facts that plan versions state about facilities, and where two agencies' plans disagree."""

from django.db import models

from plans.models import DraftContentMixin


class FactKey(models.TextChoices):
    COMMAND_POST = "command_post", "Incident command post"
    STAGING_AREA = "staging_area", "Staging area for responders"
    REUNIFICATION_SITE = "reunification_site", "Family reunification site"
    EVACUATION_PRIMARY = "evacuation_primary", "Evacuation site (primary)"
    EVACUATION_SECONDARY = "evacuation_secondary", "Evacuation site (secondary)"
    SHELTER_IN_PLACE = "shelter_in_place", "Shelter-in-place areas"
    RADIO_CHANNEL = "radio_channel", "Primary radio channel or talkgroup"
    MAIN_ENTRY = "main_entry", "Main entry point"
    KNOX_BOX = "knox_box", "Knox box location"
    ONSITE_CONTACT_ROLE = "onsite_contact_role", "On-site contact role"
    ONSITE_CONTACT_PHONE = "onsite_contact_phone", "On-site contact phone"


class FacilityFact(DraftContentMixin):
    """One fact a version states about one facility it covers; frozen with the version when it is published."""

    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="facility_facts")
    facility = models.ForeignKey("agencies.Facility", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32, choices=FactKey.choices)
    # As the planner wrote it: a place described in words, a radio channel, a role or a phone number.
    text = models.CharField(max_length=300)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["version", "facility", "key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "facility", "key"], name="one_fact_per_key"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="fact_coordinates_in_pairs",
            ),
        ]
        indexes = [models.Index(fields=["facility", "key"])]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.text}"


class ConflictKind(models.TextChoices):
    # The same fact stated differently (e.g. two reunification sites).
    DIFFERS = "differs", "States the same fact differently"
    # One plan puts something where another plan needs the place for something else.
    CONTRADICTS = "contradicts", "Contradicts a fact the other plan depends on"


class FactConflict(models.Model):
    """Two agencies' current versions disagree about one facility; exists only while they still disagree."""

    facility = models.ForeignKey("agencies.Facility", on_delete=models.CASCADE, related_name="fact_conflicts")
    kind = models.CharField(max_length=16, choices=ConflictKind.choices)
    first_key = models.CharField(max_length=32, choices=FactKey.choices)
    second_key = models.CharField(max_length=32, choices=FactKey.choices)
    first_version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    second_version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    # Denormalised from the versions so plan pages and dashboards filter with one indexed lookup.
    first_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    second_plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    first_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    second_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    detected_at = models.DateTimeField()

    class Meta:
        ordering = ["facility", "first_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "first_version", "first_key", "second_version", "second_key"],
                name="unique_fact_conflict",
            ),
        ]
        indexes = [
            models.Index(fields=["first_plan"]),
            models.Index(fields=["second_plan"]),
            models.Index(fields=["first_agency"]),
            models.Index(fields=["second_agency"]),
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.first_key} vs {self.second_key}"
