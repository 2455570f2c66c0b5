"""Settings of the load benchmark's gunicorn: portal.settings.production, static files hashed but not compressed.

The pages render `{% static %}` through the same manifest lookup as in production; only the gzip/brotli copies,
which collectstatic takes minutes to write and the load generator never requests, are left out. The manifest
goes to var/bench-static, away from the image's staticfiles/.
"""

from portal.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}  # noqa: F405
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405
