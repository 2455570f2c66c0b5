"""Renderers for the open formats, and a mixin that keeps their refusals in the API's JSON error shape."""

from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from feeds.cap import ATOM_MEDIA_TYPE
from feeds.geojson import GEOJSON_MEDIA_TYPE
from feeds.ical import ICAL_MEDIA_TYPE


class GeoJSONRenderer(JSONRenderer):
    media_type = GEOJSON_MEDIA_TYPE
    format = "geojson"


class _BytesRenderer(BaseRenderer):
    """The view builds the document itself (icalendar, ElementTree); the renderer passes its bytes on."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data if isinstance(data, bytes) else b""


class ICalendarRenderer(_BytesRenderer):
    media_type = ICAL_MEDIA_TYPE
    format = "ics"


class AtomRenderer(_BytesRenderer):
    media_type = ATOM_MEDIA_TYPE
    format = "atom"


class JsonErrors:
    """A refusal (401, 403, 404, 429, 400) is the API's JSON error body, whatever format the success speaks."""

    def handle_exception(self, exc: Exception) -> Response:
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
        return response
