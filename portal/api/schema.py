"""The OpenAPI schema says what the server answers: the error responses every operation can give.

drf-spectacular documents the success response of each view; the refusals come from shared machinery
(authentication, permissions, throttling, parsers, pagination, the 404 of a lookup) and are added here,
once, by a postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]). Responses a view documents
itself, such as a 409 in `extend_schema(responses=...)` with CONFLICT below, are kept as they are.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR_REF = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR_REF = {"$ref": "#/components/schemas/ValidationError"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A refusal: what went wrong, in words for a person.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: messages per field (`non_field_errors` for the body as a whole), `detail` for a
# body that is not valid JSON, or one entry per item when the body is a list.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "description": "Messages per field name (`non_field_errors` for the request as a whole, `detail` when the "
    "body cannot be parsed); a list of such objects, one per item, when the request body is a list.",
    "oneOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
    ],
}


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal that is not a validation error."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


def conflict(description: str) -> OpenApiResponse:
    """A 409 for `extend_schema(responses=...)`: the request is valid but the object's state refuses it."""
    return OpenApiResponse(ErrorSerializer, description=description)


def _error(description: str, ref: dict[str, Any] = ERROR_REF, headers: dict | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": ref}}}
    if headers:
        response["headers"] = headers
    return response


BAD_REQUEST = _error("Invalid input: messages per field.", VALIDATION_ERROR_REF)
UNAUTHENTICATED = _error("Not signed in: no, an expired or an invalid token or session.")
FORBIDDEN = _error(
    "Signed in, but your role does not allow this on an object you may see (or a session request without "
    "its CSRF token)."
)
NOT_FOUND = _error("No such object among those you may see (or a page number past the last page).")
TOO_LARGE = _error("The request body is over the size limit.")
UNSUPPORTED_MEDIA_TYPE = _error("The request body's Content-Type is not one this operation reads.")
THROTTLED = _error(
    "Too many requests; try again after the number of seconds in Retry-After.",
    headers={"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}},
)


def _is_authenticated(operation: dict[str, Any]) -> bool:
    """Whether the operation refuses anonymous callers (an empty requirement in `security` allows them)."""
    return {} not in operation.get("security", [{}])


def _error_responses(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    parameters = operation.get("parameters", [])
    query = [p for p in parameters if p.get("in") == "query"]
    path = [p for p in parameters if p.get("in") == "path"]
    has_body = "requestBody" in operation
    paginated = any(p["name"] == "page" for p in query)
    responses: dict[str, dict[str, Any]] = {}
    if has_body or query or method in ("post", "put", "patch"):
        responses["400"] = BAD_REQUEST
    if _is_authenticated(operation):
        responses["401"] = UNAUTHENTICATED
    responses["403"] = FORBIDDEN
    if path or paginated:
        responses["404"] = NOT_FOUND
    if has_body or method in ("post", "put", "patch"):
        responses["413"] = TOO_LARGE
        responses["415"] = UNSUPPORTED_MEDIA_TYPE
    responses["429"] = THROTTLED
    return responses


# Objects the server checks key by key, refusing any key it does not know (consistency/facts.py).
CLOSED_OBJECTS = ("KeyFacts", "KeyFactsRequest", "Place", "PlaceRequest")


# Array limits a nested `many=True` serializer checks in its `validate_<field>`, which drf-spectacular cannot see.
ARRAY_LIMITS = {("VersionWriteRequest", "sections"): (1, 200), ("PatchedVersionWriteRequest", "sections"): (1, 200)}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: every operation lists the refusals the shared machinery can answer with."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas["ValidationError"] = VALIDATION_ERROR_SCHEMA
    for (name, field), (least, most) in ARRAY_LIMITS.items():
        if name in schemas:
            schemas[name]["properties"][field].update(minItems=least, maxItems=most)
    for name in CLOSED_OBJECTS:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, response in _error_responses(method, operation).items():
                operation["responses"].setdefault(code, response)
    return result
