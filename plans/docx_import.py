"""A Word document (.docx) → the sections of a plan draft, its tables as Markdown and its pictures as files.

Pure: no database, no files written. The upload is checked as a hostile package first (plans/docx_package.py);
mammoth then reads it into HTML with a style map of our own (never one embedded in the document, never a file or
URL the document links to), the HTML is reduced to the few elements a plan section has, split at the top heading
level used, and each part is written as Markdown (plans/docx_markdown.py).
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import filetype
import mammoth
from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString
from django.utils.text import slugify

from plans.docx_markdown import html_to_markdown
from plans.docx_package import NOT_A_DOCX, docx_package_check, readable_size
from plans.upload_checks import attachment_kind_from_content, cleaned_filename
from portal.errors import InvalidInputError

logger = logging.getLogger(__name__)

INTRODUCTION = "Introduction"
TITLE_MAX = 200
KEY_MAX = 80
MAX_WARNINGS = 20
IMAGE_SRC = "concord-image:"
_DOCUMENT_TITLE = "document-title"

# Heading 1-6 are mammoth's defaults; these add what Word's own templates use for titles, lists and quotations,
# and leave out the table of contents (the plan page lists its sections itself).
STYLE_MAP = "\n".join(
    [
        f"p[style-name='Title'] => p.{_DOCUMENT_TITLE}:fresh",
        "p[style-name='Subtitle'] => p:fresh",
        "p[style-name='TOC Heading'] => !",
        *(f"p[style-name='{name} {level}'] => !" for name in ("toc", "TOC") for level in range(1, 10)),
        "p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh",
        "p[style-name='List Bullet 3'] => ul|ol > li > ul|ol > li > ul > li:fresh",
        "p[style-name='List Number 2'] => ul|ol > li > ol > li:fresh",
        "p[style-name='List Number 3'] => ul|ol > li > ul|ol > li > ol > li:fresh",
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        "p[style-name='Caption'] => p > em:fresh",
    ]
)

# What a section keeps; anything else mammoth could write is unwrapped to its text.
_KEPT = {
    "p",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "img",
    "blockquote",
}
_DROPPED = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
_ATTRIBUTES = {"a": {"href"}, "td": {"colspan"}, "th": {"colspan"}, "img": {"src", "alt"}}
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")
_HEADING = re.compile(r"^h([1-6])$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_STYLE_WARNING = re.compile(r"^Unrecognised (paragraph|run|table) style: '?(.+?)'? \(Style ID: .*\)$")
_PICTURE_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}


@dataclass(frozen=True)
class ImportedImage:
    """A picture of the document that will become an attachment of the draft."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class ImportLimits:
    """What one draft may hold (the editor's and the API's limits) and the size of one attachment."""

    max_sections: int
    max_section_chars: int
    max_image_bytes: int
    max_images: int = 100


@dataclass
class ImportedDocument:
    """The document as a plan draft: its title (if it states one), sections, pictures and what to check."""

    title: str
    sections: list[dict[str, str]]
    tables: int
    images: list[ImportedImage]
    warnings: list[str] = field(default_factory=list)


def docx_convert(content: bytes, *, filename: str, limits: ImportLimits) -> ImportedDocument:
    """Convert an uploaded .docx; InvalidInputError (on `file`) with what to do for anything that cannot be."""
    report = docx_package_check(content, filename=filename)
    pictures = _PictureCollector(filename=filename, limits=limits)
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            include_embedded_style_map=False,
            external_file_access=False,
            convert_image=mammoth.images.img_element(pictures.collect),
            id_prefix="import-",
        )
    except Exception as exc:  # a hostile or broken document makes the parser raise anything (ExpatError, KeyError…)
        logger.info("Word import of %r refused: %s: %s", filename, type(exc).__name__, exc)
        message = f"The document could not be read: it may be damaged. {NOT_A_DOCX}"
        raise InvalidInputError(message, field="file") from exc
    warnings = [*report.warnings, *pictures.warnings, *_mammoth_warnings(result.messages)]
    document = _split(str(result.value), pictures=pictures, filename=filename, limits=limits, warnings=warnings)
    if len(document.warnings) > MAX_WARNINGS:
        hidden = len(document.warnings) - MAX_WARNINGS + 1
        document.warnings = [*document.warnings[: MAX_WARNINGS - 1], f"… and {hidden} more."]
    return document


