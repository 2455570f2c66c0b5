"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request of the API needs (400, not 500)."""

from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest request body of the API (a draft's sections, a webhook's events) has 3 levels; 32 leaves room.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON parse error - the body is nested more than {MAX_JSON_DEPTH} levels deep."


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit`, walked without recursion."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """Python's decoder recurses once per level: a body of thousands of `[` was a RecursionError and a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(TOO_DEEP)
        return data
