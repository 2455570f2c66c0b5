"""Settings shared by every environment; everything deployment-specific comes from the environment."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key
from kombu import Queue

from portal.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CONCORD_VAR_DIR", str(BASE_DIR / "var")))

# A random key per process is fine for development; production.py insists on SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY") or get_random_secret_key()
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # allauth's passkey list page loads its template filters.
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "guardian",
    "axes",
    # Sign-in, multi-factor and single sign-on (django-allauth); sign-up stays closed (accounts.adapter).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "portal",
    "audit",
    "agencies",
    "plans",
    "notifications",
    "reviews",
    "sources",
    "consistency",
    "accounts",
    "dashboard",
    "identity",
    "reading",
    "feeds",
    "buildings",
    "offline",
    "onboarding",
    "packets",
    "operations",
    "exercises",
]

MIDDLEWARE = [
    # Request counts, latency and errors per view for Prometheus (operations/, docs/operations.md): first and last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID) every log line of the request and its tasks names; one log line per request.
    "portal.request_id.RequestIdMiddleware",
    # Outermost: any error under /api/ that is not JSON yet (unmatched URL, 400, 500) is answered as JSON.
    "portal.api.json_errors.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose check reads form bodies: an over-size request is refused before its body is read.
    "portal.request_size.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: a session it ends tells the sign-in page why.
    "portal.middleware.IdleTimeoutMiddleware",
    # A session that signed in (or confirmed) with a second factor may read content that needs one.
    "accounts.second_factor.SessionSecondFactorMiddleware",
    # After sign-in, the idle check and messages: whose agency requires MFA enrols before any other page.
    "accounts.middleware.MfaEnrolmentMiddleware",
    # Inside CommonMiddleware (a missing slash still redirects) and CSP: the product's 404 page even in DEBUG.
    "portal.not_found.NotFoundPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the lockout flag any sign-in path set and answers with the lockout page or JSON.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.active_agency",
                "notifications.context_processors.alerts",
                "reading.context_processors.to_read",
            ],
        },
    },
]

# Persistent connections (web and Celery workers alike, portal/celery.py): gunicorn's sync workers serve one
# request at a time, so each process needs exactly one connection, kept for DATABASE_CONN_MAX_AGE seconds and
# checked before reuse after an idle spell (a restarted PostgreSQL costs a reconnect, not an error). psycopg's
# pool (OPTIONS "pool") would give every process a pool for its single user: it pays in threaded or async
# servers, not here. DATABASE_CONN_MAX_AGE=0 opens a connection per request (the load bench's "before").
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every authenticate(request=...) call of a locked-out account or address.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with allauth's lookups: sign-in by username (the web form, the token endpoint, the admin).
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2 first: new passwords are hashed with it, and a password stored with one of the others is re-hashed
# with Argon2 the next time its owner signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# PASSWORD_BREACH_CHECK (on in production) asks the Pwned Passwords range API whether a new password is
# known from breaches (pwned-passwords-django: only the first 5 characters of its SHA-1 leave the server).
# When the API cannot be reached in PASSWORD_BREACH_CHECK_TIMEOUT seconds the password is checked against
# Django's list of 20,000 common passwords instead, as without the setting: never refused for the outage.
PASSWORD_BREACH_CHECK = env_bool("PASSWORD_BREACH_CHECK", False)
PWNED_PASSWORDS = {"API_TIMEOUT": env_int("PASSWORD_BREACH_CHECK_TIMEOUT", 2), "ADD_PADDING": True}
_COMMON_PASSWORDS = (
    "pwned_passwords_django.validators.PwnedPasswordsValidator"
    if PASSWORD_BREACH_CHECK
    else "django.contrib.auth.password_validation.CommonPasswordValidator"
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": _COMMON_PASSWORDS},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve app static files (API docs assets) straight from the packages until collectstatic has run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Attachments live outside every public URL (there is no MEDIA_URL route); they are
# served only by the permission-checked download view.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Multipart bodies above this are refused before Django reads them (the 25 MB file plus form overhead).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Paper of PDF exports (plans/export/): US agencies print on Letter; "a4" for everyone else.
EXPORT_PAPER_SIZE = env_str("EXPORT_PAPER_SIZE", "letter").lower()
if EXPORT_PAPER_SIZE not in ("letter", "a4"):
    raise ValueError(f"EXPORT_PAPER_SIZE={EXPORT_PAPER_SIZE!r} must be letter or a4.")

# Celery: without REDIS_URL every task runs eagerly in-process (the embedded default).
REDIS_URL = env_str("REDIS_URL")
# `make test` runs the suite in parallel pytest-xdist workers (gw0, gw1, ...); each takes its own Redis database
# (the configured one, then those below it), so one worker's cache flushes and Celery queues never meet another's.
if REDIS_URL and (_test_worker := os.environ.get("PYTEST_XDIST_WORKER", "")).startswith("gw"):
    _server, _, _database = REDIS_URL.rpartition("/")
    if int(_database or 0) < int(_test_worker[2:]):
        raise ValueError(
            f"REDIS_URL={REDIS_URL!r}: the parallel tests need a database number of {_test_worker[2:]} or more."
        )
    REDIS_URL = f"{_server}/{int(_database or 0) - int(_test_worker[2:])}"
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing a task (the web's on-commit hand-off, a fan-out's follow-up tasks) borrows a broker connection
# from this per-process pool instead of connecting to Redis each time; 0 connects per publish.
CELERY_BROKER_POOL_LIMIT = env_int("CELERY_BROKER_POOL_LIMIT", 10)
# Celery's Django fix-up closes the worker's database connection around every task unless this is set; with
# it, portal/celery.py applies CONN_MAX_AGE and the health check between tasks as Django does between
# requests (prefork and solo workers; a threads pool still closes per task), and the fix-up still closes
# the connection every this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Publishing fails fast when Redis is down (~0.1 s instead of seconds of retries): the request
    # never waits on the broker, and the outbox sweep re-dispatches what could not be handed over.
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_PUBLISH_RETRY = False
# Four queues, each consumed by its own worker service in docker-compose.yml, so fan-out and in-app
# alerts never wait behind e-mail, webhook delivery or a field packet's layout. A worker started without -Q
# consumes all four.
CELERY_TASK_QUEUES = (Queue("alerts"), Queue("email"), Queue("webhooks"), Queue("exports"))
CELERY_TASK_DEFAULT_QUEUE = "alerts"  # fan-out, the outbox sweep, reminders, and any task not routed below
CELERY_TASK_ROUTES = {
    "notifications.send_event_emails": {"queue": "email"},
    "notifications.send_events_emails": {"queue": "email"},
    "notifications.send_due_emails": {"queue": "email"},
    "notifications.send_daily_digests": {"queue": "email"},
    "notifications.deliver_webhook": {"queue": "webhooks"},
    "packets.build_field_packet": {"queue": "exports"},
    "packets.purge_old_packets": {"queue": "exports"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    # E-mails that are due again (retries, and the rest of a batch whose worker died once its lease ran out);
    # a copy not yet run when the next one is due is dropped, so a stopped e-mail worker piles nothing up.
    "send-due-emails": {"task": "notifications.send_due_emails", "schedule": 15.0, "options": {"expires": 15}},
    "daily-digests": {"task": "notifications.send_daily_digests", "schedule": crontab(hour=6, minute=0)},
    "reminders": {"task": "notifications.send_reminders", "schedule": crontab(hour=5, minute=0)},
    # Required reading: the full obligations sync (the safety net), then the reminders and weekly escalations.
    "reading-reminders": {"task": "reading.daily_reminders", "schedule": crontab(hour=5, minute=30)},
    # Audit rows past AUDIT_RETENTION_DAYS leave through the one path the append-only trigger allows.
    "audit-prune": {"task": "audit.prune_expired_events", "schedule": crontab(hour=3, minute=30)},
    # Field packets past PACKET_RETENTION_DAYS (files and rows).
    "packets-purge": {"task": "packets.purge_old_packets", "schedule": crontab(hour=3, minute=45)},
}
# Beat touches BEAT_HEARTBEAT_FILE on every tick; `manage.py healthcheck beat` (docker-compose) checks it is fresh.
CELERY_BEAT_SCHEDULER = "operations.beat:HeartbeatScheduler"
BEAT_HEARTBEAT_FILE = Path(env_str("BEAT_HEARTBEAT_FILE", str(Path(tempfile.gettempdir()) / "concord-beat-heartbeat")))
BEAT_HEARTBEAT_MAX_AGE_SECONDS = env_int("BEAT_HEARTBEAT_MAX_AGE_SECONDS", 120)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# The cache holds only throttle counters. With Redis unreachable (or refusing writes), django-redis
# answers a miss for every read and drops every write instead of raising, so throttles let requests
# through and nothing answers 500; portal.outages turns its per-call tracebacks into one warning line a
# minute. Sessions live in the database, not here.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "concord"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
                # django-redis keeps one connection pool per process (reused by every request); a connection
                # idle this long is pinged before use, so one dropped by Redis or a firewall is replaced.
                "CONNECTION_POOL_KWARGS": {"health_check_interval": 30},
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "portal.cache"
# With PostgreSQL unreachable, requests answer 503 with this Retry-After (portal/unavailable.py).
UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("UNAVAILABLE_RETRY_AFTER_SECONDS", 30)

# E-mail: the console backend in development unless EMAIL_HOST is given.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Concord <concord@localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)

WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# At most this many webhook attempts of one agency run at once; the rest wait their turn at the back of the queue.
WEBHOOK_AGENCY_CONCURRENCY = env_int("WEBHOOK_AGENCY_CONCURRENCY", 2)
# Keep-alive connections to webhook receivers, reused by later deliveries in the same worker process while the
# host resolves to the same checked address (notifications/channels/webhook_pools.py); false: one per delivery.
WEBHOOK_CONNECTION_REUSE = env_bool("WEBHOOK_CONNECTION_REUSE", True)
# At most this many receivers' pools per process (least recently used closed first), this many idle connections
# kept in each, and a pool unused this long is closed.
WEBHOOK_POOLS_MAX = env_int("WEBHOOK_POOLS_MAX", 64)
WEBHOOK_POOL_CONNECTIONS = env_int("WEBHOOK_POOL_CONNECTIONS", 8)
WEBHOOK_POOL_IDLE_SECONDS = env_int("WEBHOOK_POOL_IDLE_SECONDS", 30)
# A worker sending e-mail holds its batch this long, renewing it as it goes; after a crash the rest of the
# batch is due again this long later and the e-mail sweep (every 15 s) sends it: within a minute in all.
EMAIL_SEND_LEASE_SECONDS = env_int("EMAIL_SEND_LEASE_SECONDS", 30)

# Alerting: an event or delivery still pending this long after it was due is re-dispatched by the sweep.
OUTBOX_SWEEP_GRACE_SECONDS = env_int("OUTBOX_SWEEP_GRACE_SECONDS", 60)
# Partners that have not acknowledged the current version this many days after publication are reminded.
ACKNOWLEDGEMENT_REMINDER_DAYS = env_int("ACKNOWLEDGEMENT_REMINDER_DAYS", 14)
# Days before a scheduled exercise that its participants are reminded of it (exercises/reminders.py).
EXERCISE_REMINDER_DAYS = env_int("EXERCISE_REMINDER_DAYS", 3)

# django-guardian: no anonymous user row; anonymous visitors are refused before any object check.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The client address: how many reverse proxies in front each append the address they saw to
# X-Forwarded-For. 0 (the default) trusts no forwarded header and uses the TCP peer (REMOTE_ADDR).
# Declared once, as REST_FRAMEWORK["NUM_PROXIES"]; portal.api.request_info.client_ip applies it for
# throttling, sign-in lockout and the audit trail.
_NUM_PROXIES = env_int("NUM_PROXIES", 0)
if _NUM_PROXIES < 0:
    raise ValueError(f"NUM_PROXIES={_NUM_PROXIES} must be 0 or more.")

# Sign-in lockout (django-axes, attempts kept in the database): after LOGIN_FAILURE_LIMIT failed
# sign-ins for one account (from any address), or LOGIN_ADDRESS_FAILURE_LIMIT from one address (for
# any accounts: a station's NAT is shared), every sign-in path refuses that account or address, even
# with the right password, until LOGIN_COOLOFF_MINUTES after the last failure (0: until an operator
# deletes the records in the admin's "Access attempts").
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
_LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=_LOGIN_COOLOFF_MINUTES) if _LOGIN_COOLOFF_MINUTES > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.api.request_info.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.sign_in.lockout_response"
# A success does not clear the count: an attacker with one account of their own could otherwise
# reset their address's count between guesses at other accounts.
AXES_RESET_ON_SUCCESS = False
# Attempts while locked out do not extend the lock, so the time the lockout page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "portal.sign_in.SignInLockoutHandler"
# allauth's form posts the username as "login"; the token endpoint and the admin post "username".
AXES_USERNAME_CALLABLE = "portal.sign_in.attempted_username"
# Every failed sign-in also stays in "Access failures" (the last 1,000 per username) after the
# counting rows above expire; successful sign-ins and sign-outs are in "Access logs".
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# The audit trail is kept this many days (CJIS asks for at least a year): a system check refuses less than
# 365, and the database's own floor (audit/migrations/0013) refuses to delete anything younger anyway.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
# Field packets (PDF copies of plans) are deleted from the server this many days after they were asked for.
PACKET_RETENTION_DAYS = env_int("PACKET_RETENTION_DAYS", 7)

# Password-reset e-mails (django-ratelimit): requests allowed per e-mail address and per client address.
PASSWORD_RESET_RATE_PER_EMAIL = env_str("PASSWORD_RESET_RATE_PER_EMAIL", "3/h")
PASSWORD_RESET_RATE_PER_ADDRESS = env_str("PASSWORD_RESET_RATE_PER_ADDRESS", "20/h")
# With the cache unreachable, resets are not limited rather than refused for everyone.
RATELIMIT_FAIL_OPEN = True

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.StandardPagination",
    # DRF's parsers, with a JSON parser that answers 400 to bodies nested too deep to decode.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.UserRateThrottle",
        "portal.api.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "5000/hour"),
        "auth": env_str("API_THROTTLE_AUTH", "20/minute"),
        # Per calendar-feed link (feeds/): calendar apps poll every 15 minutes or so.
        "calendar_feed": env_str("API_THROTTLE_CALENDAR_FEED", "60/hour"),
    },
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    # Never None: DRF would then take the whole, client-written header as the address.
    "NUM_PROXIES": _NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# API tokens (django-rest-knox, accounts.ApiToken): only a SHA-512 digest is stored; a token expires after
# API_TOKEN_IDLE_DAYS without use (each use extends it, written at most once a minute) and, if
# API_TOKEN_MAX_AGE_DAYS is set, that many days after it was issued whatever its use.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_IDLE_DAYS", 30)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=env_int("API_TOKEN_MAX_AGE_DAYS", 0)) or None,
    "MIN_REFRESH_INTERVAL": 60,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Concord API",
    "DESCRIPTION": "Interagency response-plan coordination: agencies, facilities, "
    "versioned plans, sharing and acknowledgements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation also lists the errors it can answer with (portal/api/schema.py): the schema is the contract.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",
    ],
    # The API's contract is JSON (uploads say multipart themselves); the form parsers serve the browsable API,
    # and a form cannot carry the nulls of nullable fields.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "agencies.models.AgencyKind",
        "FacilityKindEnum": "agencies.models.FacilityKind",
        "RoleEnum": "agencies.models.Role",
        "AssignmentRoleEnum": "agencies.models.AssignmentRole",
        "PlanKindEnum": "plans.models.PlanKind",
        "EventTypeEnum": "notifications.models.EventType",
        "FactKeyEnum": "consistency.models.FactKey",
        "VersionStateEnum": "plans.models.VersionState",
        "DocumentKindEnum": "buildings.models.DocumentKind",
        "ExerciseKindEnum": "exercises.models.ExerciseKind",
        "FindingKindEnum": "exercises.models.FindingKind",
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# django-allauth: sign-in by username only (an e-mail login would give one account two lockout counters);
# nobody signs up (people come from agency invitations, accounts.adapter), and invited people's addresses
# are not re-verified.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = False
# Sessions last SESSION_COOKIE_AGE, cut short by the session policy below: no "remember me".
ACCOUNT_SESSION_REMEMBER = True
# django-axes is the one sign-in lockout (every path, per account and per address); allauth's own
# failed-login limit would answer first with other rules.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Single sign-on: one OpenID Connect provider per agency (identity.AgencySSO), matched to existing members only.
SOCIALACCOUNT_ADAPTER = "identity.adapter.SocialAccountAdapter"
# Nothing is kept of the provider's tokens; the ID token is checked and the person signed in.
SOCIALACCOUNT_STORE_TOKENS = False

# Multi-factor sign-in (allauth.mfa): an authenticator app (TOTP, its QR code drawn by the app), recovery
# codes, and passkeys or security keys (WebAuthn, which browsers allow on https or on localhost only).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Concord"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Platform staff (the Django admin, agency creation) must enrol too; production.py turns it on by default.
REQUIRE_MFA_FOR_STAFF = env_bool("REQUIRE_MFA_FOR_STAFF", False)
# Every law-enforcement-sensitive plan's content needs a second factor, whatever its owner's own setting says.
REQUIRE_MFA_FOR_SENSITIVE_READS = env_bool("REQUIRE_MFA_FOR_SENSITIVE_READS", False)

# The platform's session policy; an agency may set its own (Agency.session_idle_minutes, session_max_hours)
# and a person in several agencies gets the strictest (agencies/session_policy.py). Signed-in sessions end
# after SESSION_IDLE_TIMEOUT_SECONDS of inactivity (background polling is not activity), and in any case
# SESSION_MAX_LIFETIME_SECONDS after sign-in. These are `make run`'s defaults; production.py follows CJIS.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 8 * 3600)
SESSION_MAX_LIFETIME_SECONDS = env_int("SESSION_MAX_LIFETIME_SECONDS", 14 * 24 * 3600)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
# Who decides a person's session policy: the kernel's middleware asks this (it imports no domain app).
SESSION_POLICY_CALLABLE = "agencies.session_policy.session_policy_for"
# An invitation's link to choose a password works this long; then the agency's admins can send a new one.
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7)
# How often open pages poll for new alerts (the issue asks for a new alert within 5 seconds).
ALERT_POLL_SECONDS = env_int("ALERT_POLL_SECONDS", 3)

# Only our own origin, no inline scripts or styles: every asset is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The installable app (offline/): its service worker and manifest come from Concord itself.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Prometheus metrics (/metrics/) answer only a scraper sending `Authorization: Bearer <METRICS_TOKEN>`; unset, 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Production logs JSON lines through Django's LOGGING in every process, Celery's included (portal/settings/logs.py).
LOGGING_OWNS_CELERY = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Outages of Redis and PostgreSQL log one line a minute, not a traceback per request (portal/outages.py);
    # 4xx answers (refusals) are one line each; only 5xx keep their traceback (portal/logging_filters.py).
    "filters": {
        "cache_outage": {"()": "portal.outages.CacheOutageFilter"},
        "skip_unavailable": {"()": "portal.unavailable.SkipUnavailableResponses"},
        "client_errors_on_one_line": {"()": "portal.logging_filters.ClientErrorsOnOneLine"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "portal.cache": {"filters": ["cache_outage"]},
        "django.request": {"filters": ["skip_unavailable"]},
        "django.db.backends": {"level": "INFO"},
        # Eager tasks (no REDIS_URL) run inside the web process: no per-task success lines there.
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        # One line per request and per task (portal/request_id.py, portal/task_context.py): production turns
        # them on; in development runserver and Celery already write their own.
        "concord.request": {"level": "WARNING"},
        "concord.task": {"level": "WARNING"},
    },
}
