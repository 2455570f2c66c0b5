from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.password_reset import RateLimitedPasswordResetView

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    # Before Django's account URLs, so reset e-mails are rate-limited.
    path("accounts/password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("identity.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("plans.urls")),
    path("", include("reviews.urls")),
    path("", include("reviews.urls_concurrence")),
    path("", include("agencies.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL: no inline script, so the CSP holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    path("api/v1/", include("portal.api.urls")),
]

# A database outage answers 503 with Retry-After (page or JSON); every other uncaught error is Django's 500.
handler500 = "portal.unavailable.server_error"
