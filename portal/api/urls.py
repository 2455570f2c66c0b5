from django.urls import include, path

from portal.api.root import ApiRootView

urlpatterns = [
    path("", ApiRootView.as_view(), name="api-root"),
    path("", include("accounts.api.urls")),
    path("", include("agencies.api.urls")),
    path("", include("plans.api.urls")),
    path("", include("reviews.api.concurrence_urls")),
    path("", include("sources.api.urls")),
    path("", include("consistency.api.conflict_urls")),
    path("", include("consistency.api.fact_urls")),
    path("", include("notifications.api.inapp_urls")),
    path("", include("notifications.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("identity.api.urls")),
    path("", include("reading.api.urls_manage")),
    path("", include("reading.api.urls_queue")),
    path("", include("reading.api.urls_compliance")),
    path("", include("reading.api.urls_training")),
    path("", include("feeds.api.urls")),
    path("", include("buildings.api.urls")),
    path("", include("packets.api.urls")),
    path("", include("onboarding.api.urls")),
    path("", include("exercises.api.urls")),
]