class _PictureCollector:
    """mammoth's image handler: keeps PNG and JPEG pictures (as attachments) and reports the others."""

    def __init__(self, *, filename: str, limits: ImportLimits) -> None:
        self.stem = slugify(PurePosixPath(cleaned_filename(filename)).stem)[:60] or "document"
        self.limits = limits
        self.seen = 0
        self.kept: dict[str, ImportedImage] = {}  # src placeholder -> picture
        self.labels: dict[str, str] = {}  # src placeholder -> the text that stands in the section
        self.warnings: list[str] = []

    def collect(self, image: Any) -> dict[str, str]:
        self.seen += 1
        number, src = self.seen, f"{IMAGE_SRC}{self.seen}"
        alt = " ".join(str(image.alt_text or "").split())[:200]
        described = f"Image {number}" + (f" ({alt})" if alt else "")
        if len(self.kept) >= self.limits.max_images:
            self._skip(src, described, f"only the first {self.limits.max_images} images are imported")
            return {"src": src}
        try:
            with image.open() as stream:
                data = stream.read(self.limits.max_image_bytes + 1)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
            # A picture linked to a file or web address outside the document is never fetched.
            reason = "it is linked from outside the document" if "external" in str(exc) else "it could not be read"
            self._skip(src, described, reason)
            return {"src": src}
        if len(data) > self.limits.max_image_bytes:
            limit = readable_size(self.limits.max_image_bytes)
            self._skip(src, described, f"it is larger than {limit}; compress it in Word and attach it by hand")
            return {"src": src}
        guess = filetype.guess(data[:8192])
        extension = _PICTURE_EXTENSIONS.get(guess.mime if guess else "")
        name = f"{self.stem}-image-{number:02d}{extension or ''}"
        if extension is None or not _attachable(data, name):
            kind = (guess.extension.upper() if guess else str(image.content_type or "unknown").split("/")[-1]) or "?"
            self._skip(
                src,
                described,
                f"it is a {kind} picture and only PNG and JPEG can be attached; in Word, right-click it, "
                "choose Save as Picture… as PNG and attach that file to the draft",
            )
            return {"src": src}
        self.kept[src] = ImportedImage(filename=name, content=data)
        self.labels[src] = f"[{described} — attached as “{name}”]"
        return {"src": src}

    def _skip(self, src: str, described: str, reason: str) -> None:
        self.labels[src] = f"[{described} — not imported]"
        self.warnings.append(f"{described} was not imported: {reason}.")


def _attachable(data: bytes, name: str) -> bool:
    """Whether the attachment service's own check (plans/upload_checks.py) takes the picture under this name."""
    try:
        attachment_kind_from_content(head=data[:8192], filename=name)
    except InvalidInputError:
        return False
    return True


def _mammoth_warnings(messages: list[Any]) -> list[str]:
    styles: list[str] = []
    others: list[str] = []
    for message in messages:
        text = str(getattr(message, "message", message))
        matched = _STYLE_WARNING.match(text)
        if matched:
            if matched.group(2) not in styles:
                styles.append(matched.group(2))
        elif text not in others:
            others.append(text)
    warnings = [f"Word reported: {text}" for text in others]
    if styles:
        shown = ", ".join(f"“{name}”" for name in styles[:8]) + (" …" if len(styles) > 8 else "")
        warnings.insert(0, f"Text in styles Concord does not know was imported as ordinary paragraphs: {shown}.")
    return warnings


