"""The packet laid out by WeasyPrint: Concord's own stylesheets and the packet's images, nothing else (no URL
in a plan's text is ever fetched: plans/export/fetcher.py)."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from packets.content import PacketContent
from plans.export.document import PAPER_SIZES
from plans.export.pdf import _weasyprint

TEMPLATE = "packets/packet_pdf.html"
CONTENT_TYPE = "application/pdf"


def packet_html(content: PacketContent) -> str:
    """The HTML WeasyPrint lays out (a test may read it to see the layout's input)."""
    return render_to_string(TEMPLATE, {"packet": content, "paper_size": PAPER_SIZES[settings.EXPORT_PAPER_SIZE]})


def render_packet_pdf(content: PacketContent) -> bytes:
    """The PDF bytes; PdfUnavailableError when WeasyPrint cannot load Pango on this machine."""
    html_class, fetcher_class = _weasyprint()
    images = content.images

    class PacketFetcher(fetcher_class):  # type: ignore[misc,valid-type]  # WeasyPrint is imported on first use
        """Also serves the packet's own images (already read as the reader may see them), by their name."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in images:
                from weasyprint.urls import URLFetcherResponse

                body, content_type = images[url]
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
            return super().fetch(url, headers)

    pdf: bytes = html_class(
        string=packet_html(content), base_url="concord-export:/", url_fetcher=PacketFetcher()
    ).write_pdf()
    return pdf
