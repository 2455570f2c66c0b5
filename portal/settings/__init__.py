"""Development settings: the embedded defaults (SQLite, eager Celery) unless the environment says otherwise."""

from portal.settings.base import *  # noqa: F403
