"""Log filters: keep the log readable and free of noise that hides real errors."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (4xx: 403 for a forbidden action, 404 for what a user may not see) is logged as its one
    "Forbidden: /path" line; only server errors (5xx) keep their traceback.

    Django's request logger attaches the exception to a 403 it turned into a response, so every refusal wrote a
    full traceback: thousands of lines a day for routine access control, burying the 500s that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and 400 <= status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
