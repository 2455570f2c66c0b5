"""Production logging: one JSON object per line, each naming the request (or task) it was written for."""

import copy
from typing import Any


def json_logging(base: dict[str, Any], level: str) -> dict[str, Any]:
    """The base LOGGING (its filters kept) with JSON lines, the request id on each, and one line per request
    (`concord.request`) and per Celery task (`concord.task`) in place of gunicorn's and Celery's own."""
    config = copy.deepcopy(base)
    config["formatters"] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        }
    }
    config["filters"]["request_id"] = {"()": "portal.request_id.RequestIdLogFilter"}
    console = config["handlers"]["console"]
    console["formatter"] = "json"
    console["filters"] = [*console.get("filters", []), "request_id"]
    config["loggers"].update(
        {
            "concord.request": {"level": "INFO"},
            "concord.task": {"level": "INFO"},
            # Celery's own per-task lines ("received", "succeeded in"): concord.task writes the one line instead;
            # failures and retries still come through at WARNING and above.
            "celery.app.trace": {"level": "WARNING"},
            "celery.worker.strategy": {"level": "WARNING"},
            # Django's development server line per request (never used in production) stays out.
            "django.server": {"level": "WARNING"},
        }
    )
    config["root"]["level"] = level
    return config
