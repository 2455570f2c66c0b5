"""Required reading: an agency's groups of people, what it requires them to read, and each person's obligation.

An agency states its requirements (`ReadingRequirement`) for its own people; `ReadingObligation` is the
derived table of who owes which plan's current version by when (`reading/sync.py` keeps it equal to the
requirements, memberships, groups, grants and published versions). Acknowledgements themselves stay in
`plans.Acknowledgement`: this person read this version.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import Role

DEFAULT_DUE_DAYS = 14


class ReadingGroup(models.Model):
    """A named group of an agency's own people ("School Resource Officers", "Patrol", "Command staff")."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="reading_groups")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="unique_reading_group_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class ReadingGroupMember(models.Model):
    """A person in a group; a supervisor is chased weekly with the group's overdue list."""

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_groups")
    is_supervisor = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "user__last_name", "user__first_name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="unique_reading_group_member")]
        indexes = [models.Index(fields=["user", "group"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone in the agency"
    ROLE = "role", "Everyone with a role"
    GROUP = "group", "A group"


class AudienceRequirement(models.Model):
    """What a reading and a training requirement share: whom of the agency's people it names (everyone, a role,
    one of its groups) and who stated it when. Its concrete models declare `agency`, `plan` and `group` (each
    with its own related name) and take `audience_constraints` into their Meta."""

    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def audience_constraints(name: str) -> list[models.BaseConstraint]:
    """The audience's fields agree (a role only for ROLE, a group only for GROUP), and one requirement per
    agency, plan and audience: `<name>_audience_fields` and `unique_<name>`."""
    return [
        models.CheckConstraint(
            condition=(
                Q(audience=Audience.EVERYONE, role="", group__isnull=True)
                | (Q(audience=Audience.ROLE, group__isnull=True) & ~Q(role=""))
                | Q(audience=Audience.GROUP, role="", group__isnull=False)
            ),
            name=f"{name}_audience_fields",
        ),
        models.UniqueConstraint(
            fields=["agency", "plan", "audience", "role", "group"], name=f"unique_{name}", nulls_distinct=False
        ),
    ]


class ReadingRequirement(AudienceRequirement):
    """An agency requires some of its own people to acknowledge each new published version of a plan."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="reading_requirements")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="reading_requirements")
    group = models.ForeignKey(
        ReadingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    due_days = models.PositiveIntegerField(default=DEFAULT_DUE_DAYS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "plan", "id"]
        constraints = [
            *audience_constraints("reading_requirement"),
            models.CheckConstraint(
                condition=Q(due_days__gte=1, due_days__lte=365), name="reading_requirement_due_days_range"
            ),
        ]
        indexes = [models.Index(fields=["plan", "agency"])]

    def __str__(self) -> str:
        return f"{self.agency} requires {self.plan} ({self.audience})"


class ReadingObligation(models.Model):
    """One person owes (or has given) an acknowledgement of a plan's current version to one agency.

    Derived: `reading/sync.py` writes every row from the requirements, memberships, groups, grants and
    versions; nothing else does. Which reminders went out is in `ReadingReminder`, not here.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_obligations")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "user", "plan"], name="unique_reading_obligation"),
        ]
        indexes = [
            # The compliance view: per plan of an agency, counts by state.
            models.Index(fields=["agency", "plan", "acknowledged_at", "due_at"], name="reading_oblig_agency_plan_idx"),
            # The compliance view per person.
            models.Index(fields=["agency", "user"], name="reading_oblig_agency_user_idx"),
            # A person's queue: what they still owe, oldest due first.
            models.Index(
                fields=["user", "due_at"], condition=Q(acknowledged_at__isnull=True), name="reading_oblig_open_idx"
            ),
            # Reminders: open obligations by due date.
            models.Index(
                fields=["due_at"], condition=Q(acknowledged_at__isnull=True), name="reading_oblig_open_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} owes {self.agency} v{self.version_id} of plan {self.plan_id}"


class ReminderStage(models.IntegerChoices):
    # Ordered: an overdue reminder also stands for the "due soon" one (never sent stale after missed days).
    DUE_SOON = 1, "Due soon"
    OVERDUE = 2, "Overdue"


class ReadingReminder(models.Model):
    """The last reminder stage an obligation's person received for the version they owe.

    Kept out of `ReadingObligation` so that marking a state's 700,000 reminders writes narrow rows under one
    index instead of updating wide rows under six and firing the summary's triggers (docs/benchmarks.md). A
    mark for another version than the obligation's counts as none: a new version restarts the reminders
    without the sync touching this table. Deleting an obligation deletes its mark (a trigger of migration
    0003, per statement, so the ORM's deletes of obligations cost no extra query; no foreign key either,
    whose check would lock every obligation a mark is written for).
    """

    obligation = models.OneToOneField(
        ReadingObligation, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    stage = models.PositiveSmallIntegerField(choices=ReminderStage.choices)
    reminded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"obligation {self.obligation_id} v{self.version_id}: {self.get_stage_display()} {self.reminded_at}"


class ReadingSummary(models.Model):
    """How many of an agency's people owe a plan's version by one due date, and how many have not read it yet.

    The compliance page's per-plan counts without reading every obligation: a department's 400,000
    obligations are a few hundred rows here (people required at the same time share a due date). Kept equal
    to `ReadingObligation` in the same transaction as each of its writes by the database itself (the
    triggers of migration 0002, set-based per statement), so no writer, cascade or bulk statement can leave
    it behind. PostgreSQL only; elsewhere the selectors count the obligations.
    """

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("plans.PlanVersion", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    people = models.IntegerField(default=0)
    unread = models.IntegerField(default=0)

    class Meta:
        ordering = ["agency", "plan", "due_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "plan", "version", "due_at"], name="unique_reading_summary"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.plan_id} v{self.version_id} due {self.due_at}: {self.unread}/{self.people}"


# Training records share the audience and the groups above (docs/exercises.md, "Training records").
from reading.models_training import TrainingRecord, TrainingRequirement, TrainingSession  # noqa: E402

__all__ = [
    "Audience",
    "ReadingGroup",
    "ReadingGroupMember",
    "ReadingObligation",
    "ReadingReminder",
    "ReadingRequirement",
    "ReadingSummary",
    "TrainingRecord",
    "TrainingRequirement",
    "TrainingSession",
]
