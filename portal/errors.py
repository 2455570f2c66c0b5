"""Domain errors raised by services; the API maps them to HTTP status codes in one place."""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A refusal that a caller can act on, with a message that says what to do next."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """The object is not in a state that allows the change (the API answers 409)."""


class InvalidInputError(DomainError):
    """The request names something impossible (the API answers 400)."""


class NotAllowedError(DomainError, PermissionDenied):
    """The actor may see the object but not do this to it: 403 from the API and from a web page alike
    (Django answers PermissionDenied with its 403 page), so a service's own check needs no translation."""


class SecondFactorRequiredError(NotAllowedError):
    """Content that needs multi-factor sign-in, asked for by a request that did not pass a second factor: 403
    with code `mfa_required` from the API, and a page that leads to setting one up or confirming it."""

    code = "mfa_required"
    # The agency whose setting (or "this platform") asks for it, for the page that explains.
    owner = ""


class PayloadTooLargeError(DomainError):
    """An upload over the size limit (the API answers 413)."""
