"""The installable app's manifest and service worker, and the one list that tells the worker what it may keep."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from access.offline import offline_set
from offline.urls_kept import offline_urls_of

# The worker's own caches: a new name here makes every installed worker drop the old ones.
CACHE_VERSION = "1"


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Concord installs on a phone's home screen and opens on the dashboard."""
    data = {
        "name": "Concord",
        "short_name": "Concord",
        "description": "Interagency emergency plans: your buildings and their plans, online and offline.",
        "id": "/",
        "start_url": reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": [
            {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site's root so that it controls every page (never from a cache: the
    browser checks for a new one at each navigation)."""
    script = render_to_string(
        "offline/service-worker.js",
        {"cache_version": CACHE_VERSION, "urls_endpoint": reverse("offline:urls"), "static_prefix": static("")},
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_safe
def offline_urls(request: HttpRequest) -> JsonResponse:
    """The pages and files the person's device may keep offline now; the worker drops every other copy. Someone
    signed out gets 401, and their device drops everything."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Not signed in: keep nothing offline.", "urls": []}, status=401)
    kept = offline_set(user=request.user)
    buildings = [
        {"name": facility.name, "url": reverse("agencies:facility-detail", kwargs={"facility_id": facility.pk})}
        for facility in kept.facilities
    ]
    return JsonResponse({"as_of": timezone.now().isoformat(), "urls": offline_urls_of(kept), "buildings": buildings})
