"""The product's URLs plus the bench-only reference endpoints (loaded through `bench.settings`)."""

from django.urls import path

from bench import views
from portal.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/floor/", views.FloorView.as_view(), name="bench-floor"),
    path("bench/html-floor/", views.html_floor, name="bench-html-floor"),
    path("bench/naive/plans/", views.NaivePlanListView.as_view(), name="bench-naive-plans"),
    path("bench/naive/plans/<int:pk>/", views.NaivePlanDetailView.as_view(), name="bench-naive-plan"),
    *product_urlpatterns,
]
