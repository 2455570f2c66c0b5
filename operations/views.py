"""Liveness, readiness and metrics: for probes and Prometheus, not people (docs/operations.md)."""

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import Metric
from prometheus_client.registry import Collector

from operations.health import readiness
from operations.metrics import ConcordCollector


@require_safe
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked (no database), so a database outage restarts nothing."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """200 when this process can serve (database, Redis, migrations, attachments folder), else 503."""
    checks = readiness()
    ok = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


class _ThisProcess(Collector):
    """The metrics of this process's default registry (a single-process server, or `runserver`)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def _authorised(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    supplied = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode())


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper with the METRICS_TOKEN bearer token; anyone else gets a 404."""
    if not _authorised(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # gunicorn's workers each write their request metrics to that folder (gunicorn.conf.py): add them up.
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(ConcordCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
