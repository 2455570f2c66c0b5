"""Plans, their immutable published versions, sections, attachments, shares and acknowledgements."""

import os
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.safestring import SafeString
from guardian.models import GroupObjectPermissionBase

from portal.errors import ConflictError


class PlanKind(models.TextChoices):
    SCHOOL_EOP = "school_eop", "School emergency operations plan"
    AGENCY_RESPONSE = "agency_response", "Agency response plan"
    REUNIFICATION = "reunification", "Reunification plan"
    MUTUAL_AID = "mutual_aid", "Mutual aid agreement"
    OTHER = "other", "Other"


class Classification(models.TextChoices):
    PUBLIC = "public", "Public"
    PARTNER = "partner", "Partners only"
    LAW_ENFORCEMENT_SENSITIVE = "law_enforcement_sensitive", "Law-enforcement sensitive"


# From most to least restrictive: moving a plan down this list widens who may read it.
CLASSIFICATION_RANK = {
    Classification.LAW_ENFORCEMENT_SENSITIVE: 2,
    Classification.PARTNER: 1,
    Classification.PUBLIC: 0,
}


def classification_lowers(*, old: str, new: str) -> bool:
    """True when `new` lets more people read the plan than `old` (e.g. sensitive -> public)."""
    return CLASSIFICATION_RANK[Classification(new)] < CLASSIFICATION_RANK[Classification(old)]


def classification_words(value: object) -> str:
    """A classification as a sentence says it ("law-enforcement sensitive"); the raw value if unknown."""
    return str(Classification(value).label).lower() if value in Classification.values else str(value or "unknown")


class Plan(models.Model):
    """A response plan owned by one agency; its content lives in versions."""

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=PlanKind.choices)
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="plans")
    facilities = models.ManyToManyField("agencies.Facility", related_name="plans", blank=True)
    hazards = models.JSONField(default=list, blank=True)
    classification = models.CharField(max_length=32, choices=Classification.choices, default=Classification.PARTNER)
    review_interval_days = models.PositiveIntegerField(default=365)
    next_review_due = models.DateField(null=True, blank=True)
    current_version = models.OneToOneField(
        "PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Title and current sections as plain text; `search_vector` is its PostgreSQL tsvector.
    search_document = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The "New plan" form's one-time key (or an API client's Idempotency-Key): a double-submit creates one plan.
    creation_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        permissions = [("comment_plan", "Can comment on plan")]
        indexes = [
            models.Index(fields=["owner_agency", "title"]),
            models.Index(fields=["kind"]),
            # Covers the public side of the plan list's first query (access/plan_rows.py) without heap reads.
            models.Index(fields=["classification", "title", "id"], name="plans_plan_class_title_idx"),
            models.Index(fields=["next_review_due"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_law_enforcement_sensitive(self) -> bool:
        """Every read of such a plan's content is audited, and its e-mails name titles only (no file names)."""
        return self.classification == Classification.LAW_ENFORCEMENT_SENSITIVE


class PlanGroupObjectPermission(GroupObjectPermissionBase):
    """Direct foreign-key guardian table: an agency group's grants on a plan (joins without casts).

    Grants go to agencies' groups only (access/grants.py); there is no per-user table: guardian falls back to
    its generic one for user permissions, which nothing in Concord assigns."""

    content_object = models.ForeignKey(Plan, on_delete=models.CASCADE)
    # The plan's title, copied by database triggers (PostgreSQL; migration 0004) so that the plan list
    # sorts an agency's ~1,000 visible plans from this index alone instead of fetching every plan row.
    # Only ever an ordering key: visibility comes from the grant itself, and the page shows plans_plan.title.
    plan_title = models.CharField(max_length=200, default="", editable=False)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["group", "permission", "plan_title", "content_object"], name="plans_grant_title_idx")
        ]


class VersionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Fields a service may still change on a version that has left draft (its lifecycle, not its content).
LIFECYCLE_FIELDS = frozenset({"state", "withdrawn_at", "withdrawn_by", "superseded_at"})


class PlanVersion(models.Model):
    """One numbered version of a plan; immutable once it leaves draft."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=VersionState.choices, default=VersionState.DRAFT)
    change_summary = models.TextField(blank=True)
    # The current version number when this draft was started; publishing refuses a stale base.
    based_on_number = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_version_number"),
            # The database itself guarantees exactly one current version per plan.
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(state="published"),
                name="one_published_version_per_plan",
            ),
        ]
        indexes = [models.Index(fields=["plan", "state"])]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored_state = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored_state not in (None, VersionState.DRAFT):
                update_fields = kwargs.get("update_fields")
                if update_fields is None or not set(update_fields) <= LIFECYCLE_FIELDS:
                    raise ConflictError(
                        f"Version {self.number} is {stored_state} and cannot be edited; start a new draft instead."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not self.is_draft:
            raise ConflictError(f"Version {self.number} is {self.state} and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT


class DraftContentMixin(models.Model):
    """Content rows of a version: writable only while the version is a draft."""

    version_id: int  # the concrete model's foreign key to its PlanVersion

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self) -> None:
        state = PlanVersion.objects.filter(pk=self.version_id).values_list("state", flat=True).first()
        if state is not None and state != VersionState.DRAFT:
            raise ConflictError("This version is no longer a draft; its content cannot change.")


class Section(DraftContentMixin):
    """One ordered section of a version (Basic Plan, an annex, …) with a Markdown body."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The body as pages show it, set by plans.section_html on the sections a page shows (not a column).
    html: SafeString

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_section_key"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"


class SectionHtml(models.Model):
    """A released section's body as its pages show it (Markdown rendered, sanitized, headings demoted), computed
    once when its version is published instead of on every view (plans/section_html.py).

    A cache of the immutable body, so it sits beside the section rather than on it: the section row stays
    untouchable once published (plans.0003's triggers), while this row may be written again when the renderer
    changes (`renderer` other than the running one's fingerprint counts as missing)."""

    section = models.OneToOneField(Section, primary_key=True, on_delete=models.CASCADE, related_name="stored_html")
    renderer = models.CharField(max_length=16)
    html = models.TextField()

    def __str__(self) -> str:
        return f"Rendered section {self.section_id} ({self.renderer})"


class SectionDiffHtml(models.Model):
    """The changes between a released section and the same section of another released version, marked as "What
    changed" shows them (plans/section_diff_html.py): compared once per pair instead of on every view.

    Like `SectionHtml`, a cache of immutable inputs kept beside the sections (deleted with either of them);
    `renderer` other than the running one's fingerprint (section renderer, diff code, lxml) counts as missing.
    Only pages that already read both sections look a pair up, by their ids."""

    before = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+", db_index=False)
    after = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    renderer = models.CharField(max_length=16)
    html = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["before", "after"], name="unique_section_diff_pair")]

    def __str__(self) -> str:
        return f"Changes from section {self.before_id} to {self.after_id} ({self.renderer})"


class PrivateMediaStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, which no URL serves; read at use time so tests can move it."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateMediaStorage()


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store under an opaque name so a guessed path reveals nothing."""
    return f"attachments/{instance.sha256[:2]}/{instance.token}"


class AttachmentKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG image"
    JPEG = "image/jpeg", "JPEG image"
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    )


class Attachment(DraftContentMixin):
    """A file attached to a version (map, floor plan, signed page); served only after a permission check."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class PlanReview(models.Model):
    """A periodic review that found nothing to change: it restarts the review clock without a new version."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    # The current version the review confirmed, unchanged.
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    # The next review date this review set (the plan's own date moves on with later reviews and publishes).
    next_review_due = models.DateField()

    class Meta:
        ordering = ["plan", "-reviewed_at", "-id"]
        indexes = [models.Index(fields=["plan", "-reviewed_at"], name="plans_review_plan_latest_idx")]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} reviewed {self.reviewed_at:%Y-%m-%d}, no changes"


class ShareLevel(models.TextChoices):
    VIEW = "view", "View"
    COMMENT = "comment", "Comment"


class PlanShare(models.Model):
    """Who shared a plan with which partner agency at which level; the access itself is guardian grants."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="plan_shares")
    level = models.CharField(max_length=16, choices=ShareLevel.choices)
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["plan", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "agency"], name="unique_share_per_agency")]

    def __str__(self) -> str:
        return f"{self.plan} → {self.agency} ({self.level})"


class Acknowledgement(models.Model):
    """A person confirms they have read a version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="unique_personal_ack")]
        indexes = [models.Index(fields=["user", "version"])]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


class AgencyAcknowledgement(models.Model):
    """An admin or liaison confirms, for the whole agency, that it holds a version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="agency_acknowledgements")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="acknowledgements")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [models.UniqueConstraint(fields=["version", "agency"], name="unique_agency_ack")]
        indexes = [models.Index(fields=["agency", "version"])]

    def __str__(self) -> str:
        return f"{self.agency} acknowledged {self.version}"
