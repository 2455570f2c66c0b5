from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("dashboard.urls")),
    path("accounts/", include("accounts.urls")),
    # Sign-in (django-allauth, with its multi-factor and single sign-on pages) and password pages.
    path("accounts/", include("accounts.auth_urls")),
    # Single sign-on: the "sign in with my agency" step, and each agency provider's allauth login and callback.
    path("", include("identity.urls")),
    path("accounts/", include("identity.allauth_urls")),
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
