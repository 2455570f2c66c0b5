"""The installable app: its manifest, its service worker (at the site's root, so its scope is the whole site) and
the list of pages the signed-in person's device may keep offline."""

from django.urls import path

from offline import views

app_name = "offline"

urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("service-worker.js", views.service_worker, name="service-worker"),
    path("offline/urls/", views.offline_urls, name="urls"),
]
