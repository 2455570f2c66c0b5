"""An export as PDF: the export template rendered to HTML, laid out by WeasyPrint (Pango) on Letter or A4 pages
whose margins carry the classification marking, the copy's identity, the reader (sensitive plans) and
"Page X of Y"."""

import logging
from typing import Any

from django.template.loader import render_to_string

from plans.export.document import ExportDocument
from portal.errors import DomainError

logger = logging.getLogger(__name__)

TEMPLATE = "plans/export/version.html"
CONTENT_TYPE = "application/pdf"
UNAVAILABLE = (
    "PDF export is not available on this server: WeasyPrint cannot load the Pango library. "
    "Run `make install` (it installs Debian's Pango packages) or see the README; Word export still works."
)


class PdfUnavailableError(DomainError):
    """WeasyPrint or the system libraries it needs (Pango) are missing on this machine."""


def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's HTML class and our fetcher, imported on first use: without Pango the import fails, and the
    rest of Concord (Word export included) must keep working."""
    # WeasyPrint reports each layout step at INFO; one export is one line of ours (the audit row), not seven.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        from weasyprint import HTML

        from plans.export.fetcher import StaticOnlyFetcher
    except (ImportError, OSError) as error:
        logger.error("PDF export unavailable: %s", error)
        raise PdfUnavailableError(UNAVAILABLE) from error
    return HTML, StaticOnlyFetcher


def export_html(document: ExportDocument) -> str:
    """The HTML WeasyPrint lays out (also what a test reads to see the layout's input)."""
    return render_to_string(TEMPLATE, {"doc": document})


def render_pdf(document: ExportDocument) -> bytes:
    """The PDF bytes of an export."""
    html_class, fetcher_class = _weasyprint()
    html = html_class(string=export_html(document), base_url="concord-export:/", url_fetcher=fetcher_class())
    pdf: bytes = html.write_pdf()
    return pdf
