"""Settings of the test identity provider: everything lives in OIDC_PROVIDER_DIR (a temp dir), nothing committed."""

import os
from pathlib import Path

STATE = Path(os.environ["OIDC_PROVIDER_DIR"])
ISSUER = os.environ["OIDC_PROVIDER_ISSUER"]  # http://127.0.0.1:<port>, the exact `iss` of its ID tokens

SECRET_KEY = os.environ.get("OIDC_PROVIDER_SECRET", "test-idp-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
WSGI_APPLICATION = "tests.oidc_provider.wsgi.application"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.oidc_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": STATE / "idp.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
# The browser holds Concord's cookies for the same host (127.0.0.1): the provider's must not overwrite them.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
LOGIN_URL = "/login/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": (STATE / "rsa.pem").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.EmailClaimsValidator",
    "SCOPES": {"openid": "OpenID Connect", "email": "E-mail address", "profile": "Name"},
    "PKCE_REQUIRED": True,
}
