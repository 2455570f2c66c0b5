from django.urls import include, path

urlpatterns = [
    path("", include("agencies.api.urls")),
    path("", include("plans.api.urls")),
]