def _clean(soup: BeautifulSoup) -> None:
    """Keep only what a plan section renders; links only to the web, e-mail or phone."""
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag) or tag.decomposed:
            continue
        if tag.name in _DROPPED:
            tag.decompose()
            continue
        title = tag.name == "p" and _DOCUMENT_TITLE in tag.get_attribute_list("class")
        if tag.name not in _KEPT:
            tag.unwrap()
            continue
        keep = _ATTRIBUTES.get(tag.name, set())
        tag.attrs = {name: value for name, value in tag.attrs.items() if name in keep}
        if title:
            tag.attrs["class"] = _DOCUMENT_TITLE
        if tag.name == "a":
            href = _CONTROL.sub("", str(tag.get("href") or "")).lower()
            if not href.startswith(_SAFE_SCHEMES):
                tag.unwrap()  # bookmarks, the table of contents' jumps, javascript: and file: links keep their text


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _split(
    html: str, *, pictures: _PictureCollector, filename: str, limits: ImportLimits, warnings: list[str]
) -> ImportedDocument:
    soup = BeautifulSoup(html, "html.parser")
    if soup.find(["td", "th"], attrs={"rowspan": True}):
        warnings.append("A table has cells merged across rows; Markdown tables cannot show that, so check it.")
    _clean(soup)
    title = ""
    for paragraph in soup.find_all("p", class_=_DOCUMENT_TITLE):
        if isinstance(paragraph, Tag):
            if title or not _text(paragraph):
                paragraph.attrs = {}  # a second title paragraph stays as text
            else:
                title = _text(paragraph)[:TITLE_MAX]
                paragraph.decompose()
    for image in soup.find_all("img"):
        if isinstance(image, Tag):
            label = pictures.labels.get(str(image.get("src")), "[Image — not imported]")
            replacement = soup.new_tag("em")
            replacement.string = label
            image.replace_with(replacement)
    tables = soup.find_all("table")
    outer_tables = [t for t in tables if isinstance(t, Tag) and t.find_parent("table") is None]
    if len(outer_tables) < len(tables):
        warnings.append("A table inside a table cell was flattened into the cell's text; check it.")
    if soup.find(["s", "del"]):
        warnings.append("Struck-through text was imported as ordinary text; check whether it should stay.")

    blocks = [child for child in soup.children if not (isinstance(child, NavigableString) and not child.strip())]
    levels = [int(m.group(1)) for b in blocks if isinstance(b, Tag) and (m := _HEADING.match(b.name or ""))]
    top = min(levels) if levels else None
    parts: list[tuple[str, list[Any]]] = []
    current_title, current = "", list[Any]()
    for block in blocks:
        level = _heading_level(block)
        if top is not None and level == top:
            if current or current_title:
                parts.append((current_title, current))
            current_title, current = _text(block) if isinstance(block, Tag) else "", []
            if not current_title:
                current_title = f"Untitled section {len(parts) + 1}"
                warnings.append(f"A heading without text was imported as “{current_title}”.")
            continue
        if level is not None and top is not None and isinstance(block, Tag):
            block.name = f"h{min(6, level - top + 2)}"  # under the section's own title, which pages show as h2
        current.append(block)
    if current or current_title:
        parts.append((current_title, current))
    if top is None:
        warnings.append(
            "The document uses no heading styles, so it was imported as one section. In Word, give each section "
            "title the style Heading 1 and import it again, or split the text in the editor."
        )
    sections = _sections(parts, title=title, filename=filename, limits=limits, warnings=warnings)
    return ImportedDocument(
        title=title,
        sections=sections,
        tables=len(outer_tables),
        images=list(pictures.kept.values()),
        warnings=warnings,
    )


def _heading_level(block: Any) -> int | None:
    matched = _HEADING.match(block.name or "") if isinstance(block, Tag) else None
    return int(matched.group(1)) if matched else None


def _sections(
    parts: list[tuple[str, list[Any]]],
    *,
    title: str,
    filename: str,
    limits: ImportLimits,
    warnings: list[str],
) -> list[dict[str, str]]:
    sections: list[dict[str, str]] = []
    taken: set[str] = set()
    only_one = len(parts) == 1 and not parts[0][0]
    for heading, blocks in parts:
        body = html_to_markdown("".join(str(block) for block in blocks))
        if not heading:
            if not body:
                continue
            heading = (title or title_from_filename(filename)) if only_one else INTRODUCTION
        if len(heading) > TITLE_MAX:
            warnings.append(f"The heading “{heading[:60]}…” was shortened to {TITLE_MAX} characters.")
            heading = heading[: TITLE_MAX - 1].rstrip() + "…"
        if len(body) > limits.max_section_chars:
            raise InvalidInputError(
                f"The section “{heading[:80]}” is {len(body):,} characters long; a section may have at most "
                f"{limits.max_section_chars:,}. In Word, split it with Heading styles, then import again.",
                field="file",
            )
        key = _unique_key(heading, taken)
        taken.add(key)
        sections.append({"key": key, "title": heading, "body": body})
    if not sections:
        raise InvalidInputError("The document has no text to import.", field="file")
    if len(sections) > limits.max_sections:
        raise InvalidInputError(
            f"The document has {len(sections)} top-level headings; a plan may have at most {limits.max_sections} "
            "sections. In Word, use Heading 1 only for the main parts (Heading 2 for the rest), then import again.",
            field="file",
        )
    return sections


def title_from_filename(filename: str) -> str:
    """A plan title for a document that states none: its file name, readable."""
    stem = PurePosixPath(cleaned_filename(filename)).stem
    return " ".join(stem.replace("_", " ").split())[:TITLE_MAX] or "Imported plan"


def _unique_key(title: str, taken: set[str]) -> str:
    """A slug of the title that no other section of the draft uses (the editor makes keys the same way)."""
    base = slugify(title)[:KEY_MAX].strip("-") or "section"
    key, counter = base, 2
    while key in taken:
        suffix = f"-{counter}"
        key = base[: KEY_MAX - len(suffix)].rstrip("-") + suffix
        counter += 1
    return key
