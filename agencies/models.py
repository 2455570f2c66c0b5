"""Agencies (the tenants), their members and roles, the buildings they own and who is assigned to them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

# Bounds of an agency's session policy: a minute to a day without activity; an hour to two weeks in all.
IDLE_MINUTES_MIN, IDLE_MINUTES_MAX = 1, 24 * 60
LIFETIME_HOURS_MIN, LIFETIME_HOURS_MAX = 1, 14 * 24


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    FIRE = "fire", "Fire"
    EMS = "ems", "EMS"
    SCHOOL_DISTRICT = "school_district", "School district"
    EMERGENCY_MANAGEMENT = "emergency_management", "Emergency management"
    HOSPITAL = "hospital", "Hospital"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A police, fire, EMS, school or other agency: the tenant; its Group carries its object permissions."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    jurisdiction = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # Everyone in the agency signs in with a second factor; who has none is sent to enrol (accounts.mfa_policy).
    require_mfa = models.BooleanField(
        "require multi-factor sign-in",
        # A database default too: bulk loaders, and the previous release during an upgrade, insert without it.
        db_default=False,
        default=False,
        help_text="Everyone in this agency must sign in with a second factor (authenticator app or passkey).",
    )
    # Reading this agency's law-enforcement-sensitive plans takes a session (or token) that passed a second
    # factor, whoever reads them (access.second_factor); titles still list.
    les_read_requires_mfa = models.BooleanField(
        "law-enforcement-sensitive plans need multi-factor sign-in",
        default=False,
        # Also in the database: rows inserted without it (bulk loaders, the previous release mid-upgrade) get off.
        db_default=False,
        help_text="People must have passed multi-factor sign-in to read this agency's law-enforcement-sensitive "
        "plans (partners' people included); the plans' titles still show in lists.",
    )
    # The installable app's offline copies (offline/) leave out this agency's law-enforcement-sensitive plans
    # unless it allows them: a phone that is lost keeps what it cached until it is next online.
    les_offline_copies = models.BooleanField(
        "law-enforcement-sensitive plans may be kept offline",
        default=False,
        db_default=False,
        help_text="Its people, and partners' people assigned to the building, may keep offline copies of this "
        "agency's law-enforcement-sensitive plans on their devices (off: those plans need a connection).",
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    # The agency's session policy; empty: the platform's (SESSION_IDLE_TIMEOUT_SECONDS, SESSION_MAX_LIFETIME_SECONDS).
    session_idle_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(IDLE_MINUTES_MIN), MaxValueValidator(IDLE_MINUTES_MAX)],
        help_text="Sign its people out after this many minutes without activity (empty: the platform's default).",
    )
    session_max_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(LIFETIME_HOURS_MIN), MaxValueValidator(LIFETIME_HOURS_MAX)],
        help_text="Sign its people out this many hours after they signed in, active or not (empty: the platform's).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    PLANNER = "planner", "Planner"
    LIAISON = "liaison", "Liaison"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """A user's role within one agency; a user may belong to several agencies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # When this agency last sent the person an invitation (their new account's link to choose a password);
    # null for people added with an existing account. The link expires INVITATION_EXPIRY_DAYS later.
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="unique_membership_per_agency")]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.agency} ({self.role})"


class FacilityKind(models.TextChoices):
    ELEMENTARY_SCHOOL = "elementary_school", "Elementary school"
    MIDDLE_SCHOOL = "middle_school", "Middle school"
    HIGH_SCHOOL = "high_school", "High school"
    K12_SCHOOL = "k12_school", "K-12 school"
    PRIVATE_SCHOOL = "private_school", "Private school"
    DISTRICT_OFFICE = "district_office", "District office"
    PUBLIC_SAFETY = "public_safety", "Public safety building"
    OTHER = "other", "Other"


class Facility(models.Model):
    """A building an agency owns (usually a school) that plans cover."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=FacilityKind.choices)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="facilities")
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        indexes = [models.Index(fields=["owner_agency", "name"]), models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name


class AssignmentRole(models.TextChoices):
    SCHOOL_RESOURCE_OFFICER = "school_resource_officer", "School Resource Officer"
    FIRE_INSPECTOR = "fire_inspector", "Fire inspector"
    LIAISON = "liaison", "Liaison"
    OTHER = "other", "Other"


class PersonnelAssignment(models.Model):
    """A person of an agency assigned to a building, e.g. the School Resource Officer of a school."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="assignments")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(
        max_length=32, choices=AssignmentRole.choices, default=AssignmentRole.SCHOOL_RESOURCE_OFFICER
    )
    # The assignment's dates: ending one sets `ended_on` instead of deleting it, so a school's SRO history stays.
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility__name", "user__username"]
        constraints = [
            # One current assignment per person, building and role; ended ones are history and may repeat.
            models.UniqueConstraint(
                fields=["user", "facility", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="unique_current_assignment_per_role",
            )
        ]
        indexes = [
            models.Index(fields=["facility", "ended_on"]),
            models.Index(fields=["user", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.facility}"


class FacilityContact(models.Model):
    """Someone to call about a building, in the order to call them (principal, custodian, the 24/7 line)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="contacts")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=100, help_text="The role to ask for, e.g. Principal or 24/7 line.")
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40)
    alt_phone = models.CharField("alternative phone", max_length=40, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["facility", "position", "pk"]
        indexes = [models.Index(fields=["facility", "position"])]

    def __str__(self) -> str:
        return f"{self.label} — {self.facility}"
