"""Production settings: base settings plus the hardening that `manage.py check --deploy` asks for."""

from django.core.exceptions import ImproperlyConfigured

from portal.settings.base import *  # noqa: F403
from portal.settings.env import env_bool, env_int, env_str
from portal.settings.logs import json_logging

SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production; "
        'generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

DEBUG = env_bool("DEBUG", False)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# Static files come only from collectstatic's manifest (built into the image): base.py's development
# conveniences, looking files up in the apps and rescanning on every request, are off.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Platform staff sign in with a second factor unless the operator says otherwise (REQUIRE_MFA_FOR_STAFF=false).
REQUIRE_MFA_FOR_STAFF = env_bool("REQUIRE_MFA_FOR_STAFF", True)
# Passkeys and security keys only on https origins.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
# CJIS Security Policy: a session locks after at most 30 minutes of inactivity; agencies may set their own.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
# One working shift; past it the person signs in again whatever their activity.
SESSION_MAX_LIFETIME_SECONDS = env_int("SESSION_MAX_LIFETIME_SECONDS", 12 * 3600)
# New passwords are checked against the Pwned Passwords breach corpus (fails open to Django's common list).
PASSWORD_BREACH_CHECK = env_bool("PASSWORD_BREACH_CHECK", True)
if PASSWORD_BREACH_CHECK:
    AUTH_PASSWORD_VALIDATORS[2] = {"NAME": "pwned_passwords_django.validators.PwnedPasswordsValidator"}  # noqa: F405

# Probes and the Prometheus scraper talk to gunicorn directly over plain HTTP (docker-compose's healthchecks,
# an orchestrator's probes): they get the real answer, not a redirect to https. The metrics need their token.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics/$"]

# One JSON object per line (python-json-logger), with the request id; Celery's processes log the same way.
LOGGING = json_logging(LOGGING, env_str("LOG_LEVEL", "INFO"))  # noqa: F405
LOGGING_OWNS_CELERY = True

# Optional error reporting to Sentry, on only when SENTRY_DSN is set; no personal data is sent (ids only).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
