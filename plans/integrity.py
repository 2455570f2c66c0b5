"""Whether stored plans are still what was published: every released version's content digest recomputed from its
rows, and every attachment's digest recomputed from its file. Run after a restore (`manage.py plans_verify`)."""

import hashlib
from collections.abc import Iterator

from django.core.files.storage import Storage

from plans.models import Attachment, PlanVersion
from plans.services.versions import content_sha256

CHUNK = 1024 * 1024


def version_digest_problems() -> Iterator[str]:
    """Each released version whose sections, attachments or key facts no longer hash to its recorded digest."""
    released = PlanVersion.objects.exclude(content_sha256="").order_by("pk")
    for version in released.iterator(chunk_size=500):
        if content_sha256(version) != version.content_sha256:
            yield f"plan {version.plan_id} version {version.number}: its content no longer matches its content_sha256"


def attachment_digest_problems() -> Iterator[str]:
    """Each attachment whose file is missing or whose bytes no longer hash to the digest recorded at upload."""
    for attachment in Attachment.objects.order_by("pk").iterator(chunk_size=500):
        storage: Storage = attachment.file.storage
        name = attachment.file.name or ""
        where = f"attachment {attachment.pk} ({attachment.filename}) of version {attachment.version_id}"
        if not storage.exists(name):
            yield f"{where}: the file {name} is missing"
            continue
        digest = hashlib.sha256()
        with storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != attachment.sha256:
            yield f"{where}: the file {name} differs from its recorded sha256"
