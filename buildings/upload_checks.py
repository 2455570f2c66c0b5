"""What a building document's file may be: PDF, PNG or JPEG, sniffed from its bytes (plans.upload_checks), sized."""

import hashlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from buildings.models import DocumentFileKind
from plans.upload_checks import attachment_kind_from_content, cleaned_filename, safe_filename
from portal.errors import InvalidInputError, PayloadTooLargeError


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    size: int
    sha256: str


def checked_upload(*, upload: UploadedFile, max_bytes: int) -> CheckedUpload:
    """The upload's real type (its name must agree), size and digest; 400 or 413 with what to do otherwise."""
    if upload.size is not None and upload.size > max_bytes:
        raise PayloadTooLargeError(
            f"The file is {upload.size} bytes; building documents may be at most {max_bytes // (1024 * 1024)} MB."
        )
    upload.seek(0)
    head = upload.read(8192)
    content_type = attachment_kind_from_content(head=head, filename=cleaned_filename(upload.name or ""))
    if content_type not in DocumentFileKind.values:
        # A phone opens these itself; a Word document would only download.
        raise InvalidInputError("Building documents are PDF, PNG or JPEG files; save it as a PDF first.", field="file")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        filename=safe_filename(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )
