"""WeasyPrint's only way to load anything: Concord's own static files, by name. Every other URL (http, https,
ftp, file, data...) is refused, so a URL in a plan's text can never make the server send a request (SSRF) or
read a local file; WeasyPrint leaves the refused resource out and renders the rest."""

import logging
import mimetypes
import re
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# `<link href="concord-static:plans/export.css">`: a static file of the app, by its name under static/.
STATIC_SCHEME = "concord-static:"
_STATIC_NAME = re.compile(r"[a-z0-9_-]+(/[a-z0-9_.-]+)+")


class ExportFetchRefusedError(ValueError):
    """A URL the export may not load."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `concord-static:<name>` from the static files; refuses everything else without opening it."""

    def __init__(self) -> None:
        # No timeout, redirect or protocol matters: nothing is ever opened over a network.
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        name = url.removeprefix(STATIC_SCHEME) if url.startswith(STATIC_SCHEME) else None
        path = finders.find(name) if name and _STATIC_NAME.fullmatch(name) and ".." not in name else None
        if not isinstance(path, str):
            self.refused.append(url)
            logger.warning("Export: refused to load %r (only Concord's own static files are loaded).", url[:200])
            raise ExportFetchRefusedError(f"Exports load only Concord's static files, not {url[:200]!r}.")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": content_type})
