"""Checks an uploaded Word file as the hostile zip package it may be, before any parser reads it.

A .docx is a zip of XML parts and media. Nothing here trusts it: the declared sizes of every entry are checked
(zipfile never inflates an entry past its declared size, so the declared total bounds the work of the converter
that reads it afterwards), XML parts may not declare a DOCTYPE (no entity expansion, no external entities), and
parts that are not text or pictures (macros, embedded objects, ActiveX controls) are never read, only reported.
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from portal.errors import InvalidInputError

# Generous for any real plan (a 300-page plan with photographs is well under these), small enough for one request.
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024
# XML parts are parsed into memory whole (the main document of a long plan is a few megabytes).
MAX_XML_PART_BYTES = 8 * 1024 * 1024
# Deflate gains 5-20x on XML and little on pictures; a bomb gains a thousandfold. Small entries are not judged.
MAX_COMPRESSION_RATIO = 120
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

_WORD_MAIN_TYPES = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_MACRO_MAIN_TYPES = (b"macroEnabled.main+xml", b"macroEnabledTemplate.main+xml")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and password-protected documents
_XML_SUFFIXES = (".xml", ".rels")
_SCAN_CHUNK = 64 * 1024

NOT_A_DOCX = (
    "This file is not a Word document (.docx). In Word, open it and choose File, Save As, Word Document (.docx), "
    "then upload that file."
)


@dataclass
class PackageReport:
    """What the package holds besides text and pictures, which the import leaves out and reports."""

    macros: bool = False
    embedded_objects: int = 0
    active_x: int = 0
    warnings: list[str] = field(default_factory=list)


def readable_size(size: int) -> str:
    """A byte count as a person reads it: “25 MB”, “900 KB”."""
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def _refuse(message: str) -> InvalidInputError:
    return InvalidInputError(message, field="file")


def docx_package_check(content: bytes, *, filename: str) -> PackageReport:
    """Refuse (InvalidInputError on `file`) anything but a plausible, bounded Word package; report what it holds
    that will not be imported."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".doc":
        raise _refuse(
            "This is an older Word document (.doc). In Word, open it and choose File, Save As, Word Document "
            "(.docx), then upload that file."
        )
    if suffix != ".docx":
        shown = PurePosixPath(filename).suffix or "(none)"
        raise _refuse(f"Choose a Word document whose name ends in .docx; this one ends in {shown}.")
    if content.startswith(_OLE_SIGNATURE):
        raise _refuse(
            "This is an older Word 97-2003 document or a password-protected one. In Word, remove the password "
            "if it has one and save it as a Word Document (.docx), then upload that file."
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise _refuse(NOT_A_DOCX) from exc
    with package:
        _check_sizes(entries)
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
            raise _refuse(NOT_A_DOCX)
        for entry in entries:
            if entry.filename.lower().endswith(_XML_SUFFIXES):
                _check_xml_part(package, entry)
        content_types = _read_small(package, "[Content_Types].xml")
        if not any(kind in content_types for kind in _WORD_MAIN_TYPES):
            raise _refuse(
                "This file is an Office document, but not a Word one (perhaps Excel or PowerPoint). "
                "Upload the plan as a Word document (.docx)."
            )
        return _report(names, macro_main=any(kind in content_types for kind in _MACRO_MAIN_TYPES))


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise _refuse(f"The document holds {len(entries)} parts; at most {MAX_ENTRIES} can be imported.")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _refuse("The document is encrypted; remove its password in Word, save it and upload it again.")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(NOT_A_DOCX)
        total += entry.file_size
        if entry.file_size >= RATIO_CHECKED_FROM_BYTES and (
            entry.compress_size == 0 or entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO
        ):
            raise _refuse(
                "The document contains a part that expands far beyond its stored size (a “zip bomb”); "
                "it was not opened."
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            f"The document unpacks to {total // (1024 * 1024)} MB; at most "
            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB can be imported. Compress its pictures in Word "
            "(Picture Format, Compress Pictures) or split it."
        )


def _check_xml_part(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """An XML part within its size that declares no DOCTYPE (Word never writes one; entities are the only use)."""
    if entry.file_size > MAX_XML_PART_BYTES:
        raise _refuse(
            f"The document's text part “{entry.filename}” is {entry.file_size // (1024 * 1024)} MB; at most "
            f"{MAX_XML_PART_BYTES // (1024 * 1024)} MB can be imported. Split the document and import it in parts."
        )
    tail = b""
    try:
        with package.open(entry) as stream:
            while chunk := stream.read(_SCAN_CHUNK):
                window = (tail + chunk).upper()
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise _refuse(
                        "The document contains XML declarations Word never writes (a DOCTYPE); it was not opened."
                    )
                tail = chunk[-16:]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise _refuse(f"The document is damaged ({entry.filename} cannot be read). {NOT_A_DOCX}") from exc


def _read_small(package: zipfile.ZipFile, name: str) -> bytes:
    try:
        return package.read(name)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
        raise _refuse(f"The document is damaged ({name} cannot be read). {NOT_A_DOCX}") from exc


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _report(names: set[str], *, macro_main: bool) -> PackageReport:
    lowered = [name.lower() for name in names]
    report = PackageReport(
        macros=macro_main or any(name.endswith("vbaproject.bin") or "/vba" in name for name in lowered),
        embedded_objects=sum(1 for name in lowered if name.startswith("word/embeddings/")),
        active_x=sum(1 for name in lowered if name.startswith("word/activex/") and name.endswith(".xml")),
    )
    if report.macros:
        report.warnings.append("The document contains macros; they were left out (Concord never runs them).")
    if report.embedded_objects:
        report.warnings.append(
            f"{_count(report.embedded_objects, 'embedded object')} (such as a spreadsheet or drawing) "
            f"{'was' if report.embedded_objects == 1 else 'were'} left out; attach them to the draft as PDF files "
            "if partners need them."
        )
    if report.active_x:
        report.warnings.append("Form controls (ActiveX) were left out.")
    return report
