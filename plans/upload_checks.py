"""Decides what an uploaded file really is, from its bytes, and refuses anything else."""

from pathlib import PurePosixPath

import filetype

from plans.models import AttachmentKind
from portal.errors import InvalidInputError

_EXTENSIONS: dict[str, set[str]] = {
    AttachmentKind.PDF: {".pdf"},
    AttachmentKind.PNG: {".png"},
    AttachmentKind.JPEG: {".jpg", ".jpeg"},
    AttachmentKind.DOCX: {".docx"},
}
ALLOWED_DESCRIPTION = "PDF, PNG, JPEG or DOCX"


MAX_STORED_NAME = 200
# Longer "extensions" are not ones a file of an allowed type has: such a name is cut like any other.
_MAX_SUFFIX = 10


def cleaned_filename(name: str) -> str:
    """The last path component of an uploaded file's name, printable, without characters unsafe in a header."""
    base = PurePosixPath(name.replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?') or "attachment"


def safe_filename(name: str) -> str:
    """A cleaned name of at most MAX_STORED_NAME characters; a long name is shortened before its extension."""
    cleaned = cleaned_filename(name)
    if len(cleaned) <= MAX_STORED_NAME:
        return cleaned
    suffix = PurePosixPath(cleaned).suffix
    if len(suffix) > _MAX_SUFFIX:
        suffix = ""
    return cleaned[: MAX_STORED_NAME - len(suffix)] + suffix


def attachment_kind_from_content(*, head: bytes, filename: str) -> str:
    """The content type sniffed from the first bytes; the name's extension must agree with it."""
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime not in _EXTENSIONS:
        found = f"it looks like {mime}" if mime else "its type could not be recognised"
        raise InvalidInputError(f"Only {ALLOWED_DESCRIPTION} files can be attached; {found}.", field="file")
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in _EXTENSIONS[mime]:
        expected = " or ".join(sorted(_EXTENSIONS[mime]))
        raise InvalidInputError(
            f"The file's content is {AttachmentKind(mime).label} but its name ends in "
            f"'{suffix or '(nothing)'}'; rename it to end in {expected}.",
            field="file",
        )
    return mime
