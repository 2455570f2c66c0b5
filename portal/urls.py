from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.favicon import favicon

# The admin signs in on the one sign-in page too, so its second factor cannot be skipped there (set before
# admin.site.urls is read below).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("feeds.urls")),
    # Sign-in (django-allauth, with its multi-factor and single sign-on pages) and password pages.
    path("accounts/", include("accounts.auth_urls")),
    # Single sign-on: the "sign in with my agency" step, and each agency provider's allauth login and callback.
    path("", include("identity.urls")),
    path("accounts/", include("identity.allauth_urls")),
    path("", include("plans.urls")),
    path("", include("reviews.urls")),
    path("", include("reviews.urls_concurrence")),
    path("", include("sources.urls")),
    path("", include("agencies.urls")),
    path("", include("notifications.urls")),
    path("", include("audit.urls")),
    path("", include("reading.urls_manage")),
    path("", include("reading.urls_queue")),
    path("", include("reading.urls_compliance")),
    path("", include("reading.urls_training")),
    path("", include("buildings.urls")),
    # The installable app: manifest and service worker at the site's root, and what a device may keep offline.
    path("", include("offline.urls")),
    path("", include("packets.urls")),
    # Liveness, readiness and Prometheus metrics (docs/operations.md).
    path("", include("operations.urls")),
    path("", include("onboarding.urls")),
    path("", include("exercises.urls")),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL: no inline script, so the CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # The browsable API signs in and out through the one sign-in page (with its second factor and lockout).
    path(
        "api-auth/",
        include(
            (
                [
                    path("login/", RedirectView.as_view(pattern_name="login", query_string=True), name="login"),
                    path("logout/", RedirectView.as_view(pattern_name="logout"), name="logout"),
                ],
                "rest_framework",
            )
        ),
    ),
    path("api/v1/", include("portal.api.urls")),
]

# A database outage answers 503 with Retry-After (page or JSON); every other uncaught error is Django's 500.
handler500 = "portal.unavailable.server_error"
# Content behind multi-factor sign-in answers a page that leads to it; any other refusal is the 403 page.
handler403 = "portal.forbidden.permission_denied"
